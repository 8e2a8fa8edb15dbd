"""The plots' shared axes: transparent, text at projector size, ink that reads on either theme."""

from __future__ import annotations

import pytest
from matplotlib.colors import to_hex, to_rgba
from matplotlib.figure import Figure

from explorer.drawing.axes import (
    GROUNDS,
    INK,
    PALETTE,
    PAPER,
    TEXT_PT,
    THEMES,
    apply_theme,
    log_label,
    log_ticks,
    plain_axes,
)
from tests.helpers.readable import PX, contrast


def test_contrast_matches_the_known_figures():
    assert contrast("#000000", "#ffffff") == pytest.approx(21.0)
    assert contrast("#8a8a8a", "#ffffff") == pytest.approx(3.45, abs=0.01)  # the grey the plots used to have


@pytest.mark.parametrize("theme", THEMES)
def test_ink_and_paper_read_at_4_5_to_1_on_each_of_their_themes_grounds(theme):
    for ground in GROUNDS[theme]:
        assert contrast(INK[theme], ground) >= 4.5, (theme, ground)
    assert contrast(INK[theme], PAPER[theme]) >= 4.5


def test_no_single_grey_would_do_for_both_themes():
    """Why the ink follows the theme: a grey passing on white fails on #212121, and back."""
    greys = [f"#{v:02x}{v:02x}{v:02x}" for v in range(256)]
    both = [g for g in greys if all(contrast(g, ground) >= 4.5 for t in THEMES for ground in GROUNDS[t])]
    assert both == []


@pytest.mark.parametrize("theme", THEMES)
def test_a_new_figure_of_the_size_asked_transparent_in_the_themes_ink(theme):
    ax = plain_axes(None, (3.0, 2.0), "iteration", "E_total", theme)
    fig = ax.figure
    ink = INK[theme].lower()
    assert tuple(fig.get_size_inches()) == (3.0, 2.0)
    assert fig.get_layout_engine() is not None  # constrained: labels never cut off
    assert fig.patch.get_alpha() == 0.0 and to_rgba(ax.get_facecolor())[3] == 0.0
    assert (ax.get_xlabel(), ax.get_ylabel()) == ("iteration", "E_total")
    assert to_hex(ax.xaxis.label.get_color()) == ink == to_hex(ax.yaxis.label.get_color())
    assert {to_hex(s.get_edgecolor()) for s in ax.spines.values()} == {ink}
    assert ax.xaxis.label.get_fontsize() * PX >= 14
    for axis in (ax.xaxis, ax.yaxis):
        for tick in (axis.get_major_ticks(1)[0], axis.get_minor_ticks(1)[0]):  # minor ones too (log scales)
            assert to_hex(tick.tick1line.get_color()) == ink
            assert to_hex(tick.label1.get_color()) == ink
            assert tick.label1.get_fontsize() * PX >= 14


def test_the_theme_can_change_afterwards_and_a_wrong_one_is_refused():
    ax = plain_axes(None, (3.0, 2.0), "x", "y")
    apply_theme(ax, "dark")
    assert to_hex(ax.yaxis.label.get_color()) == INK["dark"].lower()
    assert to_hex(ax.yaxis.get_major_ticks(1)[0].label1.get_color()) == INK["dark"].lower()
    with pytest.raises(ValueError, match="theme"):
        apply_theme(ax, "blue")


def test_text_size_is_at_least_14_px_at_100_dpi():
    assert TEXT_PT * PX >= 14


def test_given_axes_are_set_up_in_place():
    fig = Figure()
    given = fig.add_subplot()
    assert plain_axes(given, (9.0, 9.0), "x", "y") is given
    assert tuple(fig.get_size_inches()) != (9.0, 9.0)  # the caller's figure keeps its size
    assert fig.patch.get_alpha() == 0.0


@pytest.mark.parametrize(
    ("low", "high", "expected"),
    [
        (1e-4 / 3, 2e-3 * 4.5, [1e-4, 1e-3]),  # the sweep: two decades, not "10^-3" five times
        (0.25, 0.9, [0.3, 0.5, 0.7, 0.9]),  # less than a factor 5: whole mantissas, every other one
        (0.11, 0.6, [0.2, 0.5]),
        (1e-9, 10.0, [1e-9, 1e-6, 1e-3, 1.0]),  # eleven decades: every third,
    ],
)
def test_log_ticks_are_few_distinct_and_inside_the_range(low, high, expected):
    ticks = log_ticks(low, high)
    assert ticks == pytest.approx(expected)
    labels = [log_label(t) for t in ticks]
    assert len(set(labels)) == len(labels) and all(labels)
    assert all(low <= t <= high for t in ticks) and 2 <= len(ticks) <= 5


def test_log_labels_read_as_numbers():
    assert [log_label(v) for v in (0.01, 0.5, 2.0, 100.0)] == ["0.01", "0.5", "2", "100"]
    assert log_label(1e-4) == r"$\mathdefault{10^{-4}}$"
    assert log_label(2e-4) == r"$\mathdefault{2\times10^{-4}}$"
    assert log_label(0.0) == log_label(float("inf")) == ""


def test_palette_is_okabe_ito():
    assert PALETTE[:3] == ("#0072B2", "#D55E00", "#009E73") and len(set(PALETTE)) == 8
