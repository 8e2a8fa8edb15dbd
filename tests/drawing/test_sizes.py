"""The diagram's sizes: the font sizes the layout reserves room by are the stylesheet's, and labels grow with detail."""

from __future__ import annotations

import math
import re
from decimal import Decimal
from pathlib import Path

import pytest

import explorer.drawing
from explorer.drawing.sizes import (
    CHAR_WIDTH,
    E_H,
    E_W,
    FIT,
    FONT_SIZES,
    LINE_HEIGHT,
    PRESENTER_ROOM,
    PRESENTER_SCALE,
    PRESENTER_SCREEN,
    PRESENTER_TEXT,
    SHORT_CHARS,
    VALUE_CHARS,
    label_size,
    text_sizes,
    unit_label_size,
    value_text,
)
from explorer.engine.formatting import number

CSS = (Path(explorer.drawing.__file__).parent / "static" / "diagram.css").read_text()


@pytest.mark.parametrize("cls", sorted(FONT_SIZES))
def test_font_sizes_are_the_stylesheets(cls):
    """The layout estimates text from FONT_SIZES; the browser draws it by the CSS: they must agree."""
    (size,) = re.findall(r"\." + cls + r"\{[^}]*font-size:([\d.]+)px", CSS)
    assert float(size) == FONT_SIZES[cls]


def test_text_sizes_scale_the_text_and_the_error_box_only():
    normal, large = text_sizes(1.0), text_sizes(1.5)
    assert normal.val == FONT_SIZES["bp-val"] and normal.l1 == FONT_SIZES["bp-l1"] and normal.l2 == FONT_SIZES["bp-l2"]
    for field in ("val", "val_w", "val_h", "l1", "l2", "l2_offset", "e_w", "e_h"):
        assert getattr(large, field) == pytest.approx(1.5 * getattr(normal, field)), field
    assert (normal.e_w, normal.e_h) == (E_W, E_H)
    assert normal.fit == large.fit  # the panel is as big as ever
    # "out " and a value of VALUE_CHARS characters, on two lines
    assert normal.val_w == pytest.approx(FONT_SIZES["bp-val"] * CHAR_WIDTH * (4 + VALUE_CHARS))
    assert normal.val_h == pytest.approx(2 * FONT_SIZES["bp-val"] * LINE_HEIGHT)


def test_a_label_box_holds_its_longest_text_at_each_detail():
    ty = text_sizes(1.0)
    names_only, compact, full = (label_size("w12", level, ty) for level in ("names", "compact", "full"))
    assert names_only[0] >= ty.l1 * CHAR_WIDTH * len("w12")
    assert compact[0] >= ty.l1 * CHAR_WIDTH * len("w12 = -0.123456789")
    assert full[0] >= ty.l2 * CHAR_WIDTH * len("∂E/∂w12 = -0.123456789")
    assert names_only[0] < compact[0] <= full[0]
    # one line high, centred on the anchor; "full" adds the small second line below
    assert compact[1] == names_only[1] == full[1] < 0 < compact[2] == names_only[2] < full[2]
    assert full[2] - compact[2] == pytest.approx(ty.l2 * LINE_HEIGHT)


def test_a_shared_bias_units_text_keeps_two_lines_even_among_names_only():
    ty = text_sizes(1.0)
    assert unit_label_size("names", ty) == unit_label_size("compact", ty)
    width, height = unit_label_size("full", ty)
    assert height == pytest.approx(label_size("b0", "full", ty)[2] - label_size("b0", "full", ty)[1])
    assert width == label_size("b0", "full", ty)[0]


def test_a_room_is_what_the_text_sizes_fit():
    assert text_sizes(1.2).fit == FIT
    assert text_sizes(1.2, (1000.0, 400.0)).fit == (1000.0, 400.0)
    assert text_sizes(1.2, (1000.0, 400.0)).val == text_sizes(1.2).val


def test_the_presenters_smallest_text_reads_its_target_at_one_to_one():
    shown = [FONT_SIZES[c] for c in FONT_SIZES if c != "bp-l2"]  # the second line: full detail only
    assert min(shown) * PRESENTER_SCALE == pytest.approx(PRESENTER_TEXT, abs=0.01)
    assert PRESENTER_TEXT >= 14
    assert PRESENTER_ROOM[0] < PRESENTER_SCREEN[0] and PRESENTER_ROOM[1] < PRESENTER_SCREEN[1]


