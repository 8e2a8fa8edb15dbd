"""Reading a parsed session file: every field checked before anything is built.

:func:`from_dict` walks the whole document first (each field's JSON type,
then its range and shape with the parsers the panel's fields use), builds
the new :class:`~explorer.lesson.session.Session` from the checked values,
and only then returns it; the caller swaps it in.  A refused file raises
:class:`SaveFileError` with one short sentence: text from the file is quoted
in at most :data:`~explorer.engine.validation.QUOTE_LIMIT` characters.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from typing import Any

import numpy as np

from explorer.engine import validation as v
from explorer.engine.datasets import MAX_EXAMPLES
from explorer.engine.datasets import NAMES as DATASETS
from explorer.engine.error_history import ErrorHistory
from explorer.engine.history import History
from explorer.engine.network import PARAMETER_LIMIT, Network, Velocity
from explorer.engine.options import BIAS_MODES
from explorer.engine.training import MODES, check_order_and_mode

from .session import Session
from .walkthrough import walkthrough

FORMAT = "backprop-explorer session"
VERSION = 1
#: Longest error history a file holds (E_total after 0 .. MAX_HISTORY - 1 iterations).
MAX_HISTORY = 1_000_000
MAX_KEPT = 8
MAX_CURVE_POINTS = 10_000
MAX_LABEL = 200
_FLOAT_MAX = sys.float_info.max


class SaveFileError(v.InputError):
    """A session file that cannot be read back; the message names the problem."""

    def __init__(self, message: str):
        super().__init__("session file", message)


@dataclass(frozen=True)
class KeptCurve:
    """A frozen error curve: E_total ``errors[i]`` at iteration ``iterations[i]``, shapes (n,)."""

    label: str
    iterations: np.ndarray
    errors: np.ndarray


@dataclass(frozen=True)
class Saved:
    """What a file holds: a session, ready to take over, and the curve view's state."""

    session: Session
    kept: tuple[KeptCurve, ...] = ()
    log_scale: bool = False


# ------------------------------------------------------------ JSON types
def shown(value: Any) -> str:
    """A JSON value for a message: text and numbers quoted short, containers by kind."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return f"a list of {len(value):,}"
    if isinstance(value, dict):
        return "an object"
    return v.quote(value)


def _refuse(where: str, expected: str, value: Any) -> SaveFileError:
    return SaveFileError(f"{where}: expected {expected} (got {shown(value)})")


def _is_number(value: Any) -> bool:
    return type(value) in (int, float)  # JSON numbers only: not true/false, not text


def member(parent: dict, key: str, where: str, kind: type = dict) -> Any:
    """``parent[key]``, which must be a JSON value of ``kind``."""
    if key not in parent:
        raise SaveFileError(f"{where}{key}: it is missing")
    value = parent[key]
    if kind is dict and not isinstance(value, dict):
        raise _refuse(where + key, "an object", value)
    if kind is str and not isinstance(value, str):
        raise _refuse(where + key, "text", value)
    if kind is bool and not isinstance(value, bool):
        raise _refuse(where + key, "true or false", value)
    if kind is list and not isinstance(value, list):
        raise _refuse(where + key, "a list", value)
    return value


def whole(where: str, value: Any, low: int, high: int) -> int:
    """A JSON integer within ``[low, high]`` (checked by validation.parse_whole)."""
    if type(value) is not int:
        raise _refuse(where, f"a whole number from {low:,} to {high:,}", value)
    return _checked(v.parse_whole, where, value, low, high)


def numbers(where: str, value: Any, length: int | None, low: float, high: float, most: int = 0) -> np.ndarray:
    """A flat list of JSON numbers (``length`` of them, or 1 to ``most``), each finite within ``[low, high]``."""
    if not isinstance(value, list):
        raise _refuse(where, "a list of numbers", value)
    if length is not None and len(value) != length:
        raise SaveFileError(f"{where}: expected {length:,} numbers, got {len(value):,}")
    if length is None and not 1 <= len(value) <= most:
        raise SaveFileError(f"{where}: expected 1 to {most:,} numbers, got {len(value):,}")
    for k, item in enumerate(value):
        if not _is_number(item):
            raise _refuse(f"{where}[{k}]", "a number", item)
    array = np.array(value, dtype=float)  # ints here have at most loads' MAX_DIGITS digits
    bad = np.flatnonzero(~(np.isfinite(array) & (array >= low) & (array <= high)))
    if len(bad):
        k = int(bad[0])
        _checked(v.parse_real, f"{where}[{k}]", value[k], low, high, _range(low, high))
        raise SaveFileError(f"{where}[{k}]: {_range(low, high)}")
    return array


def _range(low: float, high: float) -> str:
    return f"enter a number from {low:g} to {high:g}" if high < _FLOAT_MAX else f"a finite number of {low:g} or more"


def rows(where: str, value: Any, count: int | None, width: int, limit: float, most: int = 0) -> np.ndarray:
    """A list of ``count`` (or 1 to ``most``) lists of ``width`` numbers within ``+/-limit``: shape (count, width)."""
    if not isinstance(value, list):
        raise _refuse(where, "a list of lists of numbers", value)
    if count is not None and len(value) != count:
        raise SaveFileError(f"{where}: expected {count} rows, got {len(value):,}")
    if count is None and not 1 <= len(value) <= most:
        raise SaveFileError(f"{where}: expected 1 to {most} rows, got {len(value):,}")
    return np.array([numbers(f"{where}[{k}]", row, width, -limit, limit) for k, row in enumerate(value)])


def _checked(parse, where: str, *args: Any) -> Any:
    """``parse(where, *args)`` with its InputError as a SaveFileError."""
    try:
        return parse(where, *args)
    except v.InputError as error:
        raise SaveFileError(str(error)) from None


# -------------------------------------------------------------- sections
def header(document: Any) -> None:
    """The format's name and version, checked before anything else is read."""
    if not isinstance(document, dict) or document.get("format") != FORMAT:
        raise SaveFileError(f'it is not a Backprop Explorer session (no "format": "{FORMAT}")')
    version = document.get("version")
    if type(version) is not int or version != VERSION:
        raise SaveFileError(f"it is version {shown(version)} of the format; this explorer reads version {VERSION}")


