"""The explorer panel: the views (and the files row, files_view.py), composed and arranged.

``Explorer()`` shows the seed's example: the network diagram with live
weights, the current step's formula, the step controls, the training
controls with the error curve, the learning rate, and a table to edit every
number.  All state lives in one :class:`~explorer.lesson.session.Session`; each
view (:mod:`explorer.panel.views`) builds its widgets, handles them in a line or
two and renders them from the session; :meth:`Explorer.render` redraws them all.

Two arrangements of the same widgets.  ``layout="notebook"`` stacks
everything, every control in sight.  ``layout="presenter"`` is for a
projector: the diagram in large type, the step buttons, the formula in large
type and the error curve on one 1280 x 720 screen, the rest one click away
beneath; the step buttons sit right under the diagram, whose height depends
on the screen alone, so they never move while stepping.  The classroom page
(``python -m explorer app``) opens in the presenter layout: it sets
``BACKPROP_EXPLORER_LAYOUT=presenter`` for its kernels.

The dataset, architecture and learning-rate sweep views (dataset_view,
architecture_view, sweep_view) are one more section: in the notebook layout
behind a "Datasets, network and sweep" button, folded away while the panel
shows the seed's example; in the presenter layout the "Problem" section.
"""

from __future__ import annotations

import asyncio
import functools
import html
import os
import traceback
from collections.abc import Callable, Iterator, Mapping, Sequence

import ipywidgets as widgets

from explorer.engine.network import Network
from explorer.engine.validation import InputError, check_iterations
from explorer.lesson import savefile
from explorer.lesson.session import Session
from explorer.panel.views.architecture import ArchitectureView
from explorer.panel.views.base import Messages, handler
from explorer.panel.views.dataset import DatasetView
from explorer.panel.views.files import FilesView
from explorer.panel.views.stepping import STEP_SPEEDS, TEXT_SIZES, two_lines
from explorer.panel.views.sweep import SweepView
from explorer.panel.views.training import CHUNK_SECONDS, PACES, REFRESH_SECONDS, loop_running

from .controls import KeyboardPassage
from .views import CurveView, EditingView, SteppingView, TrainingView

__all__ = [
    "CHUNK_SECONDS",
    "Explorer",
    "LAYOUTS",
    "LAYOUT_VARIABLE",
    "PACES",
    "REFRESH_SECONDS",
    "STEP_SPEEDS",
    "TEXT_SIZES",
    "two_lines",
]

LAYOUTS = ("notebook", "presenter")
#: The environment variable that picks the default layout (the classroom page sets it).
LAYOUT_VARIABLE = "BACKPROP_EXPLORER_LAYOUT"

