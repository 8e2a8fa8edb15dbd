"""Saved sessions: everything needed to reopen the explorer as it was, in one JSON file.

Version 1 of the format::

    {
      "format": "backprop-explorer session",
      "version": 1,
      "network":  {"layers": [2, 2, 2], "activations": ["sigmoid", "sigmoid"],
                   "loss": "squared", "bias_mode": "shared", "update_biases": false,
                   "order": "textbook", "learning_rate": 0.5,
                   "weight_decay": 0.0, "momentum": 0.0,      optional (0): the update rule
                   "velocity": {"weights": ..., "biases": ...},  optional (0): momentum's, as the parameters
                   "weights": [[[0.15, 0.2], [0.25, 0.3]], ...], "biases": [[0.35], [0.6]]},
      "initial":  {"bias_mode": "shared", "weights": ..., "biases": ...},   what Reset weights
                                                      goes back to (bias_mode optional: the network's)
      "examples": {"inputs": [[0.05, 0.1]], "targets": [[0.01, 0.99]]},
      "position": {"example": 0, "iteration": 0, "step": 0},
      "training": {"dataset": "seed", "mode": "online", "seed": 0},   optional: these are its defaults
      "errors":   [0.298371109...],                   E_total after 0, 1, 2, ... iterations
      "curves":   {"log_scale": false,
                   "kept": [{"label": "eta = 0.5 (100 it.)", "iterations": [...], "errors": [...]}]}
    }

Reading checks everything before anything changes: a file that is too big
(checked before parsing), not JSON, holds NaN, Infinity, a number beyond a
float (``1e400``) or a whole number of more than :data:`MAX_DIGITS` digits,
is of another format or version, or describes a network or position the
explorer cannot build raises :class:`SaveFileError`, one sentence naming the
problem (:mod:`explorer.lesson.loader` checks the fields).  Paths that cannot
be read or written give one line too, the path shortened.  Writing reads its
own text back first, so Save never writes what Load refuses.  No widgets
here: the format works on a :class:`~explorer.lesson.session.Session` plus
the kept curves.
"""

from __future__ import annotations

import json
import math
import os
import re
from collections.abc import Sequence
from typing import Any

import numpy as np

from explorer.engine import paths
from explorer.engine import validation as v
from explorer.engine.network import Network

from .loader import FORMAT, MAX_HISTORY, VERSION, KeptCurve, Saved, SaveFileError, from_dict
from .session import Session

__all__ = ["FORMAT", "VERSION", "KeptCurve", "Saved", "SaveFileError", "dumps", "from_dict", "loads", "read", "write"]

#: Files above this size are refused unread; a full history of MAX_HISTORY
#: errors takes about 22 MB.
MAX_BYTES = 32 * 2**20
#: Whole numbers in a file have at most this many digits (no field holds more);
#: longer ones are refused before Python converts them.
MAX_DIGITS = v.WHOLE_CHARS


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
            **_update_rule(net),
            **_parameters(net),
        },
        # its own bias mode: the network's may have changed since (Reset weights converts)
        "initial": {"bias_mode": session.initial.bias_mode, **_parameters(session.initial)},
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


def _update_rule(network: Network) -> dict:
    """Weight decay and momentum, with the velocities the next update goes on from (none: 0)."""
    rule: dict = {"weight_decay": network.weight_decay, "momentum": network.momentum}
    if network.velocity is not None:
        v = network.velocity
        rule["velocity"] = {"weights": [a.tolist() for a in v.weights], "biases": [a.tolist() for a in v.biases]}
    return rule


def _parameters(network: Network) -> dict:
    return {"weights": [w.tolist() for w in network.weights], "biases": [b.tolist() for b in network.biases]}


