"""The sweep's plot: final error against learning rate, coloured by regime, the current rate marked."""

from __future__ import annotations

import numpy as np
import pytest
from matplotlib.backends.backend_agg import FigureCanvasAgg

from explorer.drawing.sweep_plot import REGIME_COLOURS, SweepPlot
from explorer.engine.sweep import REGIMES, Sweep


def fake_sweep() -> Sweep:
    """Six rates: two too small, two good, one too large, one diverging (no finite error)."""
    rates = np.array([0.01, 0.1, 0.5, 1.0, 5.0, 10.0])
    final = np.array([0.3, 0.2, 0.01, 0.02, 0.25, np.inf])
    regimes = np.array(["too small", "too small", "good", "good", "too large", "diverging"])
    return Sweep(rates, final, regimes, 0.3, 100, None)


def test_every_regime_has_its_own_colour():
    assert set(REGIME_COLOURS) == set(REGIMES) and len(set(REGIME_COLOURS.values())) == len(REGIMES)


def test_show_puts_each_rate_in_its_regime_and_a_diverged_one_on_the_top_edge():
    plot = SweepPlot()
    FigureCanvasAgg(plot.figure)
    dots = dict(plot.dots)
    plot.show(fake_sweep())
    assert plot.dots == dots  # updated, not re-created
    offsets = {name: d.get_offsets().tolist() for name, d in plot.dots.items()}
    assert offsets["too small"] == [[0.01, 0.3], [0.1, 0.2]]
    assert offsets["good"] == [[0.5, 0.01], [1.0, 0.02]]
    assert offsets["too large"] == [[5.0, 0.25]]
    top = 0.3 * 3
    assert offsets["diverging"] == [[10.0, pytest.approx(top)]]
    assert plot.ax.get_ylim() == pytest.approx((0.01 / 3, top * 1.5))
    assert plot.ax.get_xlim() == pytest.approx((0.01 / 1.3, 10.0 * 1.3))
    x, y = plot.line.get_data()
    assert list(x) == [0.01, 0.1, 0.5, 1.0, 5.0] and list(y) == [0.3, 0.2, 0.01, 0.02, 0.25]  # finite ones only
    assert plot.ax.get_xscale() == plot.ax.get_yscale() == "log"
    plot.figure.canvas.draw()


def test_the_current_rate_is_marked_once_known():
    plot = SweepPlot()
    assert not plot.current.get_visible()
    plot.mark(0.5)
    assert plot.current.get_visible() and list(plot.current.get_xdata()) == [0.5, 0.5]


def test_a_click_picks_the_nearest_rate_on_the_log_axis():
    plot = SweepPlot()
    assert plot.nearest(0.3) is None  # before a sweep
    plot.show(fake_sweep())
    assert plot.nearest(0.3) == 0.5  # nearer 0.5 than 0.1 on a log scale (a tie on a linear one)
    assert plot.nearest(100.0) == 10.0
    assert plot.nearest(0) is None and plot.nearest(-1.0) is None
