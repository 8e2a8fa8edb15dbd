"""The sweep view, headless: every rate plotted, a rate chosen from the list or the plot, a sweep too long refused."""

from __future__ import annotations

import pytest
from matplotlib.backend_bases import MouseEvent

from explorer.engine.training import train
from tests.helpers.panel import (
    xor_panel,
)

pytestmark = pytest.mark.filterwarnings("ignore:Passing unrecognized arguments:DeprecationWarning")


def test_the_sweep_plots_every_rate_and_choosing_one_sets_the_learning_rate():
    panel = xor_panel()
    view = panel.sweep
    view.count.value = 50
    view.run_button.click()
    result = view.result
    assert result is not None and len(result.rates) == 50
    assert result.rates[0] == pytest.approx(0.001) and result.rates[-1] == pytest.approx(10.0)
    assert sum(len(d.get_offsets()) for d in view.plot.dots.values()) == 50
    assert view.plot.ax.get_xscale() == "log" and view.plot.ax.get_yscale() == "log"
    assert len(view.choice.options) == 50 and "good" in " ".join(label for label, _ in view.choice.options)
    # the same final errors as the engine's train, rate by rate (a few of them)
    for k in (0, 25, 49):
        single = train(
            panel.session.network.with_options(learning_rate=result.rates[k]),
            panel.session.inputs,
            panel.session.targets,
            1000,
        )
        assert result.final[k] == pytest.approx(single.errors[-1], rel=1e-9)
    rate = view.choice.options[30][1]
    view.choice.value = rate
    assert panel.session.learning_rate == rate == panel.training.lr_slider.value
    assert view.plot.current.get_xdata()[0] == rate and view.plot.current.get_visible()
    assert panel.message.value.startswith(f"Learning rate set to {rate:.3g}")


def test_clicking_a_sweep_point_sets_its_rate():
    panel = xor_panel()
    panel.sweep.count.value = 50
    panel.sweep.run_button.click()
    plot = panel.sweep.plot
    rate, error = panel.sweep.result.rates[12], panel.sweep.result.final[12]
    x, y = plot.ax.transData.transform((rate, error))
    canvas = plot.figure.canvas
    MouseEvent("button_press_event", canvas, x, y, button=1)._process()
    assert panel.session.learning_rate == pytest.approx(rate, rel=1e-12)
    assert panel.training.lr_slider.value == pytest.approx(rate, rel=1e-12)
    # a click outside the axes changes nothing
    MouseEvent("button_press_event", canvas, 1, 1, button=1)._process()
    assert panel.session.learning_rate == pytest.approx(rate, rel=1e-12)


def test_a_sweep_too_long_is_refused_before_it_starts():
    panel = xor_panel()
    panel.sweep.iterations.value = "10000000"
    panel.sweep.count.value = 200
    panel.sweep.run_button.click()
    assert panel.message.value.startswith("Sweep iterations: enter at most ")
    assert panel.sweep.result is None and not panel.sweep.run_button.disabled
    panel.sweep.iterations.value = "ten"
    panel.sweep.run_button.click()
    assert "Sweep iterations: enter a whole number" in panel.message.value
