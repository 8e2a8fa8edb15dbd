"""Saved sessions: everything needed to reopen the explorer as it was, in one JSON file.

Version 1 of the format::

    {
      "format": "backprop-explorer session",
      "version": 1,
      "network":  {"layers": [2, 2, 2], "activations": ["sigmoid", "sigmoid"],
                   "loss": "squared", "bias_mode": "shared", "update_biases": false,
                   "order": "textbook", "learning_rate": 0.5,
                   "weights": [[[0.15, 0.2], [0.25, 0.3]], ...], "biases": [[0.35], [0.6]]},
      "initial":  {"weights": ..., "biases": ...},      what Reset weights goes back to
      "examples": {"inputs": [[0.05, 0.1]], "targets": [[0.01, 0.99]]},
      "position": {"example": 0, "iteration": 0, "step": 0},
      "training": {"dataset": "seed", "mode": "online", "seed": 0},   optional: these are its defaults
      "errors":   [0.298371109...],                   E_total after 0, 1, 2, ... iterations
      "curves":   {"log_scale": false,
                   "kept": [{"label": "eta = 0.5 (100 it.)", "iterations": [...], "errors": [...]}]}
    }

Reading checks everything before anything changes: a file that is too big
(checked before parsing), not JSON, holds NaN or Infinity, is of another
format or version, or describes a network or position the explorer cannot
build raises :class:`SaveFileError`, one sentence naming the problem.  No
widgets here: the format works on a :class:`~explorer.lesson.session.Session`
plus the kept curves.
"""

from __future__ import annotations

import json
import math
import os
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from explorer.engine import validation as v
from explorer.engine.datasets import NAMES as DATASETS
from explorer.engine.error_history import ErrorHistory
from explorer.engine.network import Network
from explorer.engine.training import MODES
from explorer.engine.validation import check_seed

from .session import Session
from .walkthrough import walkthrough

FORMAT = "backprop-explorer session"
VERSION = 1
#: Files above this size are refused unread; a full history of MAX_HISTORY
#: errors takes about 22 MB.
MAX_BYTES = 32 * 2**20
#: Longest error history a file holds (E_total after 0 .. MAX_HISTORY - 1 iterations).
MAX_HISTORY = 1_000_000
MAX_KEPT = 8
MAX_CURVE_POINTS = 10_000
MAX_LABEL = 200


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


# ------------------------------------------------------------------ writing
def to_dict(session: Session, kept: Sequence[KeptCurve] = (), log_scale: bool = False) -> dict:
    """The session (and kept curves) as plain JSON-ready data, in the format above.

    Raises :class:`~explorer.engine.validation.InputError` for a run that diverged:
    its weights are no longer numbers a file can hold.
    """
    net = session.network
    # the run up to the iteration shown: the network saved is that iteration's (when looking
    # back at an earlier one, what came after is not written)
    errors = session.errors.values[: session.iteration + 1]
    finite = all(np.isfinite(a).all() for a in (*net.weights, *net.biases)) and np.isfinite(errors).all()
    if not finite:
        raise v.InputError(
            "Save",
            "this run diverged (its weights or E_total are no longer finite numbers): press Reset weights, then save",
        )
    if len(errors) > MAX_HISTORY:
        raise v.InputError(
            "Save",
            f"this run has {len(errors) - 1:,} iterations; a session file holds "
            f"at most {MAX_HISTORY - 1:,}: press Reset weights to start a new run",
        )
    return {
        "format": FORMAT,
        "version": VERSION,
        "network": {
            "layers": list(net.sizes),
            "activations": list(net.activations),
            "loss": net.loss,
            "bias_mode": net.bias_mode,
            "update_biases": net.update_biases,
            "order": net.order,
            "learning_rate": net.learning_rate,
            **_parameters(net),
        },
        "initial": _parameters(session.initial),
        "examples": {"inputs": session.inputs.tolist(), "targets": session.targets.tolist()},
        "position": {"example": session.example, "iteration": session.iteration, "step": session.step},
        "training": {"dataset": session.dataset, "mode": session.mode, "seed": session.seed},
        "errors": errors.tolist(),
        "curves": {
            "log_scale": bool(log_scale),
            "kept": [
                {
                    "label": c.label,
                    "iterations": np.asarray(c.iterations, float).tolist(),
                    "errors": np.asarray(c.errors, float).tolist(),
                }
                for c in kept
            ],
        },
    }


def _parameters(network: Network) -> dict:
    return {"weights": [w.tolist() for w in network.weights], "biases": [b.tolist() for b in network.biases]}


def dumps(session: Session, kept: Sequence[KeptCurve] = (), log_scale: bool = False) -> str:
    """The file's text; read back once before it is returned, so no file is written that load refuses."""
    text = json.dumps(to_dict(session, kept, log_scale), allow_nan=False, separators=(",", ":"))
    loads(text)
    return text


