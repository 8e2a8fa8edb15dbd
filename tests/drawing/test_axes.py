"""The plots' shared axes: transparent, in one neutral grey, on a given axes or a new figure."""

from __future__ import annotations

from matplotlib.colors import to_hex, to_rgba
from matplotlib.figure import Figure

from explorer.drawing.axes import NEUTRAL, PALETTE, plain_axes


def test_a_new_figure_of_the_size_asked_transparent_and_grey():
    ax = plain_axes(None, (3.0, 2.0), "iteration", "E_total")
    fig = ax.figure
    assert tuple(fig.get_size_inches()) == (3.0, 2.0)
    assert fig.get_layout_engine() is not None  # constrained: labels never cut off
    assert fig.patch.get_alpha() == 0.0 and to_rgba(ax.get_facecolor())[3] == 0.0
    assert (ax.get_xlabel(), ax.get_ylabel()) == ("iteration", "E_total")
    assert to_hex(ax.xaxis.label.get_color()) == NEUTRAL == to_hex(ax.yaxis.label.get_color())
    assert {to_hex(s.get_edgecolor()) for s in ax.spines.values()} == {NEUTRAL}
    for axis in (ax.xaxis, ax.yaxis):
        for tick in (axis.get_major_ticks(1)[0], axis.get_minor_ticks(1)[0]):  # minor ones too (log scales)
            assert to_hex(tick.tick1line.get_color()) == NEUTRAL
            assert to_hex(tick.label1.get_color()) == NEUTRAL


def test_given_axes_are_set_up_in_place():
    fig = Figure()
    given = fig.add_subplot()
    assert plain_axes(given, (9.0, 9.0), "x", "y") is given
    assert tuple(fig.get_size_inches()) != (9.0, 9.0)  # the caller's figure keeps its size
    assert fig.patch.get_alpha() == 0.0


def test_palette_is_okabe_ito():
    assert PALETTE[:3] == ("#0072B2", "#D55E00", "#009E73") and len(set(PALETTE)) == 8
