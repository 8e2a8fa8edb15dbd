"""The walkthrough's record of one step, and the list the phases append their steps to.

A :class:`Step` is one quantity of the iteration as a student writes it
down; an :class:`Iteration` holds the engine's results for the example shown
and the steps arranged from them so far.  Each phase of the walkthrough
(:mod:`.forward_steps`, :mod:`.backward_steps`, :mod:`.batch_steps`,
:mod:`.update_steps`) reads the engine's numbers from it and appends its
steps with :meth:`Iteration.add`, which writes the formula and its result.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

import numpy as np

from explorer.engine.formatting import number, tex_number, tex_symbol
from explorer.engine.naming import Names
from explorer.engine.network import Forward, Gradients, Network

PHASES = ("forward", "error", "backward", "update")

#: What a step computes: Step.quantity, with Step.neuron / Step.parameter naming whose.
QUANTITIES = {
    "net": "net input of a neuron (net_h1)",
    "out": "output of a neuron (out_h1)",
    "error": "error of one output (E_o1)",
    "total_error": "the sum of the output errors (E_total)",
    "d_out": "dE_total/dout of a neuron",
    "slope": "dout/dnet of a neuron: its activation's slope",
    "cross_slope": "dout_via/dnet of a softmax output: how another output moves with this net input",
    "input": "dnet/d(parameter): what the parameter multiplies",
    "gradient": "dE_total/d(parameter)",
    "delta": "dE/dnet of a neuron of the layer above (via)",
    "weight_above": "dnet_via/dout of a neuron: the weight between them",
    "path": "the part of dE_total/dout of a neuron that passes through via",
    "update": "the parameter's new value (w5+)",
    "example_gradient": "dE/d(parameter) for one example of a batch",
}


@dataclass(frozen=True)
class Step:
    """One quantity of the iteration, as a student would write it down.

    ``symbol`` is plain text in the seed's naming (``dE_total/dw5``), for
    reading only; code asks the explicit fields: ``quantity`` (a key of
    :data:`QUANTITIES`), ``neuron`` and ``layer`` (the neuron it belongs to
    and its layer, 0 = inputs), ``parameter`` (a weight or bias name) and
    ``via`` (the neuron of the layer above a path goes through).  ``latex`` is
    the formula with numbers substituted and its result; ``formula`` the same
    without its result (``latex == formula + " = " + tex_number(value)``, for
    a quiz to hide the result); ``elements`` the ids of the diagram's
    neurons, connections and error nodes it uses.
    """

    phase: str
    symbol: str
    value: float
    latex: str
    meaning: str
    elements: tuple[str, ...]
    quantity: str = ""
    neuron: str | None = None
    layer: int | None = None
    parameter: str | None = None
    via: str | None = None
    formula: str = ""

    @property
    def key(self) -> tuple[str, str]:
        """(quantity, parameter or neuron): what the diagram looks values up by."""
        return self.quantity, self.parameter or self.neuron or ""

    def text(self) -> str:
        return f"{self.symbol} = {number(self.value)}"

    def to_dict(self) -> dict:
        return {
            "phase": self.phase,
            "symbol": self.symbol,
            "value": self.value,
            "latex": self.latex,
            "meaning": self.meaning,
            "elements": list(self.elements),
            "quantity": self.quantity,
            "neuron": self.neuron,
            "layer": self.layer,
            "parameter": self.parameter,
            "via": self.via,
            "formula": self.formula,
        }


@dataclass
class Iteration:
    """The engine's results for one example, and the steps arranged from them so far."""

    network: Network
    x: np.ndarray
    t: np.ndarray
    fw: Forward
    g: Gradients
    after: Network
    steps: list[Step] = field(default_factory=list)
    shown: dict[str, float] = field(default_factory=dict)

    @property
    def nm(self) -> Names:
        return self.network.names

    def add(
        self,
        phase: str,
        quantity: str,
        symbol: str,
        value: float,
        rhs: Iterable[str],
        meaning: str,
        elements: Iterable[str],
        lhs: str | None = None,
        **fields: object,
    ) -> float:
        """Append one step: ``lhs = rhs[0] = rhs[1] = value`` in LaTeX."""
        value = float(value)
        formula = " = ".join([lhs or tex_symbol(symbol), *rhs])
        latex = f"{formula} = {tex_number(value)}"
        self.steps.append(
            Step(
                phase,
                symbol,
                value,
                latex,
                meaning,
                tuple(dict.fromkeys(elements)),
                quantity,
                **fields,
                formula=formula,
            )
        )  # type: ignore[arg-type]
        self.shown[symbol] = value
        return value

    def value_name(self, layer: int, j: int) -> str:
        """What a neuron feeds forward: i1 for inputs, out_h1 otherwise."""
        return self.nm.neurons[0][j] if layer == 0 else f"out_{self.nm.neurons[layer][j]}"

    def bias_elements(self, l: int, k: int) -> list[str]:
        return [self.nm.bias_units[l], self.nm.biases[l][k]]
