"""The classic mistakes of one step, each worked out by the engine with that mistake made.

For a step of a :class:`~explorer.lesson.walkthrough.Walkthrough`, :func:`mistakes`
lists what a student making one of the well-known slips would have written,
as numbers of this very network, so that a quiz can name the slip behind a
wrong answer on any network the explorer builds.  Nothing here is matched as
text or stored per figure.

The slips come in two kinds, each in its own module:

:mod:`.rerun_mistakes`   the engine itself run with one thing changed (an
                         :class:`~explorer.engine.network.Options` or record
                         variant, see :mod:`.reruns`), read at the step's place:
                         ``sign``, ``half``, ``slope_as_out``,
                         ``updated_for_old`` / ``old_for_updated``,
                         ``net_for_out``, ``bias``, ``eta``
:mod:`.factor_mistakes`  one factor of one formula, from the engine's own
                         factors for the step: ``factor``, ``one_path``,
                         ``slope_as_out`` in one product, and for a slope
                         ``net_for_out`` / ``out_for_net``
:mod:`.softmax_mistakes` a softmax output's: ``independent``, ``cross_terms``,
                         ``log_sign``

Each slip is worked out on the numbers the step itself is computed from: in
batch mode a mean's and an update's from the whole batch, a per-example
gradient's from its example, every other step's from the example shown.
The names the quiz says are in :data:`MISTAKES`.
"""

from __future__ import annotations

import math

from . import factor_mistakes as factor
from . import rerun_mistakes as rerun
from . import softmax_mistakes as softmax
from .known_mistakes import MISTAKES, Mistake
from .reruns import Context
from .steps import Step
from .walkthrough import Walkthrough

__all__ = ["MISTAKES", "Mistake", "agrees", "mistakes"]


#: In the order a diagnosis names them when two give the same number.
_ALL = (
    rerun.sign,
    factor.factor,
    factor.one_path,
    rerun.order,
    rerun.slope_as_out,
    factor.slope_as_out_here,
    rerun.net_for_out,
    factor.slope_arguments,
    rerun.bias,
    rerun.half,
    rerun.eta,
    softmax.independent,
    softmax.cross_terms,
    softmax.log_sign,
)


def mistakes(walk: Walkthrough, step: Step, figures: int = 6) -> list[Mistake]:
    """The classic mistakes that apply to ``step``, each with the value it gives.

    A mistake is left out where it gives no finite number, or one within a
    unit of the right value's ``figures``-th significant figure (written to
    that many figures it could read as right: no mistake to tell about).  Two mistakes giving
    the same number are both kept, in the order of :data:`MISTAKES`' checks.

    Parameters
    ----------
    walk : the iteration (its network, inputs and targets)
    step : one of ``walk.steps``
    figures : significant figures that tell a mistake from the right value
    """
    c = Context(walk)
    found = []
    for rule in _ALL:
        for mistake in rule(c, step):
            if not math.isfinite(mistake.value) or agrees(mistake.value, step.value, figures, slack=2.0):
                continue
            # one slip reached two ways (in the whole chain, or in this product only): named once
            if not any(f.key == mistake.key and math.isclose(f.value, mistake.value, rel_tol=1e-12) for f in found):
                found.append(mistake)
    return found


def agrees(answer: float, value: float, figures: int, slack: float = 1.0) -> bool:
    """Whether ``answer`` is ``value`` to ``figures`` significant figures.

    That is: within half a unit of the ``figures``-th significant figure of
    ``value`` (0.7514 and 0.75137 are 0.75136507 to 4 figures, 0.7513 is
    not); ``slack`` times half a unit, if given.  Zero is only ever 0.
    """
    if value == 0 or not math.isfinite(value):
        return answer == value
    unit = 10.0 ** (math.floor(math.log10(abs(value))) - figures + 1)
    # a hair over half a unit: 0.1235 must count for 0.12345, stored as 0.123449999...
    return abs(answer - value) <= slack * 0.5 * unit * (1 + 1e-9)
