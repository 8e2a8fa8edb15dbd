"""The matrix form typeset: pmatrix entries, the boxed entry, large matrices cut down, the handout's section."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import numpy as np
import pytest

from explorer.drawing import matrix_tex
from explorer.drawing.handout import handout
from explorer.drawing.matrix_tex import cut_down, part_tex, shown, tex_matrix
from explorer.engine.presets import random_data, random_network, seed_network
from explorer.lesson.matrix_form import matrix, matrix_form
from explorer.lesson.walkthrough import walkthrough


def seed_walk():
    return walkthrough(seed_network(), [0.05, 0.10], [0.01, 0.99])


@pytest.mark.parametrize(
    ("n", "focus", "expected"),
    [
        (3, None, [0, 1, 2]),
        (6, 5, [0, 1, 2, 3, 4, 5]),
        (16, None, [0, 1, 2, 3, None, 15]),
        (16, 2, [0, 1, 2, 3, None, 15]),
        (16, 9, [0, 1, None, 9, None, 15]),
        (16, 14, [0, 1, None, 14, 15]),
        (64, 0, [0, 1, 2, 3, None, 63]),
    ],
)
def test_rows_shown_keep_the_focus_and_mark_the_gaps(n, focus, expected):
    assert shown(n, focus) == expected


def test_a_matrix_typeset_with_its_entry_boxed():
    m = matrix("G", np.array([[0.5, -0.25], [1e-7, 2.0]]))
    assert tex_matrix(m) == r"\begin{pmatrix} 0.5 & -0.25 \\ 1 \times 10^{-7} & 2 \end{pmatrix}"
    assert r"\boxed{-0.25}" in tex_matrix(m, (0, 1))
    assert r"\boxed{?}" in tex_matrix(m, (0, 1), hide=True) and "-0.25" not in tex_matrix(m, (0, 1), hide=True)
    assert tex_matrix(matrix("E", np.array([[0.3]]))) == "0.3"


def test_a_large_matrix_is_cut_down_around_its_focus():
    m = matrix("W", np.arange(16 * 20, dtype=float).reshape(16, 20))
    tex = tex_matrix(m, (9, 12))
    assert r"\boxed{192}" in tex  # row 9, column 12
    assert tex.count(r"\\") == 5  # six rows: 0, 1, a gap, 9, a gap, 15
    assert r"\vdots" in tex and r"\cdots" in tex and r"\ddots" in tex


def test_the_seed_part_lines_read_formula_then_numbers():
    parts = matrix_form(seed_walk())
    backward = next(p for p in parts if p.phase == "backward" and p.layer == 2)
    formulas = [formula for formula, _ in part_tex(backward)]
    assert formulas[1] == r"\delta^{(2)} = \frac{\partial E}{\partial a^{(2)}} \odot \sigma'(z^{(2)})"
    assert formulas[2] == r"\frac{\partial E}{\partial W^{(2)}} = \delta^{(2)} a^{(1)\top}"
    _, numbers = part_tex(backward, (2, 2, 1, 0))[2]
    assert numbers.endswith(
        r"= \begin{pmatrix} 0.082167041 & 0.082667628 \\ \boxed{-0.02260254} & -0.022740242 \end{pmatrix}"
    )
    assert cut_down(backward) == {}


def test_the_handout_has_a_matrix_form_section_in_both_formats():
    walk = seed_walk()
    page = handout(walk, "html")
    start = page.index('<section class="matrix-form"')
    section = page[start : page.index("</section>", start) + len("</section>")]
    root = ET.fromstring(section.replace("&#x", "&amp;#x"))
    assert [h.text for h in root.iter("h3")][:2] == ["Forward pass, layer 1", "Forward pass, layer 2 (the outputs)"]
    assert len(root.findall(".//{http://www.w3.org/1998/Math/MathML}math")) >= 2 * 12
    assert "0.082167041" in section and page.index('id="summary"') < start
    text = handout(walk, "markdown")
    assert "## Matrix form" in text and r"\begin{pmatrix} 0.082167041 & 0.082667628" in text
    assert "Matrix form" not in handout(walk, "html", quiz=True)  # it would give the answers away


def test_a_large_batch_handout_says_what_it_left_out():
    network = random_network((2, 16, 2), seed=4)
    x, t = random_data(network, 10, seed=4)
    walk = walkthrough(network, x, t, mode="batch")
    text = handout(walk, "markdown")
    assert "Batch mode: a column per example" in text
    assert "$A^{(0)}$ (2 x 10)" in text and "$W^{(1)}$ (16 x 2)" in text


def test_the_handout_has_no_matrix_section_for_a_softmax_output():
    from explorer.engine.datasets import dataset
    from explorer.engine.presets import random_network
    from explorer.lesson.walkthrough import walkthrough

    network = random_network((2, 3, 3), seed=2, activations=["sigmoid", "softmax"], loss="cce")
    data = dataset("three-class")
    walk = walkthrough(network, data.inputs, data.targets)
    assert matrix_tex.markdown_section(walk) == [] and matrix_tex.html_section(walk, str) == ""