@pytest.mark.parametrize(
    ("value", "short"),
    [
        (0.751365070, "0.7514"),
        (-0.632710736, "-0.6327"),
        (0.00123456, "0.00123"),
        (-0.00123456, "-0.0012"),
        (-3.51085e-05, "-3.5e-5"),  # not "-4e-05": two digits, the power of ten compact
        (-0.000351085, "-3.5e-4"),
        (0.000123456, "1.23e-4"),
        (1.5e-05, "1.5e-5"),
        (-1.5e-12, "-15e-13"),  # "-1.5e-12" takes 8 characters
        (12345.678, "1.235e4"),
        (-12345.678, "-1.23e4"),
        (0.35, "0.35"),
        (0.0, "0"),
    ],
)
def test_a_shortened_value_keeps_the_most_digits_that_fit_its_characters(value, short):
    assert value_text(value, VALUE_CHARS) == number(value)  # whole: the seed's nine decimals
    assert value_text(value, SHORT_CHARS) == short and len(short) <= SHORT_CHARS


@pytest.mark.parametrize(
    ("value", "whole"),
    [
        (-12.3456789012, "-12.3456789"),  # nine decimals would take 13 characters
        (123456.789012345, "123456.78901"),
        (-1.23456789e100, "-1.23457e100"),
        (-1.23456789e-100, "-1.2346e-100"),
    ],
)
def test_a_whole_value_too_long_for_its_characters_keeps_the_digits_that_fit(value, whole):
    assert len(number(value)) > VALUE_CHARS
    assert value_text(value, VALUE_CHARS) == whole


def test_shortened_values_reserve_fewer_characters():
    whole, short = text_sizes(PRESENTER_SCALE), text_sizes(PRESENTER_SCALE, FIT, SHORT_CHARS)
    assert whole.chars == VALUE_CHARS and short.chars == SHORT_CHARS
    assert short.val_w == pytest.approx(whole.val_w * (4 + SHORT_CHARS) / (4 + VALUE_CHARS))
    assert label_size("w12", "compact", short)[0] < label_size("w12", "compact", whole)[0]


#: Values from 1e-12 to 1e12 of either sign: a round one, the seed's -3.51085e-05 scaled, one that
#: rounds up to the next power of ten, and one with more digits than any budget holds.
MANTISSAS = (1.0, 3.51085, 9.99951, 1.2345678901234)
MAGNITUDES = [sign * m * 10.0**k for k in range(-12, 13) for m in MANTISSAS for sign in (1, -1)]
#: Far beyond them: three-digit powers of ten, where 7 characters hold one significant digit only.
EXTREMES = [sign * m * 10.0**k for k in (-300, 300) for m in MANTISSAS for sign in (1, -1)]


def _last_digit(text: str) -> Decimal:
    """One unit of the text's last digit: "-3.5e-5" -> 1e-6, "0.298371109" -> 1e-9, "1.235e4" -> 10."""
    return Decimal(1).scaleb(Decimal(text).as_tuple().exponent)


@pytest.mark.parametrize("chars", [SHORT_CHARS, VALUE_CHARS])
@pytest.mark.parametrize("value", MAGNITUDES + EXTREMES + [0.0, math.inf, -math.inf, math.nan], ids=repr)
def test_a_value_fits_its_characters_and_keeps_the_digits_they_allow(value, chars):
    text = value_text(value, chars)
    assert len(text) <= chars  # the layout reserved room for `chars` characters, no more
    back = float(text)
    if not math.isfinite(value) or value == 0:
        assert text == number(value) and (back == value or math.isnan(back) and math.isnan(value))
        return
    # within half a unit of its last digit, less the float's own rounding (under one ulp)
    error = abs(Decimal(back) - Decimal(value)) - Decimal(math.ulp(back))
    assert error <= _last_digit(text) / 2, text
    if value in MAGNITUDES:  # 7 characters hold two significant digits of these: "-35e-13", "-3.5e-5"
        # ... so it is within half a unit of the second significant digit at least
        assert error <= Decimal(1).scaleb(Decimal(value).adjusted() - 1) / 2, text
