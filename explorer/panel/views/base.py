"""What every view shares: how it is built, and handlers that never fail silently.

A view is built from the session, the message line and the runner, and
nothing else: it owns its widgets, redraws them from the session in one
observer, and handles their events through :func:`handler`.

Widget values carry both ways: the user's choice to the kernel, and what the
session holds back to the page.  A view that redraws a control it also
listens to (the step slider, a number's field) declares with ``showing``
what the control shows of the session; a change to exactly that value is the
redraw itself, not a user's choice, and is let pass.  ipywidgets' own
``link`` does the same for its two ends.
"""

from __future__ import annotations

import contextlib
import functools
import html
import traceback
from collections.abc import Callable, Iterator

import ipywidgets as widgets

from explorer.engine.validation import InputError
from explorer.lesson.session import Session
from explorer.panel.messages import Messages
from explorer.panel.runner import Runner


def handler(method: Callable | None = None, *, showing: Callable[..., object] | None = None) -> Callable:
    """Run a widget callback; show any error in the message line instead of losing it.

    A new action clears the last message first.  ``showing(view, *args)``
    (the callback's arguments before the change) is the value the control
    shows when it only mirrors the session: a change to it does nothing.
    """
    if method is None:
        return functools.partial(handler, showing=showing)

    @functools.wraps(method)
    def wrapper(self: View, *args: object, **kwargs: object) -> object:
        change = args[-1] if args and isinstance(args[-1], dict) else None
        if showing is not None and change is not None and change["new"] == showing(self, *args[:-1]):
            return None  # the control shows the session: no one chose anything
        self.messages.clear()
        try:
            return method(self, *args, **kwargs)
        except InputError as error:
            self.messages.say(str(error), error=True)
        except Exception as error:  # noqa: BLE001 - a handler must never fail silently
            self.messages.unexpected(error, traceback.format_exc())
        return None

    return wrapper


@contextlib.contextmanager
def new_options(dropdown: widgets.Dropdown, callback: Callable[[dict], object]) -> Iterator[None]:
    """Give ``dropdown`` new options without calling ``callback``, its value's observer.

    ipywidgets selects the first of new options (``_propagate_options``), a
    value no one chose; the caller sets the value the dropdown should show.
    """
    dropdown.unobserve(callback, names="value")
    try:
        yield
    finally:
        dropdown.observe(callback, names="value")


def field_message(text: str) -> str:
    """A message beside its field, announced by screen readers."""
    return f'<span role="alert">{html.escape(text)}</span>' if text else ""


class View:
    """A part of the panel: its widgets, drawn from ``session``; long work through ``runner``."""

    def __init__(self, session: Session, messages: Messages, runner: Runner) -> None:
        self.session = session
        self.messages = messages
        self.runner = runner

    def render(self) -> None:
        raise NotImplementedError

    def new_run(self) -> bool:
        """Whether the session started a new run (new errors) since this view last asked."""
        fresh = getattr(self, "_run", None) is not self.session.errors
        self._run = self.session.errors
        return fresh


def button(description: str, **options: object) -> widgets.Button:
    """A button as wide as its text."""
    return widgets.Button(description=description, layout=widgets.Layout(width="auto"), **options)
