"""The sweep's plot: final E_total against learning rate on log axes, the regimes, the current rate.

Artists are created once (a line, one scatter per regime, a marker for the
current rate); :meth:`SweepPlot.show` and :meth:`SweepPlot.mark` only call
``set_data``/``set_offsets`` and ask for one ``draw_idle``.  A diverged copy
has no finite error to plot: it is drawn at the top edge, in its regime's
colour.

Both axes are logarithmic, their major ticks chosen by
:func:`~explorer.drawing.axes.log_ticks` for the range shown (never more
than five, never one label twice) and the minor ticks left unlabelled:
matplotlib's own log labels pile up ("10^-3" five times over "2x10^-4")
when the range spans less than a few decades.
"""

from __future__ import annotations

import numpy as np
from matplotlib.axes import Axes
from matplotlib.ticker import FixedLocator, FuncFormatter, LogLocator, NullFormatter

from explorer.engine.sweep import REGIMES, Sweep

from .axes import INK, PALETTE, SMALL_PT, apply_theme, legend, log_label, log_ticks, plain_axes

#: Okabe-Ito colours, one per regime: too small, good, too large, diverging.
REGIME_COLOURS = dict(zip(REGIMES, (PALETTE[5], PALETTE[2], PALETTE[4], PALETTE[1])))


class SweepPlot:
    """Final error against learning rate for one :class:`~explorer.engine.sweep.Sweep`."""

    def __init__(self, ax: Axes | None = None, figsize: tuple[float, float] = (4.6, 2.7), theme: str = "light"):
        self.ax = ax = plain_axes(ax, figsize, "learning rate eta", "final E_total", theme)
        self.figure = ax.figure
        self.theme = theme
        ax.set_xscale("log")
        ax.set_yscale("log")
        for axis in (ax.xaxis, ax.yaxis):
            axis.set_minor_locator(LogLocator(subs="auto"))
            axis.set_minor_formatter(NullFormatter())
            axis.set_major_formatter(FuncFormatter(log_label))
        ax.grid(True, color=INK[theme], alpha=0.25)
        (self.line,) = ax.plot([], [], color=INK[theme], lw=1, zorder=1)
        self.dots = {
            name: ax.scatter([], [], s=16, color=colour, label=name, zorder=2, picker=True)
            for name, colour in REGIME_COLOURS.items()
        }
        self.current = ax.axvline(1.0, color=PALETTE[0], lw=1.5, ls="--", zorder=3, label="current rate")
        self.current.set_visible(False)
        legend(ax, [*self.dots.values(), self.current], theme, SMALL_PT, loc="best", ncols=2)
        self.sweep: Sweep | None = None

    def show(self, sweep: Sweep) -> None:
        """Plot ``sweep``'s final errors, coloured by regime; one redraw."""
        self.sweep = sweep
        final = sweep.final
        finite = np.isfinite(final) & (final > 0)
        top = float(final[finite].max()) * 3 if finite.any() else 1.0
        bottom = float(final[finite].min()) / 3 if finite.any() else 1e-3
        shown = np.where(finite, final, top)
        self.line.set_data(sweep.rates[finite], final[finite])
        for name, dots in self.dots.items():
            chosen = sweep.regimes == name
            dots.set_offsets(
                np.column_stack([sweep.rates[chosen], shown[chosen]]) if chosen.any() else np.empty((0, 2))
            )
        self._limits((sweep.rates[0] / 1.3, sweep.rates[-1] * 1.3), (bottom, top * 1.5))
        self.figure.canvas.draw_idle()

    def _limits(self, x: tuple[float, float], y: tuple[float, float]) -> None:
        """Set both axes' limits and their major ticks for them."""
        for axis, limits, set_limits in ((self.ax.xaxis, x, self.ax.set_xlim), (self.ax.yaxis, y, self.ax.set_ylim)):
            set_limits(*limits)
            axis.set_major_locator(FixedLocator(log_ticks(*limits)))

    def set_theme(self, theme: str) -> None:
        """Text, ticks and legend in ``theme``'s ink (``"light"`` or ``"dark"``); one redraw."""
        apply_theme(self.ax, theme)
        self.line.set_color(INK[theme])
        self.theme = theme
        self.figure.canvas.draw_idle()

    def mark(self, rate: float) -> None:
        """Mark the current learning rate; one redraw."""
        self.current.set_xdata([rate, rate])
        self.current.set_visible(True)
        self.figure.canvas.draw_idle()

    def nearest(self, x: float) -> float | None:
        """The swept rate nearest ``x`` on the log axis (a click's x), or None before a sweep."""
        if self.sweep is None or not x or x <= 0:
            return None
        rates = self.sweep.rates
        return float(rates[int(np.argmin(np.abs(np.log(rates) - np.log(x))))])
