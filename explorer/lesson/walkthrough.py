"""One training iteration as an ordered list of immutable steps.

Four phases, in the seed's order:

``forward``   each neuron's net input, then its output (net_h1, out_h1, ...)
``error``     each output's error, then their sum (E_o1, E_o2, E_total)
``backward``  for every weight (and bias, when biases are updated) each
              chain-rule factor as its own step, then their product.  Output
              layer first; a hidden neuron's dE_total/dout is the sum over the
              paths through the layer above (dE_o1/dout_h1 + dE_o2/dout_h1),
              and a factor already shown is reused, never repeated.
``update``    each new value, w5+ = w5 - eta * dE_total/dw5

In batch mode the backward phase ends with every example's gradient for
each parameter, then their mean, which is the gradient the update uses:
dE_total/dw5 = (1/m) (dE^(1)/dw5 + ... + dE^(m)/dw5).

Each phase is built in its own module: :mod:`.forward_steps` (forward and
error), :mod:`.backward_steps`, :mod:`.batch_steps`, :mod:`.update_steps`; the
record of one step, :class:`~.steps.Step`, is in :mod:`.steps`.  The steps are
worked out on demand, a block at a time (:mod:`.blocks`): making a
walkthrough costs the engine's passes, whatever the number of steps, and
reading step k builds only the block it is in.

The walkthrough does no mathematics of its own: every value comes from the
engine's :meth:`Network.forward`, :meth:`Network.backward` and
:meth:`Network.update` (the "after" network), and every formula from the
records of :mod:`explorer.engine.functions`.  It only arranges them into steps a
student can follow, and never changes the network it is given.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

import numpy as np

from explorer.engine import validation as v
from explorer.engine.network import Gradients, Network
from explorer.engine.training import check_mode

from .batch_steps import example_gradients
from .blocks import Steps, plan
from .steps import PHASES, QUANTITIES, Iteration, Step

__all__ = ["PHASES", "QUANTITIES", "Step", "Steps", "Walkthrough", "walkthrough", "walkthrough_checked"]


@dataclass(frozen=True)
class Walkthrough:
    """The steps of one iteration, the gradients they show, and the network after it.

    ``steps`` is a read-only sequence of :class:`Step` worked out as they are
    read; its length and :meth:`phase_start` are known without any.
    """

    network: Network
    inputs: np.ndarray
    targets: np.ndarray
    steps: Steps
    gradients: Gradients
    after: Network
    #: ``"batch"``: the gradients and the update are the means over ``batch_inputs``
    mode: str = "online"
    batch_inputs: np.ndarray | None = None
    batch_targets: np.ndarray | None = None

    def __len__(self) -> int:
        return len(self.steps)

    def value(self, symbol: str) -> float:
        """The value of the step with this symbol."""
        for step in self.steps:
            if step.symbol == symbol:
                return step.value
        raise KeyError(symbol)

    def phase_start(self, phase: str) -> int:
        """Index of the first step of ``phase`` (len(steps) if it has none)."""
        return self.steps.phase_start(phase)

    def done_values(self, count: int) -> tuple[dict[tuple[str, str], float], dict[str, float]]:
        """(values of the first ``count`` steps by ``Step.key``, new values of the parameters updated in them)."""
        values = self.steps.values_until(count)
        return values, {name: value for (quantity, name), value in values.items() if quantity == "update"}

    @property
    def error_before(self) -> float:
        """E_total before the update, over what :attr:`error_after` is over.

        Over the example shown (the E_total step's value), or in batch mode the
        mean over the batch, so that the two compare.
        """
        if self.mode == "batch":
            return self.network.forward(self.batch_inputs, self.batch_targets).total_error
        return self.network.forward(self.inputs, self.targets).total_error

    @property
    def error_after(self) -> float:
        """E_total once the update is applied (the seed's 0.291027924 under its order).

        Over the example shown, or in batch mode the mean over the batch.
        """
        if self.mode == "batch":
            return self.after.forward(self.batch_inputs, self.batch_targets).total_error
        return self.after.forward(self.inputs, self.targets).total_error


def walkthrough(
    network: Network, inputs: object, targets: object, example: int = 0, mode: str = "online"
) -> Walkthrough:
    """Every step of one iteration on one example (``example`` picks the row).

    In ``"batch"`` mode the chain rule is shown on that example, then every
    example's gradient and their mean; the update uses the mean, as
    ``train(..., mode="batch")`` does.

    Raises :class:`~explorer.engine.validation.InputError` for inputs or targets of
    the wrong length or non-finite values.  A diverged network (inf or nan
    weights) gives steps with inf or nan values, quietly, as the engine does.
    """
    x_all, t_all = network.check_data(inputs, targets)
    mode = check_mode(mode, network, x_all.shape[0])
    example = v.parse_whole("example", example, 0, x_all.shape[0] - 1, f"choose an example from 1 to {x_all.shape[0]}")
    return walkthrough_checked(network, x_all, t_all, example, mode)


def walkthrough_checked(network: Network, x_all: np.ndarray, t_all: np.ndarray, example: int, mode: str) -> Walkthrough:
    """:func:`walkthrough` on arguments already checked (``x_all``, ``t_all`` of shape (m, n_0), (m, n_L)).

    The engine's passes are run here; the steps are worked out as they are read.
    """
    x, t = x_all[example], t_all[example]
    fw = network.forward(x, t)
    g = network.backward(x, t, fw)
    batch = mode == "batch" and x_all.shape[0] > 1
    used = network.backward(x_all, t_all) if batch else g
    after = network.copy()
    after.update(used)
    it = Iteration(network, x, t, fw, g, after)
    steps = Steps(
        it,
        plan(it, x_all.shape[0] if batch else 0),
        cache(lambda: example_gradients(network, x_all, t_all)),
        cache(lambda: network.backward(x_all[-1], t_all[-1])),
        used,
    )
    return Walkthrough(network, x, t, steps, used, after, mode, x_all, t_all)
