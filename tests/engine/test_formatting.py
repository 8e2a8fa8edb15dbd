"""Numbers and symbols as the seed writes them, in plain text and in LaTeX."""

from __future__ import annotations

import math

import pytest

from explorer.engine.formatting import DECIMALS, count, number, tex_name, tex_number, tex_symbol, tex_term


@pytest.mark.parametrize(
    "value, text",
    [
        (0.3775, "0.3775"),  # trailing zeros dropped
        (0.593269992, "0.593269992"),  # nine decimals, as the seed prints
        (0.5932699921, "0.593269992"),
        (-0.019049119, "-0.019049119"),
        (1.0, "1"),
        (0.0, "0"),
        (-0.0, "0"),
        (0.001, "0.001"),  # the smallest plain decimal
        (123456.7, "123456.7"),
        (3.51085e-05, "3.51085e-05"),  # small: scientific, six significant digits
        (-0.0009999, "-0.0009999"),
        (1e6, "1e+06"),  # large: scientific
        (math.nan, "nan"),
        (math.inf, "inf"),
        (-math.inf, "-inf"),
    ],
)
def test_number_writes_what_the_seed_prints(value, text):
    assert number(value) == text


def test_number_rounds_to_the_seeds_decimals():
    assert DECIMALS == 9
    assert number(0.1234567894) == "0.123456789" and number(0.1234567896) == "0.12345679"


@pytest.mark.parametrize(
    "value, tex",
    [
        (0.3775, "0.3775"),
        (3.51085e-05, r"3.51085 \times 10^{-5}"),
        (2.5e-07, r"2.5 \times 10^{-7}"),
        (1e6, r"1 \times 10^{6}"),
        (math.nan, r"\mathrm{NaN}"),
        (math.inf, r"\infty"),
        (-math.inf, r"-\infty"),
    ],
)
def test_tex_number_writes_powers_of_ten(value, tex):
    assert tex_number(value) == tex


def test_tex_term_puts_negatives_in_parentheses():
    assert tex_term(0.4) == "0.4"
    assert tex_term(-0.019049119) == "(-0.019049119)"
    assert tex_term(-3.5e-05) == r"(-3.5 \times 10^{-5})"
    assert tex_term(0.0) == "0"


@pytest.mark.parametrize(
    "name, tex",
    [
        ("out_h1", r"\mathit{out}_{h1}"),
        ("net_o2", r"\mathit{net}_{o2}"),
        ("target_o1", r"\mathit{target}_{o1}"),
        ("out_h2_1", r"\mathit{out}_{h2,1}"),  # hidden layer 2, neuron 1
        ("E_total", "E_{total}"),
        ("E_o1", "E_{o1}"),
        ("w5", "w_{5}"),
        ("w5+", "w_{5}^{+}"),  # the updated weight
        ("b2", "b_{2}"),
        ("b_h1", "b_{h1}"),
        ("i1", "i_{1}"),
        ("h2_1", "h2,1"),
    ],
)
def test_tex_name(name, tex):
    assert tex_name(name) == tex
    assert tex_symbol(name) == tex  # a name is its own symbol


def test_tex_symbol_writes_a_derivative_as_a_fraction_of_partials():
    assert tex_symbol("dE_total/dout_o1") == r"\frac{\partial E_{total}}{\partial \mathit{out}_{o1}}"
    assert tex_symbol("dout_h1/dnet_h1") == r"\frac{\partial \mathit{out}_{h1}}{\partial \mathit{net}_{h1}}"
    assert tex_symbol("dnet_o1/dw5") == r"\frac{\partial \mathit{net}_{o1}}{\partial w_{5}}"


def test_count_takes_an_s_unless_there_is_exactly_one():
    assert [count(n, "row") for n in (0, 1, 2)] == ["0 rows", "1 row", "2 rows"]
