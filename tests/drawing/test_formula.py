"""One formula splitter for the handout's rows and the presenter's two lines."""

from __future__ import annotations

import re

import pytest

from explorer.drawing.formula import split_equation, split_terms, two_lines
from explorer.engine.presets import SEED_INPUTS, SEED_TARGETS, random_data, random_network, seed_network
from explorer.lesson.walkthrough import walkthrough


def test_split_equation_ignores_equals_inside_braces():
    assert split_equation(r"a_{x=1} = b + c = 3") == ["a_{x=1}", "b + c", "3"]
    assert split_equation(r"\frac{x = 1}{2} = y") == [r"\frac{x = 1}{2}", "y"]
    assert split_equation("a") == ["a"]


def test_split_terms_splits_top_level_sums_only():
    assert split_terms(r"a + \frac{b + c}{d} + (x + y) + e") == ["a", r"+ \frac{b + c}{d}", "+ (x + y)", "+ e"]
    assert split_terms(r"a \cdot [b + c]") == [r"a \cdot [b + c]"]
    assert split_terms("+ a") == ["+ a"]  # a leading sign is no split


@pytest.mark.parametrize(
    "latex, lines",
    [
        ("a = b", 1),
        (r"\frac{x = 1}{2} = y = 3", 2),  # the = inside braces is no separator
        ("a = b = c = d", 2),
    ],
)
def test_two_lines(latex, lines):
    out = two_lines(latex)
    assert out.count(r"\\") == lines - 1
    assert re.sub(r"\\begin\{aligned\}|\\end\{aligned\}|&|\\\\", "", out).replace("  ", " ").replace(" =", "=").replace(
        "= ", "="
    ) == latex.replace(" =", "=").replace("= ", "=")


def test_two_lines_puts_the_first_two_parts_over_the_rest():
    assert two_lines("a = b = c = d") == r"\begin{aligned}a &= b \\ &= c = d\end{aligned}"
    assert two_lines(r"x_{i=1} = \frac{1}{2}") == r"x_{i=1} = \frac{1}{2}"  # one top-level =: one line


def _walks():
    yield walkthrough(seed_network(), SEED_INPUTS, SEED_TARGETS)
    for sizes, options in (
        ((2, 3, 1), {"activations": "tanh"}),
        ((3, 4, 2), {"loss": "bce", "bias_mode": "per-neuron"}),
    ):
        net = random_network(sizes, seed=1, **options)
        x, t = random_data(net)
        yield walkthrough(net, x[0], t[0])


def test_both_layouts_show_the_same_parts_of_every_step():
    """The presenter's two lines hold exactly the parts the handout sets in rows, in order."""
    for walk in _walks():
        for step in walk.steps:
            parts = split_equation(step.latex)
            out = two_lines(step.latex)
            if len(parts) < 3:
                assert out == step.latex
                continue
            first, second = out.removeprefix(r"\begin{aligned}").removesuffix(r"\end{aligned}").split(r" \\ ")
            assert first == f"{parts[0]} &= {parts[1]}"
            assert second == "&= " + " = ".join(parts[2:])
