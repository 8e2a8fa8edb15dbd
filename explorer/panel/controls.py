"""An accessible slider: a native range input inside a small anywidget.

ipywidgets' sliders draw their handle as a ``div`` with no accessible name
(the description label is not linked to it), so a screen reader announces
"slider" and nothing more.  A native ``<input type="range">`` with an
``aria-label`` is named, takes focus with Tab and moves one step per arrow
key, in every browser.  ``log=True`` makes the position the base-10 exponent
of the value (the learning rate runs from 0.001 to 10).
"""

from __future__ import annotations

import math

import anywidget
import traitlets

from explorer.engine.validation import quote

_ESM = r"""
function render({ model, el }) {
  const wrap = document.createElement("div");
  wrap.className = "bp-slider";
  const name = document.createElement("label");
  const input = document.createElement("input");
  const readout = document.createElement("output");
  const error = document.createElement("span");
  error.className = "bp-slider-error";
  error.setAttribute("role", "alert");
  input.type = "range";
  // JupyterLab binds the arrow keys to notebook navigation; let them move the slider
  input.setAttribute("data-lm-suppress-shortcuts", "true");
  input.id = "bp-slider-" + Math.random().toString(36).slice(2);
  name.htmlFor = input.id;
  const log = () => model.get("log");
  const toPosition = (v) => (log() ? Math.log10(v) : v);
  const fromPosition = (p) => (log() ? Math.pow(10, p) : p);
  const format = (v) => (log() ? String(Number(v.toPrecision(3))) : String(Math.round(v * 1e9) / 1e9));
  function show(value) {
    readout.textContent = format(value);
    input.setAttribute("aria-valuetext", format(value));
  }
  function sync() {
    name.textContent = model.get("label");
    input.setAttribute("aria-label", model.get("label"));
    input.min = toPosition(model.get("min"));
    input.max = toPosition(model.get("max"));
    input.step = model.get("step");
    input.value = toPosition(model.get("value"));
    input.disabled = model.get("disabled");
    error.textContent = model.get("error");
    show(model.get("value"));
  }
  function commit() {
    model.set("value", fromPosition(Number(input.value)));
    model.save_changes();
  }
  input.addEventListener("input", () => {
    show(fromPosition(Number(input.value)));
    if (model.get("continuous")) commit();
  });
  input.addEventListener("change", commit);
  for (const key of ["value", "min", "max", "step", "label", "disabled", "log", "error"]) {
    model.on("change:" + key, sync);
  }
  sync();
  wrap.append(name, input, readout, error);
  el.append(wrap);
}
export default { render };
"""

_CSS = """
.bp-slider { display: flex; align-items: center; gap: 8px; font-family: var(--jp-ui-font-family, sans-serif);
  font-size: var(--jp-widgets-font-size, 13px); color: var(--jp-ui-font-color1, #1a1a1a); margin: 2px 0; }
.bp-slider label { min-width: 6em; padding-left: 4px; }
.bp-slider input[type=range] { width: 260px; accent-color: #0072B2; }
.bp-slider input[type=range]:focus-visible { outline: 2px solid #E69F00; outline-offset: 2px; }
.bp-slider output { min-width: 3.5em; font-variant-numeric: tabular-nums; }
.bp-slider .bp-slider-error { color: var(--jp-error-color1, #D55E00); font-size: 0.9em; }
"""


class Slider(anywidget.AnyWidget):
    """A labelled range slider; ``value`` syncs when the user lets go (or while
    dragging, with ``continuous=True``).

    A value that is not a number from ``min`` to ``max`` (NaN from code, a
    stale position from the page) is refused: ``value`` keeps what it was,
    ``error`` says why beside the slider, and the page is sent the kept value.
    """

    _esm = _ESM
    _css = _CSS
    # None is let through the trait so that the check below can refuse it with a message
    value = traitlets.Float(0.0, allow_none=True).tag(sync=True)
    min = traitlets.Float(0.0).tag(sync=True)
    max = traitlets.Float(1.0).tag(sync=True)
    #: in position units: the exponent when ``log`` is set
    step = traitlets.Float(1.0).tag(sync=True)
    label = traitlets.Unicode("").tag(sync=True)
    log = traitlets.Bool(False).tag(sync=True)
    continuous = traitlets.Bool(False).tag(sync=True)
    disabled = traitlets.Bool(False).tag(sync=True)
    #: why the last value was refused ("" after an accepted one)
    error = traitlets.Unicode("").tag(sync=True)

    @traitlets.validate("value")
    def _check(self, proposal: dict) -> float:
        value = proposal["value"]
        slack = 1e-9 * (self.max - self.min)  # 10 ** log10(max) may land a hair outside
        if value is None or not math.isfinite(value) or not self.min - slack <= value <= self.max + slack:
            # the last accepted value, not self.value: inside hold_trait_notifications
            # (as when the page sets a state) self.value is already the refused one
            kept = getattr(self, "_kept", self.min)
            self.error = (
                f"{self.label}: choose a value from {self.min:g} to {self.max:g} "
                f"(got {'nothing' if value is None else f'{value:g}'}); kept {kept:g}"
            )
            return kept
        self.error = ""
        self._kept = min(max(value, self.min), self.max)
        return self._kept

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


