"""The matrix form's records: matrices whose entries know the scalar steps they are.

A :class:`Part` (one phase of one layer) holds :class:`Line` s, each
``formula = terms = result``; a :class:`Matrix` holds :class:`Entry` s, and
each entry its :class:`Ref` s: the steps of the walkthrough whose value it
is (w5's entry of dE/dW^(2) is the step dE_total/dw5).  A ref names the
step's key and the block of the walkthrough's plan it is in, so leading an
entry to its step (:func:`step_index`) builds that block only.
:mod:`.matrix_form` makes the parts from a walkthrough.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from .steps import Step
from .walkthrough import Walkthrough


@dataclass(frozen=True)
class Ref:
    """A scalar step: its ``Step.key``, the block it is planned in, and its symbol where the key repeats."""

    quantity: str
    name: str
    kind: str
    where: tuple[int, ...] = ()
    symbol: str | None = None
    #: False: the step is a part of the entry (a path of a sum), shown with it but not its value
    same: bool = True

    def matches(self, step: Step) -> bool:
        return step.key == (self.quantity, self.name) and (self.symbol is None or step.symbol == self.symbol)


@dataclass(frozen=True)
class Entry:
    """One number of a matrix, and the steps that work it out (the first is where selecting it leads)."""

    value: float
    refs: tuple[Ref, ...] = ()


@dataclass(frozen=True)
class Matrix:
    """A named matrix (a vector is one column): ``entries[row][column]``."""

    symbol: str
    entries: tuple[tuple[Entry, ...], ...]

    @property
    def shape(self) -> tuple[int, int]:
        return len(self.entries), len(self.entries[0])

    def values(self) -> np.ndarray:
        return np.array([[e.value for e in row] for row in self.entries])


@dataclass(frozen=True)
class Line:
    """``formula`` (LaTeX, with names) = ``terms`` (matrices and the LaTeX between them) = ``result``."""

    formula: str
    terms: tuple[Matrix | str, ...]
    result: Matrix

    @property
    def matrices(self) -> tuple[Matrix, ...]:
        """Every matrix of the line, the result last: what a :data:`Position` counts in."""
        return (*(t for t in self.terms if isinstance(t, Matrix)), self.result)


@dataclass(frozen=True)
class Part:
    """One phase of one layer (``layer`` from 1; the error part has the output layer's)."""

    phase: str
    layer: int
    title: str
    lines: tuple[Line, ...]


#: (line, matrix of Line.matrices, row, column) of an entry in a part
Position = tuple[int, int, int, int]

RefsOf = Callable[[int, int], Sequence[Ref]]


def matrix(symbol: str, values: np.ndarray, refs: RefsOf | None = None) -> Matrix:
    """A :class:`Matrix` of ``values`` (2-d), entry (r, c) with the steps ``refs(r, c)``."""
    rows = tuple(
        tuple(Entry(float(x), tuple(refs(r, c)) if refs else ()) for c, x in enumerate(row))
        for r, row in enumerate(np.atleast_2d(values).tolist())
    )
    return Matrix(symbol, rows)


def find_entry(part: Part, step: Step) -> Position | None:
    """Where ``step`` is in ``part``: each line's result first, then its terms (None: nowhere)."""
    for i, line in enumerate(part.lines):
        matrices = line.matrices
        for s in (len(matrices) - 1, *range(len(matrices) - 1)):
            for r, row in enumerate(matrices[s].entries):
                for c, entry in enumerate(row):
                    if any(ref.matches(step) for ref in entry.refs):
                        return i, s, r, c
    return None


def part_for(parts: Sequence[Part], step: Step) -> tuple[Part, Position | None]:
    """The part of ``step``'s phase and layer, and where its entry is (None: a step no entry is)."""
    layer = parts[0].layer if step.layer is None else step.layer
    if step.quantity == "delta":  # shown where the layer below works out its dE/dout
        layer -= 1
    part = next((p for p in parts if p.phase == step.phase and (p.layer == layer or p.phase == "error")), None)
    if part is None:
        raise ValueError(f"no part for the {step.phase} step {step.symbol}")
    return part, find_entry(part, step)


#: How a ref with no symbol of its own is written (the step's symbol, in the seed's naming)
_SYMBOLS = {
    "net": "net_{n}",
    "out": "out_{n}",
    "error": "E_{n}",
    "total_error": "E_total",
    "d_out": "dE_total/dout_{n}",
    "slope": "dout_{n}/dnet_{n}",
    "update": "{n}+",
    "path": "dE_total/dout_{n}",
    "example_gradient": "dE^(e)/d{n}",
}


def describe(ref: Ref) -> str:
    """The step a ref leads to, as its symbol reads (``dE_total/dw5``, ``out_h1``, ``w5+``)."""
    return ref.symbol or _SYMBOLS.get(ref.quantity, "{n}").format(n=ref.name)


def step_index(walk: Walkthrough, entry: Entry) -> int | None:
    """The index in ``walk.steps`` of the step ``entry`` leads to (its first ref's), None if it has none."""
    if not entry.refs:
        return None
    ref = entry.refs[0]
    return walk.steps.find(ref.kind, ref.where, ref.matches)