STYLE = """
<style>
.bp-panel { font-family: var(--jp-ui-font-family, sans-serif); color: var(--jp-ui-font-color1, #1a1a1a); }
.bp-panel .bp-title { font-size: 1.25em; font-weight: 600; margin: 2px 0 4px 0; }
.bp-panel .bp-subtitle { color: var(--jp-ui-font-color2, #555); font-size: 0.9em; }
.bp-panel .bp-phases span { display: inline-block; padding: 2px 10px; margin-right: 4px; border-radius: 10px;
  border: 1px solid var(--jp-border-color1, #bbb); color: var(--jp-ui-font-color2, #555); font-size: 0.9em; }
.bp-panel .bp-phases span.bp-current { background: #E69F00; border-color: #E69F00; color: #000; font-weight: 600; }
.bp-panel .bp-phases span.bp-done { border-color: #009E73; color: var(--jp-ui-font-color1, #1a1a1a); }
.bp-panel .bp-equation { font-size: 1.15em; min-height: 3.2em; max-width: 100%; overflow-x: auto; overflow-y: hidden; }
.bp-panel .bp-equation mjx-container { max-width: 100%; overflow-x: auto; overflow-y: hidden; }
.bp-panel .bp-meaning { color: var(--jp-ui-font-color2, #444); font-style: italic; min-height: 1.5em; }
.bp-panel .bp-check { color: var(--jp-ui-font-color2, #444); font-size: 0.9em; min-height: 1.3em; }
.bp-panel .bp-log { display: flex; flex-direction: column-reverse; max-height: 190px; overflow-y: auto;
  border: 1px solid var(--jp-border-color2, #ddd); border-radius: 4px; padding: 2px 8px;
  font-family: var(--jp-code-font-family, monospace); font-size: 0.85em;
  background: var(--jp-layout-color1, #fff); }
.bp-panel .bp-log ol { margin: 0; padding-left: 2.6em; }
.bp-panel .bp-log li.bp-newest { font-weight: 600; color: var(--jp-ui-font-color0, #000); }
.bp-panel .bp-log .bp-phase-forward::marker { color: #0072B2; }
.bp-panel .bp-field-message { color: var(--jp-error-color1, #D55E00); font-size: 0.85em; line-height: 1.2; }
.bp-panel .bp-invalid input { border-color: var(--jp-error-color1, #D55E00) !important; }
.bp-panel .bp-section { font-weight: 600; margin-top: 6px; border-bottom: 1px solid var(--jp-border-color2, #ddd); }
.bp-panel:focus { outline: none; }
/* presenter: everything a class must read is large; heights are fixed so nothing jumps */
.bp-presenter .bp-phases { white-space: nowrap; font-size: 14px; }
.bp-presenter .bp-phases span { padding: 2px 7px; margin-right: 2px; }
.bp-presenter .bp-position, .bp-presenter .bp-position .widget-label { font-size: 15px; white-space: nowrap; }
.bp-presenter svg.bp-diagram { max-width: none !important; display: block; margin: 0 auto; }
.bp-presenter .bp-fit-height svg.bp-diagram { max-height: calc(100vh - 300px); }
.bp-presenter .bp-diagram-box { line-height: 0; }
.bp-presenter .bp-stepbar { height: 42px; flex-wrap: nowrap !important; overflow: hidden; }
.bp-presenter .bp-stepbar button { font-size: 15px; height: 34px; padding: 0 10px; }
/* the buttons come first and never shrink: what follows them may change width, not move them */
.bp-presenter .bp-stepbar > .widget-button, .bp-presenter .bp-stepbar > .bp-iteration,
.bp-presenter .bp-stepbar > .bp-iteration-total { flex: 0 0 auto; }
.bp-presenter .bp-stepbar > .bp-phases-box, .bp-presenter .bp-stepbar > .bp-position {
  flex: 0 1 auto; min-width: 0; overflow: hidden; text-overflow: ellipsis; }
.bp-presenter .bp-stepbar .widget-text { width: 135px !important; }
/* MathJax draws at about 1.3 times the surrounding size: 24 px on screen */
.bp-presenter .bp-equation { font-size: 19.5px; height: 112px; min-height: 0; overflow-y: hidden; }
.bp-presenter .bp-equation mjx-container[display="true"] { margin: 4px 0 !important; text-align: left !important; }
.bp-presenter .bp-meaning, .bp-presenter .bp-meaning .widget-html-content { font-size: 17px; line-height: 1.4;
  height: 1.5em; overflow: hidden; }
.bp-presenter .bp-check, .bp-presenter .bp-check .widget-html-content { font-size: 14px; line-height: 1.4;
  height: 1.5em; overflow: hidden; }
.bp-presenter .bp-status { font-size: 15px; }
.bp-presenter .bp-iteration input { text-align: right; }
.bp-presenter .widget-toggle-buttons .widget-label { width: auto; margin-right: 6px; }
</style>
"""


