"""The panel's files row: Export handout, Save and Load.

Downloads are plain HTML links (``<a download href="data:...">``) made when
the button is pressed: JupyterLab, Notebook 7 and Voila all show them as
they are, and the browser saves the file without a round trip to the
server.  A link is cleared as soon as the session moves on, so what it
downloads is never older than what the panel shows.  Load takes a file
through ``FileUpload`` and hands it to :meth:`Explorer.restore`; a refused
file changes nothing and its one-line reason appears in the panel.
"""

from __future__ import annotations

import base64
import html
import traceback
from typing import TYPE_CHECKING

import ipywidgets as widgets

from explorer.drawing import handout
from explorer.engine.validation import InputError
from explorer.lesson import savefile

if TYPE_CHECKING:
    from explorer.panel.explorer import Explorer

SESSION_FILE = "backprop-session.json"


def download_link(data: bytes, file_name: str, mime: str, text: str) -> str:
    """An ``<a download>`` holding ``data`` as a data URI."""
    encoded = base64.b64encode(data).decode("ascii")
    return (
        f'<a class="bp-download" download="{html.escape(file_name)}" '
        f'href="data:{mime};base64,{encoded}">{html.escape(text)}</a>'
    )


def _size(data: bytes) -> str:
    return f"{len(data) / 1024:,.0f} kB" if len(data) >= 1024 else f"{len(data)} bytes"


class FilesView(widgets.VBox):
    """Export handout (HTML or Markdown, optionally as a quiz), Save and Load for one explorer."""

    def __init__(self, explorer: Explorer):
        super().__init__()
        self.explorer = explorer
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
        explorer.session.observe(self._on_session_change, names=["revision", "step", "iteration"])
        row = dict(layout=widgets.Layout(flex_flow="row wrap", align_items="center"))
        self.children = [
            widgets.HBox([self.handout_format, self.quiz, self.export_button, self.handout_link], **row),
            widgets.HBox([self.save_button, self.save_link, self.upload], **row),
        ]

    # -------------------------------------------------------------- actions
    def export(self) -> None:
        """Make the handout link for the session's current iteration."""
        fmt, quiz = self.handout_format.value, self.quiz.value
        data = handout.handout(self.explorer.session.walk, fmt, quiz=quiz).encode("utf-8")
        name = handout.file_name(fmt, quiz)
        self.handout_link.value = download_link(data, name, handout.mime_type(fmt), f"Download {name} ({_size(data)})")

    def save(self) -> None:
        """Make the session file's link (the panel as it is now)."""
        e = self.explorer
        data = savefile.dumps(e.session, e.kept_curves(), e.log_scale.value).encode("utf-8")
        s = e.session
        self.save_link.value = download_link(
            data,
            SESSION_FILE,
            "application/json",
            f"Download {SESSION_FILE} (step {s.step}, iteration {s.iteration + 1:,}; {_size(data)})",
        )

    def load(self, name: str, data: bytes) -> None:
        """Restore the panel from a file's bytes; raises SaveFileError, changing nothing, if refused."""
        saved = savefile.loads(data)
        self.explorer.restore(saved)
        s = self.explorer.session
        self.explorer.say(
            f"Opened {name}: a {'-'.join(map(str, s.network.sizes))} network at step "
            f"{s.step}, iteration {s.iteration + 1:,}."
        )

    # ------------------------------------------------------------- handlers
    def _guarded(self, action, *args: object) -> None:
        """Run ``action``; its error goes to the panel's message line, never lost."""
        self.explorer.message.value = ""
        try:
            action(*args)
        except InputError as error:
            self.explorer.say(str(error), error=True)
        except Exception as error:  # noqa: BLE001 - a handler must never fail silently
            self.explorer.say(
                f"Unexpected error ({type(error).__name__}: {error}).", error=True, details=traceback.format_exc()
            )

    def _on_export(self, _button: object = None) -> None:
        self._guarded(self.export)

    def _on_save(self, _button: object = None) -> None:
        self._guarded(self.save)

    def _on_upload(self, change: dict) -> None:
        if not change["new"]:
            return  # the reset below
        upload = change["new"][0]
        try:
            self._guarded(self.load, upload["name"], bytes(upload["content"]))
        finally:
            self.upload.value = ()  # the same file can be chosen again

    def _clear_handout(self, _change: object = None) -> None:
        self.handout_link.value = ""

    def _on_session_change(self, _change: object) -> None:
        self.handout_link.value = ""
        self.save_link.value = ""
