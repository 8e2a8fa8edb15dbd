"""Network options: one frozen Options object, checked once, changed with dataclasses.replace."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from explorer.engine.network import Options
from explorer.engine.validation import InputError


def test_options_are_checked_when_made():
    options = Options(("sigmoid", "sigmoid"), "bce", "per-neuron", True, "seed", " 0.25 ")
    assert options.learning_rate == 0.25 and options.update_biases is True
    for bad, field in (
        (dict(loss="hinge"), "loss"),
        (dict(order="random"), "order"),
        (dict(bias_mode="none"), "biases"),
        (dict(learning_rate="fast"), "learning rate"),
        (dict(activations=("sigmoid", "cosine")), "activation"),
    ):
        with pytest.raises(InputError) as caught:
            dataclasses.replace(Options(("sigmoid", "sigmoid")), **bad)
        assert caught.value.field == field


def test_options_are_frozen_and_replace_checks_again():
    options = Options(("tanh", "sigmoid"))
    with pytest.raises(dataclasses.FrozenInstanceError):
        options.order = "seed"  # type: ignore[misc]
    assert dataclasses.replace(options, loss="bce").loss == "bce"
    with pytest.raises(InputError, match=r"binary cross-entropy \(bce\) needs sigmoid outputs"):
        dataclasses.replace(options, activations=("sigmoid", "tanh"), loss="bce")


def test_with_options_changes_only_what_it_names(seed_net):
    changed = seed_net.with_options(order="seed", learning_rate=0.1, activations="tanh")
    assert changed.options == dataclasses.replace(
        seed_net.options, order="seed", learning_rate=0.1, activations=("tanh", "tanh")
    )
    assert seed_net.order == "textbook" and seed_net.learning_rate == 0.5  # untouched
    for a, b in zip(changed.weights, seed_net.weights):
        assert np.array_equal(a, b) and a is not b
    with pytest.raises(InputError, match="choose from activations, loss, bias_mode") as caught:
        seed_net.with_options(colour="red")
    assert caught.value.field == "option" and "colour" in caught.value.message
    with pytest.raises(InputError):
        seed_net.with_options(activations=["tanh"])  # one name per layer


def test_with_options_bias_mode_spreads_a_shared_bias(seed_net):
    per_neuron = seed_net.with_options(bias_mode="per-neuron")
    assert [b.tolist() for b in per_neuron.biases] == [[0.35, 0.35], [0.6, 0.6]]
    assert per_neuron.parameters()["b_o2"] == 0.6
    back = per_neuron.with_options(bias_mode="shared")
    assert [b.tolist() for b in back.biases] == [[0.35], [0.6]]
