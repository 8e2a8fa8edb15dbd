"""The decision boundary: a network's output over the input square, with the examples on it.

For networks of two inputs.  With one output, :func:`output_grid` is the
model side (numpy only): the network's output at every point of a grid,
drawn from blue through white to red.  With several outputs (softmax's
classes) each point is coloured by its class, the largest output
(:func:`class_grid`), pale where the network is unsure; the examples are
filled with their target's class colour.
:class:`DecisionBoundary` draws it: the image (white where the output is
halfway, the boundary) and the examples are created once;
:meth:`DecisionBoundary.show` only calls ``set_data`` on them and asks for
one ``draw_idle``, so it can run at the error curve's rate while training.
Its ticks fall on round values inside the square, clear of its edges
(:func:`inner_ticks`), so no label at a corner is cut off by the figure.
"""

from __future__ import annotations

import numpy as np
from matplotlib.axes import Axes
from matplotlib.colors import LinearSegmentedColormap, ListedColormap, to_rgb
from matplotlib.ticker import FixedLocator, MaxNLocator

from explorer.engine.network import Network

from .axes import PALETTE, TEXT_PT, apply_theme, plain_axes

#: Grid points along each axis: fine enough to look smooth, 1,600 outputs a redraw.
RESOLUTION = 40
#: Okabe-Ito blue (low) through white to vermillion (high): readable with every
#: common colour-vision deficiency, and the midpoint (the boundary) stands out.
COLOURS = LinearSegmentedColormap.from_list("bp-boundary", [PALETTE[0], "#f7f7f7", PALETTE[1]])

#: One colour per class (Okabe-Ito blue, vermillion, green, ...), as many as a layer may have outputs.
CLASS_COLOURS = PALETTE


def square(inputs: np.ndarray, margin: float = 0.25) -> tuple[float, float, float, float]:
    """(x_lo, x_hi, y_lo, y_hi): the examples' bounding box, widened by ``margin`` of its size."""
    lo, hi = inputs.min(axis=0), inputs.max(axis=0)
    pad = np.maximum((hi - lo) * margin, 0.5 * (hi == lo) + 0.0)
    lo, hi = lo - pad, hi + pad
    return float(lo[0]), float(hi[0]), float(lo[1]), float(hi[1])


def inner_ticks(low: float, high: float, most: int = 4) -> list[float]:
    """Round ticks from ``low`` to ``high``, none within a tenth of the range of either end."""
    clear = (high - low) / 10
    ticks = MaxNLocator(nbins=most, steps=[1, 2, 2.5, 5, 10]).tick_values(low, high)
    return [float(t) for t in ticks if low + clear <= t <= high - clear]


def output_grid(
    network: Network, extent: tuple[float, float, float, float], resolution: int = RESOLUTION
) -> np.ndarray:
    """The network's output at a grid over ``extent``, shape (resolution, resolution).

    Row ``r`` is input 2 at the r-th of ``resolution`` values from y_lo to
    y_hi; column ``c`` is input 1 likewise, as ``imshow(origin="lower")`` draws.
    """
    if network.sizes[0] != 2 or network.sizes[-1] != 1:
        raise ValueError("a decision boundary needs a network of 2 inputs and 1 output")
    return _outputs(network, extent, resolution)[..., 0]


def class_grid(
    network: Network, extent: tuple[float, float, float, float], resolution: int = RESOLUTION
) -> tuple[np.ndarray, np.ndarray]:
    """(class, confidence) at a grid over ``extent``, each of shape (resolution, resolution).

    The class is the index of the largest output (argmax); the confidence is
    how far that output stands above the next largest, from 0 (a tie: the
    boundary) up.  Laid out as :func:`output_grid`'s.
    """
    if network.sizes[0] != 2 or network.sizes[-1] < 2:
        raise ValueError("class regions need a network of 2 inputs and several outputs")
    outputs = _outputs(network, extent, resolution)
    ranked = np.sort(outputs, axis=-1)
    return np.argmax(outputs, axis=-1), ranked[..., -1] - ranked[..., -2]


def _outputs(network: Network, extent: tuple[float, float, float, float], resolution: int) -> np.ndarray:
    """Every output at a grid over ``extent``, shape (resolution, resolution, n_L)."""
    x_lo, x_hi, y_lo, y_hi = extent
    x1, x2 = np.meshgrid(np.linspace(x_lo, x_hi, resolution), np.linspace(y_lo, y_hi, resolution))
    points = np.column_stack([x1.ravel(), x2.ravel()])
    return network.forward(points).output.reshape(resolution, resolution, network.sizes[-1])