def write(path: str | os.PathLike, session: Session, kept: Sequence[KeptCurve] = (), log_scale: bool = False) -> None:
    """Write :func:`dumps` to ``path``."""
    text = dumps(session, kept, log_scale)
    with open(path, "w", encoding="utf-8") as file:
        file.write(text)


# ------------------------------------------------------------------ reading
def read(path: str | os.PathLike) -> Saved:
    """Read a session file; its size is checked before a byte is parsed."""
    try:
        size = os.path.getsize(path)
        if size > MAX_BYTES:
            raise SaveFileError(_too_big(size))
        with open(path, "rb") as file:
            data = file.read(MAX_BYTES + 1)
    except OSError as error:
        raise SaveFileError(f"cannot read {os.fspath(path)!r} ({error.strerror or error})") from None
    return loads(data)


def _too_big(size: int) -> str:
    return f"it has {size:,} bytes; a session file has at most {MAX_BYTES:,}"


def _refuse_constant(name: str) -> None:
    # json.loads accepts the non-standard NaN, Infinity and -Infinity tokens
    raise SaveFileError(f"it contains {name}, which is not a number a session can hold")


def loads(data: str | bytes) -> Saved:
    """A :class:`Saved` from a file's text or bytes; :class:`SaveFileError` if it cannot be."""
    if len(data) > MAX_BYTES:
        raise SaveFileError(_too_big(len(data)))
    if isinstance(data, bytes):
        try:
            data = data.decode("utf-8")
        except UnicodeDecodeError:
            raise SaveFileError("it is not a text file (not UTF-8)") from None
    try:
        document = json.loads(data, parse_constant=_refuse_constant)
    except json.JSONDecodeError as error:
        cut = error.pos >= len(data.rstrip()) or error.msg.startswith("Unterminated string")
        what = "it is cut short" if cut else "it is not valid JSON"
        raise SaveFileError(f"{what} (line {error.lineno}, column {error.colno}: {error.msg})") from None
    except RecursionError:
        raise SaveFileError("it is nested too deeply to be a session file") from None
    try:
        return from_dict(document)
    except RecursionError:
        raise SaveFileError("it is nested too deeply to be a session file") from None


def from_dict(document: Any) -> Saved:
    """Check ``document`` against the format and build the session it describes."""
    if not isinstance(document, dict) or document.get("format") != FORMAT:
        raise SaveFileError(f'it is not a Backprop Explorer session (no "format": "{FORMAT}")')
    version = document.get("version")
    if version != VERSION:
        raise SaveFileError(f"it is version {version!r} of the format; this explorer reads version {VERSION}")
    spec = _object(document, "network")
    network = _network(spec, spec, "network")
    initial = _network(spec, _object(document, "initial"), "initial")
    if initial.sizes != network.sizes:
        raise SaveFileError(f"initial: layers {list(initial.sizes)} differ from the network's {list(network.sizes)}")
    examples = _object(document, "examples")
    try:
        inputs, targets = network.check_data(
            _numbers(examples, "inputs", "examples"), _numbers(examples, "targets", "examples")
        )
    except v.InputError as error:
        raise SaveFileError(f"examples.{error}") from None
    position = _object(document, "position")
    example = _count(position, "example", "position", inputs.shape[0] - 1)
    iteration = _count(position, "iteration", "position", MAX_HISTORY - 1)
    name, mode, seed = _training(document)
    try:
        steps = len(walkthrough(network, inputs, targets, example, mode))
    except v.InputError as error:
        raise SaveFileError(f"training.{error}") from None
    step = _count(position, "step", "position", steps)
    errors = _errors(document, iteration)

    session = Session(network, inputs, targets)
    session.initial = initial
    session.dataset, session.mode, session.seed = name, mode, seed
    session.example = example
    session.errors = ErrorHistory(errors[0])
    session.errors.extend(errors[1:])
    session.iteration = iteration
    session.step = step
    curves = _object(document, "curves")
    log_scale = curves.get("log_scale")
    if not isinstance(log_scale, bool):
        raise SaveFileError("curves.log_scale: expected true or false")
    return Saved(session, _kept(curves), log_scale)


# ------------------------------------------------------------------ checks
def _object(parent: dict, key: str) -> dict:
    value = parent.get(key)
    if not isinstance(value, dict):
        raise SaveFileError(f"{key}: expected an object" + ("" if key in parent else " (it is missing)"))
    return value