def dumps(session: Session, kept: Sequence[KeptCurve] = (), log_scale: bool = False) -> str:
    """The file's text; read back once before it is returned, so no file is written that load refuses."""
    document = to_dict(session, kept, log_scale)
    try:
        text = json.dumps(document, allow_nan=False, separators=(",", ":"))
    except ValueError:  # a kept curve that is not finite
        raise v.InputError("Save", "a kept curve holds a number that is not finite: clear kept curves") from None
    try:
        loads(text)
    except SaveFileError as error:
        raise v.InputError("Save", f"this panel cannot be saved as it is ({error.message})") from None
    return text


def write(path: str | os.PathLike, session: Session, kept: Sequence[KeptCurve] = (), log_scale: bool = False) -> None:
    """Write :func:`dumps` to ``path``; a path that cannot be written raises InputError, one line."""
    text = dumps(session, kept, log_scale)  # checked before the file is touched
    name = paths.check_path("Save", path)
    try:
        with open(name, "w", encoding="utf-8") as file:
            file.write(text)
    except (OSError, ValueError) as error:
        raise paths.cannot("Save", "write", name, error) from None


# ------------------------------------------------------------------ reading
def read(path: str | os.PathLike) -> Saved:
    """Read a session file; its size is checked before a byte is parsed."""
    name = paths.check_path("Load", path)
    try:
        size = os.path.getsize(name)
        if size > MAX_BYTES:
            raise SaveFileError(_too_big(size))
        with open(name, "rb") as file:
            data = file.read(MAX_BYTES + 1)
    except (OSError, ValueError) as error:
        if isinstance(error, SaveFileError):
            raise
        raise SaveFileError(f"cannot read {v.quote(name)} ({paths.why(error)})") from None
    return loads(data)


def _too_big(size: int) -> str:
    return f"it has {size:,} bytes; a session file has at most {MAX_BYTES:,}"


def _refuse_constant(name: str) -> None:
    # json.loads accepts the non-standard NaN, Infinity and -Infinity tokens
    raise SaveFileError(f"it contains {name}, which is not a number a session can hold")


def _whole(text: str) -> int:
    # int() of over 4,300 digits raises ValueError: refused long before that
    if len(text.lstrip("-")) > MAX_DIGITS:
        raise SaveFileError(f"it contains a whole number of {len(text.lstrip('-')):,} digits; no field holds one")
    return int(text)


def _real(text: str) -> float:
    number = float(text)
    if not math.isfinite(number):
        raise SaveFileError(f"it contains {v.quote(text)}, a number too large for a session to hold")
    return number


_PARTIAL = re.compile(r"[-+.\deE]*|t(?:r(?:ue?)?)?|f(?:a(?:l(?:se?)?)?)?|n(?:u(?:ll?)?)?")


def loads(data: str | bytes) -> Saved:
    """A :class:`Saved` from a file's text or bytes; :class:`SaveFileError` if it cannot be."""
    if len(data) > MAX_BYTES:
        raise SaveFileError(_too_big(len(data)))
    if isinstance(data, bytes):
        try:
            data = data.decode("utf-8")
        except UnicodeDecodeError:
            raise SaveFileError("it is not a text file (not UTF-8)") from None
    if not isinstance(data, str):
        raise SaveFileError(f"expected the file's text or bytes (got {v.quote(data)})")
    try:
        document = json.loads(data, parse_constant=_refuse_constant, parse_int=_whole, parse_float=_real)
    except json.JSONDecodeError as error:
        # the text ends where the error is, or inside the last number or word (``0.``, ``tr``)
        cut = _PARTIAL.fullmatch(data[error.pos :].rstrip()) or error.msg.startswith("Unterminated string")
        what = "it is cut short" if cut else "it is not valid JSON"
        raise SaveFileError(f"{what} (line {error.lineno:,}, column {error.colno:,}: {error.msg})") from None
    except RecursionError:
        raise SaveFileError("it is nested too deeply to be a session file") from None
    return _checked(document)


def _checked(document: Any) -> Saved:
    try:
        return from_dict(document)
    except RecursionError:
        raise SaveFileError("it is nested too deeply to be a session file") from None
