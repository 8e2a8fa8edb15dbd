"""Datasets: the worked example, four logic gates, and a table of examples typed by hand.

A :class:`Dataset` is a set of examples (inputs and targets, one row each)
and nothing else; the network that learns it is chosen separately, and only
its input and output layers must fit (:func:`fit_sizes`).

The gates map two inputs in {0, 1} to one target in {0, 1}.  XOR is the one
no straight line separates: a network without a hidden layer cannot learn it.

A table is text, one example per line, cells separated by commas or tabs
(as a spreadsheet copies them): the inputs first, then the targets.  Every
cell goes through the same check as the panel's edit fields, and a table
with any bad cell is refused whole, naming the row and column.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from . import validation as v
from .formatting import count, number
from .presets import SEED_INPUTS, SEED_TARGETS

#: A table holds at most this many examples (every one is drawn on the panel).
MAX_EXAMPLES = 64
#: A table file is read only up to this size: 64 rows of 32 long numbers take about 60 kB.
MAX_TABLE_BYTES = 200_000

_GATE_INPUTS = ((0.0, 0.0), (0.0, 1.0), (1.0, 0.0), (1.0, 1.0))
_GATES = {
    "xor": ((0.0,), (1.0,), (1.0,), (0.0,)),
    "and": ((0.0,), (0.0,), (0.0,), (1.0,)),
    "or": ((0.0,), (1.0,), (1.0,), (1.0,)),
    "nand": ((1.0,), (1.0,), (1.0,), (0.0,)),
}
# Three clusters of five points, one per class, at the corners of a triangle:
# a corner and its four neighbours 0.1 away.  Straight lines separate them: a
# 2-3-3 network with softmax outputs classifies all 15 within 100 iterations.
_CORNERS = ((0.2, 0.2), (0.8, 0.2), (0.5, 0.8))
_AROUND = ((0.0, 0.0), (0.1, 0.0), (-0.1, 0.0), (0.0, 0.1), (0.0, -0.1))
_THREE_INPUTS = tuple((x + dx, y + dy) for x, y in _CORNERS for dx, dy in _AROUND)
_THREE_TARGETS = tuple(tuple(float(k == c) for k in range(3)) for c in range(3) for _ in _AROUND)
DESCRIPTIONS = {
    "seed": "the worked example: one example, inputs 0.05, 0.10, targets 0.01, 0.99",
    "xor": "exclusive or: 1 when exactly one input is 1; no straight line separates it",
    "and": "1 only when both inputs are 1",
    "or": "1 when either input is 1",
    "nand": "not and: 0 only when both inputs are 1",
    "three-class": "15 points in three clusters, one class each (targets one-hot): for softmax outputs",
    "table": "your own examples: one row each, inputs then targets, comma- or tab-separated",
}
NAMES = tuple(DESCRIPTIONS)


@dataclass(frozen=True, eq=False)
class Dataset:
    """Examples to learn: ``inputs`` of shape (m, n_0), ``targets`` of shape (m, n_L)."""

    name: str
    inputs: np.ndarray
    targets: np.ndarray

    @property
    def n_inputs(self) -> int:
        return self.inputs.shape[1]

    @property
    def n_outputs(self) -> int:
        return self.targets.shape[1]

    @property
    def examples(self) -> int:
        return self.inputs.shape[0]

    def to_text(self) -> str:
        """The examples as a table (comma-separated, inputs then targets), one row a line."""
        return "\n".join(", ".join(number(float(c)) for c in (*x, *t)) for x, t in zip(self.inputs, self.targets))

    def to_csv(self) -> str:
        """The examples as a CSV file (no header): every number exactly, as :func:`table_text` reads it back."""
        rows = zip(self.inputs.tolist(), self.targets.tolist())  # floats at once: faster than element by element
        return "".join(",".join(_exact(c) for c in (*x, *t)) + "\n" for x, t in rows)

    def __repr__(self) -> str:
        return (
            f"Dataset({self.name}, {self.examples} example{'s' * (self.examples != 1)}, "
            f"{self.n_inputs} inputs, {self.n_outputs} target{'s' * (self.n_outputs != 1)})"
        )


def dataset(name: str) -> Dataset:
    """A built-in dataset by name: ``seed``, ``xor``, ``and``, ``or``, ``nand`` or ``three-class``."""
    name = v.check_choice("dataset", name, tuple(n for n in NAMES if n != "table"))
    if name == "seed":
        return Dataset("seed", np.array([SEED_INPUTS]), np.array([SEED_TARGETS]))
    if name == "three-class":
        return Dataset(name, np.array(_THREE_INPUTS), np.array(_THREE_TARGETS))
    return Dataset(name, np.array(_GATE_INPUTS), np.array(_GATES[name]))


def choose(name: object, table: object = None, n_inputs: object = 2) -> Dataset:
    """The dataset a person chose: a built-in one by name, or ``"table"``, read from ``table``.

    ``n_inputs`` is how many leading cells of a table's row are inputs.
    Fields are named as the panel labels them (Dataset, Inputs, Table).
    """
    name = v.check_choice("Dataset", name, NAMES)
    if name != "table":
        return dataset(name)
    n = v.check_sizes([n_inputs, 1], "Inputs")[0]
    return parse_table(table or "", n, field="Table")


def identify(inputs: np.ndarray, targets: np.ndarray) -> str:
    """The name of the built-in dataset with exactly these examples, else ``"table"``."""
    for name in NAMES:
        if name == "table":
            continue
        data = dataset(name)
        if (
            data.inputs.shape == inputs.shape
            and data.targets.shape == targets.shape
            and np.array_equal(data.inputs, inputs)
            and np.array_equal(data.targets, targets)
        ):
            return name
    return "table"


def parse_table(text: str, n_inputs: int, n_outputs: int | None = None, field: str = "table") -> Dataset:
    """A ``table`` dataset from comma- or tab-separated rows, every cell checked.

    Parameters
    ----------
    text : one example per line; blank lines are skipped
    n_inputs : how many leading cells of a row are inputs
    n_outputs : how many cells follow as targets (default: the rest of the first row)

    Raises
    ------
    InputError
        Naming the row and column of the first bad cell, or the row of the
        wrong width; nothing is half-read.
    """
    rows = [_cells(line) for line in str(text).splitlines() if v.trim(line)]
    # a spreadsheet's column names: a first row in which no cell is a number is skipped,
    # and the rows keep the numbers they have in the file
    first = 2 if rows and _is_header(rows[0]) else 1
    rows = rows[first - 1 :]
    if not rows:
        raise v.InputError(field, "enter at least one row: inputs then targets, separated by commas or tabs")
    if len(rows) > MAX_EXAMPLES:
        raise v.InputError(field, f"at most {MAX_EXAMPLES} rows (got {len(rows)})")
    if n_outputs is None:
        n_outputs = len(rows[0]) - n_inputs
        if n_outputs < 1:
            raise v.InputError(
                field, f"row {first} has {len(rows[0])} cells: {n_inputs} inputs and at least one target are needed"
            )
    v.check_sizes([n_inputs, n_outputs], field)
    width = n_inputs + n_outputs
    for r, row in enumerate(rows, start=first):
        if len(row) != width:
            raise v.InputError(
                field,
                f"row {r} has {len(row)} cell{'s' * (len(row) != 1)}; each row needs "
                f"{width} ({count(n_inputs, 'input')}, then {count(n_outputs, 'target')})",
            )
    quick = [v.quick_number(cell) for row in rows for cell in row]  # plain decimals: nearly every pasted cell
    if None not in quick:
        values = np.array(quick).reshape(len(rows), width)
    else:  # the full parser finds the first cell refused and words why
        values = np.array(
            [
                [v.parse_number(f"{field} row {r}, column {c}", cell) for c, cell in enumerate(row, start=1)]
                for r, row in enumerate(rows, start=first)
            ]
        )
    return Dataset("table", values[:, :n_inputs], values[:, n_inputs:])


def _is_header(cells: list[str]) -> bool:
    """Whether a row is column names: every cell is text that is no number at all.

    Python's own reading decides, so "1e400", "nan" and "inf" count as numbers
    and are refused by the cell check, as in any other row.
    """
    for cell in cells:
        try:
            float(cell)
        except ValueError:
            if cell:
                continue
        return False
    return True


def table_text(data: bytes, field: str = "table") -> str:
    """A table file's bytes as the text :func:`parse_table` reads: UTF-8, at most :data:`MAX_TABLE_BYTES`.

    The size is checked before anything is decoded; a byte-order mark (as
    spreadsheets write "CSV UTF-8") is dropped; other encodings and binary
    files (a spreadsheet's own format) are refused, saying what to save instead.
    """
    if len(data) > MAX_TABLE_BYTES:
        raise v.InputError(
            field,
            f"a table file may have at most {MAX_TABLE_BYTES // 1000} kB (got more): "
            f"a table holds at most {MAX_EXAMPLES} rows",
        )
    try:
        text = bytes(data).decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise v.InputError(
            field, f"byte {error.start + 1} is not UTF-8 text: save the table as CSV (UTF-8) or tab-separated text"
        ) from None
    if "\x00" in text:
        raise v.InputError(field, "the file holds a NUL character, so it is no text table: save it as CSV (UTF-8)")
    return text


def _exact(value: float) -> str:
    """The shortest text that reads back as exactly ``value`` (``1`` for 1.0)."""
    text = repr(value)
    return text[:-2] if text.endswith(".0") else text


def _cells(line: str) -> list[str]:
    """A row's cells: tab-separated if it has a tab (a spreadsheet's copy), else comma-separated."""
    # ASCII blanks only, as every number field trims: NBSP or U+3000 in a cell is refused
    return [v.trim(cell) for cell in line.split("\t" if "\t" in line else ",")]


def accuracy(outputs: np.ndarray, targets: np.ndarray) -> float:
    """The fraction of examples classified right, outputs and targets of shape (m, n_L).

    With several outputs an example is right when its largest output is its
    target's largest (the class, argmax); with one, when the output is on
    the target's side of 0.5.
    """
    if targets.shape[1] == 1:
        right = (outputs[:, 0] > 0.5) == (targets[:, 0] > 0.5)
    else:
        right = np.argmax(outputs, axis=1) == np.argmax(targets, axis=1)
    return float(np.mean(right))


def fit_sizes(data: Dataset, sizes: Sequence[int], field: str = "layers") -> tuple[int, ...]:
    """``sizes`` with the input and output layers made to fit ``data``; hidden layers kept."""
    sizes = v.check_sizes(sizes, field)
    return v.check_sizes((data.n_inputs, *sizes[1:-1], data.n_outputs), field)


def check_fits(data: Dataset, sizes: Sequence[int], field: str = "layers") -> None:
    """Refuse a network whose input or output layer does not match the data."""
    if sizes[0] != data.n_inputs or sizes[-1] != data.n_outputs:
        hidden = ",".join(map(str, sizes[1:-1])) or "3"
        raise v.InputError(
            field,
            f"the {data.name} dataset has {count(data.n_inputs, 'input')} and "
            f"{count(data.n_outputs, 'target')}, so the network must start with "
            f"{data.n_inputs} and end with {data.n_outputs} neurons, such as "
            f"{data.n_inputs},{hidden},{data.n_outputs} (got {','.join(map(str, sizes))})",
        )
