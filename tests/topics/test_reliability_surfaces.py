"""One test per class of fault found in the surfaces beside the fields: paths, tables, the Python API, the CLI.

The session-file classes (half-loads, huge numbers, ragged arrays, mathtext
labels, what Save writes, what Load accepts, unbounded echoes) are in
tests/lesson/test_loader.py and test_savefile.py; the exec rule in
tests/engine/test_compiled.py.
"""

from __future__ import annotations

import os
import runpy
import sys
import types

import pytest

from explorer.engine import validation as v
from explorer.engine.datasets import parse_table
from explorer.lesson import savefile
from explorer.lesson.quiz import Quiz
from explorer.lesson.session import Session
from explorer.serve import app
from tests.helpers.snapshots import session_snapshot

LONG = "d" * 5_000


def one_short_line(message: str) -> None:
    assert "\n" not in message.strip() and len(message) <= 200, message[:300]
    assert "d" * (v.QUOTE_LIMIT + 1) not in message


# ------------------------------------------------------------- 11: paths
def bad_paths(tmp_path) -> dict[str, tuple[object, str]]:
    a_file = tmp_path / "a-file"
    a_file.write_text("x")
    return {
        "a folder": (tmp_path, "it is a folder"),
        "a missing folder": (tmp_path / "nowhere" / "s.json", "no such file or folder"),
        "empty": ("", "the path is empty"),
        "None": (None, "give a file path as text"),
        "a NUL byte": (str(tmp_path / "a\0b.json"), "NUL"),
        "through a file": (a_file / "s.json", "a file is in the way"),
        "a name too long": (tmp_path / ("d" * 300 + ".json"), "the name is too long"),
        "a path too long to echo": (tmp_path / LONG / "s.json", ""),
    }


PATH_CASES = ["a folder", "a missing folder", "empty", "None", "a NUL byte", "through a file", "a name too long"]


@pytest.mark.parametrize("case", [*PATH_CASES, "a path too long to echo"])
def test_save_and_load_say_in_one_line_which_path_failed_and_why(tmp_path, case):
    path, why = bad_paths(tmp_path)[case]
    s = Session()
    before = session_snapshot(s)
    for attempt in (lambda: savefile.write(path, s), lambda: savefile.read(path)):
        with pytest.raises(v.InputError) as refused:
            attempt()
        one_short_line(str(refused.value))
        assert why in str(refused.value)
    assert session_snapshot(s) == before
    assert os.listdir(tmp_path) == ["a-file"]


# ------------------------------------------------------------ 12: table cells
@pytest.mark.parametrize("blank", ["\u00a0", "\u001f", "\u3000", "\u2003", "\u0085"])
def test_table_cells_trim_ascii_blanks_only(blank):
    with pytest.raises(v.InputError, match="row 1"):  # U+001F and U+0085 also end a line for splitlines
        parse_table(f"1, 2{blank},3", 2)
    assert parse_table(" 1 ,  2 , 3 ", 2, 1).inputs.tolist() == [[1.0, 2.0]]


# ------------------------------------------------------------ 13: Python API
@pytest.mark.parametrize("answer", [10**400, -(10**400), 10**5000], ids=["10**400", "-10**400", "10**5000"])
def test_quiz_check_refuses_integers_beyond_a_float(answer):
    s = Session()
    quiz = Quiz(s)
    quiz.active = True
    s.next_step()
    feedback = quiz.check(answer)
    assert feedback.kind == "refused" and "too large" in feedback.text
    one_short_line(feedback.text)


@pytest.mark.parametrize("hidden", [None, 5, 2.5, "2", "23", object(), [None], [2.5], ["3"] * 9, [LONG]])
def test_set_hidden_refuses_what_is_not_a_list_of_sizes(hidden):
    s = Session()
    before = session_snapshot(s)
    with pytest.raises(v.InputError) as refused:
        s.set_hidden(hidden)
    one_short_line(str(refused.value))
    assert session_snapshot(s) == before


# ------------------------------------------------------------ 14: app options
@pytest.mark.parametrize("option", ["--port", "--students", "--idle-timeout"])
@pytest.mark.parametrize("text", ["\u0664\u0662\u0666\u0661\u0663", "4_2613", "+42613", "42613\u00a0", "1e3", LONG])
def test_app_options_are_read_by_the_shared_parser(capsys, option, text):
    with pytest.raises(SystemExit) as exit_:
        app.build_parser().parse_args([option, text])
    assert exit_.value.code == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and option in err and "whole number" in err
    one_short_line(err)


def test_app_options_accept_what_the_fields_accept():
    args = app.build_parser().parse_args(["--port", "42_613", "--students", " 3 ", "--idle-timeout", "1,000"])
    assert (args.port, args.students, args.idle_timeout) == (42613, 3, 1000)


# --------------------------------------------------------------- 16: Ctrl-C
@pytest.mark.parametrize("argv", [["train"], ["app", "--port", "1"], ["notebooks", "somewhere"], ["steps", "--lr"]])
def test_ctrl_c_while_parsing_is_one_line_and_status_130(monkeypatch, capsys, argv):
    from explorer.serve import arguments, cli

    def interrupt(*_args, **_kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(arguments.OneLineParser, "parse_args", interrupt)
    assert cli.main(argv) == 130
    captured = capsys.readouterr()
    assert captured.err.strip().endswith(": interrupted") and captured.err.count("\n") == 1
    assert "Traceback" not in captured.err and captured.out == ""


def test_ctrl_c_while_the_package_loads_is_one_line_and_status_130(monkeypatch, capsys):
    class Loading(types.ModuleType):
        def __getattr__(self, name: str):
            raise KeyboardInterrupt  # as if Ctrl-C came while numpy was being imported

    monkeypatch.setitem(sys.modules, "explorer.serve.cli", Loading("explorer.serve.cli"))
    with pytest.raises(SystemExit) as exit_:
        runpy.run_module("explorer", run_name="__main__")
    assert exit_.value.code == 130
    assert capsys.readouterr().err == "python -m explorer: interrupted\n"


def test_ctrl_c_while_the_app_starts_is_one_line(monkeypatch, capsys):
    from explorer.serve import cli

    def interrupt(*_args, **_kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(app, "free_port", interrupt)
    assert cli.main(["app"]) == 130
    assert capsys.readouterr().err == "python -m explorer app: interrupted\n"
