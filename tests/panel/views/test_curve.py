"""The curve view, headless: the error curve and its kept curves and scales, the decision boundary."""

from __future__ import annotations

import asyncio

import numpy as np
import pytest

from explorer.panel.explorer import Explorer
from tests.helpers.panel import (
    FAST,
    LEARNING_SEED,
    neuron_button,
    xor_panel,
)

pytestmark = pytest.mark.filterwarnings("ignore:Passing unrecognized arguments:DeprecationWarning")


def test_kept_curves_are_labelled_with_their_learning_rates(panel):
    panel.training.pace.value = FAST
    panel.training.iterations_field.value = "30"
    panel.training.train_button.click()
    panel.curve_view.keep_button.click()
    first = panel.curve_view.curve.line.get_data()[1].copy()
    panel.training.lr_slider.value = 2.0
    panel.training.train_button.click()
    panel.curve_view.keep_button.click()
    ghosts = panel.curve_view.curve.ghosts
    assert [g.get_label() for g in ghosts] == ["eta = 0.5 (30 it.)", "eta = 2 (60 it.)"]
    assert np.array_equal(ghosts[0].get_ydata(), first) and len(ghosts[1].get_ydata()) == 61
    legend = [t.get_text() for t in panel.curve_view.curve.ax.get_legend().get_texts()]
    assert "eta = 0.5 (30 it.)" in legend and "eta = 2 (60 it.)" in legend
    for rate in (0.1, 1.0, 5.0):
        panel.training.lr_slider.value = rate
        panel.training.train_button.click()
        panel.curve_view.keep_button.click()
    assert len(panel.curve_view.curve.ghosts) == 5
    assert [g.get_label().split(" (")[0] for g in panel.curve_view.curve.ghosts] == [
        "eta = 0.5",
        "eta = 2",
        "eta = 0.1",
        "eta = 1",
        "eta = 5",
    ]
    kept = list(panel.curve_view.curve.ghosts)
    panel.curve_view.clear_button.click()
    assert panel.curve_view.curve.ghosts == []
    assert not any(g in panel.curve_view.curve.ax.lines for g in kept)
    assert panel.curve_view.curve.line in panel.curve_view.curve.ax.lines


def test_log_scale_toggles(panel):
    panel.curve_view.log_scale.value = True
    assert panel.curve_view.curve.ax.get_yscale() == "log"
    panel.curve_view.log_scale.value = False
    assert panel.curve_view.curve.ax.get_yscale() == "linear"


def test_the_curve_is_the_session_errors(panel):
    panel.training.pace.value = FAST
    panel.training.iterations_field.value = "40"
    panel.training.train_button.click()
    panel.stepping.finish_button.click()
    panel.stepping.next_button.click()
    errors = panel.session.errors.values
    x, y = panel.curve_view.curve.line.get_data()
    assert len(errors) == 42 and len(x) == 42
    assert (x[0], x[-1]) == (0, 41)
    assert y[0] == errors[0] and y[-1] == errors[-1]
    assert np.array_equal(y, errors)
    assert list(panel.curve_view.curve.marker.get_data()[1]) == [errors[-1]]


def test_the_boundary_shows_for_2_1_networks_and_its_pixels_change_as_xor_is_learnt():
    panel = Explorer()
    assert panel.curve_view.boundary_canvas.layout.display == "none"  # 2-2-2: no single output to draw
    panel.architecture.seed.value = str(LEARNING_SEED)
    panel.dataset_view.choice.value = "xor"
    neuron_button(panel, 1, +1).click()
    assert panel.session.network.sizes == (2, 3, 1)
    assert panel.curve_view.boundary_canvas.layout.display is None
    image = panel.curve_view.boundary.image
    before = panel.curve_view.boundary.pixels().copy()
    assert before.shape == (40, 40)
    np.testing.assert_array_equal(panel.curve_view.boundary.points.get_offsets(), panel.session.inputs)
    panel.training.iterations_field.value = "10000"
    panel.training.train_button.click()
    after = panel.curve_view.boundary.pixels()
    assert panel.session.errors.values[-1] < 0.01
    assert panel.curve_view.boundary.image is image  # the same artist, new data
    assert np.abs(after - before).max() > 0.5
    # the corners are where XOR's examples are: low at (0,0) and (1,1), high at (0,1) and (1,0)
    x_lo, x_hi, y_lo, y_hi = panel.curve_view.boundary.extent

    def at(x, y):
        c = round((x - x_lo) / (x_hi - x_lo) * 39)
        r = round((y - y_lo) / (y_hi - y_lo) * 39)
        return after[r, c]

    assert at(0, 0) < 0.2 and at(1, 1) < 0.2 and at(0, 1) > 0.8 and at(1, 0) > 0.8


def test_the_boundary_is_redrawn_with_the_curve_while_training(monkeypatch):
    panel = xor_panel()
    calls = {"curve": 0, "boundary": 0}
    show_curve, show_boundary = panel.curve_view.curve.show, panel.curve_view.boundary.show
    monkeypatch.setattr(
        panel.curve_view.curve,
        "show",
        lambda *a, **k: (calls.__setitem__("curve", calls["curve"] + 1), show_curve(*a, **k)),
    )
    monkeypatch.setattr(
        panel.curve_view.boundary,
        "show",
        lambda *a, **k: (calls.__setitem__("boundary", calls["boundary"] + 1), show_boundary(*a, **k)),
    )

    async def scenario():
        panel.training.pace.value = 2000.0
        panel.training.iterations_field.value = "1200"
        panel.training.train_button.click()
        await asyncio.wait([panel.runner.training_task])

    asyncio.run(scenario())
    assert calls["curve"] >= 3  # several refreshes during the 0.6 s run, and the final one
    assert calls["boundary"] == calls["curve"]
