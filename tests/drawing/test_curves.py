"""The error curve on its own: drawn through Agg, so a tick formatter that raises is caught.

The runs are notebook 02's: its steep network (linear outputs, biases
trained) at learning rates 0.1 (good), 0.8 (too large, climbs then settles)
and 2 (diverges at iteration 323).
"""

from __future__ import annotations

import numpy as np
import pytest
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.colors import to_hex
from matplotlib.figure import Figure

from explorer.drawing.axes import PAPER
from explorer.drawing.curves import CEILING, ErrorCurve, compact, thin
from explorer.engine.presets import SEED_INPUTS, SEED_TARGETS, seed_network
from explorer.engine.training import train
from tests.helpers.readable import assert_readable

STEEP = seed_network(activations=("sigmoid", "linear"), update_biases=True)


@pytest.fixture(scope="module")
def runs() -> dict[float, np.ndarray]:
    return {
        eta: train(STEEP.with_options(learning_rate=eta), SEED_INPUTS, SEED_TARGETS, 1_000).errors
        for eta in (0.1, 0.8, 2.0)
    }


@pytest.fixture
def curve() -> ErrorCurve:
    figure = Figure(figsize=(4.6, 2.7))  # the panel's figure, fixed margins and all
    figure.subplots_adjust(left=0.17, right=0.97, top=0.95, bottom=0.19)
    c = ErrorCurve(figure.add_subplot())
    FigureCanvasAgg(figure)
    return c


def draw(curve: ErrorCurve) -> list[str]:
    """Render the figure; the tick labels drawn on both axes."""
    curve.figure.canvas.draw()
    return [t.get_text() for t in curve.ax.get_xticklabels() + curve.ax.get_yticklabels() if t.get_text()]


@pytest.mark.parametrize("log", [False, True])
def test_a_diverging_run_is_clipped_and_marked_where_it_stopped(curve, runs, log):
    errors = runs[2.0]
    stopped = int(np.flatnonzero(~np.isfinite(errors))[0])
    assert 300 < stopped < 400  # the run really does diverge (notebook 02: at 323)
    curve.set_log(log)
    curve.show(errors, label="eta = 2")
    labels = draw(curve)  # no OverflowError from the formatters
    assert labels
    low, high = curve.ax.get_ylim()
    assert np.isfinite(low) and np.isfinite(high) and low < errors[0] < high
    assert high <= 2 * CEILING["log" if log else "linear"] * errors[0]
    assert curve.stop_marks.get_data()[0] == [stopped]
    assert curve.stops == {"eta = 2": stopped}
    # the curve still has its finite points: it leaves through the top edge
    assert len(curve.line.get_xdata()) == stopped


def test_kept_curves_each_have_their_own_colour_and_dashes_above_the_current_run(curve, runs):
    for i in range(8):
        curve.show(runs[0.1] * (1 + i / 10))
        assert curve.keep(f"run {i}")
    looks = {(g.get_color(), str(g._unscaled_dash_pattern)) for g in curve.ghosts}
    assert len(looks) == 8
    assert all(g.get_linestyle() != "-" for g in curve.ghosts)  # dashed: the run beneath shows through
    assert all(g.get_zorder() > curve.line.get_zorder() for g in curve.ghosts)
    curve.keep("ninth")  # the oldest goes; the newest still looks unlike every other
    looks = [(g.get_color(), str(g._unscaled_dash_pattern)) for g in curve.ghosts]
    assert len(curve.ghosts) == 8 and len(set(looks)) == 8
    draw(curve)


def test_a_kept_diverging_run_keeps_its_stop_mark(curve, runs):
    curve.set_log(True)
    curve.show(runs[2.0], label="eta = 2")
    curve.keep("eta = 2 (kept)")
    curve.show(runs[0.8], label="eta = 0.8")
    assert list(curve.stops.values()) == [curve.stops["eta = 2 (kept)"]]
    draw(curve)
    curve.clear_ghosts()
    assert curve.stops == {} and curve.stop_marks.get_data()[0] == []