class Explorer(widgets.VBox):
    """The interactive backpropagation explorer.

    Parameters
    ----------
    network : Network, optional
        Defaults to the seed's 2-2-2 example.
    inputs, targets : array-like, optional
        One example (a vector each) or several (rows); required with ``network``.
    iterations : int
        The default of the "Iterations" field next to Train.
    layout : ``"notebook"`` or ``"presenter"``, optional
        Everything stacked in sight, or arranged for a projector (see the
        module's docstring).  Default: ``$BACKPROP_EXPLORER_LAYOUT``, else
        ``"notebook"``.
    quiz : bool
        Start in quiz mode: each step's result is hidden until answered or revealed.

    Every widget of the views is also an attribute of the panel
    (``panel.next_button``, ``panel.fields["p:w5"]``, ``panel.curve``).
    """

    def __init__(
        self,
        network: Network | None = None,
        inputs: object = None,
        targets: object = None,
        iterations: int = 10_000,
        layout: str | None = None,
        quiz: bool = False,
    ):
        layout = os.environ.get(LAYOUT_VARIABLE, "notebook") if layout is None else layout
        if layout not in LAYOUTS:
            raise InputError("layout", f"choose one of {', '.join(LAYOUTS)} (got {layout!r})")
        self.layout_name = layout
        self.session = Session(network, inputs, targets)
        iterations = check_iterations(iterations, "iterations")
        self.messages = Messages()
        super().__init__()
        self.add_class("bp-panel")
        self.add_class(f"bp-{layout}")
        self.stepping = SteppingView(self)
        self.training = TrainingView(self, iterations)
        self.curve_view = CurveView(self)
        self.editing = EditingView(self)
        self._views = (self.stepping, self.training, self.curve_view, self.editing)
        self.files = FilesView(self)
        self.dataset_view = DatasetView(self)
        self.architecture = ArchitectureView(self)
        self.sweep = SweepView(self)
        self.problem = widgets.VBox(
            [
                _section("Dataset and network"),
                self.dataset_view,
                self.architecture,
                _section("Learning-rate sweep"),
                self.sweep,
            ]
        )
        self.children = self._presenter_children() if layout == "presenter" else self._notebook_children()
        self._observe_session()
        self.quiz_view.toggle.value = quiz
        self.render()

    def __getattr__(self, name: str) -> object:
        """The views' widgets and state, as attributes of the panel."""
        for view in self.__dict__.get("_views", ()):
            if name in view.__dict__:
                return view.__dict__[name]
        raise AttributeError(f"{type(self).__name__!r} object has no attribute {name!r}")

    def _observe_session(self) -> None:
        s = self.session
        s.observe(lambda change: self.render_steps(), names="step")
        # while training, the run's own refresh redraws (5 times a second), not every chunk
        s.observe(lambda change: None if s.training else self.render(), names="revision")
        # while training, the run's own chunks update the counters: the step label, counter,
        # curve and table then always show one iteration
        s.observe(lambda change: None if s.training else self.render_training(), names="iteration")
        s.observe(lambda change: self.render_training(), names="training")

    # ------------------------------------------------------------ arranging
    @property
    def message(self):
        """The status line (``.value``, ``.kind``)."""
        return self.messages.line

    @property
    def details(self) -> widgets.Output:
        return self.messages.details

    def _notebook_children(self) -> list[widgets.Widget]:
        """Everything stacked, in sight: diagram, formula, stepping beside training, the table."""
        st, tr, cv, ed = self._views
        row = functools.partial(widgets.HBox, layout=widgets.Layout(flex_flow="row wrap", align_items="center"))
        stepping = widgets.VBox(
            [
                row(
                    [
                        st.previous_button,
                        st.next_button,
                        st.next_phase_button,
                        st.finish_button,
                        st.reset_iteration_button,
                        st.quiz_view.toggle,
                    ]
                ),
                row([st.step_slider, st.play_steps, st.step_speed]),
                row([st.iteration_field, st.iteration_total, st.iteration_message]),
                st.step_log,
            ],
            layout=widgets.Layout(flex="1 1 520px", min_width="0", margin="0 16px 0 0"),
        )
        training = widgets.VBox(
            [
                _section("Training"),
                row([tr.iterations_field, tr.train_button, tr.play_training, tr.stop_button]),
                row([tr.pace]),
                row([tr.progress, tr.counter]),
                row([tr.lr_slider, tr.lr_text, tr.reset_weights_button]),
                tr.lr_message,
                row([cv.canvas, cv.boundary_canvas]),
                row([cv.log_scale, cv.log_iterations, cv.keep_button, cv.clear_button]),
            ],
            layout=widgets.Layout(flex="1 1 440px", min_width="0"),
        )
        # folded away until wanted: the seed's example needs none of it
        self.beyond_toggle = widgets.ToggleButton(
            description="Datasets, network and sweep",
            value=False,
            tooltip="Show or hide the dataset, architecture and learning-rate sweep controls",
            layout=widgets.Layout(width="auto"),
        )
        widgets.dlink(
            (self.beyond_toggle, "value"), (self.problem.layout, "display"), lambda shown: None if shown else "none"
        )
        return [
            widgets.HTML(STYLE),
            KeyboardPassage(),
            st.presenter_keys,
            ed.title,
            self.message,
            st.diagram_box,
            # the formula gets the full width: net_o1's is wider than one column
            row([st.phases, st.position]),
            st.equation,
            st.meaning,
            st.quiz_view,
            st.check,
            widgets.HBox([stepping, training], layout=widgets.Layout(flex_flow="row wrap", width="100%")),
            row([self.beyond_toggle]),
            self.problem,
            _section("Edit the example"),
            row([ed.order, ed.update_biases]),
            ed.table,
            row([st.text_size]),
            _section("Handout and saved session"),
            self.files,
            self.details,
        ]

    def _presenter_children(self) -> list[widgets.Widget]:
        """For a projector: what the class reads on one screen, the rest one click away beneath.

        Top to bottom: the diagram (its height set by the screen's), one bar
        with the step buttons, the phase and the iteration, then the message,
        formula and meaning beside the error curve.  Nothing above the
        buttons changes height from one step to the next.
        """
        st, tr, cv, ed = self._views
        row = functools.partial(widgets.HBox, layout=widgets.Layout(flex_flow="row wrap", align_items="center"))
        spacer = functools.partial(widgets.Box, layout=widgets.Layout(flex="1 1 0", min_width="8px"))
        stepbar = widgets.HBox(
            [
                st.previous_button,
                st.next_button,
                st.next_phase_button,
                st.finish_button,
                st.reset_iteration_button,
                spacer(),
                st.phases,
                st.position,
                spacer(),
                st.iteration_field,
                st.iteration_total,
            ],
            layout=widgets.Layout(align_items="center", width="100%"),
        )
        stepbar.add_class("bp-stepbar")
        # the quiz row comes last: switching the quiz on moves none of the lines above it
        reading = widgets.VBox(
            [self.message, st.iteration_message, st.equation, st.meaning, st.check, st.quiz_view],
            layout=widgets.Layout(flex="1 1 600px", min_width="0", margin="0 12px 0 0"),
        )
        sections = {
            "Training": widgets.VBox(
                [
                    row([tr.iterations_field, tr.train_button, tr.play_training, tr.stop_button, tr.pace]),
                    row([tr.progress, tr.counter]),
                    row([tr.lr_slider, tr.lr_text, tr.reset_weights_button]),
                    tr.lr_message,
                    row([cv.log_scale, cv.log_iterations, cv.keep_button, cv.clear_button]),
                ]
            ),
            "Steps": widgets.VBox(
                [row([st.step_slider, st.play_steps, st.step_speed, st.quiz_view.toggle]), st.step_log]
            ),
            "Edit": widgets.VBox([ed.title, row([ed.order, ed.update_biases]), ed.table]),
            # the boundary beside the problem it shows: the main view keeps to one screen
            "Problem": widgets.VBox([row([cv.boundary_canvas]), self.problem]),
            "Files": widgets.VBox([_section("Handout and saved session"), self.files]),
            "Display": widgets.VBox([row([st.text_size])]),
        }
        # a Tab always shows one of its pages; "Hide" shows none, so the main view ends the screen
        self.more = widgets.ToggleButtons(
            options=["Hide", *sections],
            value="Hide",
            tooltips=["Show none of these", *(f"Show {k.lower()}" for k in sections)],
            style={"button_width": "auto"},
        )
        stack = widgets.Stack([widgets.Box(), *sections.values()], selected_index=0)
        widgets.jslink((self.more, "index"), (stack, "selected_index"))
        curve = widgets.VBox([cv.canvas, self.more], layout=widgets.Layout(flex="0 0 540px", min_width="0"))
        return [
            widgets.HTML(STYLE),
            KeyboardPassage(),
            st.presenter_keys,
            st.diagram_box,
            stepbar,
            widgets.HBox([reading, curve], layout=widgets.Layout(width="100%", flex_flow="row nowrap")),
            stack,
            self.details,
        ]

    # ------------------------------------------------------------ rendering
    def render(self) -> None:
        """Redraw every view from the session."""
        self.editing.render()
        s = self.session
        if self.layout_name == "notebook" and (s.dataset != "seed" or s.network.sizes != (2, 2, 2)):
            self.beyond_toggle.value = True  # another problem than the seed's: its controls show
        self.dataset_view.render()
        self.architecture.render()
        self.render_steps()
        self.render_training()
        self.render_curve()

    def render_steps(self) -> None:
        self.stepping.render()

    def render_training(self) -> None:
        self.training.render()
        self.editing.show_training(self.session.training)

    def render_curve(self) -> None:
        """The error curve and the decision boundary (both redrawn at the training refresh rate)."""
        self.curve_view.render()

    def render_boundary(self) -> None:
        """The output heatmap, for networks of 2 inputs and 1 output; hidden otherwise."""
        self.curve_view.render_boundary()

    def say(self, text: str, error: bool = False, details: str | None = None) -> None:
        """Show a message in the panel's status line (errors in the error colour)."""
        self.messages.say(text, error, details)

    # ---------------------------------------------------------------- views
    @handler
    def act(self, change: Callable[[], object], announce: bool = False) -> None:
        """Make one change to the session for a view: training stops first.

        A refused change shows its reason in the message line; with
        ``announce``, text the change returns (what it did) is shown instead.
        """
        self.training.stop()
        said = change()
        if announce and isinstance(said, str):
            self.say(said)

    def set_learning_rate(self, rate: float) -> None:
        """Set the learning rate from code or a view; the slider and its field follow."""
        self.session.set_learning_rate(rate)  # checked first: a refused rate leaves the field as it is
        self.training.accept_rate()
        self.training.render()

    # ------------------------------------------------------------ comparing
    def compare_learning_rates(self, rates: Mapping[float, str] | Sequence[float], iterations: int = 1_000) -> None:
        """Keep one curve per learning rate, each run from the initial weights; both axes log-scale.

        Parameters
        ----------
        rates : mapping of learning rate -> name, or a sequence of learning rates
            Each becomes a kept curve labelled ``η = 0.8, too large``.
        iterations : int
            The length of each run.

        Afterwards the weights and the learning rate are back where they
        were, so the current run starts afresh beside the kept ones.
        """
        self.training.stop()
        self.curve_view.compare_learning_rates(rates, iterations)

    # ------------------------------------------------------- saved sessions
    def save(self, path: str | os.PathLike) -> None:
        """Write the panel as it is to a JSON session file (format: :mod:`explorer.lesson.savefile`)."""
        savefile.write(path, self.session, self.kept_curves(), self.curve_view.log_scale.value)

    def load(self, path: str | os.PathLike) -> None:
        """Reopen a file written by :meth:`save`; a refused file raises and changes nothing."""
        self.restore(savefile.read(path))

    def kept_curves(self) -> list[savefile.KeptCurve]:
        """The curves kept with "Keep curve", oldest first, as a session file holds them."""
        return [savefile.KeptCurve(*curve) for curve in self.curve_view.curve.kept()]

    def restore(self, saved: savefile.Saved) -> None:
        """Show a loaded session with its kept curves (training and playing stop first)."""
        self.training.stop()
        self.stepping.pause()
        self.forget_refused()  # every field shows the loaded values
        shape = (self.session.network.sizes, self.session.network.bias_mode)
        with self.session.hold_trait_notifications():  # one redraw, once the fields match the network
            self.session.restore(saved.session)
            if (self.session.network.sizes, self.session.network.bias_mode) != shape:
                self.editing.rebuild()
        cv = self.curve_view
        cv.curve.set_kept([(c.label, c.iterations, c.errors) for c in saved.kept])
        with self.messages.quietly():
            cv.log_scale.value = saved.log_scale
        cv.curve.set_log(saved.log_scale)

    def forget_refused(self) -> None:
        """Fields holding refused text show the session's numbers again (a reset, a load)."""
        self.editing.rejected.clear()
        self.training.accept_rate()

    # ------------------------------------------------------------ closing
    def close(self) -> None:
        """Stop training and playing, release the figure and close every widget of the panel."""
        if "_views" not in self.__dict__:  # built only in part (its arguments were refused)
            super().close()
            return
        self.training.closed = True
        self.training.stop()
        self.stepping._play_token = None
        for task in (self.training.training_task, self.stepping.steps_task):
            if task is not None and not task.done():
                task.cancel()
        canvas = self.curve_view.canvas
        toolbar = getattr(canvas, "toolbar", None)
        pooled = [w for fields in self.editing._pool for w in fields]  # also those no table shows now
        for widget in [*self._descendants(self), *pooled, *([toolbar] if toolbar is not None else [])]:
            widget.close()
        self.curve_view.curve.figure.clear()
        super().close()

    @classmethod
    def _descendants(cls, box: widgets.Widget) -> Iterator[widgets.Widget]:
        for child in getattr(box, "children", ()):
            yield from cls._descendants(child)
            yield child

    # ------------------------------------------------------------ internals
    def spawn(self, coroutine) -> asyncio.Task | None:
        """Run ``coroutine`` as a task on the kernel's loop, or to completion without one."""
        if not loop_running():  # plain Python, no event loop: run it here and now
            asyncio.run(coroutine)
            return None
        task = asyncio.get_running_loop().create_task(coroutine)
        task.add_done_callback(self._task_done)
        return task

    def _task_done(self, task: asyncio.Task) -> None:
        if not task.cancelled() and task.exception() is not None:
            error = task.exception()
            self.messages.unexpected(error, "".join(traceback.format_exception(error)))

    def __repr__(self) -> str:
        s = self.session
        return f"Explorer({s.network!r}, step {s.step} of {len(s.walk)}, iteration {s.iteration})"


def _section(title: str) -> widgets.HTML:
    label = widgets.HTML(html.escape(title))
    label.add_class("bp-section")
    return label
