"""Batch mode's backward steps: every example's own gradient, then their mean, which the update uses."""

from __future__ import annotations

import numpy as np
import pytest

from explorer.engine.presets import random_data, random_network
from explorer.lesson.walkthrough import walkthrough


@pytest.mark.parametrize("bias_mode", ["shared", "per-neuron"])
@pytest.mark.parametrize("update_biases", [False, True])
def test_each_examples_gradient_is_its_own_backward_pass_and_the_mean_is_the_batchs(bias_mode, update_biases):
    network = random_network((2, 3, 2), seed=2, bias_mode=bias_mode, update_biases=update_biases)
    x, t = random_data(network, 4, seed=2)
    walk = walkthrough(network, x, t, example=2, mode="batch")
    steps = {s.symbol: s for s in walk.steps}
    per_example = [network.backward(x[e], t[e]) for e in range(4)]
    mean = network.backward(x, t)
    for l, layer in enumerate(network.names.weights):
        for k, row in enumerate(layer):
            for j, w in enumerate(row):
                for e, g in enumerate(per_example, start=1):
                    assert steps[f"dE^({e})/d{w}"].value == g.weights[l][k, j]
                shown = steps[f"dE_total/d{w} (mean of 4)"]
                assert shown.value == mean.weights[l][k, j]
                assert shown.value == pytest.approx(np.mean([g.weights[l][k, j] for g in per_example]), rel=1e-12)
    means = [s for s in walk.steps if s.quantity == "gradient" and s.symbol.endswith("(mean of 4)")]
    bias_means = [s for s in means if not s.parameter.startswith("w")]
    assert len(bias_means) == (sum(len(set(b)) for b in network.names.biases) if update_biases else 0)


def test_the_batch_steps_close_the_backward_phase():
    network = random_network((2, 2, 1), seed=1)
    x, t = random_data(network, 3, seed=1)
    walk = walkthrough(network, x, t, mode="batch")
    kinds = [(s.phase, s.quantity) for s in walk.steps]
    first = kinds.index(("backward", "example_gradient"))
    # the chain rule on the example shown comes first, the update after every mean
    assert all(q != "example_gradient" for _p, q in kinds[:first])
    assert walk.phase_start("update") > max(i for i, (_p, q) in enumerate(kinds) if q == "example_gradient")
    assert sum(q == "example_gradient" for _p, q in kinds) == 3 * sum(W.size for W in network.weights)


def test_one_example_in_batch_mode_has_no_batch_steps():
    network = random_network((2, 2, 1), seed=1)
    x, t = random_data(network, 1, seed=1)
    walk = walkthrough(network, x, t, mode="batch")
    assert all(s.quantity != "example_gradient" for s in walk.steps)
