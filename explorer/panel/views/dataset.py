"""The panel's dataset row: the Dataset choice, a table of one's own examples, and the Example shown.

Every control calls one session method (a run stops first) and the view
redraws when the session's ``revision`` changes.  A refused table (a bad cell, a row of the wrong width) shows
its one-line reason under the table and changes nothing.

A table also comes from a CSV or TSV file ("Open CSV"): its bytes are
checked and decoded by :func:`~explorer.engine.datasets.table_text` and read
by the same :func:`~explorer.engine.datasets.parse_table` as the text area
and ``--table FILE``, so the same rows are refused with the same message.
The examples in use go out as a CSV file through a download link, as the
handout does (:func:`~.files.download_link`), in JupyterLab and Voila alike.
"""

from __future__ import annotations

import html

import ipywidgets as widgets

from explorer.engine.datasets import DESCRIPTIONS, NAMES, Dataset, table_text
from explorer.engine.formatting import count, number
from explorer.engine.validation import InputError
from explorer.lesson.session import Session
from explorer.panel.messages import Messages
from explorer.panel.runner import Runner

from .base import View, field_message, handler, new_options
from .files import download_link

TABLE_FILE = "backprop-table.csv"


def example_label(k: int, inputs, targets) -> str:
    """``3: (1, 0) -> 1``: an example's number from 1, its inputs and its targets."""

    def cells(row) -> str:
        return ", ".join(number(c) for c in row.tolist())  # floats at once: an array's element access costs more

    return f"{k + 1}: ({cells(inputs)}) -> {cells(targets)}"


