"""The panel's files row: Export handout, Save and Load.

Downloads are plain HTML links (``<a download href="data:...">``) made when
the button is pressed: JupyterLab, Notebook 7 and Voila all show them as
they are, and the browser saves the file without a round trip to the
server.  A link is cleared as soon as the session moves on, so what it
downloads is never older than what the panel shows.  Load takes a file
through ``FileUpload``; a refused file changes nothing and its one-line
reason appears in the panel.

A saved file holds the session and the error curve's kept curves and scale,
which are the curve view's: the panel hands this view the two functions
that write and restore the whole panel (``saved`` and ``restore``).
"""

from __future__ import annotations

import base64
import html
from collections.abc import Callable

import ipywidgets as widgets

from explorer.drawing import handout
from explorer.lesson import savefile
from explorer.lesson.session import Session
from explorer.panel.messages import Messages
from explorer.panel.runner import Runner

from .base import View, handler

SESSION_FILE = "backprop-session.json"


def download_link(data: bytes, file_name: str, mime: str, text: str, kind: str = "bp-download") -> str:
    """An ``<a download>`` holding ``data`` as a data URI; ``kind`` is its class."""
    encoded = base64.b64encode(data).decode("ascii")
    return (
        f'<a class="{kind}" download="{html.escape(file_name)}" '
        f'href="data:{mime};base64,{encoded}">{html.escape(text)}</a>'
    )


def _size(data: bytes) -> str:
    return f"{len(data) / 1024:,.0f} kB" if len(data) >= 1024 else f"{len(data)} bytes"


class FilesView(View):
    """Export handout (HTML or Markdown, optionally as a quiz), Save and Load.

    ``saved()`` gives the panel's state as a session file writes it (the
    kept curves and the log scale beside the session); ``restore(saved)``
    shows a loaded one.
    """

    def __init__(
        self,
        session: Session,
        messages: Messages,
        runner: Runner,
        saved: Callable[[], str],
        restore: Callable[[savefile.Saved], None],
    ) -> None:
        super().__init__(session, messages, runner)
        self._saved, self._restore = saved, restore
        button = dict(layout=widgets.Layout(width="auto"))
        self.handout_format = widgets.Dropdown(
            description="Handout",
            options=[("HTML page (prints on A4)", "html"), ("Markdown", "markdown")],
            value="html",
            layout=widgets.Layout(width="280px"),
        )
        self.quiz = widgets.Checkbox(
            description="as a quiz (blanks, answers at the end)",
            value=False,
            indent=False,
            layout=widgets.Layout(width="auto"),
        )
        self.export_button = widgets.Button(
            description="Export handout", tooltip="Make a download link for this iteration, step by step", **button
        )
        self.handout_link = widgets.HTML()
        self.save_button = widgets.Button(
            description="Save", tooltip="Make a download link for the whole panel's state", **button
        )
        self.save_link = widgets.HTML()
        self.upload = widgets.FileUpload(
            description="Load",
            accept=".json,application/json",
            multiple=False,
            tooltip="Open a session file saved earlier",
        )
        self.export_button.on_click(self._on_export)
        self.save_button.on_click(self._on_save)
        self.upload.observe(self._on_upload, names="value")
        for control in (self.handout_format, self.quiz):
            control.observe(self._clear_handout, names="value")
        # one observer: the session moved on, the links would download an older state
        self.session.observe(self._on_change, names=["revision", "step", "iteration"])
        row = dict(layout=widgets.Layout(flex_flow="row wrap", align_items="center"))
        self.box = widgets.VBox(
            [
                widgets.HBox([self.handout_format, self.quiz, self.export_button, self.handout_link], **row),
                widgets.HBox([self.save_button, self.save_link, self.upload], **row),
            ]
        )

    # -------------------------------------------------------------- actions
    def export(self) -> None:
        """Make the handout link for the session's current iteration."""
        fmt, quiz = self.handout_format.value, self.quiz.value
        data = handout.handout(self.session.walk, fmt, quiz=quiz).encode("utf-8")
        name = handout.file_name(fmt, quiz)
        self.handout_link.value = download_link(data, name, handout.mime_type(fmt), f"Download {name} ({_size(data)})")

    def save(self) -> None:
        """Make the session file's link (the panel as it is now)."""
        data = self._saved().encode("utf-8")
        s = self.session
        self.save_link.value = download_link(
            data,
            SESSION_FILE,
            "application/json",
            f"Download {SESSION_FILE} (step {s.step}, iteration {s.iteration + 1:,}; {_size(data)})",
        )

    def load(self, name: str, data: bytes) -> None:
        """Restore the panel from a file's bytes; raises SaveFileError, changing nothing, if refused."""
        self._restore(savefile.loads(data))
        s = self.session
        self.messages.say(
            f"Opened {name}: a {'-'.join(map(str, s.network.sizes))} network at step "
            f"{s.step}, iteration {s.iteration + 1:,}."
        )

    # ------------------------------------------------------------- handlers
    @handler
    def _on_export(self, _button: object = None) -> None:
        self.export()

    @handler
    def _on_save(self, _button: object = None) -> None:
        self.save()

    @handler(showing=lambda view: ())  # () : the field emptied below, for the same file again
    def _on_upload(self, change: dict) -> None:
        upload = change["new"][0]
        try:
            self.load(upload["name"], bytes(upload["content"]))
        finally:
            self.upload.value = ()

    def _clear_handout(self, _change: object = None) -> None:
        self.handout_link.value = ""

    def _on_change(self, _change: object) -> None:
        self.handout_link.value = ""
        self.save_link.value = ""
