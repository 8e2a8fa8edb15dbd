"""The one parser for every number a person types, and the checks on what they give.

Every failure raises :class:`InputError`, which names the field, says what it
accepts and quotes the input (shortened to :data:`QUOTE_LIMIT` characters, so
a megabyte pasted into a field gives a one-line message).  Parsers never
modify anything: callers parse first, then change state, so a rejected value
leaves the session exactly as it was.

One rule per kind of number:

* real numbers (:func:`parse_real`, :func:`parse_number`): ASCII decimal
  notation only (``1e-3`` yes, ``2*3``, ``١`` or ``0x10`` no), finite, within
  the field's range; a nonzero entry too small for a float (``1e-400``) is
  refused rather than quietly read as 0;
* whole numbers (:func:`parse_whole`): ASCII digits only, at most
  :data:`WHOLE_CHARS` characters; thousands separators only in groups of
  three (``10,000`` yes, ``1,0,0`` no); huge Python ints are compared
  exactly, never converted to float;
* learning rates (:func:`parse_learning_rate`) and layer lists
  (:func:`parse_layers`, :func:`check_sizes`) are built on those two.
"""

from __future__ import annotations

import math
import numbers
import re
import sys
from collections.abc import Iterable, Sequence

import numpy as np

#: Editable values (inputs, targets, weights, biases) are kept to this range:
#: wide enough for any teaching example, narrow enough that the sigmoid
#: stays meaningful and nothing overflows.
VALUE_LIMIT = 100.0
#: The one range of learning rates: the engine, the command line, saved files,
#: the panel's slider and text field and the sweep all read it.  Below 0.001 a
#: run of 10,000 iterations barely moves; up to 10 shows every way to diverge.
LEARNING_RATE_RANGE = (0.001, 10.0)
#: L2 weight decay lambda, from none to a pull as strong as the gradient's scale.
WEIGHT_DECAY_RANGE = (0.0, 1.0)
#: Momentum mu: from none (plain gradient descent) up to, not including, 1,
#: where a velocity would never fade.
MOMENTUM_RANGE = (0.0, 1.0)
MAX_LAYERS = 6
MAX_NEURONS = 16
MAX_ITERATIONS = 10_000_000
#: Random seeds (numpy takes any size; a cap keeps messages short).
MAX_SEED = 2**32 - 1
#: A message quotes at most this many characters of what was typed.
QUOTE_LIMIT = 40
#: Longer text is refused before any conversion is tried.
REAL_CHARS = 64
WHOLE_CHARS = 24
LAYERS_CHARS = 100

# re.ASCII: \d is 0-9 only, so superscripts and other scripts' digits are refused
_REAL = re.compile(r"[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?", re.ASCII)
_NOT_FINITE = re.compile(r"[+-]?(?:nan|inf|infinity)", re.IGNORECASE)
_WHOLE = re.compile(r"\d+|\d{1,3}(?:,\d{3})+|\d{1,3}(?:_\d{3})+", re.ASCII)
#: a plain decimal literal, never too long nor too small to read (see :func:`quick_number`)
_PLAIN = re.compile(r"-?\d{1,3}(?:\.\d{1,40})?", re.ASCII)
_MINUS_SIGNS = str.maketrans({"\u2212": "-"})  # the minus sign the panel itself prints


class InputError(ValueError):
    """A value a user supplied is not accepted; ``field`` names where it came from."""

    def __init__(self, field: str, message: str):
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message


def quote(value: object) -> str:
    """What the user gave, for a message: quoted, at most QUOTE_LIMIT characters of it."""
    if isinstance(value, str):
        text = value if len(value) <= QUOTE_LIMIT else value[: QUOTE_LIMIT - 1] + "\u2026"
        return repr(text)
    if isinstance(value, numbers.Integral) and not isinstance(value, bool) and abs(int(value)) >= 10**QUOTE_LIMIT:
        # str() of an int of over 4,300 digits raises ValueError: count them from its bits
        return f"a number of about {int(int(value).bit_length() * math.log10(2)) + 1:,} digits"
    try:
        text = repr(value)
    except Exception:  # noqa: BLE001 - a broken __repr__ must not hide the real message
        text = f"<{type(value).__name__}>"
    return text if len(text) <= QUOTE_LIMIT else text[: QUOTE_LIMIT - 1] + "\u2026"


