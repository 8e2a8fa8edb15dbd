"""Sizes of the diagram's parts: its text, its shapes, and the room a label needs.

Text is never measured (the SVG is made without a browser): a character is
taken as :data:`CHAR_WIDTH` of its font size wide and a line as
:data:`LINE_HEIGHT` of it tall.  The layout reserves room by these estimates
and the writer draws label chips by them, so both agree; the browser test of
the diagram checks the estimates against Chromium's own text boxes.
"""

from __future__ import annotations

import math
from functools import lru_cache
from typing import NamedTuple

from explorer.engine.formatting import number

#: Font size in px of each text class (the tests estimate label boxes from these).
FONT_SIZES = {
    "bp-name": 13.0,
    "bp-one": 12.0,
    "bp-l1": 12.0,
    "bp-l2": 10.0,
    "bp-val": 11.0,
    "bp-cap": 11.0,
    "bp-key": 11.0,
    "bp-ename": 12.0,
    "bp-eval": 12.0,
}
#: Approximate advance of one character, as a fraction of the font size.
CHAR_WIDTH = 0.6
#: Height of one line of text, as a fraction of the font size.
LINE_HEIGHT = 1.2
#: Characters reserved for a printed value: ``-0.123456789`` (see formatting.number).
VALUE_CHARS = 12
#: ... for a value shortened to :data:`SHORT_DIGITS` significant digits or fewer, ``-0.6327``,
#: ``0.00123`` or ``-3.5e-5`` (the tooltip keeps it whole): the presenter's diagram of a shape too
#: wide for 14 px text with whole values (see diagram._short_values).
SHORT_CHARS = 7
#: The most significant digits a shortened value keeps.
SHORT_DIGITS = 4

R = 20.0  # neuron radius
UNIT = 30.0  # side of a bias unit's square
PAD = 4.0  # clearance around circles and between label columns
E_W, E_H = 104.0, 40.0  # error node box
MARGIN = 16.0
BIAS_RISE = 74.0  # bias row above the top neuron
LEGEND_ROWS = 3.1  # the legend's last line, in rows below its first
LEGEND_ROWS_WRAPPED = 2.1  # ... with both signs' samples on its first line: "positive", "negative weight"
LEGEND_KEYS = ("positive weight", "negative weight", "in this step", "thicker: larger |weight|")
FIT = (980.0, 760.0)  # the size a diagram should fit at 1:1 if it can
LEVELS = ("full", "compact", "names")  # label detail, most first
#: The level of a diagram that labels only the current step's connections (the rest: tooltips).
CURRENT = "current"
LEVEL_LIMIT = {"full": 1.35, "compact": 2.2, "names": math.inf}  # largest acceptable shrink, detail first
#: The presenter's diagram is made for a 1280 x 720 screen (the smallest projector it plans for), where
#: presenter.css leaves it about 1100 x 414 CSS px: laid out in that room at text
#: :data:`PRESENTER_SCALE`, the smallest text (values, captions, the legend) reads
#: :data:`PRESENTER_TEXT` px once the SVG is scaled to the room, a margin over the 14 px floor.
#: Once the page has measured the diagram's box, a room that reads better there takes its place
#: (``diagram._room_layout``).
PRESENTER_SCREEN = (1280, 720)
PRESENTER_ROOM = (1100.0, 414.0)
PRESENTER_TEXT = 14.4
#: The smallest diagram text a class reads comfortably on a projector, in CSS px.
PRESENTER_FLOOR = 14.0
PRESENTER_SCALE = round(PRESENTER_TEXT / FONT_SIZES["bp-val"], 3)
#: A layout that labels only the current step's connections is as low as its texts allow: the
#: bias row just clears the top neurons, the margins are a few px (see current_step.bare_layout).
TIGHT_RISE = UNIT / 2 + R  # the bias unit's bottom level with the top circles' tops
TIGHT_MARGIN = 4.0


class TextSizes(NamedTuple):
    """The text's sizes at one text scale, and the boxes sized by it (viewBox px)."""

    scale: float
    val: float  # font size of the values beside the neurons
    val_w: float  # room for "out -0.123456789"
    val_h: float  # the net and out lines
    l1: float  # a connection label's first line
    l2: float  # ... and its second
    l2_offset: float  # line 2's centre below line 1's
    e_w: float  # error node box
    e_h: float
    fit: tuple[float, float]  # the size the diagram should fit at 1:1 if it can
    rise: float = BIAS_RISE  # the bias row above the top neuron
    margin: float = MARGIN  # around everything
    legend_wrap: bool = False  # the legend in fewer, wider lines (a low room)
    chars: int = VALUE_CHARS  # reserved for a printed value, a neuron's or a label's (SHORT_CHARS: shortened)


