"""The learning-rate sweep: its final errors are separate train runs', and its regimes are read right."""

from __future__ import annotations

import numpy as np
import pytest

from explorer.engine.datasets import dataset
from explorer.engine.presets import random_network, seed_network
from explorer.engine.sweep import classify, rates, sweep
from explorer.engine.training import train
from explorer.engine.validation import InputError


@pytest.mark.parametrize("mode", ["online", "batch"])
@pytest.mark.parametrize("update_biases", [False, True])
def test_the_sweeps_final_errors_equal_separate_train_runs(mode, update_biases):
    """The panel's sweep: 2-3-1 XOR over the slider's range, every rate against its own train run."""
    xor = dataset("xor")
    network = random_network((2, 3, 1), seed=2, update_biases=update_biases)
    swept = rates(100, 0.001, 10.0)
    result = sweep(network, xor.inputs, xor.targets, swept, 1000, mode=mode)
    assert result.final.shape == (100,) and result.iterations == 1000
    for rate, final in zip(swept, result.final):
        single = train(network.with_options(learning_rate=rate), xor.inputs, xor.targets, 1000, mode=mode)
        assert final == pytest.approx(single.errors[-1], rel=1e-9, abs=1e-15)
    assert result.start == pytest.approx(network.forward(xor.inputs, xor.targets).total_error, abs=1e-15)
    assert {"too small", "good"} <= set(result.regimes)


@pytest.mark.parametrize("mode", ["online", "batch"])
def test_under_weight_decay_and_momentum_the_sweep_is_still_separate_train_runs(mode):
    xor = dataset("xor")
    network = random_network((2, 3, 1), seed=2, update_biases=True).with_options(weight_decay=0.001, momentum=0.8)
    swept = rates(12, 0.001, 1.0)
    result = sweep(network, xor.inputs, xor.targets, swept, 300, mode=mode)
    plain = sweep(network.with_options(weight_decay=0, momentum=0), xor.inputs, xor.targets, swept, 300, mode=mode)
    assert not np.allclose(result.final, plain.final)  # the rule took effect
    for rate, final in zip(swept, result.final):
        single = train(network.with_options(learning_rate=rate), xor.inputs, xor.targets, 300, mode=mode)
        assert final == pytest.approx(single.errors[-1], rel=1e-9, abs=1e-15)


@pytest.mark.parametrize("mode", ["online", "batch"])
def test_diverging_rates_diverge_in_separate_runs_too(mode):
    """A linear output can grow without bound.  Runs that never climbed agree to the last digits;
    a run that climbed went through a chaotic stretch, where the stacked and the single trainer's
    last-digit differences grow until they part, so there only divergence must agree."""
    xor = dataset("xor")
    network = random_network((2, 3, 1), seed=2, update_biases=True, activations=("tanh", "linear"))
    swept = rates(60, 0.001, 10.0)
    result = sweep(network, xor.inputs, xor.targets, swept, 1000, mode=mode)
    climbed = ~(
        np.nanmax(np.where(np.isfinite(result.curves.errors), result.curves.errors, np.inf), axis=1) <= result.start
    )
    for rate, final, wild in zip(swept, result.final, climbed):
        single = train(network.with_options(learning_rate=rate), xor.inputs, xor.targets, 1000, mode=mode)
        assert (single.diverged_at is None) == bool(np.isfinite(final))
        if not wild:
            assert final == pytest.approx(single.errors[-1], rel=1e-9, abs=1e-15)
    assert (~climbed).sum() >= 20 and "diverging" in set(result.regimes)


def test_rates_are_log_spaced_and_checked():
    r = rates(5, 0.001, 10)
    np.testing.assert_allclose(r, [0.001, 0.01, 0.1, 1, 10])
    for bad in (1, 401, 2.5, True):
        with pytest.raises(InputError, match="Rates: choose a whole number of rates from 2 to 400"):
            rates(bad)
    with pytest.raises(InputError, match="lowest rate: must be below the highest"):
        rates(10, 1.0, 0.5)


def test_regimes_from_hand_made_curves():
    #            start  ...  final
    curves = np.array(
        [
            [1.0, 0.99, 0.98, 0.97],  # slow: too small
            [1.0, 0.5, 0.1, 0.001],  # good (the best)
            [1.0, 0.3, 0.05, 0.0015],  # good: within 10% of the way (log scale) back from 0.001 to 1.0
            [1.0, 1.4, 0.2, 0.01],  # climbed above the start, then settled: too large
            [1.0, 2.0, 5.0, 9.0],  # ends above the start: diverging
            [1.0, 3.0, np.inf, np.nan],  # not finite: diverging
            [1.0, 0.9, 0.8, 0.7],  # never climbed, slow, but at a larger rate than the best: too large
        ]
    )
    learning_rates = np.array([0.01, 0.1, 0.2, 0.5, 1.0, 2.0, 0.3])
    assert classify(curves, learning_rates).tolist() == [
        "too small",
        "good",
        "good",
        "too large",
        "diverging",
        "diverging",
        "too large",
    ]


def test_a_summary_per_regime_and_the_nearest_rates_regime():
    network = seed_network()
    from explorer.engine.presets import SEED_INPUTS, SEED_TARGETS

    result = sweep(network, [SEED_INPUTS], [SEED_TARGETS], rates(20), 200)
    # the seed's network never diverges on the slider's range; the largest rates are the best
    assert "diverging" not in set(result.regimes)
    assert result.best == pytest.approx(10.0)
    assert result.regime_of(9.5) == result.regimes[-1] == "good"
    assert result.summary()[0].startswith("too small: ")


def test_a_softmax_network_is_swept_as_any_other():
    data = dataset("three-class")
    network = random_network((2, 3, 3), seed=0, activations=["sigmoid", "softmax"], loss="cce")
    result = sweep(network, data.inputs, data.targets, rates(50), 300)
    assert len(result.summary()) >= 2 and 0.5 < result.best < 3.0
    k = 20
    one = train(network.with_options(learning_rate=result.rates[k]), data.inputs, data.targets, 300)
    assert result.final[k] == pytest.approx(one.errors[-1], rel=1e-12)