class DatasetView(View):
    """Dataset, Example, and (for ``table``) the editable rows with Add row, Remove row, Use table."""

    def __init__(self, session: Session, messages: Messages, runner: Runner) -> None:
        super().__init__(session, messages, runner)
        auto = widgets.Layout(width="auto")
        self.choice = widgets.Dropdown(
            description="Dataset",
            options=[(n, n) for n in NAMES],
            value=session.dataset,
            layout=widgets.Layout(width="200px"),
        )
        self.about = widgets.HTML()
        self.example = widgets.Dropdown(description="Example", layout=widgets.Layout(width="260px"))
        self.table = widgets.Textarea(
            description="Table",
            placeholder="0, 0, 0\n0, 1, 1\n1, 0, 1\n1, 1, 0",
            rows=5,
            layout=widgets.Layout(width="320px"),
        )
        self.n_inputs = widgets.BoundedIntText(
            description="Inputs", min=1, max=16, value=session.inputs.shape[1], layout=widgets.Layout(width="150px")
        )
        self.add_row = widgets.Button(description="Add row", tooltip="Add a row like the last one", layout=auto)
        self.remove_row = widgets.Button(description="Remove row", tooltip="Remove the last row", layout=auto)
        self.use_table = widgets.Button(
            description="Use table", button_style="info", tooltip="Check the cells, learn these examples", layout=auto
        )
        self._build_files()
        self.table_message = widgets.HTML()
        self.table_message.add_class("bp-field-message")
        #: the table is open for editing (before Use table, or after a refused one)
        self.editing = False
        self._labelled: tuple | None = None  # the examples the Example menu's labels were made from
        self.table_box = widgets.VBox(
            [
                widgets.HBox(
                    [self.table, widgets.VBox([self.n_inputs, self.add_row, self.remove_row, self.use_table])]
                ),
                self.table_message,
            ]
        )
        self.choice.observe(self._on_choice, names="value")
        self.example.observe(self._on_example, names="value")
        self.add_row.on_click(self._on_add_row)
        self.remove_row.on_click(self._on_remove_row)
        self.use_table.on_click(self._on_use_table)
        self.box = widgets.VBox(
            [
                widgets.HBox(
                    [self.choice, self.example, self.about],
                    layout=widgets.Layout(flex_flow="row wrap", align_items="center"),
                ),
                self.files_row,
                self.table_box,
            ]
        )
        self.render()
        # one observer redraws the view (while training, the run's frames)
        self.session.observe(self._on_change, names="revision")
        self.runner.observe(self._on_change, names="frame")

    def _build_files(self) -> None:
        """Open CSV, and the link that downloads the examples in use."""
        self.upload = widgets.FileUpload(
            description="Open CSV",
            accept=".csv,.tsv,.txt,text/csv,text/tab-separated-values,text/plain",
            multiple=False,
            tooltip="Learn the rows of a CSV or TSV file: inputs then targets (Inputs says how many); "
            "a first row of column names is skipped",
            layout=widgets.Layout(width="auto"),
        )
        self.upload.add_class("bp-table-upload")
        self.download = widgets.HTML()
        self._download_of: object = None  # the examples the link holds
        self.files_row = widgets.HBox([self.upload, self.download], layout=widgets.Layout(align_items="center"))
        self.upload.observe(self._on_upload, names="value")

    def _on_change(self, change: dict) -> None:
        if change["owner"] is self.runner or not self.session.training:
            self.render()

    # ------------------------------------------------------------ rendering
    def render(self) -> None:
        """Show the session's dataset, its examples and the one being stepped through."""
        s = self.session
        self.choice.value = "table" if self.editing else s.dataset
        # a redraw for another iteration or step has the same examples: 64 of them cost ms to label
        examples = (s.inputs.tobytes(), s.targets.tobytes(), s.inputs.shape)
        if examples != self._labelled:
            self._labelled = examples
            self._options = [(example_label(k, x, t), k) for k, (x, t) in enumerate(zip(s.inputs, s.targets))]
        options = self._options
        if list(self.example.options) != options:
            with new_options(self.example, self._on_example):
                self.example.options = options
        self.example.value = s.example
        self.example.disabled = len(options) == 1
        self.about.value = f"<i>{html.escape(DESCRIPTIONS[s.dataset])}</i>"
        self.table_box.layout.display = None if s.dataset == "table" or self.editing else "none"
        examples = (s.inputs.tobytes(), s.targets.tobytes(), s.inputs.shape)
        if self._download_of != examples:  # the examples changed: a link to the new ones
            self._download_of = examples
            data = Dataset(s.dataset, s.inputs, s.targets).to_csv().encode("utf-8")
            self.download.value = download_link(
                data, TABLE_FILE, "text/csv", f"Download {TABLE_FILE}", "bp-table-download"
            )

    # -------------------------------------------------------------- actions
    @handler(showing=lambda view: "table" if view.editing else view.session.dataset)
    def _on_choice(self, change: dict) -> None:
        if change["new"] == "table":
            self._show_table_of_current_examples()
            return
        said = self.accepted_then_stop(lambda: self.session.set_dataset(change["new"]))
        self.editing = False
        self.messages.say(said)

    def _show_table_of_current_examples(self) -> None:
        """Open the table on the examples as they are, ready to edit; nothing changes until Use table."""
        s = self.session
        self.table.value = Dataset(s.dataset, s.inputs, s.targets).to_text()
        self.n_inputs.value = s.inputs.shape[1]
        self.editing = True
        self.table_box.layout.display = None
        self.table_message.value = ""
        self.messages.say("Edit the rows (inputs, then targets), then press Use table.")

    @handler
    def _on_use_table(self, _button: object = None) -> None:
        try:
            said = self.accepted_then_stop(
                lambda: self.session.set_dataset("table", self.table.value, self.n_inputs.value)
            )
        except InputError as error:  # the run, if any, goes on
            self.table_message.value = field_message(str(error))
            raise
        self.editing = False
        self.table_message.value = ""
        self.render()
        self.messages.say(said)

    def open_file(self, name: str, data: bytes) -> None:
        """Learn the examples of a CSV or TSV file's bytes; a refused file changes nothing."""
        try:
            text = table_text(data, "File")
            said = self.accepted_then_stop(lambda: self.session.set_dataset("table", text, self.n_inputs.value))
        except InputError as error:  # the run, if any, goes on
            self.table_message.value = field_message(str(error))
            raise
        self.editing = False
        self.table.value = Dataset("table", self.session.inputs, self.session.targets).to_text()
        self.table_message.value = ""
        self.render()
        (rows, inputs), targets = self.session.inputs.shape, self.session.targets.shape[1]
        self.messages.say(
            f"Opened {name}: {count(rows, 'row')} of {count(inputs, 'input')} then "
            f"{count(targets, 'target')} (Inputs sets the split). {said}"
        )

    @handler(showing=lambda view: ())  # () : the field emptied below, for the same file again
    def _on_upload(self, change: dict) -> None:
        upload = change["new"][0]
        try:
            self.open_file(str(upload["name"]), bytes(upload["content"]))
        finally:
            self.upload.value = ()

    @handler
    def _on_add_row(self, _button: object = None) -> None:
        lines = [line for line in self.table.value.splitlines() if line.strip()]
        self.table.value = "\n".join([*lines, lines[-1] if lines else ", ".join(["0"] * 3)])

    @handler
    def _on_remove_row(self, _button: object = None) -> None:
        lines = [line for line in self.table.value.splitlines() if line.strip()]
        self.table.value = "\n".join(lines[:-1])

    @handler(showing=lambda view: view.session.example)
    def _on_example(self, change: dict) -> None:
        self.accepted_then_stop(lambda: self.session.set_example(change["new"]))
