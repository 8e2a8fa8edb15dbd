"""The walkthrough: one iteration as steps, every value read from the engine.

The walkthrough takes its values from Network.forward, backward and update,
so its gradients and its "after" network equal the engine's exactly
(np.array_equal).  What it adds is arithmetic written out for a student: the
teaching property tested here is that every formula shown, with the numbers
as displayed, gives its displayed result to the digits shown.
"""

from __future__ import annotations

import dataclasses
import itertools
import re

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from explorer.engine.formatting import number
from explorer.engine.functions import ACTIVATIONS as ACTIVATION_TABLE
from explorer.engine.presets import random_data, random_network
from explorer.lesson.walkthrough import PHASES, QUANTITIES, walkthrough

ACTIVATIONS = tuple(ACTIVATION_TABLE)
OPTIONS = list(itertools.product(("shared", "per-neuron"), (False, True), ("textbook", "seed")))


def engine_step(network, x, t):
    """Network.backward then Network.update, on a copy."""
    gradients = network.backward(x, t)
    after = network.copy()
    after.update(gradients)
    return gradients, after


def assert_exact(walk, gradients, after, biases: bool) -> None:
    for l in range(len(gradients.weights)):
        assert np.array_equal(walk.gradients.weights[l], gradients.weights[l]), f"weights[{l}]"
        assert np.array_equal(walk.gradients.deltas[l], gradients.deltas[l]), f"deltas[{l}]"
        if biases:
            assert np.array_equal(walk.gradients.biases[l], gradients.biases[l]), f"biases[{l}]"
        assert np.array_equal(walk.after.weights[l], after.weights[l]), f"after.weights[{l}]"
        assert np.array_equal(walk.after.biases[l], after.biases[l]), f"after.biases[{l}]"


def snapshot(network):
    return [w.copy() for w in network.weights] + [b.copy() for b in network.biases]


def diagram_ids(network) -> set[str]:
    nm = network.names
    ids = {n for layer in nm.neurons for n in layer}
    ids |= {w for layer in nm.weights for row in layer for w in row}
    ids |= set(nm.bias_units) | {b for layer in nm.biases for b in layer}
    ids |= {f"E_{o}" for o in nm.neurons[-1]} | {"E_total"}
    return ids


def random_problem(
    sizes, seed, activation="sigmoid", bias_mode="shared", update_biases=False, order="textbook", loss="squared"
):
    network = random_network(
        sizes,
        seed=seed,
        bias_mode=bias_mode,
        activations=activation,
        update_biases=update_biases,
        order=order,
        loss=loss,
    )
    x, t = random_data(network, 1, seed)
    return network, x[0], t[0]


# --------------------------------------------------------------- exact agreement


@pytest.mark.parametrize("order", ["textbook", "seed"])
def test_seed_walkthrough_equals_the_engine_exactly(make_seed_network, seed_inputs, seed_targets, order):
    network = make_seed_network(order=order)
    walk = walkthrough(network, seed_inputs, seed_targets)
    assert_exact(walk, *engine_step(network, seed_inputs, seed_targets), biases=False)


@pytest.mark.parametrize("bias_mode, update_biases, order", OPTIONS)
def test_every_option_equals_the_engine_exactly(bias_mode, update_biases, order):
    network, x, t = random_problem(
        (3, 4, 3, 2), seed=3, activation="tanh", bias_mode=bias_mode, update_biases=update_biases, order=order
    )
    walk = walkthrough(network, x, t)
    gradients, after = engine_step(network, x, t)
    assert_exact(walk, gradients, after, biases=update_biases)
    if update_biases:  # the biases moved, and by their gradient
        assert not any(np.array_equal(a, b) for a, b in zip(walk.after.biases, network.biases))
    else:
        assert all(np.array_equal(a, b) for a, b in zip(walk.after.biases, network.biases))


@settings(max_examples=40, deadline=None, database=None)
@given(
    sizes=st.lists(st.integers(1, 5), min_size=2, max_size=5),
    seed=st.integers(0, 10**6),
    activation=st.sampled_from(ACTIVATIONS),
    option=st.sampled_from(OPTIONS),
    loss=st.sampled_from(["squared", "mse"]),
)
def test_random_networks_equal_the_engine_exactly(sizes, seed, activation, option, loss):
    bias_mode, update_biases, order = option
    network, x, t = random_problem(sizes, seed, activation, bias_mode, update_biases, order, loss)
    walk = walkthrough(network, x, t)
    assert_exact(walk, *engine_step(network, x, t), biases=update_biases)


