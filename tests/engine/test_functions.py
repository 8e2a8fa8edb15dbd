"""The activation and loss records: every form of one function agrees with the others.

Each record holds an array form, a derivative, Python expressions for the
compiled trainer and LaTeX.  Here the forms are held to each other (central
differences for the derivatives, the expressions against the arrays), and a
new activation written as one record is shown to reach the engine, both
trainers, the walkthrough, the diagram and the command line with nothing
else changed.
"""

from __future__ import annotations

import math
import warnings
import xml.etree.ElementTree as ET

import numpy as np
import pytest

from explorer.drawing.diagram import render
from explorer.engine import functions
from explorer.engine.functions import ACTIVATIONS, ELEMENTWISE, LOSSES, Activation
from explorer.engine.network import Network
from explorer.engine.presets import random_data, random_network
from explorer.engine.training import train
from explorer.lesson.walkthrough import walkthrough
from explorer.serve import cli

MATH = {"exp": math.exp, "log1p": math.log1p, "tanh": math.tanh, "abs": abs}
# away from the kinks of relu and leaky_relu at 0
GRID = np.array([-30.0, -5.0, -1.3, -0.2, -1e-3, 1e-3, 0.2, 0.7, 1.3, 5.0, 30.0])


def py(template: str, **values: float) -> float:
    """Evaluate one of a record's Python expressions with the given numbers bound to names."""
    names = {key: f"v_{key}" for key in values}
    return eval(template.format(**names), dict(MATH), {f"v_{k}": v for k, v in values.items()})  # noqa: S307


@pytest.mark.parametrize("name", ELEMENTWISE)
def test_derivative_matches_central_differences(name):
    act = ACTIVATIONS[name]
    h = 1e-6
    with np.errstate(over="ignore"):
        slope = act.df(GRID, act.f(GRID))
        numeric = (act.f(GRID + h) - act.f(GRID - h)) / (2 * h)
    np.testing.assert_allclose(slope, numeric, rtol=1e-6, atol=1e-9)


@pytest.mark.parametrize("name", ELEMENTWISE)
def test_python_expressions_equal_the_array_forms(name):
    act = ACTIVATIONS[name]
    grid = np.concatenate([GRID, [-800.0, 0.0, 800.0]])
    with np.errstate(over="ignore"):
        out, slope = act.f(grid), act.df(grid, act.f(grid))
    for z, a, s in zip(grid, out, slope):
        assert py(act.py_out, net=z) == pytest.approx(a, rel=1e-14, abs=1e-300), (name, z)
        assert py(act.py_slope, net=z, out=a) == pytest.approx(s, rel=1e-14, abs=1e-300), (name, z)


@pytest.mark.parametrize("name", list(ACTIVATIONS))
def test_latex_and_meaning_are_filled_in(name):
    act = ACTIVATIONS[name]
    assert act.tex_out.format(net="x") and act.tex_slope.format(net="x", out="y")
    assert act.meaning and "{" not in act.meaning and not act.meaning.endswith(".")


def test_slopes_at_exactly_zero():
    """relu's slope at 0 is 0 (and leaky relu's its leak), as the README says."""
    zero = np.array([0.0])
    assert ACTIVATIONS["relu"].df(zero, zero)[0] == 0.0
    assert ACTIVATIONS["leaky_relu"].df(zero, zero)[0] == functions.LEAKY_SLOPE
    assert py(ACTIVATIONS["relu"].py_slope, net=0.0, out=0.0) == 0.0