#: What typed text may start or end with: ASCII blanks only.  ``str.strip()``
#: would also drop control characters such as U+001F, which ``float()`` refuses.
_BLANKS = " \t\n\r\f\v"
_FLOAT_MAX = int(sys.float_info.max)


def trim(text: str) -> str:
    """``text`` without leading and trailing ASCII blanks (NBSP, U+001F, U+3000 stay, and are refused)."""
    return text.strip(_BLANKS)


def parse_real(field: str, value: object, low: float, high: float, accepted: str) -> float:
    """A finite float within ``[low, high]``, from text or a real number.

    Parameters
    ----------
    field : str
        The field's name, the start of every message.
    value : str or real number
        Text is read as decimal notation (never ``eval``); ``bool``, complex
        numbers, arrays and other objects are refused.
    low, high : float
        The accepted range, inclusive.
    accepted : str
        What the field accepts, e.g. ``"enter a number from -100 to 100"``.
    """
    if isinstance(value, str):
        number = _real_from_text(field, value, accepted)
    elif isinstance(value, numbers.Integral) and not isinstance(value, bool):
        if not low <= int(value) <= high:  # exact: a huge int never meets float()
            raise InputError(field, f"{accepted} (got {quote(value)})")
        if abs(int(value)) > _FLOAT_MAX:  # within an unbounded range, yet beyond any float
            raise InputError(field, f"{accepted} (got {quote(value)}, too large for a float)")
        number = float(value)
    elif isinstance(value, numbers.Real) and not isinstance(value, bool):
        try:
            number = float(value)
        except (ArithmeticError, ValueError, TypeError):
            raise InputError(field, f"{accepted} (got {quote(value)})") from None
        if number == 0 and value != 0:
            raise InputError(field, f"{accepted} (got {quote(value)}, too small to tell from 0)")
    else:
        raise InputError(field, f"{accepted} (got {quote(value)})")
    if not math.isfinite(number):
        raise InputError(field, f"{accepted} (got {number}, which is not finite)")
    if not low <= number <= high:
        raise InputError(field, f"{accepted} (got {number:g})")
    return number


def _real_from_text(field: str, value: str, accepted: str) -> float:
    text = value.strip(_BLANKS).translate(_MINUS_SIGNS)
    if not text:
        raise InputError(field, f"{accepted} (the field is empty)")
    if len(text) > REAL_CHARS:
        raise InputError(field, f"{accepted} (got {quote(text)}, more than {REAL_CHARS} characters)")
    if _NOT_FINITE.fullmatch(text):
        raise InputError(field, f"{accepted} (got {text.lower()}, which is not finite)")
    if not _REAL.fullmatch(text):
        raise InputError(field, f"{accepted} (got {quote(text)})")
    number = float(text)
    if not math.isfinite(number):
        raise InputError(field, f"{accepted} (got {quote(text)}, which is not finite)")
    mantissa = re.split("[eE]", text)[0]
    if number == 0 and any(c in "123456789" for c in mantissa):
        raise InputError(field, f"{accepted} (got {quote(text)}, too small to tell from 0)")
    return number


def parse_number(field: str, text: object, limit: float = VALUE_LIMIT) -> float:
    """A finite number within ``[-limit, limit]``, from text or a number.

    ``"1e-3"`` is accepted; ``"2*3"``, ``"nan"`` and ``"1e-400"`` are not.
    """
    return parse_real(field, text, -limit, limit, f"enter a number from {-limit:g} to {limit:g}")


