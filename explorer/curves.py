"""The error curve: E_total against iteration, with kept runs as labelled ghosts.

Artists are created once; a refresh only calls ``set_data`` on them, rescales
and asks for one ``draw_idle``.  Long runs are thinned for display (the full
history stays in the caller's hands), so a redraw costs the same after ten
iterations or ten million.
"""

from __future__ import annotations

from typing import Sequence

import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter, MaxNLocator

#: Okabe-Ito: distinguishable with every common colour-vision deficiency.
PALETTE = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#F0E442", "#999999")
#: A mid grey reads on JupyterLab's light and dark themes alike; the figure
#: itself is transparent, because a PNG cannot follow the theme's colours.
NEUTRAL = "#8a8a8a"
MAX_GHOSTS = 8
DISPLAY_POINTS = 2000


def iteration_label(x: float, _position: object = None) -> str:
    """A tick on the iteration axis: ``800``, ``2k``, ``1.5M`` (short, so none is clipped)."""
    for size, suffix in ((1e6, "M"), (1e3, "k")):
        if abs(x) >= size:
            return f"{x / size:g}{suffix}"
    return f"{x:g}"


def thin(iterations: np.ndarray, errors: np.ndarray, points: int = DISPLAY_POINTS) -> tuple[np.ndarray, np.ndarray]:
    """At most about ``points`` samples, always keeping the first and last."""
    n = len(errors)
    if n <= points:
        return iterations, errors
    index = np.unique(np.append(np.linspace(0, n - 1, points).astype(int), n - 1))
    return iterations[index], errors[index]


