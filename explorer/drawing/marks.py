"""The diagram's small SVG pieces: coordinates, lines, label chips, tooltips, error boxes, the legend.

Formatting is most of a redraw's cost, so each piece is one f-string.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from xml.sax.saxutils import escape

from .sizes import (
    CHAR_WIDTH,
    FONT_SIZES,
    LEGEND_KEYS,
    LEGEND_ROWS,
    LEGEND_ROWS_WRAPPED,
    LINE_HEIGHT,
    TextSizes,
    value_text,
)


def px(x: float) -> str:
    """A coordinate, to a tenth of a pixel (formatting is most of a redraw: kept minimal)."""
    return f"{x:.1f}"


def exact(value: float) -> str:
    """A value to full precision, for tooltips."""
    return repr(float(value))


def sign_class(value: float) -> str:
    """The class that colours a line by its parameter's sign."""
    if value > 0:
        return "bp-pos"
    if value < 0:
        return "bp-neg"
    return "bp-zero"


def stroke_width(value: float, biggest: float) -> str:
    """A line's width, 1 to 4 px with ``|value|`` against the ``biggest`` one shown (1 if not finite)."""
    if not math.isfinite(value) or not biggest > 0:
        return "1"
    return px(min(4.0, 1.0 + 3.0 * abs(value) / biggest))


def state_class(eid: str, active: set[str] | frozenset[str], lit: bool | None = None) -> str:
    """`` bp-active`` or `` bp-dim`` while anything is highlighted (``lit`` overrides ``eid in active``)."""
    if not active:
        return ""
    on = (eid in active) if lit is None else lit
    return " bp-active" if on else " bp-dim"


def shorten(x0, y0, x1, y1, r0, r1):
    """The segment from (x0, y0) to (x1, y1) without ``r0`` at its start and ``r1`` at its end."""
    dx, dy = x1 - x0, y1 - y0
    length = math.hypot(dx, dy) or 1.0
    ux, uy = dx / length, dy / length
    return x0 + ux * r0, y0 + uy * r0, x1 - ux * r1, y1 - uy * r1


def line(x0, y0, x1, y1, width: str, glow: bool) -> str:
    """A ``<line>``, under a wider translucent one when it is part of the current step."""
    coords = f'x1="{px(x0)}" y1="{px(y0)}" x2="{px(x1)}" y2="{px(y1)}"'
    drawn = f'<line {coords} stroke-width="{width}"/>'
    if glow:
        return f'<line class="bp-glow" {coords} stroke-width="{px(float(width) + 7)}"/>' + drawn
    return drawn


def tooltip(lines: Iterable[str]) -> str:
    """A tooltip, one line per fact."""
    return "<title>" + escape("\n".join(lines)) + "</title>"


def param_tooltip(name: str, old: float, grad: float | None, new: float | None, what: str) -> str:
    """A parameter's tooltip: its value to full precision, its gradient and new value once known."""
    lines = [f"{name} = {exact(old)} ({what})"]
    if grad is not None:
        lines.append(f"dE_total/d{name} = {exact(grad)}")
    if new is not None:
        lines.append(f"{name}+ = {exact(new)} (updated)")
    return tooltip(lines)


