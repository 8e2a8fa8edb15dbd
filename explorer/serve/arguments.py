"""The argument parser every command of the package shares (``explorer``, ``app``, ``notebooks``).

Numbers on a command line go through :mod:`explorer.engine.validation`, as
numbers typed in the panel do, and every message is one line with the
command-line text quoted in at most
:data:`~explorer.engine.validation.QUOTE_LIMIT` characters.
"""

from __future__ import annotations

import argparse
import re
import sys
from collections.abc import Callable

from explorer.engine import validation as v

#: Exit status after Ctrl-C (128 + SIGINT), as shells report it.
INTERRUPTED = 130
_LONG_WORD = re.compile(rf"\S{{{v.QUOTE_LIMIT + 1},}}")


def shortened(message: str) -> str:
    """``message`` on one line, every run of text longer than QUOTE_LIMIT characters cut."""
    message = " ".join(message.split())
    return _LONG_WORD.sub(lambda m: m.group()[: v.QUOTE_LIMIT - 1] + "\u2026", message)


class OneLineParser(argparse.ArgumentParser):
    """argparse, but a bad argument is one short line on stderr (no usage block), exit 2."""

    def error(self, message: str) -> None:
        self.exit(2, f"{self.prog}: error: {shortened(message)}\n")


def whole_number(option: str, low: int, high: int) -> Callable[[str], int]:
    """An argparse type: a whole number from ``low`` to ``high``, read by validation.parse_whole."""

    def parse(text: str) -> int:
        try:
            return v.parse_whole(option, text, low, high)
        except v.InputError as error:
            raise argparse.ArgumentTypeError(error.message) from None

    parse.__name__ = "whole number"  # argparse names the type in some messages
    return parse


def interrupted(command: str) -> int:
    """Say, in one line, that Ctrl-C ended ``command``; the exit status to return."""
    # on a terminal, start a fresh line after the echoed ^C or a progress line
    newline = "\n" if sys.stderr.isatty() else ""
    print(f"{newline}{command}: interrupted", file=sys.stderr)
    return INTERRUPTED


_NEGATIVE_VALUE = re.compile(r"-\.?\d")


def negative_values_joined(argv: list[str], value_options: tuple[str, ...]) -> list[str]:
    """``--inputs -1,2`` -> ``--inputs=-1,2``, which argparse reads as a value rather than an option."""
    joined: list[str] = []
    for arg in argv:
        if joined and joined[-1] in value_options and _NEGATIVE_VALUE.match(arg):
            joined[-1] = f"{joined[-1]}={arg}"
        else:
            joined.append(arg)
    return joined
