"""The two arrangements of the panel's widgets: the notebook's and the presenter's.

``notebook`` stacks everything, every control in sight.  ``presenter`` is for
a projector: the diagram in large type, the step buttons, the formula in
large type and the error curve on one 1280 x 720 screen, the rest one click
away beneath; the step buttons sit right under the diagram, whose height
depends on the screen alone, so they never move while stepping.

The dataset, architecture and learning-rate sweep views are one more
section: in the notebook behind a "Datasets, network and sweep" button,
folded away while the panel shows the seed's example; in the presenter the
"Problem" section.
"""

from __future__ import annotations

import html
from dataclasses import dataclass
from pathlib import Path

import ipywidgets as widgets

from explorer.lesson.session import Session

from .controls import KeyboardPassage, SteadyPointer
from .full_screen import FullScreen
from .messages import Messages
from .views.architecture import ArchitectureView
from .views.curve import CurveView
from .views.dataset import DatasetView
from .views.editing import EditingView
from .views.files import FilesView
from .views.stepping import SteppingView
from .views.sweep import SweepView
from .views.training import TrainingView

#: The notebook opens its edit table at first for a network of at most this many weights and
#: biases (the seed has 10); a larger one's table is opened with "Edit the example", as every
#: field written is a message and 6 layers of 16 have 1,285 of them.
OPEN_TABLE_PARAMETERS = 64

#: The panel's style sheet, in a <style> element the page applies to every panel.
STYLE = "".join((Path(__file__).parent / "static" / name).read_text() for name in ("panel.css", "presenter.css"))


@dataclass
class Views:
    """The views one panel arranges."""

    session: Session
    messages: Messages
    stepping: SteppingView
    training: TrainingView
    curve: CurveView
    editing: EditingView
    dataset: DatasetView
    architecture: ArchitectureView
    sweep: SweepView
    files: FilesView


@dataclass
class Arrangement:
    """The panel's children, and the arrangement's own controls (None where it has none)."""

    children: list[widgets.Widget]
    beyond_toggle: widgets.ToggleButton | None = None
    more: widgets.ToggleButtons | None = None
    edit_toggle: widgets.ToggleButton | None = None


def section(title: str) -> widgets.HTML:
    label = widgets.HTML(html.escape(title))
    label.add_class("bp-section")
    return label


def _style() -> widgets.HTML:
    return widgets.HTML(f"\n<style>\n{STYLE}</style>\n")


def _row(children: list[widgets.Widget]) -> widgets.HBox:
    return widgets.HBox(children, layout=widgets.Layout(flex_flow="row wrap", align_items="center"))


def _problem(v: Views) -> widgets.VBox:
    return widgets.VBox(
        [
            section("Dataset and network"),
            v.dataset.box,
            v.architecture.box,
            section("Learning-rate sweep"),
            v.sweep.box,
        ]
    )


# --------------------------------------------------------------------- notebook
def notebook(v: Views) -> Arrangement:
    """Everything stacked, in sight: diagram, formula, stepping beside training, the table."""
    st, ed = v.stepping, v.editing
    problem = _problem(v)
    # folded away until wanted: the seed's example needs none of it
    beyond = widgets.ToggleButton(
        description="Datasets, network and sweep",
        value=False,
        tooltip="Show or hide the dataset, architecture and learning-rate sweep controls",
        layout=widgets.Layout(width="auto"),
    )
    widgets.dlink((beyond, "value"), (problem.layout, "display"), lambda shown: None if shown else "none")
    _unfold_for_another_problem(v.session, beyond)
    edit = _edit_toggle(v)
    children = [
        _style(),
        KeyboardPassage(),
        SteadyPointer(),
        st.presenter_keys,
        ed.title,
        v.messages.line,
        st.diagram_box,
        # the formula gets the full width: net_o1's is wider than one column
        _row([st.phases, st.position]),
        st.equation,
        st.meaning,
        st.quiz_view.box,
        st.check,
        st.matrix_view.box,
        widgets.HBox(
            [_stepping_column(v), _training_column(v)], layout=widgets.Layout(flex_flow="row wrap", width="100%")
        ),
        _row([beyond]),
        problem,
        _row([edit, ed.order, ed.update_biases]),
        ed.table,
        _row([st.text_size]),
        section("Handout and saved session"),
        v.files.box,
        v.messages.details,
    ]
    return Arrangement(children, beyond_toggle=beyond, edit_toggle=edit)


