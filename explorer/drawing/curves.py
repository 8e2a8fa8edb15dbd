"""The error curve: E_total against iteration, with kept runs as labelled ghosts.

Artists are created once; a refresh only calls ``set_data`` on them, rescales
and asks for one ``draw_idle``.  Long runs are thinned for display (the full
history stays in the caller's hands), so a redraw costs the same after ten
iterations or ten million.

What the curve has to show.  The interesting part of most runs is the first
ten iterations of a thousand: a log-scale iteration axis (``set_log_x``)
spreads them out.  Kept curves are drawn over the current run, each in its
own colour *and* dash pattern, so none hides another, not even in grey.  A
diverging run's errors reach 1e300 and then stop being numbers: the axis is
cut at a ceiling above the starting errors, the curve leaves through the top
edge, and a cross on that edge marks the iteration where the run stopped.
The legend names every curve, the current run first, on a background of its
own: the kept curves' dashes never run through its text.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from matplotlib.axes import Axes
from matplotlib.ticker import FixedLocator, FuncFormatter, LogLocator, MaxNLocator, NullFormatter, SymmetricalLogLocator

from .axes import INK, PALETTE, SMALL_PT, TEXT_PT, apply_theme, legend, log_label, log_ticks, plain_axes

#: Kept curves: the palette without the current run's blue, the marker's
#: vermilion and the yellow that vanishes on white; each with its own dashes.
GHOST_COLOURS = ("#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#999999", "#8E6BBF")
GHOST_DASHES = (
    (0, (6, 2)),
    (0, (1.5, 1.5)),
    (0, (7, 2, 1.5, 2)),
    (0, (3, 3)),
    (0, (10, 2, 1.5, 2, 1.5, 2)),
    (0, (1.5, 3.5)),
)
MAX_GHOSTS = 8
DISPLAY_POINTS = 2000
#: The error axis stops this far above the largest starting error (linear, log scale).
CEILING = {"linear": 3.0, "log": 1e4}


def thin(iterations: np.ndarray, errors: np.ndarray, points: int = DISPLAY_POINTS) -> tuple[np.ndarray, np.ndarray]:
    """At most about ``points`` samples, always keeping the first and last.

    Half are spread evenly, half geometrically, so the first iterations stay
    whole on a log-scale iteration axis.
    """
    n = len(errors)
    if n <= points:
        return iterations, errors
    even = np.linspace(0, n - 1, points // 2).astype(int)
    early = np.geomspace(1, n - 1, points // 2).astype(int)
    index = np.unique(np.concatenate([[0, n - 1], even, early]))
    return iterations[index], errors[index]


def compact(value: float, _position: object = None) -> str:
    """A tick label that fits: 0, 5, 250, 1.5k, 10k, 2M."""
    if value == 0 or not np.isfinite(value):
        return "0" if value == 0 else ""
    for size, suffix in ((1e6, "M"), (1e3, "k")):
        if abs(value) >= size:
            return f"{value / size:.3g}{suffix}"
    return f"{value:.3g}"


class ErrorCurve:
    """E_total against iteration on one matplotlib ``Axes``.

    Parameters
    ----------
    ax : Axes, optional
        Where to draw; by default a new figure of ``figsize``.
    """

    def __init__(self, ax: Axes | None = None, figsize: tuple[float, float] = (6.0, 2.8), theme: str = "light"):
        self.ax = ax = plain_axes(ax, figsize, "iteration", "E_total", theme)
        self.figure = ax.figure
        self.theme = theme
        ax.grid(True, color=INK[theme], alpha=0.25)
        (self.line,) = ax.plot([], [], color=PALETTE[0], lw=2.2, label="current run", zorder=2)
        (self.marker,) = ax.plot([], [], "o", color=PALETTE[1], ms=6, zorder=5)
        # where a diverging run stopped, on the top edge (x in data, y in axes units)
        (self.stop_marks,) = ax.plot(
            [], [], "x", color=PALETTE[1], ms=9, mew=2.5, zorder=5, clip_on=False, transform=ax.get_xaxis_transform()
        )
        self.cursor = ax.axvline(0, color=PALETTE[1], lw=1, alpha=0.6, zorder=1)
        # where E_total stopped being finite: shown until the run is reset or edited
        self.divergence = ax.axvline(0, color=PALETTE[1], lw=1.5, ls=":", visible=False, zorder=2)
        self.divergence_label = ax.text(
            0,
            0.5,
            "",
            transform=ax.get_xaxis_transform(),
            color=PALETTE[1],
            fontsize=SMALL_PT,
            ha="right",
            va="center",
            rotation=90,
            visible=False,
        )
        self.ghosts: list = []
        self._kept = 0  # curves kept so far: picks the next colour and dashes
        self._stops: dict[object, int] = {}  # line -> iteration where it stopped
        self.set_log_x(False)
        self._legend()

    # ----------------------------------------------------------------- data
    def show(
        self, errors: Sequence[float], label: str | None = None, at: int | None = None, diverged_at: int | None = None
    ) -> None:
        """Plot ``errors[i]`` at iteration ``i``, mark iteration ``at`` (default the last); one redraw.

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
        stopped = np.flatnonzero(~np.isfinite(errors))
        if len(stopped):
            self._stops[self.line] = int(stopped[0])
        else:
            self._stops.pop(self.line, None)
        last = len(errors) - 1
        at = last if at is None else min(max(int(at), 0), last)
        if at >= 0 and np.isfinite(errors[at]):
            self.marker.set_data([at], [errors[at]])
        else:
            self.marker.set_data([], [])
        self.cursor.set_xdata([max(at, 0)] * 2)
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
        ghost = self._add_ghost(label, x, y)
        if self.line in self._stops:  # a diverged run keeps its mark
            self._stops[ghost] = self._stops[self.line]
        self._legend()
        self._rescale()
        return True

    def kept(self) -> list[tuple[str, np.ndarray, np.ndarray]]:
        """The kept curves, oldest first: (label, iterations, errors), arrays of shape (n,)."""
        return [
            (g.get_label(), np.asarray(g.get_xdata(), float), np.asarray(g.get_ydata(), float)) for g in self.ghosts
        ]

    def set_kept(self, curves: Sequence[tuple[str, Sequence[float], Sequence[float]]]) -> None:
        """Replace the kept curves with ``curves`` (label, iterations, errors), oldest first."""
        self.clear_ghosts(redraw=False)
        for label, x, y in curves:
            self._add_ghost(label, np.asarray(x, float), np.asarray(y, float))
        self._legend()
        self._rescale()

    def _add_ghost(self, label: str, x: np.ndarray, y: np.ndarray):
        if len(self.ghosts) >= MAX_GHOSTS:  # drop the oldest
            self._stops.pop(self.ghosts[0], None)
            self.ghosts.pop(0).remove()
        k = self._kept
        self._kept += 1
        # colour and dashes cycle at different points, so no two live ghosts look alike
        color = GHOST_COLOURS[k % len(GHOST_COLOURS)]
        dashes = GHOST_DASHES[(k + k // len(GHOST_COLOURS)) % len(GHOST_DASHES)]
        (ghost,) = self.ax.plot(x, y, color=color, lw=1.8, ls=dashes, label=label, zorder=3)
        ghost.set_label(label)  # as given: matplotlib names an unlabelled line "_child6"
        self.ghosts.append(ghost)
        return ghost

    def clear_ghosts(self, redraw: bool = True) -> None:
        """No kept curves; the next one kept takes the first colour and dashes again."""
        for ghost in self.ghosts:
            self._stops.pop(ghost, None)
            ghost.remove()
        self.ghosts.clear()
        self._kept = 0
        if redraw:
            self._legend()
            self._rescale()

    def set_log(self, log: bool) -> None:
        """Log-scale error axis."""
        self.ax.set_yscale("log" if log else "linear")
        if log:  # unlabelled minor ticks; the major ones are set for the range in _rescale
            self.ax.yaxis.set_minor_locator(LogLocator(subs="auto"))
            self.ax.yaxis.set_minor_formatter(NullFormatter())
            self.ax.yaxis.set_major_formatter(FuncFormatter(log_label))
        self._legend()
        self._rescale()

    def set_log_x(self, log: bool) -> None:
        """Log-scale iteration axis (linear from 0 to 1, so iteration 0 stays on it)."""
        ax = self.ax
        if log:
            ax.set_xscale("symlog", linthresh=1.0, linscale=0.3)
            ax.xaxis.set_major_locator(SymmetricalLogLocator(linthresh=1.0, base=10))
        else:
            ax.set_xscale("linear")
            ax.xaxis.set_major_locator(MaxNLocator(nbins=5, integer=True))
        ax.xaxis.set_major_formatter(FuncFormatter(compact))
        ax.xaxis.set_minor_formatter(FuncFormatter(lambda *_: ""))
        self._rescale()

    @property
    def stops(self) -> dict[str, int]:
        """Label -> iteration where that curve's run stopped being a finite number."""
        return {line.get_label(): it for line, it in self._stops.items()}

    def set_theme(self, theme: str) -> None:
        """Text, ticks and legend in ``theme``'s ink (``"light"`` or ``"dark"``); one redraw."""
        apply_theme(self.ax, theme)
        self.theme = theme
        self.figure.canvas.draw_idle()

    # -------------------------------------------------------------- drawing
    def _legend(self) -> None:
        # every curve named, the current run (the one solid line) first
        handles = [self.line, *self.ghosts]
        many = len(handles) >= 4  # two columns, or the legend covers the curves
        # where it covers the fewest points: curves fall to the bottom right on a log axis,
        # leave the top right empty on a linear one
        made = legend(
            self.ax,
            handles,
            self.theme,
            SMALL_PT if many else TEXT_PT,
            loc="best",
            handlelength=3.2,
            ncols=2 if many else 1,
        )
        for text in made.get_texts():  # labels may come from a file: shown as typed, never as mathtext
            text.set_parse_math(False)

    def _rescale(self) -> None:
        """Fit the axes to the finite data of every curve, up to a ceiling; one redraw."""
        lines = [self.line, *self.ghosts]
        xs = [np.asarray(line.get_xdata(), float) for line in lines]
        ys = [np.asarray(line.get_ydata(), float) for line in lines]
        right = max(
            [1.0]
            + [x[-1] for x in xs if len(x)]
            + list(self._stops.values())
            + ([self.divergence.get_xdata()[0]] if self.divergence.get_visible() else [])
        )
        log_x = self.ax.get_xscale() == "symlog"
        self.ax.set_xlim(0, right * (1.3 if log_x else 1.03))  # room for the marker on the last point
        scale = "log" if self.ax.get_yscale() == "log" else "linear"
        starts = [y[0] for y in ys if len(y) and np.isfinite(y[0])]
        y = np.concatenate(ys) if ys else np.empty(0)
        y = y[np.isfinite(y) & ((y > 0) if scale == "log" else True)]
        if len(y):
            # limits computed here, not by autoscale: its margins overflow for a
            # diverging run's 1e300 errors, and its tick formatter then raises
            ceiling = CEILING[scale] * max(starts) if starts and max(starts) > 0 else 1e300
            low, high = float(y.min()), float(min(y.max(), ceiling, 1e300))
            if scale == "log":
                self.ax.set_ylim(low / 2, high * 2 if high > low else low * 10)
                self.ax.yaxis.set_major_locator(FixedLocator(log_ticks(*self.ax.get_ylim())))
            else:
                pad = (high - low) * 0.06 or max(abs(high) * 0.06, 1e-12)
                self.ax.set_ylim(low - pad, high + pad)
        else:  # nothing to show yet: limits a log scale can take too
            self.ax.set_ylim(0.01, 1.0)
        stops = sorted(set(self._stops.values()))
        self.stop_marks.set_data(stops, [1.0] * len(stops))
        self.figure.canvas.draw_idle()
