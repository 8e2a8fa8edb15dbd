"""File paths a person gives: refused before use, and OS errors said in a few words with the path short."""

from __future__ import annotations

import errno
from pathlib import Path

import pytest

from explorer.engine import paths
from explorer.engine.validation import QUOTE_LIMIT, InputError


@pytest.mark.parametrize(
    "path, said",
    [(None, "as text"), (b"x.json", "as text"), (3, "as text"), ("", "empty"), ("  ", "empty"), ("a\0b", "NUL")],
)
def test_what_is_no_path_at_all_is_refused(path, said):
    with pytest.raises(InputError, match=said):
        paths.check_path("Save", path)


def test_a_path_comes_back_as_text():
    assert paths.check_path("Load", Path("/tmp/s.json")) == "/tmp/s.json"


@pytest.mark.parametrize(
    "error, said",
    [
        (OSError(errno.EISDIR, "Is a directory"), "it is a folder"),
        (FileNotFoundError(errno.ENOENT, "No such file"), "no such file or folder"),
        (NotADirectoryError("made without an errno"), "a file is in the way, not a folder"),
        (PermissionError("no errno either"), "permission denied"),
        (OSError(errno.ENAMETOOLONG, "File name too long"), "the name is too long"),
        (OSError(errno.EIO, "Input/output error"), "Input/output error"),
        (ValueError("embedded null byte"), "not a usable path"),
    ],
)
def test_why_says_it_in_a_few_words(error, said):
    assert paths.why(error) == said


def test_the_message_quotes_the_path_short():
    message = str(paths.cannot("Save", "write", "/" + "d" * 5000, OSError(errno.ENOENT, "x")))
    assert message.startswith("Save: cannot write '/ddd") and message.endswith("(no such file or folder)")
    assert "d" * QUOTE_LIMIT not in message and len(message) < 100