def _numbers(parent: dict, key: str, where: str) -> list:
    """Nested lists of JSON numbers (no strings, no true/false), as they are."""
    value = parent.get(key)

    def check(item: Any) -> None:
        if isinstance(item, list):
            for inner in item:
                check(inner)
        elif isinstance(item, bool) or not isinstance(item, (int, float)):
            raise SaveFileError(f"{where}.{key}: expected numbers, found {json.dumps(item)[:40]}")

    if not isinstance(value, list):
        raise SaveFileError(f"{where}.{key}: expected a list of numbers")
    check(value)
    return value


def _count(parent: dict, key: str, where: str, highest: int) -> int:
    value = parent.get(key)
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= highest:
        raise SaveFileError(f"{where}.{key}: expected a whole number from 0 to {highest:,} (got {value!r})")
    return value


def _network(spec: dict, parameters: dict, where: str) -> Network:
    """The network ``spec`` describes, with the weights and biases of ``parameters``."""
    weights = _numbers(parameters, "weights", where)
    biases = _numbers(parameters, "biases", where)
    activations = spec.get("activations")
    if not isinstance(activations, list) or not all(isinstance(a, str) for a in activations):
        raise SaveFileError(f"{where}.activations: expected a list of names, one per layer after the input")
    try:
        layers = v.check_sizes(spec.get("layers"), "layers")
        network = Network(
            weights,
            biases,
            activations=activations,
            loss=spec.get("loss"),
            bias_mode=spec.get("bias_mode"),
            update_biases=_flag(spec, "update_biases"),
            learning_rate=v.parse_learning_rate(spec.get("learning_rate"), "learning_rate"),
            order=spec.get("order"),
        )
    except v.InputError as error:
        raise SaveFileError(f"{where}.{error}") from None
    except (TypeError, ValueError) as error:  # e.g. ragged lists of weights
        raise SaveFileError(f"{where}: the weights and biases do not form matrices ({error})") from None
    if network.sizes != layers:
        raise SaveFileError(
            f"{where}.weights: their shapes make a {'-'.join(map(str, network.sizes))} "
            f'network, not the {"-".join(map(str, layers))} of "layers"'
        )
    return network


def _training(document: dict) -> tuple[str, str, int]:
    """(dataset, mode, seed); files written before they were saved get the defaults."""
    training = document.get("training", {"dataset": "seed", "mode": "online", "seed": 0})
    if not isinstance(training, dict):
        raise SaveFileError("training: expected an object")
    try:
        name = v.check_choice("dataset", training.get("dataset"), DATASETS)
        mode = v.check_choice("mode", training.get("mode"), MODES)
        seed = check_seed(training.get("seed"), "seed")
    except v.InputError as error:
        raise SaveFileError(f"training.{error}") from None
    if isinstance(training.get("seed"), str):
        raise SaveFileError("training.seed: expected a whole number, not text")
    return name, mode, seed


def _flag(spec: dict, key: str) -> bool:
    value = spec.get(key)
    if not isinstance(value, bool):
        raise v.InputError(key, "expected true or false")
    return value


def _errors(document: dict, iteration: int) -> list[float]:
    errors = _numbers(document, "errors", "session")
    if len(errors) != iteration + 1 or any(isinstance(e, list) for e in errors):
        raise SaveFileError(
            f"errors: expected {iteration + 1:,} numbers (E_total after 0 to "
            f"{iteration:,} iterations), got {len(errors):,} entries"
        )
    if any(e < 0 or not math.isfinite(e) for e in errors):
        raise SaveFileError("errors: every E_total is a finite number of 0 or more")
    return [float(e) for e in errors]


def _kept(curves: dict) -> tuple[KeptCurve, ...]:
    kept = curves.get("kept")
    if not isinstance(kept, list) or len(kept) > MAX_KEPT:
        raise SaveFileError(f"curves.kept: expected a list of at most {MAX_KEPT} curves")
    result = []
    for k, curve in enumerate(kept):
        where = f"curves.kept[{k}]"
        if not isinstance(curve, dict) or not isinstance(curve.get("label"), str):
            raise SaveFileError(f'{where}: expected an object with a "label" text')
        x = np.array(_numbers(curve, "iterations", where), dtype=object)
        y = np.array(_numbers(curve, "errors", where), dtype=object)
        if x.ndim != 1 or y.shape != x.shape or not 2 <= len(x) <= MAX_CURVE_POINTS:
            raise SaveFileError(f"{where}: expected two lists of equal length, 2 to {MAX_CURVE_POINTS:,} numbers")
        x, y = x.astype(float), y.astype(float)
        if not (np.isfinite(y).all() and (x >= 0).all() and (np.diff(x) > 0).all()):
            raise SaveFileError(f"{where}: iterations must rise from 0 or more, errors be finite")
        result.append(KeptCurve(curve["label"][:MAX_LABEL], x, y))
    return tuple(result)
