"""File paths a person gives (Save, Load, ``-o``, a folder): checked, and failures said in one line.

Every message names the path shortened to
:data:`~explorer.engine.validation.QUOTE_LIMIT` characters and says why in a
few words (the operating system's own text is longer and varies).
"""

from __future__ import annotations

import errno
import os

from . import validation as v

#: Why a path failed, by errno.
REASONS = {
    errno.ENOENT: "no such file or folder",
    errno.EISDIR: "it is a folder",
    errno.ENOTDIR: "a file is in the way, not a folder",
    errno.EACCES: "permission denied",
    errno.EPERM: "permission denied",
    errno.ENAMETOOLONG: "the name is too long",
    errno.EROFS: "the disk is read-only",
    errno.ENOSPC: "the disk is full",
    errno.EEXIST: "it exists already",
}


def check_path(field: str, path: object) -> str:
    """``path`` as text; ``None``, bytes, an empty path or one holding NUL raise InputError."""
    if isinstance(path, os.PathLike):
        path = os.fspath(path)
    if not isinstance(path, str):
        raise v.InputError(field, f"give a file path as text (got {v.quote(path)})")
    if not path.strip():
        raise v.InputError(field, "give a file path (the path is empty)")
    if "\0" in path:
        raise v.InputError(field, f"a path cannot hold a NUL character (got {v.quote(path)})")
    return path


def why(error: BaseException) -> str:
    """A few words for an OSError (or the ValueError ``open`` raises for an unusable path)."""
    if isinstance(error, OSError):
        if error.errno in REASONS:
            return REASONS[error.errno]
        kinds = {FileNotFoundError: errno.ENOENT, IsADirectoryError: errno.EISDIR, NotADirectoryError: errno.ENOTDIR}
        kinds.update({PermissionError: errno.EACCES, FileExistsError: errno.EEXIST})
        for kind, number in kinds.items():
            if isinstance(error, kind):
                return REASONS[number]
        return v.quote(error.strerror or type(error).__name__).strip("'")
    return "not a usable path"


def cannot(field: str, verb: str, path: str, error: BaseException) -> v.InputError:
    """``field: cannot <verb> '<path, shortened>' (<why>)``, to raise."""
    return v.InputError(field, f"cannot {verb} {v.quote(path)} ({why(error)})")
