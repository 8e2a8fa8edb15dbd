"""The update phase: each new value, w5+ = w5 - eta * dE_total/dw5, as the engine's update left it."""

from __future__ import annotations

import pytest

from explorer.engine.formatting import number
from explorer.engine.presets import random_data, random_network
from explorer.lesson.walkthrough import walkthrough


def test_w5_update_latex(seed_net, seed_inputs, seed_targets):
    walk = walkthrough(seed_net, seed_inputs, seed_targets)
    step = next(s for s in walk.steps if s.symbol == "w5+")
    assert step.latex.endswith(r"0.4 - 0.5 \cdot 0.082167041 = 0.35891648")


@pytest.mark.parametrize("mode", ["online", "batch"])
@pytest.mark.parametrize("bias_mode", ["shared", "per-neuron"])
def test_each_update_is_the_old_value_minus_eta_times_the_gradient_the_walkthrough_showed(mode, bias_mode):
    network = random_network((3, 4, 2), seed=5, bias_mode=bias_mode, activations="tanh", update_biases=True)
    x, t = random_data(network, 3, seed=5)
    walk = walkthrough(network, x, t, mode=mode)
    old, new = network.parameters(), walk.after.parameters()
    eta = network.learning_rate
    updates = [s for s in walk.steps if s.phase == "update"]
    assert {s.parameter for s in updates} == set(old)
    gradients = {s.parameter: s.value for s in walk.steps if s.quantity == "gradient"}
    for step in updates:
        p = step.parameter
        assert step.symbol == f"{p}+" and step.value == new[p]
        # the gradient shown last for p (in batch mode, the mean) is the one the update used
        assert step.value == pytest.approx(old[p] - eta * gradients[p], rel=1e-12, abs=1e-15)
        assert step.elements[-1] == p


#: The seed's update phase, typed in from the seed's figures: with no weight decay and no
#: momentum the walkthrough must write exactly these, whatever the update rule's code became.
SEED_UPDATES = [
    (5, "0.4 - 0.5 \\cdot 0.082167041 = 0.35891648"),
    (6, "0.45 - 0.5 \\cdot 0.082667628 = 0.408666186"),
    (7, "0.5 - 0.5 \\cdot (-0.02260254) = 0.51130127"),
    (8, "0.55 - 0.5 \\cdot (-0.022740242) = 0.561370121"),
    (1, "0.15 - 0.5 \\cdot 0.000438568 = 0.149780716"),
    (2, "0.2 - 0.5 \\cdot 0.000877135 = 0.199561432"),
    (3, "0.25 - 0.5 \\cdot 0.000497713 = 0.249751144"),
    (4, "0.3 - 0.5 \\cdot 0.000995425 = 0.299502287"),
]


def test_with_no_decay_and_no_momentum_the_seeds_walkthrough_is_unchanged_step_for_step(
    seed_net, seed_inputs, seed_targets
):
    plain = walkthrough(seed_net, seed_inputs, seed_targets)
    zeros = seed_net.with_options(weight_decay="0", momentum=" 0.0 ")
    assert [s.to_dict() for s in walkthrough(zeros, seed_inputs, seed_targets).steps] == [
        s.to_dict() for s in plain.steps
    ]
    updates = [s for s in plain.steps if s.phase == "update"]
    assert len(updates) == len(SEED_UPDATES)
    for step, (n, numbers) in zip(updates, SEED_UPDATES):
        w = f"w_{{{n}}}"
        assert step.latex == rf"{w}^{{+}} = {w} - \eta \cdot \frac{{\partial E_{{total}}}}{{\partial {w}}} = {numbers}"
        assert step.meaning == f"Step w{n} against its gradient, scaled by the learning rate eta = 0.5."


def test_weight_decay_adds_lambda_w_to_the_gradient_of_the_weights_only(seed_net, seed_inputs, seed_targets):
    net = seed_net.with_options(weight_decay=0.01, update_biases=True)
    walk = walkthrough(net, seed_inputs, seed_targets)
    g = walk.gradients
    w5 = next(s for s in walk.steps if s.symbol == "w5+")
    assert r"\eta \left(\frac{\partial E_{total}}{\partial w_{5}} + \lambda w_{5}\right)" in w5.latex
    assert r"0.5 \left(0.082167041 + 0.01 \cdot 0.4\right)" in w5.latex
    assert w5.value == walk.after.weights[1][0, 0]
    assert w5.value == pytest.approx(0.4 - 0.5 * (g.weights[1][0, 0] + 0.01 * 0.4), abs=1e-15)
    assert "Weight decay lambda = 0.01" in w5.meaning
    b2 = next(s for s in walk.steps if s.symbol == "b2+")
    assert r"\lambda" not in b2.latex and "decay" not in b2.meaning
    assert b2.value == pytest.approx(0.6 - 0.5 * g.biases[1][0], abs=1e-15)


@pytest.mark.parametrize("mode", ["online", "batch"])
def test_momentum_shows_the_velocity_before_and_after_with_numbers(mode):
    network = random_network((3, 4, 2), seed=2, activations="tanh", update_biases=True)
    network = network.with_options(weight_decay=0.02, momentum=0.8)
    x, t = random_data(network, 3, seed=2)
    first = walkthrough(network, x, t, mode=mode)
    walk = walkthrough(first.after, x, t, mode=mode)  # the second update: velocities not 0
    before, after = walk.network.velocities(), walk.after.velocities()
    gradients = {s.parameter: s.value for s in walk.steps if s.quantity == "gradient"}
    old = walk.network.parameters()
    steps = [s for s in walk.steps if s.phase == "update"]
    assert len(steps) == len(first.steps) - first.phase_start("update")  # no extra steps
    for step in steps:
        p = step.parameter
        assert r"+ v_{" in step.latex and r"\mu v_{" in step.latex and "0.8 \\cdot " in step.latex
        assert ("lambda" in step.latex) == p.startswith("w")
    w1 = next(s for s in steps if s.parameter == "w1")
    v1 = 0.8 * before.weights[0][0, 0] - network.learning_rate * (gradients["w1"] + 0.02 * old["w1"])
    assert after.weights[0][0, 0] == pytest.approx(v1, abs=1e-14)
    assert w1.value == pytest.approx(old["w1"] + v1, abs=1e-14) and w1.value == walk.after.weights[0][0, 0]
    assert f"= {number(after.weights[0][0, 0])} carries on" in w1.meaning