def test_bias_gradients_are_reported_even_when_biases_stay_fixed(seed_net, seed_inputs, seed_targets):
    walk = walkthrough(seed_net, seed_inputs, seed_targets)
    gradients = seed_net.backward(seed_inputs, seed_targets)
    assert gradients.biases[1][0] != 0
    for l in range(2):
        assert np.array_equal(walk.gradients.biases[l], gradients.biases[l])


def test_larger_network_is_still_exact():
    network, x, t = random_problem(
        (8, 8, 8, 8), seed=1, activation="sigmoid", bias_mode="per-neuron", update_biases=True, order="seed"
    )
    walk = walkthrough(network, x, t)
    assert_exact(walk, *engine_step(network, x, t), biases=True)
    symbols = [s.symbol for s in walk.steps]
    assert len(symbols) == len(set(symbols))
    assert sum(s.phase == "update" for s in walk.steps) == 3 * 64 + 3 * 8  # every weight and bias


# ------------------------------------------------------------------------ structure


def test_phases_come_in_order(seed_net, seed_inputs, seed_targets):
    phases = [s.phase for s in walkthrough(seed_net, seed_inputs, seed_targets).steps]
    assert [p for p, _ in itertools.groupby(phases)] == list(PHASES)
    assert list(PHASES) == ["forward", "error", "backward", "update"]


def test_forward_steps_alternate_net_and_out_per_neuron(seed_net, seed_inputs, seed_targets):
    walk = walkthrough(seed_net, seed_inputs, seed_targets)
    forward = [s.symbol for s in walk.steps if s.phase == "forward"]
    assert forward == ["net_h1", "out_h1", "net_h2", "out_h2", "net_o1", "out_o1", "net_o2", "out_o2"]
    errors = [s.symbol for s in walk.steps if s.phase == "error"]
    assert errors == ["E_o1", "E_o2", "E_total"]


def test_forward_steps_alternate_in_deeper_networks():
    network, x, t = random_problem((2, 3, 2, 1), seed=0)
    forward = [s.symbol for s in walkthrough(network, x, t).steps if s.phase == "forward"]
    neurons = ["h1_1", "h1_2", "h1_3", "h2_1", "h2_2", "o1"]
    assert forward == [f"{q}_{n}" for n in neurons for q in ("net", "out")]


@pytest.mark.parametrize("bias_mode, update_biases, order", OPTIONS)
def test_every_symbol_appears_once(bias_mode, update_biases, order):
    network, x, t = random_problem((2, 3, 2, 2), seed=4, bias_mode=bias_mode, update_biases=update_biases, order=order)
    symbols = [s.symbol for s in walkthrough(network, x, t).steps]
    repeated = {s for s in symbols if symbols.count(s) > 1}
    assert not repeated


def test_seed_backward_factors_each_shown_once(seed_net, seed_inputs, seed_targets):
    walk = walkthrough(seed_net, seed_inputs, seed_targets)
    symbols = [s.symbol for s in walk.steps if s.phase == "backward"]
    # dE_o1/dnet_o1 is used by both h1's and h2's paths, but written once
    for factor in ("dE_o1/dnet_o1", "dE_o2/dnet_o2", "dout_o1/dnet_o1", "dE_total/dout_o1"):
        assert symbols.count(factor) == 1
    assert symbols.index("dE_o1/dnet_o1") < symbols.index("dE_o1/dout_h1") < symbols.index("dE_o1/dout_h2")
    expected = {f"dE_total/dw{i}" for i in range(1, 9)}
    assert expected <= set(symbols)


@pytest.mark.parametrize("hidden", ["h1", "h2"])
def test_hidden_output_gradient_is_the_sum_of_its_paths(seed_net, seed_inputs, seed_targets, hidden):
    walk = walkthrough(seed_net, seed_inputs, seed_targets)
    symbols = [s.symbol for s in walk.steps]
    total = walk.steps[symbols.index(f"dE_total/dout_{hidden}")]
    via_o1, via_o2 = f"dE_o1/dout_{hidden}", f"dE_o2/dout_{hidden}"
    assert symbols.index(via_o1) < symbols.index(via_o2) < symbols.index(total.symbol)
    assert total.value == walk.value(via_o1) + walk.value(via_o2)
    assert total.latex.startswith(
        rf"\frac{{\partial E_{{total}}}}{{\partial \mathit{{out}}_{{{hidden}}}}} = "
        rf"\frac{{\partial E_{{o1}}}}{{\partial \mathit{{out}}_{{{hidden}}}}} + "
        rf"\frac{{\partial E_{{o2}}}}{{\partial \mathit{{out}}_{{{hidden}}}}} = "
    )
    # and each path is its delta times the weight it crosses
    index = {"h1": (0, 1), "h2": (1, 1)}[hidden]
    assert walk.value(via_o1) == walk.value("dE_o1/dnet_o1") * seed_net.weights[1][0, index[0]]