def test_the_trainers_slope_is_the_seeds_and_the_shown_one_exact_at_a_cross_entropy_output():
    """out (1 - out) everywhere the engine sums; sigmoid(net) sigmoid(-net) where bce's chain is shown."""
    net = np.array([-40.0, -2.0, 0.5, 2.0, 40.0])
    out = functions.sigmoid(net)
    sigmoid, bce, squared = ACTIVATIONS["sigmoid"], LOSSES["bce"], LOSSES["squared"]
    np.testing.assert_array_equal(sigmoid.df(net, out), out * (1.0 - out))  # the oracle's form, bit for bit
    assert sigmoid.df(net, out)[-1] == 0.0  # 1 - out has rounded to 0 at net = 40
    exact = [math.exp(-abs(z)) / (1.0 + math.exp(-abs(z))) ** 2 for z in net]
    shown = functions.shown_slope(sigmoid, bce, True, net, out)
    np.testing.assert_allclose(shown, exact, rtol=1e-14, atol=0)
    # hidden layers, and any other loss's output, show the slope the engine used
    np.testing.assert_array_equal(functions.shown_slope(sigmoid, bce, False, net, out), sigmoid.df(net, out))
    np.testing.assert_array_equal(functions.shown_slope(sigmoid, squared, True, net, out), sigmoid.df(net, out))
    # given another pair (a quiz's mistake), the exact form is the formula as written
    np.testing.assert_array_equal(functions.sigmoid_slope_exact(net, net), net * (1.0 - net))


SIGMOID_LOSSES = [name for name in LOSSES if name != "cce"]


@pytest.mark.parametrize("name", SIGMOID_LOSSES)
def test_loss_derivatives_match_central_differences(name):
    """dE/dout (and the fused dE/dnet) against differences of the errors."""
    loss = LOSSES[name]
    net = np.array([-2.0, -0.3, 0.4, 1.7])
    out, t, h, n = functions.sigmoid(net), np.array([0.1, 0.9, 0.5, 0.0]), 1e-6, 4

    # d/dout, holding net consistent with out through the sigmoid's inverse
    def errors_at(o):
        return loss.errors(np.log(o / (1 - o)), o, t, n)

    numeric = (errors_at(out + h) - errors_at(out - h)) / (2 * h)
    np.testing.assert_allclose(loss.d_out(net, out, t, n), numeric, rtol=1e-6)
    if loss.fused_delta is not None:
        numeric = (
            loss.errors(net + h, functions.sigmoid(net + h), t, n)
            - loss.errors(net - h, functions.sigmoid(net - h), t, n)
        ) / (2 * h)
        np.testing.assert_allclose(loss.fused_delta(net, out, t, n), numeric, rtol=1e-6)


@pytest.mark.parametrize("name", SIGMOID_LOSSES)
def test_loss_expressions_equal_the_array_forms(name):
    loss = LOSSES[name]
    net = np.array([-40.0, -2.0, 0.3, 2.0, 40.0])
    out, t, n = functions.sigmoid(net), np.array([1.0, 0.2, 0.5, 0.7, 0.0]), 5
    with np.errstate(divide="ignore"):  # bce's dE/dout at a saturated output: x / 0
        errors, d_out = loss.errors(net, out, t, n), loss.d_out(net, out, t, n)
    for k in range(5):
        assert py(loss.py_error, net=net[k], out=out[k], t=t[k], n=n) == pytest.approx(errors[k], rel=1e-14)
        if 0 < out[k] < 1:
            assert py(loss.py_d_out, net=net[k], out=out[k], t=t[k], n=n) == pytest.approx(d_out[k], rel=1e-14)
        if loss.py_fused_delta:
            assert py(loss.py_fused_delta, net=net[k], out=out[k], t=t[k], n=n) == pytest.approx(
                loss.fused_delta(net, out, t, n)[k], rel=1e-15
            )


# ------------------------------------------------------------ softmax and cce
NETS = np.array([0.7, -1.3, 2.1, 0.0])


def test_softmax_jacobian_matches_central_differences():
    """dout_j/dnet_k = out_j (delta_jk - out_k): df is its diagonal, the rest is -out_j out_k."""
    act, h = ACTIVATIONS["softmax"], 1e-6
    out = act.f(NETS)
    assert out.sum() == pytest.approx(1.0, abs=1e-15)
    numeric = np.array([(act.f(NETS + h * e) - act.f(NETS - h * e)) / (2 * h) for e in np.eye(4)]).T
    np.testing.assert_allclose(numeric, np.diag(out) - np.outer(out, out), atol=1e-9)
    np.testing.assert_allclose(np.diag(numeric), act.df(NETS, out), atol=1e-9)