class ErrorCurve:
    """E_total against iteration on one matplotlib ``Axes``.

    Parameters
    ----------
    ax : Axes, optional
        Where to draw; by default a new figure of ``figsize``.
    """

    def __init__(self, ax: Axes | None = None, figsize: tuple[float, float] = (6.0, 2.8)):
        if ax is None:
            ax = Figure(figsize=figsize, layout="constrained").add_subplot()
        self.ax = ax
        self.figure = ax.figure
        self.figure.patch.set_alpha(0.0)
        ax.set_facecolor("none")
        ax.set_xlabel("iteration", color=NEUTRAL)
        ax.set_ylabel("E_total", color=NEUTRAL)
        ax.tick_params(colors=NEUTRAL)
        for spine in ax.spines.values():
            spine.set_color(NEUTRAL)
        ax.grid(True, color=NEUTRAL, alpha=0.25)
        # iterations are whole numbers: no 0.2 ticks after one iteration, no 1e6 offset
        ax.xaxis.set_major_locator(MaxNLocator(integer=True, nbins=5))
        ax.xaxis.set_major_formatter(FuncFormatter(iteration_label))
        (self.line,) = ax.plot([], [], color=PALETTE[0], lw=2, label="current run", zorder=3)
        (self.marker,) = ax.plot([], [], "o", color=PALETTE[1], ms=6, zorder=4)
        self.cursor = ax.axvline(0, color=PALETTE[1], lw=1, alpha=0.6, zorder=2)
        # where E_total stopped being finite: shown until the run is reset
        self.divergence = ax.axvline(0, color=PALETTE[1], lw=1.5, ls=":", visible=False, zorder=2)
        self.divergence_label = ax.text(0, 0.5, "", transform=ax.get_xaxis_transform(), color=PALETTE[1],
                                        fontsize=8, ha="right", va="center", rotation=90, visible=False)
        self.ghosts: list = []
        self._legend()

    # ----------------------------------------------------------------- data
    def show(self, errors: Sequence[float], label: str | None = None,
             diverged_at: int | None = None) -> None:
        """Plot ``errors[i]`` at iteration ``i`` and mark the last one; one redraw.

        ``diverged_at``, when given, is marked by a dotted line: from there on
        the error is not a finite number and the curve cannot show it.
        """
        errors = np.asarray(errors, dtype=float)
        x, y = thin(np.arange(len(errors)), errors)
        finite = np.isfinite(y)
        self.line.set_data(x[finite], y[finite])
        if label is not None and label != self.line.get_label():
            self.line.set_label(label)
            self._legend()
        last = len(errors) - 1
        if last >= 0 and np.isfinite(errors[-1]):
            self.marker.set_data([last], [errors[-1]])
        else:
            self.marker.set_data([], [])
        self.cursor.set_xdata([max(last, 0)] * 2)
        self.divergence.set_visible(diverged_at is not None)
        self.divergence_label.set_visible(diverged_at is not None)
        if diverged_at is not None:
            self.divergence.set_xdata([diverged_at] * 2)
            self.divergence_label.set_x(diverged_at)
            self.divergence_label.set_text(f"not finite from {diverged_at:,}")
        self._rescale()

    def keep(self, label: str) -> bool:
        """Freeze the current curve as a ghost labelled ``label``; False if there is none."""
        x, y = self.line.get_data()
        if len(x) < 2:  # a single point is no curve
            return False
        self._add_ghost(label, x, y)
        self._legend()
        self._rescale()
        return True

    def kept(self) -> list[tuple[str, np.ndarray, np.ndarray]]:
        """The kept curves, oldest first: (label, iterations, errors), arrays of shape (n,)."""
        return [(g.get_label(), np.asarray(g.get_xdata(), float), np.asarray(g.get_ydata(), float))
                for g in self.ghosts]

    def set_kept(self, curves: Sequence[tuple[str, Sequence[float], Sequence[float]]]) -> None:
        """Replace the kept curves with ``curves`` (label, iterations, errors), oldest first."""
        for ghost in self.ghosts:
            ghost.remove()
        self.ghosts.clear()
        for label, x, y in curves:
            self._add_ghost(label, np.asarray(x, float), np.asarray(y, float))
        self._legend()
        self._rescale()

    def _add_ghost(self, label: str, x: np.ndarray, y: np.ndarray) -> None:
        if len(self.ghosts) >= MAX_GHOSTS:  # drop the oldest
            self.ghosts.pop(0).remove()
        color = PALETTE[(len(self.ghosts) + 2) % len(PALETTE)]
        (ghost,) = self.ax.plot(x, y, color=color, lw=1.3, alpha=0.75, ls="--", label=label, zorder=1)
        self.ghosts.append(ghost)

    def clear_ghosts(self) -> None:
        for ghost in self.ghosts:
            ghost.remove()
        self.ghosts.clear()
        self._legend()
        self._rescale()

    def set_log(self, log: bool) -> None:
        self.ax.set_yscale("log" if log else "linear")
        self._rescale()

    # -------------------------------------------------------------- drawing
    def _legend(self) -> None:
        self.ax.legend(loc="upper right", fontsize=8, frameon=False, labelcolor=NEUTRAL)

    def _rescale(self) -> None:
        """Fit the axes to the finite data of every curve; one redraw."""
        lines = [self.line, *self.ghosts]
        xs = [np.asarray(line.get_xdata(), float) for line in lines]
        ys = [np.asarray(line.get_ydata(), float) for line in lines]
        right = max([1.0] + [x[-1] for x in xs if len(x)]
                    + ([self.divergence.get_xdata()[0]] if self.divergence.get_visible() else []))
        self.ax.set_xlim(0, right * 1.03)  # room for the marker on the last point
        y = np.concatenate(ys) if ys else np.empty(0)
        log = self.ax.get_yscale() == "log"
        y = y[np.isfinite(y) & ((y > 0) if log else True)]
        if len(y):
            # limits computed here, not by autoscale: its log-scale margins
            # overflow for a diverging run's 1e300 errors and lose every curve
            low, high = float(y.min()), float(min(y.max(), 1e300))
            if log:
                self.ax.set_ylim(low / 2, min(high * 2, 1e300) if high > low else low * 10)
            else:
                pad = (high - low) * 0.06 or max(abs(high) * 0.06, 1e-12)
                self.ax.set_ylim(low - pad, high + pad)
        self.figure.canvas.draw_idle()
