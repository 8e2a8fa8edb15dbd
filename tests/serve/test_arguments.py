"""The shared argument parser: a bad argument is one line on stderr and exit status 2, for every command."""

from __future__ import annotations

import pytest

from explorer.serve import app, cli, notebook_files
from explorer.serve.arguments import OneLineParser


def parser() -> OneLineParser:
    made = OneLineParser(prog="python -m explorer demo")
    made.add_argument("--count", type=int)
    made.add_argument("name")
    return made


@pytest.mark.parametrize(
    "argv, message",
    [
        (["--count", "x", "a"], "argument --count: invalid int value: 'x'"),
        ([], "the following arguments are required: name"),
        (["a", "b"], "unrecognized arguments: b"),
    ],
)
def test_a_bad_argument_is_one_line_and_status_2(capsys, argv, message):
    with pytest.raises(SystemExit) as exit_:
        parser().parse_args(argv)
    assert exit_.value.code == 2
    out, err = capsys.readouterr()
    assert out == "" and err == f"python -m explorer demo: error: {message}\n"  # no usage block


def test_help_is_still_the_whole_usage(capsys):
    with pytest.raises(SystemExit) as exit_:
        parser().parse_args(["--help"])
    assert exit_.value.code == 0
    out, err = capsys.readouterr()
    assert out.startswith("usage: python -m explorer demo") and "--count" in out and err == ""


@pytest.mark.parametrize("module", [cli, app, notebook_files], ids=lambda m: m.__name__.rsplit(".", 1)[-1])
def test_every_command_uses_it(module):
    assert isinstance(module.build_parser(), OneLineParser)


def test_a_negative_value_is_joined_to_its_option_and_nothing_else():
    from explorer.serve.arguments import negative_values_joined

    options = ("--inputs", "--lr")
    assert negative_values_joined(["--inputs", "-1,2", "--lr", "0.5"], options) == ["--inputs=-1,2", "--lr", "0.5"]
    assert negative_values_joined(["--inputs", "-.5"], options) == ["--inputs=-.5"]
    assert negative_values_joined(["--seed", "-1", "-h"], options) == ["--seed", "-1", "-h"]
