"""What every step shows: a frozen record, a formula that is its LaTeX without the result,
a meaning and the diagram's elements, and numbers that are the engine's and add up.

The teaching property tested here is that every formula shown, with the numbers
as displayed, gives its displayed result to the digits shown.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Sequence

import pytest

from explorer.engine.formatting import number, tex_number
from explorer.lesson.steps import QUANTITIES
from explorer.lesson.walkthrough import walkthrough

from .problems import OPTIONS, SHAPES, problem, random_problem


def diagram_ids(network) -> set[str]:
    nm = network.names
    ids = {n for layer in nm.neurons for n in layer}
    ids |= {w for layer in nm.weights for row in layer for w in row}
    ids |= set(nm.bias_units) | {b for layer in nm.biases for b in layer}
    ids |= {f"E_{o}" for o in nm.neurons[-1]} | {"E_total"}
    return ids


def test_steps_are_frozen(seed_net, seed_inputs, seed_targets):
    walk = walkthrough(seed_net, seed_inputs, seed_targets)
    step = walk.steps[0]
    with pytest.raises(dataclasses.FrozenInstanceError):
        step.value = 1.0
    with pytest.raises(dataclasses.FrozenInstanceError):
        walk.steps = ()
    with pytest.raises(TypeError):
        walk.steps[0] = step  # a read-only sequence, worked out as it is read
    assert isinstance(walk.steps, Sequence) and isinstance(step.elements, tuple)
    assert step.value == 0.3775


@pytest.mark.parametrize("sizes", SHAPES)
def test_each_steps_formula_is_its_latex_without_the_result(sizes):

    network, x, t = problem(sizes, 5, "tanh", "mse", "per-neuron", update_biases=True, order="seed")
    for step in walkthrough(network, x, t).steps:
        assert step.formula and step.latex == f"{step.formula} = {tex_number(step.value)}", step.symbol


@pytest.mark.parametrize("bias_mode, update_biases, order", OPTIONS)
def test_every_step_explains_itself_and_points_at_the_diagram(bias_mode, update_biases, order):
    network, x, t = random_problem((2, 3, 2), seed=8, bias_mode=bias_mode, update_biases=update_biases, order=order)
    ids = diagram_ids(network)
    walk = walkthrough(network, x, t)
    for step in walk.steps:
        assert step.meaning.strip(), step.symbol
        assert step.latex.strip(), step.symbol
        assert step.elements, step.symbol
        assert set(step.elements) <= ids, (step.symbol, set(step.elements) - ids)
    if update_biases:
        bias_steps = [s for s in walk.steps if s.phase == "update" and s.symbol.startswith("b")]
        expected = {"shared": {"b1+", "b2+"}, "per-neuron": {"b_h1+", "b_h2+", "b_h3+", "b_o1+", "b_o2+"}}[bias_mode]
        assert {s.symbol for s in bias_steps} == expected
        assert all(set(s.elements) & set(network.names.bias_units) for s in bias_steps)


def test_seed_elements(seed_net, seed_inputs, seed_targets):
    walk = walkthrough(seed_net, seed_inputs, seed_targets)
    elements = {s.symbol: set(s.elements) for s in walk.steps}
    assert {"w5", "h1", "o1", "E_o1"} <= elements["dE_total/dw5"]
    assert {"i1", "i2", "w1", "w2", "b1", "h1"} == elements["net_h1"]
    assert {"E_o1", "E_o2", "E_total"} <= elements["E_total"]
    assert elements["w5+"] == {"w5"}


# --------------------------------------------------------------- what is shown

_TEX_NUMBER = re.compile(r"\(?(-?[\d.]+)(?: \\times 10\^\{(-?\d+)\})?\)?")


def _shown(tex: str) -> tuple[float, float]:
    """A number as displayed (LaTeX, maybe in parentheses) and half a unit of its last digit."""
    match = _TEX_NUMBER.fullmatch(tex.strip())
    assert match, tex
    mantissa, exponent = match.group(1), int(match.group(2) or 0)
    decimals = len(mantissa.split(".")[1]) if "." in mantissa else 0
    return float(mantissa) * 10.0**exponent, 0.5 * 10.0 ** (exponent - decimals)


_NUMBER = r"(?:\d[\d.]*(?: \\times 10\^\{-?\d+\})?|\(-\d[\d.]*(?: \\times 10\^\{-?\d+\})?\))"

_TERM = rf"{_NUMBER}(?: \\cdot {_NUMBER})*"

_ARITHMETIC = re.compile(rf"{_TERM}(?: [+-] {_TERM})*")


def _evaluate(numeric: str) -> tuple[float, float] | None:
    """Value and error bound of ``a \\cdot b + c - d \\cdot e`` written with shown numbers."""
    if not _ARITHMETIC.fullmatch(numeric):
        return None  # a formula (a sigmoid, a loss): not plain arithmetic
    total, bound = 0.0, 0.0
    for sign, term in re.findall(rf"(^|[+-] )({_TERM})", numeric):
        value, error = 1.0, 0.0
        for factor in term.split(r" \cdot "):
            v, e = _shown(factor)
            value, error = value * v, abs(value) * e + abs(v) * error + error * e
        total += -value if sign.startswith("-") else value
        bound += error
    return total, bound


@pytest.mark.parametrize(
    "sizes, seed, activation, option, loss",
    [
        ((2, 2, 2), 0, "sigmoid", ("shared", True, "seed"), "squared"),
        ((3, 4, 3, 2), 1, "tanh", ("per-neuron", True, "textbook"), "mse"),
        ((4, 5, 5, 1), 2, "sigmoid", ("shared", True, "textbook"), "bce"),
        ((3, 3, 2), 5, "softplus", ("per-neuron", True, "seed"), "squared"),
        ((5, 3, 4, 2), 3, "leaky_relu", ("per-neuron", False, "seed"), "squared"),
        ((2, 6, 6, 6, 3), 4, "relu", ("shared", True, "seed"), "mse"),
        ((2, 3, 3), 6, ["sigmoid", "softmax"], ("shared", True, "textbook"), "cce"),
        ((3, 4, 3, 4), 7, ["tanh", "relu", "softmax"], ("per-neuron", True, "seed"), "cce"),
    ],
)
def test_every_shown_number_is_the_engines_and_every_shown_sum_adds_up(sizes, seed, activation, option, loss):
    bias_mode, update_biases, order = option
    network, x, t = random_problem(sizes, seed, activation, bias_mode, update_biases, order, loss)
    walk = walkthrough(network, x, t)
    checked = 0
    for step in walk.steps:
        parts = step.latex.split(" = ")
        # the result shown is the step's value, which is the engine's, to the digits shown
        shown, half = _shown(parts[-1])
        assert number(step.value) == number(shown) or abs(shown - step.value) <= half, step.symbol
        worked = _evaluate(parts[-2]) if len(parts) >= 3 else None
        if worked is not None:
            value, bound = worked
            assert abs(value - shown) <= bound + half + 1e-15 * abs(shown), (step.symbol, step.latex)
            checked += 1
    kinds = {s.quantity for s in walk.steps}
    assert checked > len(walk.steps) / 2 and kinds <= set(QUANTITIES)


def test_shown_values_are_read_from_the_engine(seed_net, seed_inputs, seed_targets):
    """The fields say which engine array each value comes from; the values are those entries."""
    walk = walkthrough(seed_net, seed_inputs, seed_targets)
    fw, g = seed_net.forward(seed_inputs, seed_targets), walk.gradients
    index = {n: (l, j) for l, layer in enumerate(seed_net.names.neurons) for j, n in enumerate(layer)}
    params = seed_net.parameters()
    for step in walk.steps:
        l, j = index.get(step.neuron, (None, None))
        expected = {
            "net": lambda: fw.nets[l - 1][j],
            "out": lambda: fw.outs[l][j],
            "error": lambda: fw.errors[j],
            "total_error": lambda: fw.total_error,
            "d_out": lambda: g.d_outs[l - 1][j],
            "update": lambda: walk.after.parameters()[step.parameter],
        }.get(step.quantity)
        if expected is not None:
            assert step.value == expected(), step.symbol
        if step.quantity == "gradient":
            l, k, j = next(
                (l, k, j)
                for l, layer in enumerate(seed_net.names.weights)
                for k, row in enumerate(layer)
                for j, w in enumerate(row)
                if w == step.parameter
            )
            assert step.value == g.weights[l][k, j]
        if step.parameter is not None:
            assert step.parameter in params