@lru_cache(maxsize=16)
def text_sizes(scale: float, room: tuple[float, float] = FIT, chars: int = VALUE_CHARS) -> TextSizes:
    """Text ``scale`` times :data:`FONT_SIZES`, for a diagram to fit ``room``; the circles and lines keep their size.

    The neurons' values take ``chars`` characters at most (:data:`SHORT_CHARS` once shortened).
    """
    val, l1, l2 = (FONT_SIZES[c] * scale for c in ("bp-val", "bp-l1", "bp-l2"))
    return TextSizes(
        scale,
        val,
        val * CHAR_WIDTH * (4 + chars),
        2 * val * LINE_HEIGHT,
        l1,
        l2,
        (l1 + l2) * LINE_HEIGHT / 2,
        # as wide as its value: a shortened value's box is narrower (the name, E_total, still fits)
        (E_W - (VALUE_CHARS - chars) * FONT_SIZES["bp-eval"] * CHAR_WIDTH) * scale,
        E_H * scale,
        room,
        chars=chars,
    )


def legend_width(scale: float, wrap: bool) -> float:
    """The legend's width: its widest line, the two signs' keys on one line when ``wrap``."""
    key = FONT_SIZES["bp-key"] * scale * CHAR_WIDTH
    widths = [30 + key * len(text) for text in LEGEND_KEYS[:3]] + [key * len(LEGEND_KEYS[3])]
    if wrap:  # "positive" then "negative weight"
        widths[0] = 30 + key * len(LEGEND_KEYS[0].split()[0]) + 12 + widths[1]
    return max(widths)


def label_size(name: str, level: str, ty: TextSizes) -> tuple[float, float, float]:
    """(width, top, bottom) of a connection label about its anchor, room for any value."""
    if level == "names":
        width = ty.l1 * CHAR_WIDTH * len(name)
    else:
        width = ty.l1 * CHAR_WIDTH * (len(name) + 3 + ty.chars)
        if level == "full":  # "∂E/∂w5 = -0.123456789" or "was -0.123456789"
            width = max(width, ty.l2 * CHAR_WIDTH * (len(name) + 7 + ty.chars))
    top = -ty.l1 * LINE_HEIGHT / 2
    bottom = ty.l1 * LINE_HEIGHT / 2 + (ty.l2 * LINE_HEIGHT if level == "full" else 0.0)
    return width + 2.0, top - 1.0, bottom + 1.0


def unit_label_size(level: str, ty: TextSizes) -> tuple[float, float]:
    """(width, height) of the text above a shared bias unit: "b1 = 0.35" and a second line."""
    w, top, bottom = label_size("b0", level if level != "names" else "compact", ty)
    return w, bottom - top


def value_text(value: float, chars: int) -> str:
    """A value as the diagram prints it, in ``chars`` characters at most (the room the layout reserved).

    Whole (formatting.number: the seed's nine decimals) where that fits and ``chars`` is
    :data:`VALUE_CHARS`; otherwise in the most significant digits that fit (:data:`SHORT_DIGITS` at
    most when shortened), a power of ten written without its "+" and leading zeros (``-3.5e-5``,
    ``1.235e4``) so that a small or large value keeps two digits or more rather than one.
    """
    whole = number(value)
    if value == 0 or not math.isfinite(value) or (chars >= VALUE_CHARS and len(whole) <= chars):
        return whole
    most = SHORT_DIGITS if chars < VALUE_CHARS else min(chars - 1, 17)
    forms = [text for digits in range(most, 1, -1) for text in _in_digits(value, digits)]
    # "-15e-13" is unusual, but one digit ("-1e-12" for -1.5e-12) reads as another number
    forms += [_two_digits_no_point(value), *_in_digits(value, 1)]
    return next((text for text in forms if len(text) <= chars), forms[-1])


def _in_digits(value: float, digits: int) -> tuple[str, str]:
    """``value`` to ``digits`` significant digits, as the ``g`` format writes it and in scientific form."""
    return _compact(f"{value:.{digits}g}"), _compact(f"{value:.{digits - 1}e}")


def _compact(text: str) -> str:
    """A number's power of ten without "+" and leading zeros, its mantissa without trailing zeros:
    ``-3.50e-05`` -> ``-3.5e-5``, ``1.235e+04`` -> ``1.235e4``; a number without one as it is."""
    mantissa, e, power = text.partition("e")
    if not e:
        return text
    if "." in mantissa:
        mantissa = mantissa.rstrip("0").rstrip(".")
    return f"{mantissa}e{int(power)}"


def _two_digits_no_point(value: float) -> str:
    """Two significant digits as a whole mantissa, a character shorter than ``-1.5e-12``: ``-15e-13``."""
    mantissa, _, power = f"{value:.1e}".partition("e")
    return f"{mantissa.replace('.', '')}e{int(power) - 1}"
