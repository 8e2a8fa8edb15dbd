"""The teaching notebooks, shipped inside the package, and copying them out.

The notebooks live in the repository's ``notebooks/`` and nowhere else:
JupyterLab opens them there (``python3 tasks.py lab``), nbval runs them there
and the classroom page serves them from there.  A wheel maps that folder to
``explorer/notebooks/`` (``package-dir`` in ``pyproject.toml``), so
``backprop-explorer app`` works from a plain ``pip install`` too.

``backprop-explorer notebooks DIR`` copies them into ``DIR`` for a teacher to
edit.  A notebook already in ``DIR`` is never overwritten (it may hold the
teacher's edits): it is kept and named, so the command can run again safely,
as it does at every start of a JupyterHub server.
"""

from __future__ import annotations

import argparse
import shutil
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import NamedTuple

from explorer.engine import paths
from explorer.engine import validation as v

from .arguments import OneLineParser

_PACKAGE = Path(__file__).resolve().parents[1]
# an installed wheel carries them in the package; a source checkout has them beside it
NOTEBOOK_DIR = _PACKAGE / "notebooks" if (_PACKAGE / "notebooks").is_dir() else _PACKAGE.parent / "notebooks"
NOTEBOOKS = {
    "01": "01_step_by_step.ipynb",
    "02": "02_learning_rate.ipynb",
    "03": "03_beyond_one_example.ipynb",
    "04": "04_several_classes.ipynb",
}


class Copied(NamedTuple):
    """What :func:`copy_notebooks` did: paths written, and paths already there (kept)."""

    written: list[Path]
    kept: list[Path]


def notebook_path(key: str) -> Path:
    """The shipped notebook for ``key`` ("01" to "04")."""
    return NOTEBOOK_DIR / NOTEBOOKS[key]


def copy_notebooks(target: Path) -> Copied:
    """Copy every shipped notebook into ``target`` (created if missing); never overwrite.

    Raises
    ------
    NotADirectoryError
        If ``target`` exists and is not a directory.
    """
    target = Path(target)
    if target.exists() and not target.is_dir():
        raise NotADirectoryError(f"{target} exists and is not a directory")
    target.mkdir(parents=True, exist_ok=True)
    written, kept = [], []
    for name in sorted(NOTEBOOKS.values()):
        destination = target / name
        if destination.exists():
            kept.append(destination)
            continue
        shutil.copyfile(NOTEBOOK_DIR / name, destination)
        written.append(destination)
    return Copied(written, kept)


def build_parser() -> argparse.ArgumentParser:
    parser = OneLineParser(
        prog="python -m explorer notebooks",
        description="Copy the teaching notebooks into DIR, to edit or hand out. "
        "Notebooks already in DIR are kept, never overwritten.",
    )
    parser.add_argument("dir", metavar="DIR", type=Path, help="folder to copy into (created if missing)")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """``python -m explorer notebooks DIR``; return the exit code."""
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        copied = copy_notebooks(args.dir)
    except (OSError, ValueError) as error:  # not a directory, no permission, disk full, a NUL byte
        parser.error(f"argument DIR: cannot copy into {v.quote(str(args.dir))} ({paths.why(error)})")
    for path in copied.written:
        print(f"wrote {path}")
    for path in copied.kept:
        print(f"kept {path} (already there; remove it to get a fresh copy)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
