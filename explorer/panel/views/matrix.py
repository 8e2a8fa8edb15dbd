"""The matrix form beside the steps: the current step's layer as the vectorised algorithm.

A "Matrix form" toggle shows, for the step shown, the part of the
iteration it belongs to (:mod:`explorer.lesson.matrix_form`): its phase for
its layer, each line as ``formula = numbers = result`` with the current
step's entry boxed.  "Go to step" lists the part's entries by the step each
leads to; choosing one goes to that step, as the Step slider would.

The matrix shows every number of the layer, results to come included: in
quiz mode it waits until the quiz is switched off.
"""

from __future__ import annotations

import html

import ipywidgets as widgets

from explorer.drawing.matrix_tex import LIMIT, aligned, cut_down, part_tex
from explorer.engine.formatting import number
from explorer.lesson.matrix_form import Part, Position, describe, matrix_form, not_covered, part_for, step_index
from explorer.lesson.quiz import Quiz
from explorer.lesson.session import Session
from explorer.panel.messages import Messages
from explorer.panel.runner import Runner

from .base import View, handler, new_options

#: "Go to step" lists at most this many entries of a part (a 16 x 16 layer has 256 weights)
MAX_CHOICES = 200


class MatrixView(View):
    """The Matrix form toggle and, while it is on, the current step's part in matrix form."""

    def __init__(self, session: Session, messages: Messages, runner: Runner, quiz: Quiz) -> None:
        super().__init__(session, messages, runner)
        self.quiz = quiz
        self.toggle = widgets.ToggleButton(
            description="Matrix form",
            tooltip="Show this step's layer as vectors and matrices, with this iteration's numbers",
            layout=widgets.Layout(width="auto"),
        )
        self.title = widgets.HTML()
        self.math = widgets.HTMLMath(layout=widgets.Layout(width="100%", overflow="auto"))
        self.math.add_class("bp-matrix")
        self.entry = widgets.Dropdown(
            description="Go to step",
            options=[("", None)],
            style={"description_width": "initial"},
            layout=widgets.Layout(width="420px"),
        )
        self.note = widgets.HTMLMath()
        self.box = widgets.VBox([self.title, self.math, self.entry, self.note], layout=widgets.Layout(width="100%"))
        self.box.add_class("bp-matrix-box")
        self._cache: tuple[object, int, tuple[Part, ...]] | None = None
        self._choices: list = []
        self.toggle.observe(lambda change: self.render(), names="value")
        self.entry.observe(self._on_entry, names="value")
        self.session.observe(self._on_change, names=["step", "revision"])
        self.quiz.observe(self._on_change, names="revision")
        self.render()

    def _on_change(self, change: dict) -> None:
        if self.toggle.value and not self.session.training:
            self.render()

    def parts(self) -> tuple[Part, ...]:
        """The matrix form of the iteration shown, worked out once per walkthrough."""
        walk, example = self.session.walk, self.session.example
        if self._cache is None or self._cache[0] is not walk or self._cache[1] != example:
            self._cache = (walk, example, matrix_form(walk, example))
        return self._cache[2]

    # ------------------------------------------------------------ rendering
    def render(self) -> None:
        shown = self.toggle.value
        self.box.layout.display = None if shown else "none"
        if not shown:
            return
        if self.quiz.active:
            self.title.value = (
                "<i>The matrix form shows every number of the layer: it returns once the quiz is off.</i>"
            )
            self.math.value, self.note.value = "", ""
            self._set_choices(None, None)
            return
        reason = not_covered(self.session.network)
        if reason:
            self.title.value, self.math.value, self.note.value = f"<i>{html.escape(reason)}</i>", "", ""
            self._set_choices(None, None)
            return
        parts = self.parts()
        current = self.session.current
        part, focus = part_for(parts, current) if current else (parts[0], None)
        where = _where(part, focus, current)
        self.title.value = f"<b>{html.escape(part.title)}</b>: {where if current else 'before the first step'}."
        self.math.value = "".join(f"$${aligned(formula, numbers)}$$" for formula, numbers in part_tex(part, focus))
        cut = cut_down(part)
        self.note.value = (
            f"Larger than {LIMIT} rows or columns, shown in part (the dots stand for the rest): "
            + ", ".join(f"${symbol}$ ({r} x {c})" for symbol, (r, c) in cut.items())
            if cut
            else ""
        )
        self._set_choices(part, focus)

    def _set_choices(self, part: Part | None, focus: Position | None) -> None:
        """The part's entries that lead to a step, once each, by that step; the current step's chosen."""
        first: dict = {}  # an entry shown twice (delta^(l) in two lines) is one choice
        value = None
        for i, line in enumerate(part.lines if part else ()):
            for s, m in enumerate(line.matrices):
                for r, row in enumerate(m.entries):
                    for c, entry in enumerate(row):
                        if not entry.refs or (entry.refs[0] not in first and len(first) >= MAX_CHOICES):
                            continue
                        first.setdefault(entry.refs[0], entry)
                        if (i, s, r, c) == focus:
                            value = list(first).index(entry.refs[0])
        self._choices = list(first.values())
        labels = [("", None)] + [(f"{describe(e.refs[0])} = {number(e.value)}", k) for k, e in enumerate(self._choices)]
        with new_options(self.entry, self._on_entry):
            self.entry.options = labels
            self.entry.value = value

    # -------------------------------------------------------------- actions
    @handler
    def _on_entry(self, change: dict) -> None:
        if change["new"] is None:
            return
        index = step_index(self.session.walk, self._choices[change["new"]])
        if index is None:
            return
        self.quiz.allow(index + 1, "Go to step")
        self.runner.pause_steps()
        self.session.go_to(index + 1)


def _where(part: Part, focus: Position | None, step: object) -> str:
    """What the box marks: the step's own entry, or the entry it is a part of (a path of a sum)."""
    if focus is None:
        return "this step is no single entry"
    line, slot, r, c = focus
    refs = part.lines[line].matrices[slot].entries[r][c].refs
    if all(ref.same for ref in refs if ref.matches(step)):
        return "the entry of this step is boxed"
    return "the boxed entry adds up this step with others"
