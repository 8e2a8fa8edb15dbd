"""The plots' shared ground: transparent axes, text sized for a projector, ink that follows the theme.

The figure is transparent, so the plot sits on the page's own background:
white (or #eee) under JupyterLab's light theme, #111 (or #212121) under its
dark one.  No single grey reads at 4.5:1 on both (a grey dark enough for
white is too dark for #212121), so the text's ink follows the theme:
:data:`INK` holds one colour for each, chosen to pass on both of that
theme's backgrounds (:data:`GROUNDS`).  The error curve, the decision
boundary and the sweep all start from :func:`plain_axes`; the panel tells
them the theme with their ``set_theme``.

Text sizes are in points, as matplotlib takes them; at the figure's 100 dpi a
point is 100/72 px, so :data:`TEXT_PT` (10.5 pt) is 14.6 px on screen.
"""

from __future__ import annotations

import math

from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.legend import Legend

#: Okabe-Ito: distinguishable with every common colour-vision deficiency.
PALETTE = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#F0E442", "#999999")
THEMES = ("light", "dark")
#: The backgrounds a plot may sit on under each theme: JupyterLab 4's --jp-layout-color0 and 1
#: (light: white, white; the panel's boxes: #eee), dark: #111 and #212121.
GROUNDS = {"light": ("#ffffff", "#eeeeee"), "dark": ("#111111", "#212121")}
#: Labels, ticks, spines, titles and legend text: >= 4.5:1 on each of its theme's grounds.
INK = {"light": "#555555", "dark": "#b3b3b3"}
#: A legend's background: the theme's page colour, nearly opaque, so curves never run through its text.
PAPER = {"light": "#ffffff", "dark": "#111111"}
#: Tick labels, axis labels and titles, in points (14.6 px at 100 dpi).
TEXT_PT = 10.5
#: A legend's text when it has many entries (12.5 px): smaller, or it covers the curves.
SMALL_PT = 9.0


def plain_axes(ax: Axes | None, figsize: tuple[float, float], xlabel: str, ylabel: str, theme: str = "light") -> Axes:
    """``ax`` (or a new figure's axes) drawn on a transparent ground in the theme's ink.

    Parameters
    ----------
    ax : Axes or None
        Axes to set up; None makes a figure of ``figsize`` (inches) with one
        axes, laid out by matplotlib's constrained layout.
    xlabel, ylabel : str
        The axes' labels, at :data:`TEXT_PT` like the tick labels.
    theme : {"light", "dark"}
        Whose :data:`INK` the text, ticks and spines take.
    """
    if ax is None:
        ax = Figure(figsize=figsize, layout="constrained").add_subplot()
    ax.figure.patch.set_alpha(0.0)
    ax.set_facecolor("none")
    ax.set_xlabel(xlabel, fontsize=TEXT_PT)
    ax.set_ylabel(ylabel, fontsize=TEXT_PT)
    ax.tick_params(labelsize=TEXT_PT, which="both")
    apply_theme(ax, theme)
    return ax


def apply_theme(ax: Axes, theme: str) -> None:
    """Recolour ``ax``'s labels, ticks, spines, title and legend in ``theme``'s ink (no redraw)."""
    if theme not in THEMES:
        raise ValueError(f"theme: choose one of {', '.join(THEMES)} (got {theme!r})")
    ink = INK[theme]
    ax.xaxis.label.set_color(ink)
    ax.yaxis.label.set_color(ink)
    ax.title.set_color(ink)
    ax.tick_params(colors=ink, which="both")
    for spine in ax.spines.values():
        spine.set_color(ink)
    for line in ax.get_xgridlines() + ax.get_ygridlines():
        line.set_color(ink)
    legend = ax.get_legend()
    if legend is not None:
        _colour_legend(legend, theme)


def legend(ax: Axes, handles: list, theme: str, size: float = TEXT_PT, **options) -> Legend:
    """A legend on a background of the theme's page colour, its text in the theme's ink."""
    made = ax.legend(handles=handles, fontsize=size, frameon=True, fancybox=True, framealpha=0.88, **options)
    _colour_legend(made, theme)
    return made


def _colour_legend(made: Legend, theme: str) -> None:
    made.get_frame().set_facecolor(PAPER[theme])
    made.get_frame().set_edgecolor(INK[theme])
    made.get_frame().set_linewidth(0.6)
    for text in made.get_texts():
        text.set_color(INK[theme])


def log_ticks(low: float, high: float, most: int = 5) -> list[float]:
    """Major ticks for a log axis from ``low`` to ``high``: at most ``most``, none repeated.

    Powers of ten when the range holds two or more (every k-th, so at most
    ``most``); otherwise 1, 2 and 5 times a power of ten; otherwise every
    whole mantissa.  A narrow range thus still has two labels, and a wide one
    never piles them up.
    """
    if not (0 < low < high and math.isfinite(high)):
        return []
    first, last = math.floor(math.log10(low)), math.ceil(math.log10(high))
    for mantissas in ((1,), (1, 2, 5), tuple(range(1, 10))):
        ticks = [m * 10.0**e for e in range(first, last + 1) for m in mantissas]
        ticks = [t for t in ticks if low <= t <= high]
        if len(ticks) >= 2:
            stride = math.ceil(len(ticks) / most)
            return ticks[::stride]
    return ticks


def log_label(value: float, _position: object = None) -> str:
    """A log axis' label: 0.01 to 100 as decimals, the rest as ``2x10^-4`` in mathtext."""
    if value <= 0 or not math.isfinite(value):
        return ""
    if 0.01 <= value < 1000:
        return f"{value:g}"
    exponent = math.floor(math.log10(value) + 1e-9)
    mantissa = round(value / 10.0**exponent)
    power = rf"10^{{{exponent}}}"
    if mantissa != 1:
        power = rf"{mantissa}\times{power}"
    return rf"$\mathdefault{{{power}}}$"