def parse_learning_rate(
    text: object,
    field: str = "learning rate",
    low: float = LEARNING_RATE_RANGE[0],
    high: float = LEARNING_RATE_RANGE[1],
) -> float:
    """A positive finite learning rate within ``[low, high]``."""
    return parse_real(field, text, low, high, f"enter a positive number from {low:g} to {high:g}")


def parse_weight_decay(text: object, field: str = "weight decay") -> float:
    """L2 weight decay lambda within :data:`WEIGHT_DECAY_RANGE` (0: none)."""
    low, high = WEIGHT_DECAY_RANGE
    return parse_real(field, text, low, high, f"enter a number from {low:g} to {high:g}") + 0.0  # -0 is 0


def parse_momentum(text: object, field: str = "momentum") -> float:
    """Momentum mu from 0 (none) up to, not including, 1."""
    low, high = MOMENTUM_RANGE
    accepted = f"enter a number from {low:g} up to (not including) {high:g}"
    number = parse_real(field, text, low, high, accepted)
    if number == high:
        raise InputError(field, f"{accepted} (got {number:g}: the velocity would never fade)")
    return number + 0.0  # -0 is 0


def parse_whole(field: str, value: object, low: int, high: int, accepted: str | None = None) -> int:
    """A whole number within ``[low, high]``, from text or a number.

    Text must be ASCII digits, optionally grouped in threes by ``,`` or
    ``_`` (``10,000``), and at most WHOLE_CHARS long.  A float is accepted
    only when it is a whole number (the value a slider reports).
    """
    accepted = accepted or f"enter a whole number from {low:,} to {high:,}"
    if isinstance(value, str):
        text = value.strip(_BLANKS)
        if not text:
            raise InputError(field, f"{accepted} (the field is empty)")
        if len(text) > WHOLE_CHARS:
            raise InputError(field, f"{accepted} (got {quote(text)}, more than {WHOLE_CHARS} characters)")
        if not _WHOLE.fullmatch(text):
            raise InputError(field, f"{accepted} (got {quote(text)})")
        number = int(text.replace(",", "").replace("_", ""))
    elif isinstance(value, numbers.Integral) and not isinstance(value, bool):
        number = int(value)
    elif isinstance(value, numbers.Real) and not isinstance(value, bool):
        try:
            whole = float(value).is_integer()
        except (ArithmeticError, ValueError, TypeError):
            whole = False
        if not whole:
            raise InputError(field, f"{accepted} (got {quote(value)})")
        number = int(value)
    else:
        raise InputError(field, f"{accepted} (got {quote(value)})")
    if not low <= number <= high:
        raise InputError(field, f"{accepted} (got {quote(value if isinstance(value, str) else number)})")
    return number


def check_iterations(value: object, field: str = "iterations") -> int:
    """A number of training iterations, 0 to MAX_ITERATIONS."""
    return parse_whole(field, value, 0, MAX_ITERATIONS)


def check_seed(value: object, field: str = "Seed") -> int:
    """A random seed, 0 to MAX_SEED, from text or an int."""
    return parse_whole(field, value, 0, MAX_SEED)


def check_bool(field: str, value: object) -> bool:
    """True or False (a numpy bool too); 0, 1, "yes" and the like are refused."""
    if not isinstance(value, (bool, np.bool_)):
        raise InputError(field, f"choose True or False (got {quote(value)})")
    return bool(value)


def check_vector(field: str, values: Iterable[object], length: int, limit: float = VALUE_LIMIT) -> np.ndarray:
    """A float vector of exactly ``length`` finite values within ``+/-limit``."""
    items = as_list(field, values)
    if len(items) != length:
        raise InputError(field, f"expected {length} values, got {len(items)}")
    return np.array([parse_number(f"{field}[{k + 1}]", v, limit) for k, v in enumerate(items)])