def test_seed_order_paths_cross_the_updated_weights(make_seed_network, seed_inputs, seed_targets):
    textbook = walkthrough(make_seed_network(), seed_inputs, seed_targets)
    seed = walkthrough(make_seed_network(order="seed"), seed_inputs, seed_targets)
    assert textbook.value("dnet_o1/dout_h1") == 0.4
    assert textbook.value("dnet_o2/dout_h1") == 0.5
    assert seed.value("dnet_o1/dout_h1") == pytest.approx(0.35891648, abs=1e-8)
    assert seed.value("dnet_o1/dout_h1") == seed.value("w5+") == seed.after.weights[1][0, 0]
    assert seed.value("dnet_o2/dout_h1") == seed.value("w7+")
    step = next(s for s in seed.steps if s.symbol == "dnet_o1/dout_h1")
    assert r"w_{5}^{+}" in step.latex
    step = next(s for s in textbook.steps if s.symbol == "dnet_o1/dout_h1")
    assert "^{+}" not in step.latex


def test_net_h1_latex_substitutes_the_seeds_numbers(seed_net, seed_inputs, seed_targets):
    walk = walkthrough(seed_net, seed_inputs, seed_targets)
    step = walk.steps[0]
    assert step.symbol == "net_h1"
    assert r"0.15 \cdot 0.05 + 0.2 \cdot 0.1 + 0.35 \cdot 1 = 0.3775" in step.latex


def test_w5_update_latex(seed_net, seed_inputs, seed_targets):
    walk = walkthrough(seed_net, seed_inputs, seed_targets)
    step = next(s for s in walk.steps if s.symbol == "w5+")
    assert step.latex.endswith(r"0.4 - 0.5 \cdot 0.082167041 = 0.35891648")


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


# ----------------------------------------------------------------------------- purity


@pytest.mark.parametrize("bias_mode, update_biases, order", OPTIONS)
def test_walkthrough_does_not_change_the_network(bias_mode, update_biases, order):
    network, x, t = random_problem((2, 3, 2), seed=9, bias_mode=bias_mode, update_biases=update_biases, order=order)
    before = snapshot(network)
    walk = walkthrough(network, x, t)
    assert all(np.array_equal(a, b) for a, b in zip(before, snapshot(network)))
    assert walk.network is network and walk.after is not network
    assert not np.array_equal(walk.after.weights[0], network.weights[0])
    # the result shares no arrays with the network it came from
    assert not any(np.shares_memory(a, b) for a in snapshot(walk.after) for b in network.weights + network.biases)


def test_steps_are_frozen(seed_net, seed_inputs, seed_targets):
    walk = walkthrough(seed_net, seed_inputs, seed_targets)
    step = walk.steps[0]
    with pytest.raises(dataclasses.FrozenInstanceError):
        step.value = 1.0
    with pytest.raises(dataclasses.FrozenInstanceError):
        walk.steps = ()
    assert isinstance(walk.steps, tuple) and isinstance(step.elements, tuple)
    assert step.value == 0.3775


def test_value_of_an_unknown_symbol_raises(seed_net, seed_inputs, seed_targets):
    walk = walkthrough(seed_net, seed_inputs, seed_targets)
    with pytest.raises(KeyError):
        walk.value("dE_total/dw9")


def test_example_picks_the_row():
    network = random_network((2, 2, 2), seed=6)
    X, T = random_data(network, 3, seed=6)
    second = walkthrough(network, X, T, example=1)
    assert np.array_equal(second.inputs, X[1]) and np.array_equal(second.targets, T[1])
    assert np.array_equal(second.gradients.weights[0], network.backward(X[1], T[1]).weights[0])


# ------------------------------------------------------------ what is shown
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


def test_binary_cross_entropy_shows_the_textbook_chain_with_the_fused_value():
    from explorer.engine.network import Network

    network = Network([[[30.0]]], [0.0], activations="sigmoid", loss="bce")
    walk = walkthrough(network, [1.0], [0.3])
    assert walk.value("E_total") == pytest.approx(21.0, rel=1e-14)
    assert walk.value("dE_total/dw1") == pytest.approx(0.7, rel=1e-14)
    step = next(s for s in walk.steps if s.symbol == "dE_total/dw1")
    assert step.latex.endswith(" = 0.7")
