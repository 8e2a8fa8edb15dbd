"""An offline Pyodide distribution for the static site, every file checked against its own lock file.

``backprop-explorer lite OUTDIR --pyodide DIR`` copies only the files the site
needs (Pyodide's core and the packages numpy and matplotlib pull in), each
checked against the sha256 the distribution's ``pyodide-lock.json`` gives it.
"""

from __future__ import annotations

import copy
import hashlib
import json
import re
from collections.abc import Iterable
from pathlib import Path

#: Pyodide's core, beside ``pyodide.js``; the lock file lists only packages.
PYODIDE_CORE = ("pyodide.js", "pyodide.mjs", "pyodide.asm.js", "pyodide.asm.wasm", "python_stdlib.zip")
#: The Pyodide the kernel (jupyterlite-pyodide-kernel 0.6) was built for.
PYODIDE_SERIES = "0.27."
#: Pyodide packages the site needs: the panel's, and what the kernel loads as it starts.
PYODIDE_PACKAGES = (
    "numpy",
    "matplotlib",
    "pillow",
    "traitlets",
    "micropip",
    "packaging",
    "ipython",
    "jedi",
    "ssl",
    "sqlite3",
)


class LiteError(Exception):
    """The site cannot be built: one line saying why."""


class MissingExtra(LiteError):
    """A package of the ``[lite]`` extra is not installed."""


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as file:
        for block in iter(lambda: file.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _normal(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def verified_pyodide(source: Path, packages: Iterable[str] = PYODIDE_PACKAGES) -> tuple[dict, list[Path]]:
    """Check a local Pyodide distribution; return the lock file the site needs and the files to copy.

    The lock file returned lists only ``packages`` and their dependencies
    (the site carries nothing else); each of their files must be in
    ``source`` with the sha256 that ``source/pyodide-lock.json`` records.

    Raises
    ------
    LiteError
        If a file is missing, a hash differs, or the Pyodide is not the one
        the kernel was built for.
    """
    source = Path(source)
    lock_path = source / "pyodide-lock.json"
    if not lock_path.is_file():
        raise LiteError(f"{source} is not a Pyodide distribution: it has no pyodide-lock.json")
    try:
        lock = json.loads(lock_path.read_text(encoding="utf-8"))
        version, listed = lock["info"]["version"], lock["packages"]
    except (ValueError, KeyError, TypeError) as error:
        raise LiteError(f"{lock_path} is not a Pyodide lock file ({error})") from None
    if not version.startswith(PYODIDE_SERIES):
        raise LiteError(f"{source} holds Pyodide {version}; the site's kernel runs Pyodide {PYODIDE_SERIES}x")
    missing = [name for name in PYODIDE_CORE if not (source / name).is_file()]
    if missing:
        raise LiteError(f"{source} lacks Pyodide's core file {missing[0]}")
    by_name = {_normal(name): name for name in listed}
    needed, todo = set(), [_normal(p) for p in packages]
    while todo:
        name = todo.pop()
        if name in needed:
            continue
        if name not in by_name:
            raise LiteError(f"{lock_path} lists no package {name!r}, which the site needs")
        needed.add(name)
        todo += [_normal(d) for d in listed[by_name[name]].get("depends", [])]
    files = [source / name for name in PYODIDE_CORE]
    for name in sorted(needed):
        entry = listed[by_name[name]]
        path = source / entry["file_name"]
        if not path.is_file():
            raise LiteError(f"{source} lacks {entry['file_name']} ({name}, listed in its pyodide-lock.json)")
        if _sha256(path) != entry["sha256"]:
            raise LiteError(f"{path} does not match the sha256 in {lock_path}")
        files.append(path)
    trimmed = copy.deepcopy(lock)
    trimmed["packages"] = {by_name[n]: listed[by_name[n]] for n in sorted(needed)}
    return trimmed, files