def test_cross_entropy_derivatives_match_central_differences():
    """dE/dout_k = -t_k / out_k; dE_total/dnet_k (through every output) = out_k - t_k."""
    loss, softmax, h = LOSSES["cce"], ACTIVATIONS["softmax"].f, 1e-6
    t = np.array([0.1, 0.0, 0.6, 0.3])
    out = softmax(NETS)
    np.testing.assert_allclose(loss.d_out(NETS, out, t, 4), -t / out, rtol=1e-14)

    def total(net):
        return loss.errors(net, softmax(net), t, 4).sum()

    numeric = [(total(NETS + h * e) - total(NETS - h * e)) / (2 * h) for e in np.eye(4)]
    np.testing.assert_allclose(loss.fused_delta(NETS, out, t, 4), numeric, atol=1e-9)
    assert loss.errors(NETS, out, t, 4) == pytest.approx(np.where(t > 0, -t * np.log(out), 0.0), rel=1e-14)


def test_softmax_is_marked_as_coupled_and_only_it():
    assert ACTIVATIONS["softmax"].coupled_loss == "cce"
    assert "softmax" not in ELEMENTWISE and set(ELEMENTWISE) | {"softmax"} == set(ACTIVATIONS)


# ------------------------------------------------------ one record, nothing else
ELU = Activation(
    "elu",
    lambda net: np.where(net > 0.0, net, np.expm1(np.minimum(net, 0.0))),
    lambda net, out: np.where(net > 0.0, 1.0, out + 1.0),
    "({net} if {net} > 0.0 else exp({net}) - 1.0)",
    "(1.0 if {net} > 0.0 else {out} + 1.0)",
    r"\mathrm{{elu}}({net})",
    r"[{net} > 0] + [{net} \le 0]({out} + 1)",
    "ELU passes it if positive, else bends it towards -1",
)


@pytest.fixture
def elu(monkeypatch):
    """An activation no module has heard of, added as one record and nothing else."""
    monkeypatch.setitem(ACTIVATIONS, "elu", ELU)
    return ELU


def test_a_new_record_reaches_the_engine_and_both_trainers(elu):
    network = random_network((2, 3, 2), seed=4, activations=["elu", "sigmoid"], learning_rate=0.5)
    x, t = random_data(network, 3, seed=4)
    numpy_run = train(network, x, t, 100, mode="online", backend="numpy")
    compiled_run = train(network, x, t, 100, mode="online", backend="compiled")
    np.testing.assert_allclose(compiled_run.errors, numpy_run.errors, rtol=1e-10)
    assert numpy_run.errors[-1] < 0.9 * numpy_run.errors[0]
    # and its gradient is right: central differences on one weight
    g = network.backward(x, t)
    assert g.weights[0][1, 0] == pytest.approx(network.numerical_gradient("w3", x, t), rel=1e-6)


def test_a_new_record_reaches_the_walkthrough_and_the_diagram(elu):
    network = random_network((2, 2, 1), seed=1, activations="elu")
    x, t = random_data(network, 1, seed=1)
    walk = walkthrough(network, x, t)
    out_h1 = next(s for s in walk.steps if s.symbol == "out_h1")
    assert r"\mathrm{elu}(\mathit{net}_{h1})" in out_h1.latex
    assert "ELU passes it" in out_h1.meaning
    slope = next(s for s in walk.steps if s.symbol == "dout_h1/dnet_h1")
    fw = network.forward(x[0])
    assert slope.value == elu.df(fw.nets[0], fw.outs[1])[0]
    ET.fromstring(render(network, x[0], t[0]))  # draws


def test_a_new_record_reaches_the_command_line(elu, capsys):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        code = cli.main(["steps", "--layers", "2,2,1", "--activation", "elu", "--format", "json"])
    assert code == 0
    assert '"out_h1"' in capsys.readouterr().out


def test_every_shipped_activation_trains_a_network():
    for name in ELEMENTWISE:
        network = Network(
            [[[0.3, -0.2], [0.1, 0.4]], [[0.5, -0.6]]], [0.1, 0.2], activations=[name, "sigmoid"], learning_rate=0.5
        )
        run = train(network, [[0.0, 1.0], [1.0, 0.0]], [[1.0], [0.0]], 200, mode="batch")
        assert run.errors[-1] < run.errors[0], name
