"""The sweep's plot: final error against learning rate, coloured by regime, the current rate marked."""

from __future__ import annotations

import numpy as np
import pytest
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.colors import to_hex
from matplotlib.figure import Figure

from explorer.drawing.axes import INK, PAPER
from explorer.drawing.sweep_plot import REGIME_COLOURS, SweepPlot
from explorer.engine.sweep import REGIMES, Sweep
from tests.helpers.readable import assert_readable, tick_labels


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


def sweep_of(final: list[float]) -> Sweep:
    rates = np.geomspace(1e-3, 10.0, len(final))
    return Sweep(rates, np.array(final), np.array(["good"] * len(final)), 0.3, 100, None)


@pytest.mark.parametrize(
    "final",
    [
        [2e-4, 3e-4, 4e-4, 6e-4, 8e-4, 1e-3, 1.5e-3, 2e-3],  # one decade: the pile-up the issue saw
        [0.21, 0.22, 0.23, 0.25, 0.24, 0.22],  # a factor 1.2
        list(np.geomspace(1e-9, 0.5, 12)),  # eight decades
    ],
)
@pytest.mark.parametrize("theme", ["light", "dark"])
def test_log_axes_label_major_ticks_only_once_each_readable_on_the_panels_figure(final, theme):
    figure = Figure(figsize=(4.6, 2.7))  # the panel's figure and margins
    figure.subplots_adjust(left=0.17, right=0.97, top=0.95, bottom=0.19)
    plot = SweepPlot(figure.add_subplot(), theme=theme)
    plot.show(sweep_of(final))
    assert_readable(plot.ax, theme)
    assert 2 <= len([t for t in tick_labels(plot.ax) if t in plot.ax.yaxis.get_ticklabels(which="both")]) <= 5
    assert all(not t.get_text() for t in plot.ax.yaxis.get_ticklabels(minor=True))


def test_the_legend_has_a_background_in_the_themes_paper():
    plot = SweepPlot(theme="dark")
    frame = plot.ax.get_legend().get_frame()
    assert plot.ax.get_legend().get_frame_on() and to_hex(frame.get_facecolor()) == PAPER["dark"]
    plot.set_theme("light")
    assert to_hex(plot.ax.get_legend().get_frame().get_facecolor()) == PAPER["light"]
    assert {to_hex(t.get_color()) for t in plot.ax.get_legend().get_texts()} == {INK["light"]}
