"""A network's Options: checked once when made, frozen, and checked again when replaced."""

from __future__ import annotations

import dataclasses

import pytest

from explorer.engine.options import Options
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


def test_weight_decay_and_momentum_are_checked_and_plain_means_both_zero():
    options = Options(("sigmoid", "sigmoid"), weight_decay="0.01", momentum=" 0.9 ")
    assert (options.weight_decay, options.momentum, options.plain) == (0.01, 0.9, False)
    assert Options(("sigmoid",)).plain
    for bad, field in ((dict(weight_decay=2), "weight decay"), (dict(momentum=1.0), "momentum")):
        with pytest.raises(InputError) as caught:
            dataclasses.replace(options, **bad)
        assert caught.value.field == field


def test_the_seeds_order_is_refused_with_decay_or_momentum_and_says_why():
    for extra in (dict(weight_decay=0.1), dict(momentum=0.5)):
        with pytest.raises(InputError, match="seed's order goes with plain gradient descent") as caught:
            Options(("sigmoid", "sigmoid"), order="seed", **extra)
        assert caught.value.field == "order"
    assert Options(("sigmoid", "sigmoid"), order="seed", weight_decay=0, momentum=0).order == "seed"


def test_softmax_goes_with_cross_entropy_on_the_output_layer_only():
    options = Options(("tanh", "softmax"), "cce")
    assert options.records[0][-1].name == "softmax"
    refusals = (
        (("sigmoid", "softmax"), "squared", "loss", "scored by categorical cross-entropy (cce)"),
        (("sigmoid", "softmax"), "bce", "loss", "needs sigmoid outputs"),
        (("sigmoid", "sigmoid"), "cce", "loss", "categorical cross-entropy (cce) needs softmax outputs"),
        (("softmax", "softmax"), "cce", "activation", "output layer only (layer 1 is hidden)"),
    )
    for activations, loss, field, phrase in refusals:
        with pytest.raises(InputError) as caught:
            Options(activations, loss)
        assert caught.value.field == field and phrase in caught.value.message, caught.value.message


def test_softmax_of_one_output_is_refused():
    Options(("sigmoid", "softmax"), "cce").check_sizes((2, 2, 2))
    with pytest.raises(InputError, match="single output is always 1"):
        Options(("sigmoid", "softmax"), "cce").check_sizes((2, 3, 1))
