"""The explorer panel: its views, composed, and arranged for a notebook or a projector.

``Explorer()`` shows the seed's example: the network diagram with live
weights, the current step's formula, the step controls, the training
controls with the error curve, the learning rate, and a table to edit every
number.  All state lives in one :class:`~explorer.lesson.session.Session`; long
work (training, playing the steps, the sweep) runs in one
:class:`~explorer.panel.runner.Runner`; each view (:mod:`explorer.panel.views`)
is built from the session, the message line and the runner, and says where
its widgets live (``panel.stepping.next_button``, ``panel.editing.fields["p:w5"]``,
``panel.training.lr_slider``).  :mod:`explorer.panel.layouts` arranges them:
``layout="notebook"`` or ``"presenter"``.  The classroom page
(``python -m explorer app``) opens in the presenter layout: it sets
``BACKPROP_EXPLORER_LAYOUT=presenter`` for its kernels.

How a change flows, one pass down and one pass up:

- a learning-rate change (slider or text field): the control's handler ->
  ``session.set_learning_rate`` -> the session's ``revision`` and
  ``learning_rate`` -> each view's one observer redraws it (the slider by a
  dlink); the control moved sees the session's own value come back and does
  nothing;
- a "Next step" click: the handler -> the runner stops a run ->
  ``session.next_step`` -> the session's ``step`` -> the stepping, quiz and
  files views' observers redraw them.
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Mapping, Sequence

import ipywidgets as widgets

from explorer.engine.network import Network
from explorer.engine.validation import InputError, check_iterations
from explorer.lesson import savefile
from explorer.lesson.session import Session

from .layouts import LAYOUTS, Views
from .messages import Messages
from .runner import Runner
from .theme import PageTheme
from .views.architecture import ArchitectureView
from .views.curve import CurveView
from .views.dataset import DatasetView
from .views.editing import EditingView
from .views.files import FilesView
from .views.stepping import SteppingView
from .views.sweep import SweepView
from .views.training import TrainingView

#: The environment variable that picks the default layout (the classroom page sets it).
LAYOUT_VARIABLE = "BACKPROP_EXPLORER_LAYOUT"


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
        Everything stacked in sight, or arranged for a projector (see
        :mod:`explorer.panel.layouts`).  Default: ``$BACKPROP_EXPLORER_LAYOUT``,
        else ``"notebook"``.
    quiz : bool
        Start in quiz mode: each step's result is hidden until answered or revealed.

    The views are attributes: ``stepping``, ``training``, ``curve_view``,
    ``editing``, ``dataset_view``, ``architecture``, ``sweep``, ``files``;
    ``messages`` is the message line, ``runner`` runs the long work.
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
        super().__init__()
        self.add_class("bp-panel")
        self.add_class(f"bp-{layout}")
        self._compose(iterations, presenter=layout == "presenter")
        arrangement = LAYOUTS[layout](self._views())
        self.beyond_toggle, self.more = arrangement.beyond_toggle, arrangement.more
        self.edit_toggle = arrangement.edit_toggle
        # the page's theme comes from its front end: the plots' ink follows it
        self.page_theme = PageTheme()
        self.page_theme.observe(self._on_theme, names="theme")
        self.children = (self.page_theme, *arrangement.children)
        self.stepping.quiz_view.toggle.value = quiz
        self.render()

    def _compose(self, iterations: int, presenter: bool) -> None:
        """The views, in the order they redraw after a change of the session."""
        self.messages = Messages()
        self.runner = Runner(self.session, self.messages)
        parts = (self.session, self.messages, self.runner)
        self.stepping = SteppingView(*parts, presenter=presenter)
        self.training = TrainingView(*parts, iterations=iterations)
        self.curve_view = CurveView(*parts, presenter=presenter)
        self.editing = EditingView(*parts)
        self.files = FilesView(*parts, saved=self._saved, restore=self.restore)
        self.dataset_view = DatasetView(*parts)
        self.architecture = ArchitectureView(*parts)
        self.sweep = SweepView(*parts)

    def _views(self) -> Views:
        return Views(
            self.session,
            self.messages,
            self.stepping,
            self.training,
            self.curve_view,
            self.editing,
            self.dataset_view,
            self.architecture,
            self.sweep,
            self.files,
        )

    def _on_theme(self, change: dict) -> None:
        self.curve_view.set_theme(change["new"])
        self.sweep.plot.set_theme(change["new"])

    @property
    def message(self):
        """The status line (``.value``, ``.kind``)."""
        return self.messages.line

    @property
    def details(self) -> widgets.Output:
        """Where the traceback of an unexpected error goes."""
        return self.messages.details

    def render(self) -> None:
        """Redraw every view from the session."""
        for view in (self.editing, self.dataset_view, self.architecture, self.stepping, self.training):
            view.render()
        self.curve_view.render()

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
        self.runner.stop_training()
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

    def _saved(self) -> str:
        return savefile.dumps(self.session, self.kept_curves(), self.curve_view.log_scale.value)

    def restore(self, saved: savefile.Saved) -> None:
        """Show a loaded session with its kept curves (training and playing stop first)."""
        self.runner.stop()
        self.session.restore(saved.session)  # a new run: every field shows the loaded values
        cv = self.curve_view
        cv.curve.set_kept([(c.label, c.iterations, c.errors) for c in saved.kept])
        cv.log_scale.value = saved.log_scale
        cv.curve.set_log(saved.log_scale)

    # ------------------------------------------------------------ closing
    def close(self) -> None:
        """Stop training and playing, release the figure and close every widget of the panel."""
        if "sweep" not in self.__dict__:  # built only in part (its arguments were refused)
            super().close()
            return
        self.runner.close()
        canvas = self.curve_view.canvas
        toolbar = getattr(canvas, "toolbar", None)
        pooled = [w for fields in self.editing._pool for w in fields]  # also those no table shows now
        for widget in [*_descendants(self), *pooled, *([toolbar] if toolbar is not None else [])]:
            widget.close()
        self.curve_view.curve.figure.clear()
        super().close()

    def __repr__(self) -> str:
        s = self.session
        return f"Explorer({s.network!r}, step {s.step} of {len(s.walk)}, iteration {s.iteration})"


def _descendants(box: widgets.Widget) -> Iterator[widgets.Widget]:
    for child in getattr(box, "children", ()):
        yield from _descendants(child)
        yield child
