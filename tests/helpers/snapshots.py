"""Snapshots of everything a refused input must leave as it was: the session's state and the panel's widgets."""

from __future__ import annotations

import numpy as np

from explorer.lesson.session import Session
from explorer.panel.explorer import Explorer
from tests.helpers.bad_input import LONGEST_MESSAGE


def short_enough(message: str) -> None:
    assert len(message) <= LONGEST_MESSAGE, f"a {len(message)}-character message: {message[:120]}..."


def session_snapshot(s: Session) -> dict:
    net = s.network
    return {
        "params": [a.tobytes() for a in net.weights + net.biases],
        "options": (
            net.activations,
            net.loss,
            net.bias_mode,
            net.update_biases,
            net.learning_rate,
            net.order,
            s.learning_rate,
            net.weight_decay,
            net.momentum,
        ),
        "data": (s.inputs.tobytes(), s.targets.tobytes(), s.example),
        "position": (s.step, s.iteration, s.training, s.diverged_at, s.revision),
        "errors": s.errors.values.tobytes(),
    }


def panel_snapshot(panel: Explorer, skip: str | None = None) -> dict:
    """Everything a person sees, except the field under test (which keeps what was typed)."""
    state = session_snapshot(panel.session)
    x, y = panel.curve_view.curve.line.get_data()
    state.update(
        curve=(
            np.asarray(x).tobytes(),
            np.asarray(y).tobytes(),
            panel.curve_view.curve.ax.get_xlim(),
            panel.curve_view.curve.ax.get_ylim(),
        ),
        svg=panel.stepping.diagram.value,
        equation=panel.stepping.equation.value,
        position_label=panel.stepping.position.value,
        counter=panel.training.counter.value,
        log=panel.stepping.step_log.value,
        title=panel.editing.title.value,
        sliders=(panel.training.lr_slider.value, panel.stepping.step_slider.value, panel.stepping.step_slider.max),
        widgets=(
            panel.editing.order.value,
            panel.editing.update_biases.value,
            panel.training.pace.value,
            panel.curve_view.log_scale.value,
        ),
        fields={
            k: (f.value, panel.editing.field_messages[k].value) for k, f in panel.editing.fields.items() if k != skip
        },
        lr_text=None if skip == "lr" else (panel.training.lr_text.value, panel.training.lr_message.value),
        iterations=None if skip == "iterations" else panel.training.iterations_field.value,
    )
    return state


def assert_same(before: dict, after: dict, case: object) -> None:
    for key in before:
        assert before[key] == after[key], f"{key} changed after {str(case)[:60]!r}"
