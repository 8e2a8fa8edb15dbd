"""The diagram's small SVG pieces, each read back with xml.etree."""

from __future__ import annotations

import math
import xml.etree.ElementTree as ET

import pytest

from explorer.drawing.marks import (
    error_box,
    exact,
    label_chip,
    legend,
    line,
    param_tooltip,
    px,
    shorten,
    sign_class,
    state_class,
    stroke_width,
    tooltip,
)
from explorer.drawing.sizes import CHAR_WIDTH, FONT_SIZES, SHORT_CHARS, legend_width, text_sizes

SVG = 'xmlns="http://www.w3.org/2000/svg"'
NS = "{http://www.w3.org/2000/svg}"
TY = text_sizes(1.0)


def read(fragment: str) -> ET.Element:
    return ET.fromstring(f"<g {SVG}>{fragment}</g>")


def test_coordinates_to_a_tenth_values_in_full():
    assert px(12.345) == "12.3" and px(-0.04) == "-0.0" and px(3) == "3.0"
    assert exact(0.5932699921071872) == "0.5932699921071872" and exact(1) == "1.0"


def test_lines_are_coloured_by_sign_and_sized_by_magnitude():
    assert [sign_class(v) for v in (0.3, -2.0, 0.0)] == ["bp-pos", "bp-neg", "bp-zero"]
    assert stroke_width(2.0, 2.0) == "4.0" and stroke_width(0.0, 2.0) == "1.0"
    assert stroke_width(-1.0, 2.0) == "2.5"  # by |value|
    assert stroke_width(math.inf, 2.0) == "1" and stroke_width(0.5, 0.0) == "1"  # nothing to scale by


def test_highlight_state():
    assert state_class("w5", frozenset()) == ""  # nothing highlighted: nothing dimmed
    assert state_class("w5", frozenset({"w5"})) == " bp-active"
    assert state_class("w6", frozenset({"w5"})) == " bp-dim"
    assert state_class("o1-E_o1", frozenset({"o1"}), lit=True) == " bp-active"  # lit decides, not the id


def test_shorten_cuts_each_end_by_its_radius():
    x0, y0, x1, y1 = shorten(0.0, 0.0, 30.0, 40.0, 5.0, 10.0)
    assert (x0, y0) == pytest.approx((3.0, 4.0)) and (x1, y1) == pytest.approx((24.0, 32.0))
    assert shorten(1.0, 1.0, 1.0, 1.0, 2.0, 2.0) == (1.0, 1.0, 1.0, 1.0)  # a point stays put: no division by zero


def test_a_line_glows_under_itself_when_lit():
    plain = read(line(0, 0, 10, 0, "2.5", False))
    assert [el.get("stroke-width") for el in plain] == ["2.5"]
    glow = read(line(0, 0, 10, 0, "2.5", True))
    assert [(el.get("class"), el.get("stroke-width")) for el in glow] == [("bp-glow", "9.5"), (None, "2.5")]
    assert all(el.get("x2") == "10.0" for el in glow)


@pytest.mark.parametrize(
    "level, new, grad, lines",
    [
        ("full", None, None, ["w5 = 0.4"]),
        ("full", None, 0.082167041, ["w5 = 0.4", "∂E/∂w5 = 0.082167041"]),
        ("full", 0.35891648, 0.082167041, ["w5 = 0.35891648", "was 0.4"]),
        ("compact", 0.35891648, 0.082167041, ["w5 = 0.35891648"]),
        ("names", None, 0.082167041, ["w5"]),
    ],
)
def test_label_chip_texts_and_a_chip_wide_enough_for_them(level, new, grad, lines):
    g = read(label_chip(level, "w5", 0.4, new, grad, 100.0, 50.0, TY))
    chip = g.find(NS + "rect")
    texts = g.findall(NS + "text")
    assert ["".join(t.itertext()) for t in texts] == lines
    assert texts[0].get("x") == "100.0" and texts[0].get("y") == "50.0"
    assert any("bp-newv" in (el.get("class") or "") for el in g.iter()) == (new is not None)  # a new value stands out
    width = float(chip.get("width"))
    for t in texts:
        size = TY.l2 if "bp-l2" in t.get("class") else TY.l1
        assert width >= size * CHAR_WIDTH * len("".join(t.itertext()))
    assert float(chip.get("x")) == pytest.approx(100.0 - width / 2, abs=0.1)