def check_examples(field: str, values: object, width: int) -> np.ndarray:
    """One example (a vector) or several (rows); returns shape (examples, width)."""
    if _valid_array(values, VALUE_LIMIT) and values.ndim in (1, 2) and values.shape[-1] == width:  # type: ignore[union-attr]
        return values.reshape(-1, width).copy()  # type: ignore[union-attr]
    items = as_list(field, values)
    rows = [row for row in items if not isinstance(row, (str, bytes)) and hasattr(row, "__iter__")]
    if not rows:  # one example, written as a flat list of numbers
        return check_vector(field, items, width)[None, :]
    if len(rows) != len(items):
        raise InputError(field, f"expected a list of {width} values or a list of such lists")
    return np.stack([check_vector(f"{field}[example {k + 1}]", row, width) for k, row in enumerate(rows)])


def check_matrix(
    field: str, values: object, limit: float = VALUE_LIMIT, refusal: str = "expected a non-empty matrix"
) -> np.ndarray:
    """A non-empty float matrix of finite values within ``+/-limit``; ``refusal`` says what else was expected."""
    if _valid_array(values, limit) and values.ndim == 2:  # type: ignore[union-attr]
        return values.copy()  # type: ignore[union-attr]
    array = np.array(values, dtype=object)
    if array.ndim != 2 or 0 in array.shape:
        raise InputError(field, refusal)
    return np.stack([check_vector(field, row, array.shape[1], limit) for row in array])


def _valid_array(values: object, limit: float) -> bool:
    """Whether ``values`` is a plain non-empty float64 array, every value finite and within ``+/-limit``.

    Such an array is what the number-by-number checks would return, so it
    needs none of them: 1,024 numbers cost ~1 ms one by one.  Anything else
    (a list, ints, a NaN) goes the long way, which words each refusal.
    """
    if type(values) is not np.ndarray or values.dtype != np.float64 or values.size == 0:
        return False
    with np.errstate(invalid="ignore"):
        return bool(np.all(np.abs(values) <= limit))  # False for NaN; inf is beyond any limit


def quick_number(text: str, limit: float = VALUE_LIMIT) -> float | None:
    """``text`` as a number if it is a plain decimal literal (``-0.25``) within ``+/-limit``, else None.

    A pasted table's cells are nearly all such literals; the full parser
    (:func:`parse_number`) decides about anything else and words its refusal.
    """
    if _PLAIN.fullmatch(text):
        number = float(text)
        if -limit <= number <= limit:
            return number
    return None


def check_choice(field: str, value: object, choices: Sequence[str]) -> str:
    """One of ``choices`` (compared as text; anything else is refused)."""
    if not isinstance(value, str) or value not in choices:
        raise InputError(field, f"choose one of {', '.join(choices)} (got {quote(value)})")
    return value


def check_sizes(sizes: object, field: str = "layers") -> tuple[int, ...]:
    """Layer sizes: at least input and output, each 1..MAX_NEURONS neurons."""
    accepted = f"give 2 to {MAX_LAYERS} layer sizes, each a whole number from 1 to {MAX_NEURONS}, such as 2,2,2"
    items = as_list(field, sizes)
    if not 2 <= len(items) <= MAX_LAYERS:
        raise InputError(field, f"{accepted} (got {len(items)} layers)")
    return tuple(parse_whole(field, item, 1, MAX_NEURONS, accepted) for item in items)


def parse_layers(text: object, field: str = "layers") -> tuple[int, ...]:
    """``"2,3,2"`` -> ``(2, 3, 2)``."""
    if not isinstance(text, str):
        return check_sizes(text, field)
    if len(text) > LAYERS_CHARS:
        raise InputError(
            field,
            f"give 2 to {MAX_LAYERS} layer sizes such as 2,2,2 "
            f"(got {quote(text)}, more than {LAYERS_CHARS} characters)",
        )
    return check_sizes(text.split(",") if text.strip() else [], field)


def as_list(field: str, values: object) -> list:
    if isinstance(values, (str, bytes)) or not hasattr(values, "__iter__"):
        raise InputError(field, f"expected a list of values (got {quote(values)})")
    try:
        return list(values)  # type: ignore[arg-type]
    except TypeError:  # e.g. a 0-d array: iterable in name only
        raise InputError(field, f"expected a list of values (got {quote(values)})") from None