_KEYBOARD_ESM = r"""
// ipympl's plot takes focus and swallows every key, Tab included, so a
// keyboard user can never leave it.  One capture-phase listener per page lets
// Tab and Shift+Tab through (the browser then moves focus as usual).  It also
// names the plot for screen readers and keeps JupyterLab's shortcuts out of
// the panel (they take the arrow keys from dropdowns).
function render({ model, el }) {
  if (!window.__bpKeyboardPassage) {
    window.__bpKeyboardPassage = true;
    window.addEventListener("keydown", (event) => {
      if (event.key === "Tab" && event.target instanceof Element
          && event.target.closest(".jupyter-matplotlib")) {
        event.stopImmediatePropagation();
      }
    }, true);
  }
  const name = () => {
    // each plot's widget carries a class naming it (bp-plot-curve, ...)
    const labels = model.get("plot_labels");
    for (const canvas of document.querySelectorAll(".bp-panel .jupyter-matplotlib-canvas-div")) {
      const plot = canvas.closest(".jupyter-matplotlib");
      const kind = Object.keys(labels).find((k) => plot && plot.classList.contains(k));
      canvas.setAttribute("role", "img");
      canvas.setAttribute("aria-label", labels[kind || "bp-plot-curve"]);
    }
    // keys pressed in the panel's dropdowns and fields belong to them (arrow
    // keys), not to JupyterLab's notebook shortcuts; Lumino reads the marker on
    // the focused element itself, so it goes on each control
    for (const control of document.querySelectorAll(".bp-panel select, .bp-panel input")) {
      control.setAttribute("data-lm-suppress-shortcuts", "true");
    }
  };
  name();
  const timer = setInterval(name, 1000);
  return () => clearInterval(timer);
}
export default { render };
"""


class KeyboardPassage(anywidget.AnyWidget):
    """Invisible: lets Tab leave the error curve's plot, names the plot, and keeps
    JupyterLab's keyboard shortcuts out of the panel's controls."""

    _esm = _KEYBOARD_ESM
    #: accessible name of each plot, by the class its canvas widget carries
    plot_labels = traitlets.Dict(
        {
            "bp-plot-curve": "Error curve: E_total against iteration",
            "bp-plot-boundary": "Decision boundary: the network's output over the input square, with the examples",
            "bp-plot-sweep": "Learning-rate sweep: final E_total against learning rate",
        }
    ).tag(sync=True)


_STATUS_ESM = r"""
// One live region that stays in the page: screen readers announce changes
// to its text, which they often miss when a region is replaced wholesale.
function render({ model, el }) {
  const line = document.createElement("div");
  line.setAttribute("role", "status");
  line.setAttribute("aria-live", "polite");
  const show = () => {
    line.textContent = model.get("value");
    line.className = "bp-status bp-status-" + model.get("kind");
  };
  model.on("change:value", show);
  model.on("change:kind", show);
  show();
  el.append(line);
}
export default { render };
"""

_STATUS_CSS = """
.bp-status { font-family: var(--jp-ui-font-family, sans-serif); font-size: var(--jp-widgets-font-size, 13px);
  min-height: 1.4em; padding: 2px 4px; }
.bp-status-info { color: var(--jp-ui-font-color2, #444); }
.bp-status-error { color: var(--jp-error-color1, #D55E00); font-weight: 600; }
"""


class StatusLine(anywidget.AnyWidget):
    """The panel's message area: plain ``value`` text, ``kind`` "info" or "error"."""

    _esm = _STATUS_ESM
    _css = _STATUS_CSS
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
