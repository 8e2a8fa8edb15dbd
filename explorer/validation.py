"""Checks on everything a user can type, each failing with one clear sentence.

Every check raises :class:`InputError`, which names the field and what it
accepts.  Checks never modify anything: callers validate first, then change
state, so a rejected value leaves the session exactly as it was.
"""

from __future__ import annotations

import math
from typing import Iterable, Sequence

import numpy as np

#: Editable values (inputs, targets, weights, biases) are kept to this range:
#: wide enough for any teaching example, narrow enough that the sigmoid
#: stays meaningful and nothing overflows.
VALUE_LIMIT = 100.0
LEARNING_RATE_RANGE = (1e-6, 100.0)
MAX_LAYERS = 6
MAX_NEURONS = 16


class InputError(ValueError):
    """A value a user supplied is not accepted; ``field`` names where it came from."""

    def __init__(self, field: str, message: str):
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message


def parse_number(field: str, text: object, limit: float = VALUE_LIMIT) -> float:
    """A finite number within ``[-limit, limit]``, from text or a number.

    Parsing uses ``float()`` only (never ``eval``), so ``"1e-3"`` is accepted
    and ``"2*3"`` is not.
    """
    accepted = f"enter a number from {-limit:g} to {limit:g}"
    if isinstance(text, bool):
        raise InputError(field, f"{accepted} (got {text!r})")
    if isinstance(text, str):
        stripped = text.strip()
        if not stripped:
            raise InputError(field, f"{accepted} (the field is empty)")
        try:
            value = float(stripped)
        except ValueError:
            raise InputError(field, f"{accepted} (got {stripped!r})") from None
    else:
        try:
            value = float(text)  # type: ignore[arg-type]
        except (TypeError, ValueError):
            raise InputError(field, f"{accepted} (got {text!r})") from None
    if not math.isfinite(value):
        raise InputError(field, f"{accepted} (got {value}, which is not finite)")
    if abs(value) > limit:
        raise InputError(field, f"{accepted} (got {value:g})")
    return value


def parse_learning_rate(text: object, field: str = "learning rate",
                        low: float = LEARNING_RATE_RANGE[0], high: float = LEARNING_RATE_RANGE[1]) -> float:
    """A positive finite learning rate within ``[low, high]``."""
    accepted = f"enter a positive number from {low:g} to {high:g}"
    try:
        value = parse_number(field, text, limit=math.inf)
    except InputError:
        raise InputError(field, f"{accepted} (got {text!r})") from None
    if not low <= value <= high:
        raise InputError(field, f"{accepted} (got {value:g})")
    return value


def check_vector(field: str, values: Iterable[object], length: int,
                 limit: float = VALUE_LIMIT) -> np.ndarray:
    """A float vector of exactly ``length`` finite values within ``+/-limit``."""
    items = _as_list(field, values)
    if len(items) != length:
        raise InputError(field, f"expected {length} values, got {len(items)}")
    return np.array([parse_number(f"{field}[{k + 1}]", v, limit) for k, v in enumerate(items)])


def check_examples(field: str, values: object, width: int) -> np.ndarray:
    """One example (a vector) or several (rows); returns shape (examples, width)."""
    items = _as_list(field, values)
    rows = [row for row in items if not isinstance(row, (str, bytes)) and hasattr(row, "__iter__")]
    if not rows:  # one example, written as a flat list of numbers
        return check_vector(field, items, width)[None, :]
    if len(rows) != len(items):
        raise InputError(field, f"expected a list of {width} values or a list of such lists")
    return np.stack([check_vector(f"{field}[example {k + 1}]", row, width)
                     for k, row in enumerate(rows)])


def check_choice(field: str, value: object, choices: Sequence[str]) -> str:
    if value not in choices:
        raise InputError(field, f"choose one of {', '.join(choices)} (got {value!r})")
    return str(value)


def check_sizes(sizes: Sequence[object], field: str = "layers") -> tuple[int, ...]:
    """Layer sizes: at least input and output, each 1..MAX_NEURONS neurons."""
    items = _as_list(field, sizes)
    accepted = (f"give 2 to {MAX_LAYERS} layer sizes, each a whole number from 1 to "
                f"{MAX_NEURONS}, such as 2,2,2")
    if not 2 <= len(items) <= MAX_LAYERS:
        raise InputError(field, f"{accepted} (got {len(items)} layers)")
    result = []
    for item in items:
        if isinstance(item, bool) or not isinstance(item, (int, np.integer, str)):
            raise InputError(field, f"{accepted} (got {item!r})")
        text = str(item).strip()
        if not text.isdigit() or not 1 <= int(text) <= MAX_NEURONS:
            raise InputError(field, f"{accepted} (got {text!r})")
        result.append(int(text))
    return tuple(result)


def parse_layers(text: str) -> tuple[int, ...]:
    """``"2,3,2"`` -> ``(2, 3, 2)``."""
    return check_sizes([part for part in text.split(",")] if text.strip() else [])


def _as_list(field: str, values: object) -> list:
    if isinstance(values, (str, bytes)) or not hasattr(values, "__iter__"):
        raise InputError(field, f"expected a list of values (got {values!r})")
    return list(values)  # type: ignore[arg-type]
