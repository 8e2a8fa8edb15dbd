"""The plots' shared ground: transparent axes drawn in a neutral grey, and the colours on them.

A mid grey reads on JupyterLab's light and dark themes alike; the figure
itself is transparent, because a PNG cannot follow the theme's colours.  The
error curve, the decision boundary and the sweep all start from
:func:`plain_axes`.
"""

from __future__ import annotations

from matplotlib.axes import Axes
from matplotlib.figure import Figure

#: Okabe-Ito: distinguishable with every common colour-vision deficiency.
PALETTE = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#F0E442", "#999999")
#: The axes' grey: labels, ticks, spines, grids and legend text.
NEUTRAL = "#8a8a8a"


def plain_axes(ax: Axes | None, figsize: tuple[float, float], xlabel: str, ylabel: str) -> Axes:
    """``ax`` (or a new figure's axes) drawn on a transparent ground in neutral grey.

    Parameters
    ----------
    ax : Axes or None
        Axes to set up; None makes a figure of ``figsize`` (inches) with one
        axes, laid out by matplotlib's constrained layout.
    xlabel, ylabel : str
        The axes' labels, in :data:`NEUTRAL` grey like the ticks and spines.
    """
    if ax is None:
        ax = Figure(figsize=figsize, layout="constrained").add_subplot()
    ax.figure.patch.set_alpha(0.0)
    ax.set_facecolor("none")
    ax.set_xlabel(xlabel, color=NEUTRAL)
    ax.set_ylabel(ylabel, color=NEUTRAL)
    ax.tick_params(colors=NEUTRAL, which="both")
    for spine in ax.spines.values():
        spine.set_color(NEUTRAL)
    return ax
