"""An accessible slider: a native range input inside a small anywidget.

ipywidgets' sliders draw their handle as a ``div`` with no accessible name
(the description label is not linked to it), so a screen reader announces
"slider" and nothing more.  A native ``<input type="range">`` with an
``aria-label`` is named, takes focus with Tab and moves one step per arrow
key, in every browser.  ``log=True`` makes the position the base-10 exponent
of the value (the learning rate runs from 0.001 to 10).  ``stops`` makes the
positions a list of values instead (:func:`round_stops`: 0.5, 0.7, 1, 1.5 ...),
so an arrow key lands on a round rate, never on 0.512861384; ``value`` itself
may still be anything in range (typed into a text field beside the slider).
"""

from __future__ import annotations

import math
from pathlib import Path

import anywidget
import traitlets

from explorer.engine.validation import quote

STATIC = Path(__file__).parent / "static"
#: The round mantissas a log slider stops at: 1, 1.5, 2, 3, 5 and 7 times a power of ten.
ROUND = (1.0, 1.5, 2.0, 3.0, 5.0, 7.0)


def round_stops(low: float, high: float) -> list[float]:
    """Every round value (:data:`ROUND` times a power of ten) from ``low`` to ``high``, ascending."""
    first, last = math.floor(math.log10(low)), math.ceil(math.log10(high))
    values = (round(m * 10.0**e, 12) for e in range(first, last + 1) for m in ROUND)
    return [v for v in values if low <= v <= high]


class _Checked(traitlets.Float):
    """A float trait that hands None to the owner's ``_check`` too.

    traitlets returns None unchecked from a trait with ``allow_none`` (the
    ``@validate`` method never sees it): ``slider.value = None`` from code
    would stick.  Here None meets the same check as NaN, and is refused.
    """

    def _validate(self, obj: object, value: object) -> object:
        if value is None and hasattr(obj, "_check"):
            return obj._check({"value": None, "trait": self, "owner": obj})
        return super()._validate(obj, value)


def _on_grid(value: float, slider: Slider) -> bool:
    position = (value - slider.min) / slider.step if slider.step else 0.0
    return abs(position - round(position)) <= 1e-9 * max(1.0, abs(position))


class Slider(anywidget.AnyWidget):
    """A labelled range slider; ``value`` syncs when the user lets go (or while
    dragging, with ``continuous=True``).

    A value that is not a number from ``min`` to ``max`` (NaN from code, a
    stale position from the page) is refused: ``value`` keeps what it was,
    ``error`` says why beside the slider, and the page is sent the kept value.
    """

    _esm = STATIC / "slider.js"
    _css = STATIC / "slider.css"
    # None is let through the trait so that the check below can refuse it with a message
    value = _Checked(0.0, allow_none=True).tag(sync=True)
    min = traitlets.Float(0.0).tag(sync=True)
    max = traitlets.Float(1.0).tag(sync=True)
    #: in position units: the exponent when ``log`` is set
    step = traitlets.Float(1.0).tag(sync=True)
    label = traitlets.Unicode("").tag(sync=True)
    log = traitlets.Bool(False).tag(sync=True)
    #: the values the slider's positions stand for, ascending (empty: evenly spaced by ``step``)
    stops = traitlets.List(traitlets.Float()).tag(sync=True)
    continuous = traitlets.Bool(False).tag(sync=True)
    disabled = traitlets.Bool(False).tag(sync=True)
    #: why the last value was refused ("" after an accepted one)
    error = traitlets.Unicode("").tag(sync=True)

    #: only positions on the grid of ``step`` from ``min`` (the step slider: 2.5 is no step)
    whole = traitlets.Bool(False)

    @traitlets.validate("value")
    def _check(self, proposal: dict) -> float:
        value = proposal["value"]
        slack = 1e-9 * (self.max - self.min)  # 10 ** log10(max) may land a hair outside
        off_grid = self.whole and value is not None and math.isfinite(value) and not _on_grid(value, self)
        if value is None or not math.isfinite(value) or not self.min - slack <= value <= self.max + slack or off_grid:
            # the last accepted value, not self.value: inside hold_trait_notifications
            # (as when the page sets a state) self.value is already the refused one
            kept = getattr(self, "_kept", self.min)
            whole = ", a whole number" if self.whole else ""
            self.error = (
                f"{self.label}: choose a value from {self.min:g} to {self.max:g}{whole} "
                f"(got {'nothing' if value is None else f'{value:g}'}); kept {kept:g}"
            )
            return kept
        self.error = ""
        self._kept = min(max(value, self.min), self.max)
        return self._kept

    def __init__(self, **kwargs: object) -> None:
        super().__init__(**kwargs)
        self.on_msg(self._on_front_end)

    def _on_front_end(self, _widget: object, content: object, _buffers: object) -> None:
        """A view that started (late, perhaps) asks for the whole current state."""
        if isinstance(content, dict) and content.get("event") == "ready":
            self.send_state()

    def set_state(self, sync_data: dict) -> None:
        """Take a state from the page; a refused value is put back on the page."""
        try:
            super().set_state(sync_data)
        except traitlets.TraitError:  # not a number at all (text, a list): traitlets kept the old value
            self.error = (
                f"{self.label}: choose a value from {self.min:g} to {self.max:g} (got {quote(sync_data.get('value'))})"
            )
        if "value" in sync_data and sync_data["value"] != self.value:
            self.send_state("value")


class KeyboardPassage(anywidget.AnyWidget):
    """Invisible: lets Tab leave the error curve's plot, names the plot, and keeps
    JupyterLab's keyboard shortcuts out of the panel's controls."""

    _esm = STATIC / "keyboard-passage.js"
    #: accessible name of each plot, by the class its canvas widget carries
    plot_labels = traitlets.Dict(
        {
            "bp-plot-curve": "Error curve: E_total against iteration",
            "bp-plot-boundary": "Decision boundary: the network's output over the input square, with the examples",
            "bp-plot-sweep": "Learning-rate sweep: final E_total against learning rate",
        }
    ).tag(sync=True)


class SteadyPointer(anywidget.AnyWidget):
    """Invisible: keeps a button that was just clicked under the pointer while the panel
    reflows around it (a layer added redraws the diagram above it lower)."""

    _esm = STATIC / "steady-pointer.js"


class StatusLine(anywidget.AnyWidget):
    """The panel's message area: plain ``value`` text, ``kind`` "info" or "error"."""

    _esm = STATIC / "status-line.js"
    _css = STATIC / "status-line.css"
    value = traitlets.Unicode("").tag(sync=True)
    kind = traitlets.Unicode("info").tag(sync=True)


def figure_canvas(figure, kind: str, min_width: str = "340px"):
    """An ipympl canvas for ``figure``, toolbar and frame hidden, named by its ``bp-plot-<kind>`` class."""
    from ipympl.backend_nbagg import Canvas, FigureManager  # noqa: PLC0415 (heavy; panel-only)

    canvas = Canvas(figure)
    FigureManager(canvas, 0)  # gives the canvas its toolbar and resize handling
    canvas.header_visible = False
    canvas.footer_visible = False
    canvas.resizable = False
    canvas.layout.width = "auto"
    canvas.layout.min_width = min_width
    canvas.add_class(f"bp-plot-{kind}")
    return canvas
