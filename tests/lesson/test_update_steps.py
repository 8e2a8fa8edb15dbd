"""The update phase: each new value, w5+ = w5 - eta * dE_total/dw5, as the engine's update left it."""

from __future__ import annotations

import pytest

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