def options(spec: dict) -> dict:
    """The network's options from ``network``, each of its JSON type, then checked as the panel checks them."""
    w = "network."
    sizes = member(spec, "layers", w, list)
    if not 2 <= len(sizes) <= v.MAX_LAYERS:
        raise SaveFileError(f"{w}layers: expected 2 to {v.MAX_LAYERS} layer sizes, got {len(sizes):,}")
    layers = tuple(whole(f"{w}layers[{k}]", n, 1, v.MAX_NEURONS) for k, n in enumerate(sizes))
    activations = member(spec, "activations", w, list)
    if len(activations) != len(layers) - 1:
        raise _refuse(
            w + "activations", f"a list of {len(layers) - 1} names, one per layer after the input", activations
        )
    for k, name in enumerate(activations):
        if not isinstance(name, str):
            raise _refuse(f"{w}activations[{k}]", "a name", name)
    rate = member(spec, "learning_rate", w, object)
    if not _is_number(rate):
        raise _refuse(w + "learning_rate", "a number", rate)
    return {
        **update_rule(spec),
        "layers": layers,
        "activations": tuple(activations),
        "loss": member(spec, "loss", w, str),
        "bias_mode": _checked(v.check_choice, w + "bias_mode", member(spec, "bias_mode", w, str), BIAS_MODES),
        "update_biases": member(spec, "update_biases", w, bool),
        "order": member(spec, "order", w, str),
        "learning_rate": _checked(v.parse_learning_rate, rate, w + "learning_rate"),
    }


def update_rule(spec: dict) -> dict:
    """Weight decay and momentum, checked as the panel checks them; files without them had neither (0)."""
    rule = {}
    for key, parse in (("weight_decay", v.parse_weight_decay), ("momentum", v.parse_momentum)):
        value = spec.get(key, 0.0)
        if not _is_number(value):
            raise _refuse(f"network.{key}", "a number", value)
        rule[key] = _checked(parse, value, f"network.{key}")
    return rule


def velocity(spec: dict, net: Network) -> Velocity | None:
    """Momentum's velocities (``network.velocity``, shaped as the parameters); none (0) if absent."""
    if "velocity" not in spec:
        return None
    section, sizes, w = member(spec, "velocity", "network."), net.sizes, "network.velocity."
    weights, biases = member(section, "weights", w, list), member(section, "biases", w, list)
    for name, value in (("weights", weights), ("biases", biases)):
        if len(value) != len(sizes) - 1:
            raise _refuse(w + name, f"a list of {len(sizes) - 1} layers", value)
    limit = PARAMETER_LIMIT
    return Velocity(
        tuple(rows(f"{w}weights[{l}]", m, sizes[l + 1], sizes[l], limit) for l, m in enumerate(weights)),
        tuple(numbers(f"{w}biases[{l}]", b, net.biases[l].size, -limit, limit) for l, b in enumerate(biases)),
    )


def network(where: str, parameters: dict, settings: dict, bias_mode: str) -> Network:
    """The network of ``settings`` (with ``bias_mode``) holding the parameters of ``parameters``."""
    layers = settings["layers"]
    weights = member(parameters, "weights", where + ".", list)
    biases = member(parameters, "biases", where + ".", list)
    for name, value in (("weights", weights), ("biases", biases)):
        if not isinstance(value, list) or len(value) != len(layers) - 1:
            raise _refuse(f"{where}.{name}", f"a list of {len(layers) - 1} layers", value)
    w = [rows(f"{where}.weights[{l}]", m, layers[l + 1], layers[l], PARAMETER_LIMIT) for l, m in enumerate(weights)]
    b = [
        numbers(
            f"{where}.biases[{l}]", b, 1 if bias_mode == "shared" else layers[l + 1], -PARAMETER_LIMIT, PARAMETER_LIMIT
        )
        for l, b in enumerate(biases)
    ]
    names = ("activations", "loss", "update_biases", "learning_rate", "order", "weight_decay", "momentum")
    chosen = {k: settings[k] for k in names}
    try:
        return Network(w, b, bias_mode=bias_mode, **chosen)
    except v.InputError as error:
        raise SaveFileError(f"network.{error}") from None