def _edit_toggle(v: Views) -> widgets.ToggleButton:
    """The button that opens the edit table: open for a small network (:data:`OPEN_TABLE_PARAMETERS`).

    A network grown past that size closes the table, one shrunk to it opens
    it; between such changes, the person's choice stands.
    """
    ed, session = v.editing, v.session

    def small() -> bool:
        return len(session.network.parameters()) <= OPEN_TABLE_PARAMETERS

    def shape() -> tuple:  # what the count depends on
        return session.network.sizes, session.network.bias_mode

    toggle = widgets.ToggleButton(
        description="Edit the example",
        value=small(),
        tooltip="Show or hide the table of every input, target, weight and bias",
        layout=widgets.Layout(width="auto"),
    )
    was = {"small": toggle.value, "shape": shape()}

    def shown(_change: object = None) -> None:
        ed.table.layout.display = None if toggle.value else "none"
        ed.show(toggle.value)

    def resized(_change: object) -> None:
        if shape() != was["shape"]:
            was["shape"] = shape()
            if small() != was["small"]:
                was["small"] = toggle.value = small()

    toggle.observe(shown, names="value")
    session.observe(resized, names="revision")
    shown()
    return toggle


def _stepping_column(v: Views) -> widgets.VBox:
    st = v.stepping
    buttons = [st.previous_button, st.next_button, st.next_phase_button, st.finish_button, st.reset_iteration_button]
    return widgets.VBox(
        [
            _row([*buttons, st.quiz_view.toggle, st.matrix_view.toggle]),
            _row([st.step_slider, st.play_steps, st.step_speed]),
            _row([st.iteration_field, st.iteration_total, st.iteration_message]),
            st.step_log,
        ],
        layout=widgets.Layout(flex="1 1 520px", min_width="0", margin="0 16px 0 0"),
    )


def _training_column(v: Views) -> widgets.VBox:
    tr, cv = v.training, v.curve
    return widgets.VBox(
        [
            section("Training"),
            _row([tr.iterations_field, tr.train_button, tr.play_training, tr.stop_button]),
            _row([tr.pace]),
            _row([tr.progress, tr.counter]),
            _row([tr.lr_slider, tr.lr_text, tr.reset_weights_button]),
            tr.lr_message,
            _row([tr.rule.decay_text, tr.rule.momentum_text]),
            tr.rule.message,
            _row([cv.canvas, cv.boundary_canvas]),
            _row([cv.log_scale, cv.log_iterations, cv.keep_button, cv.clear_button]),
        ],
        layout=widgets.Layout(flex="1 1 440px", min_width="0"),
    )


def _unfold_for_another_problem(session: Session, beyond: widgets.ToggleButton) -> None:
    """Another problem than the seed's: its controls show (and stay shown)."""

    def unfold(_change: object = None) -> None:
        if session.dataset != "seed" or session.network.sizes != (2, 2, 2):
            beyond.value = True

    session.observe(unfold, names="revision")
    unfold()


