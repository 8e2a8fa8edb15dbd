"""What a plot's reader sees once Agg has drawn it: its labels, their boxes, sizes and colours."""

from __future__ import annotations

from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.colors import to_hex, to_rgb

from explorer.drawing.axes import GROUNDS

#: CSS px per point at the figures' 100 dpi.
PX = 100 / 72


def contrast(a: str, b: str) -> float:
    """WCAG 2 contrast ratio of two colours."""

    def luminance(colour: str) -> float:
        channels = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in to_rgb(colour)]
        return 0.2126 * channels[0] + 0.7152 * channels[1] + 0.0722 * channels[2]

    high, low = sorted((luminance(a), luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def tick_labels(ax: Axes) -> list:
    """The tick labels drawn: non-empty, at a tick inside the axes' view."""
    if not isinstance(ax.figure.canvas, FigureCanvasAgg):
        FigureCanvasAgg(ax.figure)
    ax.figure.canvas.draw()
    drawn = []
    for axis, (low, high) in ((ax.xaxis, sorted(ax.get_xlim())), (ax.yaxis, sorted(ax.get_ylim()))):
        for tick in axis.get_major_ticks() + axis.get_minor_ticks():
            label = tick.label1
            if label.get_visible() and label.get_text() and low <= tick.get_loc() <= high:
                drawn.append(label)
    return drawn


def assert_readable(ax: Axes, theme: str = "light", texts: tuple = ()) -> None:
    """Every tick label (and ``texts``) >= 14 px, >= 4.5:1 on the theme's grounds, inside the figure.

    Tick labels on one axis must also be distinct and must not overlap.
    """
    labels = tick_labels(ax)
    assert labels, "no tick labels drawn"
    renderer = ax.figure.canvas.get_renderer()
    figure_box = ax.figure.bbox
    for text in [*labels, *texts]:
        assert text.get_fontsize() * PX >= 14, (text.get_text(), text.get_fontsize())
        for ground in GROUNDS[theme]:
            assert contrast(to_hex(text.get_color()), ground) >= 4.5, (text.get_text(), ground)
        box = text.get_window_extent(renderer)
        inside = box.x0 >= figure_box.x0 - 0.5 and box.x1 <= figure_box.x1 + 0.5
        assert inside and box.y0 >= figure_box.y0 - 0.5 and box.y1 <= figure_box.y1 + 0.5, (text.get_text(), box)
    for axis in (ax.xaxis, ax.yaxis):
        mine = [t for t in labels if t in axis.get_ticklabels(which="both")]
        names = [t.get_text() for t in mine]
        assert len(set(names)) == len(names), names
        boxes = [t.get_window_extent(renderer) for t in mine]
        for i, a in enumerate(boxes):
            for b in boxes[i + 1 :]:
                assert not a.overlaps(b), names