def training(document: dict) -> tuple[str, str, int]:
    """(dataset, mode, seed); files written before they were saved get the defaults."""
    if "training" not in document:
        return "seed", "online", 0
    section = member(document, "training", "")
    name = _checked(v.check_choice, "training.dataset", member(section, "dataset", "training.", str), DATASETS)
    mode = _checked(v.check_choice, "training.mode", member(section, "mode", "training.", str), MODES)
    seed = whole("training.seed", section.get("seed"), 0, v.MAX_SEED)
    return name, mode, seed


def errors(document: dict, iteration: int) -> np.ndarray:
    """E_total after 0 .. ``iteration`` iterations: finite, 0 or more."""
    return numbers("errors", member(document, "errors", "", list), iteration + 1, 0.0, _FLOAT_MAX)


def kept(curves: dict) -> tuple[KeptCurve, ...]:
    """The kept curves: a label (shown as plain text), rising iterations and finite errors."""
    listed = member(curves, "kept", "curves.", list)
    if len(listed) > MAX_KEPT:
        raise _refuse("curves.kept", f"a list of at most {MAX_KEPT} curves", listed)
    result = []
    for k, curve in enumerate(listed):
        where = f"curves.kept[{k}]"
        if not isinstance(curve, dict):
            raise _refuse(where, "an object", curve)
        label = member(curve, "label", where + ".", str)
        if len(label) > MAX_LABEL:
            raise SaveFileError(f"{where}.label: at most {MAX_LABEL} characters (got {len(label):,})")
        x = numbers(where + ".iterations", curve.get("iterations"), None, 0, v.MAX_ITERATIONS, MAX_CURVE_POINTS)
        y = numbers(where + ".errors", curve.get("errors"), len(x), 0.0, _FLOAT_MAX)
        if len(x) < 2 or not (np.diff(x) > 0).all():
            raise SaveFileError(f"{where}.iterations: expected 2 or more iterations, each after the one before")
        result.append(KeptCurve(label, x, y))
    return tuple(result)


# ----------------------------------------------------------------- whole
def from_dict(document: Any) -> Saved:
    """Check ``document`` against the format, then build the session it describes."""
    header(document)
    spec = member(document, "network", "")
    settings = options(spec)
    net = network("network", spec, settings, settings["bias_mode"])
    moving = velocity(spec, net)  # checked even where momentum is 0, which has no use for it
    net.velocity = moving if net.momentum else None
    initial_spec = member(document, "initial", "")
    initial_mode = settings["bias_mode"]  # files before "initial.bias_mode" shared the network's
    if "bias_mode" in initial_spec:
        mode = member(initial_spec, "bias_mode", "initial.", str)
        initial_mode = _checked(v.check_choice, "initial.bias_mode", mode, BIAS_MODES)
    initial = network("initial", initial_spec, settings, initial_mode)
    examples = member(document, "examples", "")
    inputs = rows(
        "examples.inputs",
        member(examples, "inputs", "examples.", list),
        None,
        net.sizes[0],
        v.VALUE_LIMIT,
        MAX_EXAMPLES,
    )
    targets = rows(
        "examples.targets", member(examples, "targets", "examples.", list), len(inputs), net.sizes[-1], v.VALUE_LIMIT
    )
    try:
        inputs, targets = net.check_data(inputs, targets)
    except v.InputError as error:
        raise SaveFileError(f"examples.{error}") from None
    name, mode, seed = training(document)
    try:
        check_order_and_mode(net.order, mode, "Mode")
    except v.InputError as error:
        raise SaveFileError(f"training.mode: {error.message}") from None
    position = member(document, "position", "")
    example = whole("position.example", position.get("example"), 0, len(inputs) - 1)
    iteration = whole("position.iteration", position.get("iteration"), 0, MAX_HISTORY - 1)
    steps = len(walkthrough(net, inputs, targets, example, mode))
    step = whole("position.step", position.get("step"), 0, steps)
    history = errors(document, iteration)
    curves = member(document, "curves", "")
    log_scale = member(curves, "log_scale", "curves.", bool)
    ghosts = kept(curves)

    session = Session(net, inputs, targets)  # built from checked values only
    session.initial = initial
    session.dataset, session.mode, session.seed = name, mode, seed
    session.example = example
    session.errors = ErrorHistory.from_values(history)
    # the file holds the network shown, not those before it: the history starts there
    session.history = History(net, inputs, targets, start=iteration, mode=mode)
    session.iteration = iteration
    session.step = step
    return Saved(session, ghosts, log_scale)
