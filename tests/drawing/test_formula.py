"""One formula splitter for the handout's rows and the presenter's two lines."""

from __future__ import annotations

from explorer.drawing.formula import pieces, split_equation, split_terms
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


def test_pieces_break_after_each_operator_and_end_with_the_result():
    assert pieces("y = a + b = 1 + 2 = 3") == [
        ("lhs", "y ="),
        ("middle", "a +"),
        ("middle", "b ="),
        ("middle", "1 +"),
        ("middle", "2 ="),
        ("result", "3"),
    ]
    # a product of fractions (the chain rule) breaks after each \cdot; a product of numbers stays whole
    assert pieces(r"d = \frac{a}{b} \cdot \frac{c}{d} = 2 \cdot 3 = 6") == [
        ("lhs", "d ="),
        ("middle", r"\frac{a}{b} \cdot"),
        ("middle", r"\frac{c}{d} ="),
        ("middle", r"2 \cdot 3 ="),
        ("result", "6"),
    ]
    assert pieces(r"x_{i=1} = \frac{1}{2}") == [("lhs", "x_{i=1} ="), ("result", r"\frac{1}{2}")]


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
    """The presenter's pieces hold exactly the parts the handout sets in rows, in order."""
    for walk in _walks():
        for step in walk.steps:
            joined = " ".join(tex for _kind, tex in pieces(step.latex))
            assert split_equation(joined) == split_equation(step.latex), step.symbol
            assert pieces(step.latex)[-1] == ("result", split_equation(step.latex)[-1])