def class_image(classes: np.ndarray, confidence: np.ndarray) -> np.ndarray:
    """RGB pixels: each class's colour, faded towards white where the confidence is low."""
    colours = np.array([to_rgb(c) for c in CLASS_COLOURS])[classes % len(CLASS_COLOURS)]
    # a tie is white, a sure class is its colour at 70%: the examples' rings stay visible
    strength = 0.7 * np.clip(np.nan_to_num(confidence), 0.0, 1.0)[..., None] ** 0.5
    return 1.0 - strength * (1.0 - colours)


class DecisionBoundary:
    """The output heatmap and the examples on one matplotlib ``Axes``.

    Parameters
    ----------
    ax : Axes, optional
        Where to draw; by default a new figure.
    """

    def __init__(self, ax: Axes | None = None, figsize: tuple[float, float] = (3.3, 2.9), theme: str = "light"):
        self.ax = ax = plain_axes(ax, figsize, "i1", "i2", theme)
        self.figure = ax.figure
        self.image = ax.imshow(
            np.full((2, 2), 0.5),
            origin="lower",
            extent=(0, 1, 0, 1),
            cmap=COLOURS,
            vmin=0.0,
            vmax=1.0,
            interpolation="bilinear",
            aspect="auto",
            zorder=1,
        )
        # a title instead of a colour bar: the bar's own axis would double the cost of each redraw
        self.title = ax.set_title("out_o1: blue low, white half, red high", fontsize=TEXT_PT)
        # the examples: filled by their target (same colour map), ringed so they show on any pixel
        self.points = ax.scatter(
            [], [], c=[], cmap=COLOURS, vmin=0.0, vmax=1.0, s=70, edgecolors="#000000", linewidths=1.3, zorder=3
        )
        self.extent: tuple[float, float, float, float] | None = None
        #: the class at each pixel when several outputs are drawn (None with one output)
        self.classes: np.ndarray | None = None
        self._outputs = 1  # the number of outputs the title and the examples' colours are set for

    def show(self, network: Network, inputs: np.ndarray, targets: np.ndarray) -> None:
        """Draw ``network``'s output over the examples' square and the examples; one redraw.

        The colour scale spans the targets' range (0 to 1 for the gates) or
        the outputs', whichever is wider, so any output activation reads.
        """
        extent = square(inputs)
        if extent != self.extent:
            self.image.set_extent(extent)
            self.ax.set_xlim(extent[:2])
            self.ax.set_ylim(extent[2:])
            self.ax.xaxis.set_major_locator(FixedLocator(inner_ticks(*extent[:2])))
            self.ax.yaxis.set_major_locator(FixedLocator(inner_ticks(*extent[2:])))
            self.extent = extent
        if network.sizes[-1] > 1:
            self._show_classes(network, inputs, targets, extent)
            return
        self.classes = None
        with np.errstate(over="ignore", invalid="ignore"):
            grid = output_grid(network, extent)
        finite = grid[np.isfinite(grid)]
        low = min(0.0, float(targets.min()), float(finite.min()) if finite.size else 0.0)
        high = max(1.0, float(targets.max()), float(finite.max()) if finite.size else 1.0)
        self._outputs_drawn(1)
        self.image.set_data(grid)
        self.image.set_clim(low, high)
        self.points.set_offsets(inputs)
        self.points.set_array(targets[:, 0])
        self.points.set_clim(low, high)
        self.figure.canvas.draw_idle()

    def _show_classes(self, network: Network, inputs: np.ndarray, targets: np.ndarray, extent: tuple) -> None:
        """Regions in one colour per class (argmax of the outputs), the examples in their target's."""
        n = network.sizes[-1]
        with np.errstate(over="ignore", invalid="ignore"):
            self.classes, confidence = class_grid(network, extent)
        self._outputs_drawn(n)
        self.image.set_data(class_image(self.classes, confidence))
        self.points.set_offsets(inputs)
        self.points.set_array(np.argmax(targets, axis=1))
        self.points.set_clim(-0.5, n - 0.5)
        self.figure.canvas.draw_idle()

    def _outputs_drawn(self, n: int) -> None:
        """Title and the examples' colours for ``n`` outputs: set only when that number changes."""
        if n == self._outputs:
            return
        self._outputs = n
        if n == 1:
            self.title.set_text("out_o1: blue low, white half, red high")
            self.points.set_cmap(COLOURS)
        else:
            self.title.set_text("class = largest output; pale: unsure")
            self.points.set_cmap(ListedColormap([CLASS_COLOURS[k % len(CLASS_COLOURS)] for k in range(n)]))

    def set_theme(self, theme: str) -> None:
        """Labels, ticks and title in ``theme``'s ink (``"light"`` or ``"dark"``); one redraw."""
        apply_theme(self.ax, theme)
        self.figure.canvas.draw_idle()

    def pixels(self) -> np.ndarray:
        """The image's values as drawn (for tests and notebooks).

        Shape (RESOLUTION, RESOLUTION) with one output; (RESOLUTION, RESOLUTION, 3),
        RGB, with several.
        """
        return np.asarray(self.image.get_array())