def test_tooltips_are_escaped_and_tell_everything_known():
    assert tooltip(["a < b", "c & d"]) == "<title>a &lt; b\nc &amp; d</title>"
    text = read(param_tooltip("w5", 0.4, 0.08, 0.35, "weight from h1 to o1")).find(NS + "title").text
    assert text.split("\n") == ["w5 = 0.4 (weight from h1 to o1)", "dE_total/dw5 = 0.08", "w5+ = 0.35 (updated)"]
    assert read(param_tooltip("w5", 0.4, None, None, "w")).find(NS + "title").text == "w5 = 0.4 (w)"


def test_error_box_shows_a_question_mark_until_known():
    unknown = read(error_box("E_o1", None, 50.0, 20.0, TY))
    assert ["".join(t.itertext()) for t in unknown.findall(NS + "text")] == ["E_o1", "?"]
    known = read(error_box("E_o1", 0.274811083, 50.0, 20.0, TY))
    assert ["".join(t.itertext()) for t in known.findall(NS + "text")] == ["E_o1", "0.274811083"]
    rect = known.find(NS + "rect")
    large = read(error_box("E_o1", 12345.678901234, 50.0, 20.0, TY))
    shown = "".join(large.findall(NS + "text")[1].itertext())
    assert shown == "12345.678901" and len(shown) * FONT_SIZES["bp-eval"] * CHAR_WIDTH < TY.e_w - 8
    assert float(rect.get("width")) == TY.e_w
    # a shortened diagram's box is as much narrower as its value, and "E_total" and the value still fit
    short = text_sizes(1.0, chars=SHORT_CHARS)
    box = read(error_box("E_total", 0.274811083, 50.0, 20.0, short))
    name, value = ("".join(t.itertext()) for t in box.findall(NS + "text"))
    assert value == "0.2748" and short.e_w < TY.e_w - 30
    widest = max(len(name) * FONT_SIZES["bp-ename"], SHORT_CHARS * FONT_SIZES["bp-eval"]) * CHAR_WIDTH
    assert widest < float(box.find(NS + "rect").get("width")) - 8 and float(rect.get("x")) == pytest.approx(
        50.0 - TY.e_w / 2
    )


def test_legend_names_both_signs_the_step_and_the_widths():
    (g,) = read(legend(10.0, 20.0, 1.0))
    assert g.get("class") == "bp-legend"
    texts = ["".join(t.itertext()) for t in g.iter(NS + "text")]
    assert texts == ["positive weight", "negative weight", "in this step", "thicker: larger |weight|"]
    assert [e.get("class") for e in g.iter(NS + "g") if e.get("class") != "bp-legend"] == [
        "bp-edge bp-pos",
        "bp-edge bp-neg",
    ]
    ys = [float(t.get("y")) for t in g.iter(NS + "text")]
    assert ys == sorted(ys) and len(set(ys)) == 4  # one row each, top to bottom


def test_a_wrapped_legend_is_a_row_lower_and_within_its_width():
    scale = 1.3
    (g,) = read(legend(10.0, 20.0, scale, wrap=True))
    texts = [(float(t.get("x")), float(t.get("y")), "".join(t.itertext())) for t in g.iter(NS + "text")]
    assert [text for _x, _y, text in texts] == ["positive", "negative weight", "in this step", texts[-1][2]]
    assert texts[0][1] == texts[1][1] < texts[2][1] < texts[3][1]  # both signs on the first line: three rows
    char = FONT_SIZES["bp-key"] * scale * CHAR_WIDTH
    right = max(x + char * len(text) for x, _y, text in texts)
    assert right <= 10.0 + legend_width(scale, True) + 0.01
    assert legend_width(scale, True) < legend_width(scale, False) + char * 10  # not much wider for a row less