def label_chip(
    level: str, name: str, value: float, new: float | None, grad: float | None, x: float, y: float, ty: TextSizes
) -> str:
    """A connection's (or shared bias unit's) label centred on (x, y), on a background chip.

    The chip hides the lines under the label; its width is estimated from the
    characters, as the layout reserved room for.
    """
    xs, ys = px(x), px(y)
    if level == "names":
        cls = "bp-l1 bp-newv" if new is not None else "bp-l1"
        chars, first, second = len(name), name, None
    else:
        shown = value_text(value if new is None else new, ty.chars)
        chars = len(name) + 3 + len(shown)
        first = f"{name} = " + (shown if new is None else f'<tspan class="bp-newv">{shown}</tspan>')
        cls = "bp-l1"
        second = None
        if level == "full":
            if new is not None:
                old = value_text(value, ty.chars)
                second, chars2 = f'was <tspan class="bp-old">{old}</tspan>', 4 + len(old)
            elif grad is not None:
                g = value_text(grad, ty.chars)
                second, chars2 = f"∂E/∂{name} = {g}", 7 + len(name) + len(g)
    w = ty.l1 * CHAR_WIDTH * chars
    top, bottom = y - ty.l1 * LINE_HEIGHT / 2, y + ty.l1 * LINE_HEIGHT / 2
    if second:
        w = max(w, ty.l2 * CHAR_WIDTH * chars2)
        bottom += ty.l2 * LINE_HEIGHT
    w += 6
    out = (
        f'<rect class="bp-chip" x="{px(x - w / 2)}" y="{px(top)}" width="{px(w)}" '
        f'height="{px(bottom - top)}" rx="4"/>'
        f'<text class="{cls}" x="{xs}" y="{ys}">{first}</text>'
    )
    if second:
        out += f'<text class="bp-l2" x="{xs}" y="{px(y + ty.l2_offset)}">{second}</text>'
    return out


def error_box(name: str, value: float | None, x: float, y: float, ty: TextSizes) -> str:
    """An error node's box centred on (x, y): its name over its value (``?`` until known).

    The value in the characters a neuron's value takes (``ty.chars``, the box sized for them): the
    seed's nine decimals, and an error of 12,345.678901234 still inside its box."""
    shown = '<tspan class="bp-q">?</tspan>' if value is None else value_text(value, ty.chars)
    return (
        f'<rect x="{px(x - ty.e_w / 2)}" y="{px(y - ty.e_h / 2)}" width="{px(ty.e_w)}" '
        f'height="{px(ty.e_h)}" rx="8"/>'
        f'<text class="bp-ename" x="{px(x)}" y="{px(y - 8 * ty.scale)}">{name}</text>'
        f'<text class="bp-eval" x="{px(x)}" y="{px(y + 9 * ty.scale)}">{shown}</text>'
    )


def legend(x: float, y: float, scale: float, wrap: bool = False) -> str:
    """Key to the colours: line samples for the signs, a swatch for the current step.

    ``wrap`` puts both signs' samples on the first line: one row less, for a low room.
    """
    rows = []
    row = 16 * scale
    key = FONT_SIZES["bp-key"] * scale * CHAR_WIDTH
    positive = LEGEND_KEYS[0].split()[0] if wrap else LEGEND_KEYS[0]  # "weight" once, after "negative"
    second = (x + 30 + key * len(positive) + 12, y) if wrap else (x, y + row)
    for (kx, ky), (cls, text) in zip(((x, y), second), (("bp-pos", positive), ("bp-neg", LEGEND_KEYS[1]))):
        rows.append(
            f'<g class="bp-edge {cls}"><line x1="{px(kx)}" y1="{px(ky)}" x2="{px(kx + 22)}" '
            f'y2="{px(ky)}" stroke-width="2.5"/></g>'
            f'<text class="bp-key" x="{px(kx + 30)}" y="{px(ky)}">{text}</text>'
        )
    yy = y + (1 if wrap else 2) * row
    rows.append(
        f'<rect class="bp-key-step" x="{px(x + 4)}" y="{px(yy - 6)}" width="14" height="12" rx="3"/>'
        f'<text class="bp-key" x="{px(x + 30)}" y="{px(yy)}">{LEGEND_KEYS[2]}</text>'
    )
    last = LEGEND_ROWS_WRAPPED if wrap else LEGEND_ROWS
    rows.append(f'<text class="bp-key" x="{px(x)}" y="{px(y + last * row)}">{LEGEND_KEYS[3]}</text>')
    return '<g class="bp-legend">' + "".join(rows) + "</g>"
