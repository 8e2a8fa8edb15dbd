"""Where the panel speaks: one status line in sight, and a place for tracebacks."""

from __future__ import annotations

import ipywidgets as widgets

from .controls import StatusLine


class Messages:
    """The status line (``line``: ``.value``, ``.kind``) and the ``details`` beneath the panel."""

    def __init__(self) -> None:
        self.line = StatusLine()
        self.details = widgets.Output()

    def say(self, text: str, error: bool = False, details: str | None = None) -> None:
        """Show a message (errors in the error colour); ``details`` go to the bottom of the panel."""
        with self.line.hold_sync():
            self.line.kind = "error" if error else "info"
            self.line.value = text
        if details:
            self.details.clear_output()
            self.details.append_stdout(details)

    def clear(self) -> None:
        """A new action: the last one's message is stale."""
        self.line.value = ""

    def unexpected(self, error: BaseException, details: str) -> None:
        self.say(
            f"Unexpected error ({type(error).__name__}: {error}); the details are at the bottom of the panel.",
            error=True,
            details=details,
        )
