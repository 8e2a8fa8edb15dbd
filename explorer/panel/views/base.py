"""What every view shares: the panel's messages, and handlers that never fail silently."""

from __future__ import annotations

import contextlib
import functools
import html
import traceback
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING

import ipywidgets as widgets

from explorer.engine.validation import InputError
from explorer.panel.controls import StatusLine

if TYPE_CHECKING:  # pragma: no cover
    from explorer.panel.explorer import Explorer


class Messages:
    """Where the panel speaks: one status line in sight, and a place for tracebacks.

    ``quiet`` is set while the panel itself moves a widget (a run ending puts
    Play back up): no user acted, so the last message stays.
    """

    def __init__(self) -> None:
        self.line = StatusLine()
        self.details = widgets.Output()
        self.quiet = False

    def say(self, text: str, error: bool = False, details: str | None = None) -> None:
        """Show a message (errors in the error colour); ``details`` go to the bottom of the panel."""
        with self.line.hold_sync():
            self.line.kind = "error" if error else "info"
            self.line.value = text
        if details:
            self.details.clear_output()
            self.details.append_stdout(details)

    def unexpected(self, error: BaseException, details: str) -> None:
        self.say(
            f"Unexpected error ({type(error).__name__}: {error}); the details are at the bottom of the panel.",
            error=True,
            details=details,
        )

    @contextlib.contextmanager
    def quietly(self) -> Iterator[None]:
        """Widgets moved by the panel itself, not by a user: keep the last message."""
        previous, self.quiet = self.quiet, True
        try:
            yield
        finally:
            self.quiet = previous


def handler(method: Callable) -> Callable:
    """Run a widget callback; show any error in the panel instead of losing it."""

    @functools.wraps(method)
    def wrapper(self: View, *args: object, **kwargs: object) -> object:
        if not self.messages.quiet:
            self.messages.line.value = ""  # a new action: the last one's message is stale
        try:
            return method(self, *args, **kwargs)
        except InputError as error:
            self.messages.say(str(error), error=True)
        except Exception as error:  # noqa: BLE001 - a handler must never fail silently
            self.messages.unexpected(error, traceback.format_exc())
        return None

    return wrapper


def field_message(text: str) -> str:
    """A message beside its field, announced by screen readers."""
    return f'<span role="alert">{html.escape(text)}</span>' if text else ""


class View:
    """A part of the panel: its widgets, drawn from ``panel.session``."""

    def __init__(self, panel: Explorer) -> None:
        self.panel = panel
        self.session = panel.session
        self.messages = panel.messages

    def render(self) -> None:
        raise NotImplementedError


def button(description: str, **options: object) -> widgets.Button:
    """A button as wide as its text."""
    return widgets.Button(description=description, layout=widgets.Layout(width="auto"), **options)