def test_log_iteration_axis_shows_iteration_zero_and_spreads_the_first_ten(curve, runs):
    curve.show(runs[0.8])
    curve.set_log_x(True)
    labels = draw(curve)
    assert curve.ax.get_xscale() == "symlog" and curve.ax.get_xlim()[0] == 0
    assert {"0", "1", "10", "100", "1k"} <= set(labels)
    to_pixels = curve.ax.transData.transform
    width = curve.ax.bbox.width
    # iterations 0..10 take more than a third of the axis, not a hundredth
    span = to_pixels([(10, 1)])[0][0] - to_pixels([(0, 1)])[0][0]
    assert span > width / 3
    curve.set_log_x(False)
    assert curve.ax.get_xscale() == "linear"


def test_thinning_keeps_the_first_iterations_whole():
    n = 1_000_000
    x, y = thin(np.arange(n), np.arange(n, dtype=float))
    assert len(x) <= 2002 and x[0] == 0 and x[-1] == n - 1
    assert set(range(12)) <= set(x.tolist())


@pytest.mark.parametrize(
    "value, text", [(0, "0"), (5, "5"), (250, "250"), (1500, "1.5k"), (10_000, "10k"), (2_000_000, "2M"), (0.5, "0.5")]
)
def test_compact_tick_labels(value, text):
    assert compact(value) == text


def test_long_runs_get_short_tick_labels(curve):
    curve.show(np.linspace(1, 0.1, 2_000_001))
    labels = draw(curve)
    assert max(map(len, labels)) <= 5, labels


@pytest.mark.parametrize("label", [r"$\frac{$", "$x$", "$$", r"\$ <b>", "eta = 0.5 $"])
def test_kept_curve_labels_are_shown_as_text_never_as_mathtext(curve, label):
    # a label read from a session file once broke every later draw with a mathtext parse error
    curve.set_kept([(label, [0.0, 1.0, 2.0], [0.3, 0.2, 0.1])])
    curve.figure.canvas.draw()
    texts = curve.ax.get_legend().get_texts()
    # the current run comes first, then the kept curve with its label as typed
    assert [t.get_text() for t in texts] == ["current run", label] and not any(t.get_parse_math() for t in texts)
    assert curve.kept()[0][0] == label


def test_the_current_run_keeps_its_legend_entry_once_curves_are_kept_and_the_legend_has_a_ground(curve, runs):
    curve.show(runs[0.1], label="current run, eta = 0.1")
    assert [t.get_text() for t in curve.ax.get_legend().get_texts()] == ["current run, eta = 0.1"]
    curve.keep("eta = 0.1")
    curve.show(runs[0.8], label="current run, eta = 0.8")
    legend = curve.ax.get_legend()
    assert [t.get_text() for t in legend.get_texts()] == ["current run, eta = 0.8", "eta = 0.1"]
    assert legend.legend_handles[0].get_linestyle() == "-"  # the solid line is the current run
    assert legend.get_frame_on() and to_hex(legend.get_frame().get_facecolor()) == PAPER["light"]
    assert legend.get_frame().get_alpha() >= 0.85  # the dashes behind it do not show through
    assert legend.zorder > max(g.zorder for g in curve.ghosts)


@pytest.mark.parametrize("theme", ["light", "dark"])
@pytest.mark.parametrize(
    ("size", "margins"),
    [
        ((5.3, 1.75), dict(left=0.16, right=0.97, top=0.95, bottom=0.27)),  # the presenter's
        ((4.6, 2.7), dict(left=0.17, right=0.97, top=0.95, bottom=0.19)),  # the notebook layout's
    ],
)
@pytest.mark.parametrize("log", [False, True])
def test_ticks_and_labels_are_projector_sized_and_readable_on_either_theme(runs, theme, size, margins, log):
    figure = Figure(figsize=size)
    figure.subplots_adjust(**margins)
    curve = ErrorCurve(figure.add_subplot(), theme=theme)
    curve.set_log(log)
    curve.show(runs[0.8], label="current run")
    curve.keep("eta = 0.8")
    ax = curve.ax
    assert_readable(ax, theme, (ax.xaxis.label, ax.yaxis.label, *ax.get_legend().get_texts()[:1]))