# -------------------------------------------------------------------- presenter
def presenter(v: Views) -> Arrangement:
    """For a projector: what the class reads on one screen, whatever the client and its size.

    Top to bottom: the diagram, one bar with the step buttons, the phase and
    the iteration, then the reading area: the formula, its meaning and the
    quiz beside the error curve, the status line and the section buttons
    beneath.  The panel is as tall as the screen it is seen on (:class:`Fit`);
    the bar and the reading area keep their heights from step to step and
    the diagram takes the rest, so the buttons never move.  A section opens
    over the reading area, never below the screen's edge (``presenter.css``).
    Beside the section buttons, one shows the panel alone on the whole screen
    (:class:`FullScreen`): in JupyterLab that gives the diagram the height
    the menus and toolbars took.
    """
    st = v.stepping
    reading = widgets.VBox([st.equation, st.meaning, st.check, st.quiz_view.box])
    news = widgets.VBox([v.messages.line, st.iteration_message])
    curve = widgets.Box([v.curve.canvas])
    sections = _sections(v)
    # a Tab always shows one of its pages; "Hide" shows none
    more = widgets.ToggleButtons(
        options=["Hide", *sections],
        value="Hide",
        tooltips=["Show none of these", *(f"Show {k.lower()}" for k in sections)],
        style={"button_width": "auto"},
    )
    drawer = widgets.Stack([widgets.Box(), *sections.values()], selected_index=0)
    widgets.jslink((more, "index"), (drawer, "selected_index"))
    # the edit table is written only while its section is open
    more.observe(lambda change: v.editing.show(change["new"] == "Edit"), names="value")
    # the section buttons, and the one that shows the panel alone on the screen
    corner = widgets.HBox([more, FullScreen()], layout=widgets.Layout(align_items="center"))
    for box, name in ((reading, "bp-reading"), (news, "bp-news"), (curve, "bp-curve"), (corner, "bp-more")):
        box.add_class(name)
    drawer.add_class("bp-drawer")
    for page in sections.values():
        page.add_class("bp-section-page")
    lower = widgets.Box([reading, curve, news, corner, drawer])
    lower.add_class("bp-lower")
    # one screen's height; an error's details below it never squeeze the diagram
    main = widgets.VBox([st.diagram_box, _stepbar(st), lower])
    main.add_class("bp-main")
    children = [_style(), KeyboardPassage(), SteadyPointer(), st.presenter_keys, st.fit, main, v.messages.details]
    return Arrangement(children, more=more)


def _spacer(*classes: str) -> widgets.Box:
    spacer = widgets.Box()
    for name in ("bp-spacer", *classes):
        spacer.add_class(name)
    return spacer


def _stepbar(st: SteppingView) -> widgets.HBox:
    buttons = [st.previous_button, st.next_button, st.next_phase_button, st.finish_button, st.reset_iteration_button]
    stepbar = widgets.HBox(
        # the second spacer breaks the bar in two rows where the panel is narrow
        [*buttons, _spacer(), st.phases, st.position, _spacer("bp-break"), st.iteration_field, st.iteration_total],
        layout=widgets.Layout(align_items="center", width="100%"),
    )
    stepbar.add_class("bp-stepbar")
    return stepbar


def _sections(v: Views) -> dict[str, widgets.VBox]:
    """The presenter's sections beneath the main view, one shown at a time."""
    st, tr, cv, ed = v.stepping, v.training, v.curve, v.editing
    return {
        "Training": widgets.VBox(
            [
                _row([tr.iterations_field, tr.train_button, tr.play_training, tr.stop_button, tr.pace]),
                _row([tr.progress, tr.counter]),
                # the update rule's numbers on one row, so the section is no taller than the screen allows
                _row([tr.lr_slider, tr.lr_text, tr.rule.decay_text, tr.rule.momentum_text, tr.reset_weights_button]),
                tr.lr_message,
                tr.rule.message,
                _row([cv.log_scale, cv.log_iterations, cv.keep_button, cv.clear_button]),
            ]
        ),
        "Steps": widgets.VBox(
            [
                _row([st.step_slider, st.play_steps, st.step_speed, st.quiz_view.toggle, st.matrix_view.toggle]),
                st.step_log,
                st.matrix_view.box,
            ]
        ),
        "Edit": widgets.VBox([ed.title, _row([ed.order, ed.update_biases]), ed.table]),
        # the boundary beside the problem it shows: the main view keeps to one screen
        "Problem": widgets.VBox([_row([cv.boundary_canvas]), _problem(v)]),
        "Files": widgets.VBox([section("Handout and saved session"), v.files.box]),
        "Display": widgets.VBox([_row([st.text_size])]),
    }


LAYOUTS = {"notebook": notebook, "presenter": presenter}
