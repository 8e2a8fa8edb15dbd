"""Every bad input is refused with an InputError naming the field and what it accepts.

And a refused input changes nothing: the network a user was editing is the
same, array for array, after the error as before it.  The CLI turns the same
errors into one line on stderr and exit status 2, never a traceback.
"""

from __future__ import annotations

import math
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from explorer.engine import validation as v
from explorer.engine.network import Network
from explorer.engine.presets import random_network
from explorer.engine.training import train, train_many
from explorer.lesson.walkthrough import walkthrough

ROOT = Path(__file__).resolve().parents[2]
NUMBER_RANGE = "enter a number from -100 to 100"
RATE_RANGE = "enter a positive number from 0.001 to 10"
LAYERS_RANGE = "give 2 to 6 layer sizes, each a whole number from 1 to 16"
ACTIVATION_CHOICES = "choose one of sigmoid, tanh, relu, linear"


def refused(call, field: str, *phrases: str) -> v.InputError:
    """Run ``call``; it must raise InputError for ``field`` whose message has ``phrases``."""
    with pytest.raises(v.InputError) as info:
        call()
    error = info.value
    assert error.field == field, str(error)
    assert str(error).startswith(f"{field}: ")
    for phrase in phrases:
        assert phrase in error.message, (phrase, error.message)
    return error


def state(network: Network) -> tuple:
    return (
        [w.copy() for w in network.weights],
        [b.copy() for b in network.biases],
        network.activations,
        network.loss,
        network.bias_mode,
        network.update_biases,
        network.learning_rate,
        network.order,
    )


def assert_unchanged(network: Network, before: tuple) -> None:
    after = state(network)
    for a, b in zip(before[0] + before[1], after[0] + after[1]):
        assert np.array_equal(a, b)
    assert before[2:] == after[2:]


# -------------------------------------------------------------- inputs and targets

BAD_VALUES = [  # (the bad entry, a phrase the message must contain)
    (float("nan"), "not finite"),
    (float("inf"), "not finite"),
    (-float("inf"), "not finite"),
    ("abc", "'abc'"),
    ("", "empty"),
    ("   ", "empty"),
    ("1e999", "not finite"),
    ("nan", "not finite"),
    (100.5, "100.5"),
    (-101, "-101"),
    ("2*3", "'2*3'"),
    (True, "True"),
    (None, "None"),
]


def train_seed(network, x, t):
    return train(network, x, t, 3)


CONSUMERS = {"check_data": Network.check_data, "walkthrough": walkthrough, "train": train_seed}


@pytest.mark.parametrize("consumer", CONSUMERS)
@pytest.mark.parametrize("bad, phrase", BAD_VALUES, ids=repr)
def test_bad_input_value(seed_net, seed_targets, consumer, bad, phrase):
    before = state(seed_net)
    refused(lambda: CONSUMERS[consumer](seed_net, [0.05, bad], seed_targets), "inputs[2]", NUMBER_RANGE, phrase)
    assert_unchanged(seed_net, before)


@pytest.mark.parametrize("consumer", CONSUMERS)
@pytest.mark.parametrize("bad, phrase", BAD_VALUES[:9], ids=repr)
def test_bad_target_value(seed_net, seed_inputs, consumer, bad, phrase):
    before = state(seed_net)
    refused(lambda: CONSUMERS[consumer](seed_net, seed_inputs, [bad, 0.99]), "targets[1]", NUMBER_RANGE, phrase)
    assert_unchanged(seed_net, before)


@pytest.mark.parametrize("consumer", CONSUMERS)
@pytest.mark.parametrize(
    "which, values",
    [
        ("inputs", [0.05]),
        ("inputs", [0.05, 0.1, 0.2]),
        ("inputs", []),
        ("targets", [0.01]),
        ("targets", [0.01, 0.99, 0.5]),
    ],
)
def test_wrong_length(seed_net, seed_inputs, seed_targets, consumer, which, values):
    before = state(seed_net)
    x, t = (values, seed_targets) if which == "inputs" else (seed_inputs, values)
    refused(lambda: CONSUMERS[consumer](seed_net, x, t), which, f"expected 2 values, got {len(values)}")
    assert_unchanged(seed_net, before)


def test_inputs_that_are_not_a_list(seed_net, seed_targets):
    refused(lambda: seed_net.check_data("0.05,0.1", seed_targets), "inputs", "list")
    refused(lambda: seed_net.check_data(0.05, seed_targets), "inputs", "list")


def test_example_counts_must_match(seed_net):
    refused(
        lambda: seed_net.check_data([[0.05, 0.1], [0.2, 0.3]], [[0.01, 0.99]] * 3),
        "targets",
        "one row per input example (2), got 3",
    )


def test_a_bad_row_is_named(seed_net):
    refused(
        lambda: seed_net.check_data([[0.05, 0.1], [0.2, "x"]], [[0.01, 0.99]] * 2), "inputs[example 2][2]", NUMBER_RANGE
    )


def test_a_short_row_is_refused(seed_net):
    before = state(seed_net)
    with pytest.raises(v.InputError) as info:
        seed_net.check_data([[0.05, 0.1], [0.2]], [[0.01, 0.99]] * 2)
    assert info.value.field.startswith("inputs")
    assert_unchanged(seed_net, before)


def test_a_short_row_is_named_with_the_expected_count(seed_net):
    refused(
        lambda: seed_net.check_data([[0.05, 0.1], [0.2]], [[0.01, 0.99]] * 2),
        "inputs[example 2]",
        "expected 2 values, got 1",
    )


def test_accepted_values_at_the_edges(seed_net):
    x, t = seed_net.check_data([100, "-100"], [" 1e-3 ", 0])
    assert x.tolist() == [[100.0, -100.0]] and t.tolist() == [[0.001, 0.0]]


def test_cross_entropy_targets_must_be_probabilities():
    network = random_network((2, 2, 2), loss="bce")
    refused(lambda: network.check_data([0.1, 0.2], [1.5, 0.5]), "targets", "from 0 to 1")
    refused(lambda: train(network, [0.1, 0.2], [-0.1, 0.5], 1), "targets", "from 0 to 1")
    assert network.check_data([0.1, 0.2], [0, 1])[1].tolist() == [[0.0, 1.0]]


def test_walkthrough_example_out_of_range(seed_net, seed_inputs, seed_targets):
    refused(lambda: walkthrough(seed_net, seed_inputs, seed_targets, example=1), "example", "from 1 to 1")


# ---------------------------------------------------------------- names and options


@pytest.mark.parametrize("name", ["foo", "", "Sigmoid", "swish"])
def test_unknown_activation(seed_net, name):
    refused(lambda: Network([[[1.0]]], [0.0], activations=name), "activation", ACTIVATION_CHOICES, repr(name))
    before = state(seed_net)
    refused(lambda: seed_net.with_options(activations=name), "activation", ACTIVATION_CHOICES)
    refused(lambda: seed_net.with_options(activations=["sigmoid", name]), "activation")
    refused(lambda: random_network((2, 2), activations=name), "activation")
    assert_unchanged(seed_net, before)


def test_one_activation_per_layer(seed_net):
    refused(lambda: seed_net.with_options(activations=["tanh"] * 3), "activation", "expected 2 names, got 3")


@pytest.mark.parametrize("name", ["foo", "MSE", "cross-entropy"])
def test_unknown_loss(seed_net, name):
    refused(lambda: Network([[[1.0]]], [0.0], loss=name), "loss", "choose one of squared, mse, bce")
    before = state(seed_net)
    refused(lambda: seed_net.with_options(loss=name), "loss", "squared, mse, bce")
    assert_unchanged(seed_net, before)


def test_cross_entropy_needs_sigmoid_outputs(seed_net):
    refused(lambda: Network([[[1.0]]], [0.0], activations="tanh", loss="bce"), "loss", "sigmoid")
    refused(lambda: seed_net.with_options(loss="bce", activations="relu"), "loss", "sigmoid")
    assert seed_net.with_options(loss="bce").loss == "bce"


def test_unknown_order_and_bias_mode(seed_net):
    refused(lambda: seed_net.with_options(order="backwards"), "order", "textbook, seed")
    refused(lambda: Network([[[1.0]]], [0.0], bias_mode="none"), "biases", "shared, per-neuron")
    refused(lambda: train(seed_net, [0.05, 0.1], [0.01, 0.99], 1, mode="stochastic"), "mode", "online, batch")
    refused(lambda: train(seed_net, [0.05, 0.1], [0.01, 0.99], 1, backend="gpu"), "backend", "auto, compiled, numpy")


BAD_RATES = [0, -1, -0.5, float("nan"), float("inf"), "abc", "", "1e999", 0.00099, 10.01, True, None]


@pytest.mark.parametrize("rate", BAD_RATES, ids=repr)
def test_bad_learning_rate(seed_net, rate):
    refused(lambda: Network([[[1.0]]], [0.0], learning_rate=rate), "learning rate", RATE_RANGE)
    before = state(seed_net)
    refused(lambda: seed_net.with_options(learning_rate=rate), "learning rate", RATE_RANGE)
    refused(lambda: train_many(seed_net, [0.05, 0.1], [0.01, 0.99], [0.5, rate], 2), "learning rate", RATE_RANGE)
    assert_unchanged(seed_net, before)


def test_learning_rate_edges_are_accepted(seed_net):
    assert seed_net.with_options(learning_rate="1e-3").learning_rate == 0.001
    assert seed_net.with_options(learning_rate=10).learning_rate == 10.0
    assert seed_net.with_options(learning_rate=" 0.25 ").learning_rate == 0.25


@pytest.mark.parametrize(
    "iterations",
    [
        -5,
        "-5",
        "abc",
        "",
        1.5,
        "1e3",
        True,
        10_000_001,
        "1_0",
        "1,0,0",
        "10,00",
        "\u00b2",
        "\u0661",
        "9" * 5000,
        10**400,
    ],
)
def test_bad_iterations(seed_net, seed_inputs, seed_targets, iterations):
    refused(
        lambda: train(seed_net, seed_inputs, seed_targets, iterations),
        "iterations",
        "whole number from 0 to 10,000,000",
    )


def test_iterations_edges_are_accepted(seed_net, seed_inputs, seed_targets):
    assert train(seed_net, seed_inputs, seed_targets, 0).iterations == 0
    assert train(seed_net, seed_inputs, seed_targets, "1_000").iterations == 1000
    assert train(seed_net, seed_inputs, seed_targets, "1,000").iterations == 1000


# ----------------------------------------------------------------------------- layers


@pytest.mark.parametrize(
    "text", ["", "2,,2", "2,x", "0,2", "2", "2,2,2,2,2,2,2", "17,2", "-1,2", "2.5,2", "2;2", "2,2,"]
)
def test_malformed_layer_sizes(text):
    refused(lambda: v.parse_layers(text), "layers", LAYERS_RANGE)


@pytest.mark.parametrize("sizes", [[], [2], (2, 0, 2), (2, 17), [2, 2.5], [2, True], "22"])
def test_bad_layer_sizes_for_a_random_network(sizes):
    refused(lambda: random_network(sizes), "layers")


def test_layer_sizes_that_are_fine():
    assert v.parse_layers("2,3,2") == (2, 3, 2)
    assert v.parse_layers(" 2, 3 ,2 ") == (2, 3, 2)
    assert v.parse_layers("16,1") == (16, 1)
    assert v.parse_layers("1,2,3,4,5,6") == (1, 2, 3, 4, 5, 6)


def test_no_layers_of_weights():
    refused(lambda: Network([], []), "weights", "at least one layer")


def test_mismatched_weight_shapes():
    refused(lambda: Network([np.ones((3, 2)), np.ones((2, 2))], [0.0, 0.0]), "weights[1]", "expected 3 columns")
    refused(lambda: Network([np.ones((2, 2))], [0.0, 0.0]), "biases", "expected 1 layers")
    refused(
        lambda: Network([np.ones((2, 2))], [[0.1, 0.2, 0.3]], bias_mode="per-neuron"), "biases[0]", "expected 2 values"
    )
    refused(lambda: Network([[[1.0, float("nan")]]], [0.0]), "weights[0][2]", "not finite")


# ---------------------------------------------------------------------- with_parameter


@pytest.mark.parametrize("bad, phrase", BAD_VALUES, ids=repr)
@pytest.mark.parametrize("name", ["w5", "w1", "b1", "b2"])
def test_with_parameter_bad_value_changes_nothing(seed_net, name, bad, phrase):
    before = state(seed_net)
    refused(lambda: seed_net.with_parameter(name, bad), name, NUMBER_RANGE, phrase)
    assert_unchanged(seed_net, before)


@pytest.mark.parametrize("name", ["w9", "w0", "b3", "h1", "", "W5", "b_h1"])
def test_with_parameter_unknown_name(seed_net, name):
    before = state(seed_net)
    refused(lambda: seed_net.with_parameter(name, 0.1), "parameter", repr(name))
    assert_unchanged(seed_net, before)


def test_with_parameter_per_neuron_names():
    network = random_network((2, 2, 2), bias_mode="per-neuron")
    refused(lambda: network.with_parameter("b1", 0.1), "parameter")
    new = network.with_parameter("b_o2", "0.7")
    assert new.biases[1].tolist() == [network.biases[1][0], 0.7]
    assert network.biases[1][1] != 0.7


def test_with_parameter_good_value_changes_only_the_copy(seed_net):
    before = state(seed_net)
    new = seed_net.with_parameter("w6", " -100 ")
    assert new.weights[1][0, 1] == -100.0
    assert new.weights[1].tolist() == [[0.40, -100.0], [0.50, 0.55]]
    assert seed_net.with_parameter("b2", 0.25).biases[1].tolist() == [0.25]
    assert_unchanged(seed_net, before)


# -------------------------------------------------------------------------------- CLI

CLI_CASES = [  # argv, the argument named, a phrase saying what it accepts
    (["steps", "--lr", "-1"], "--lr", RATE_RANGE),
    (["steps", "--lr", "abc"], "--lr", RATE_RANGE),
    (["steps", "--lr", "0"], "--lr", RATE_RANGE),
    (["steps", "--layers", "2,x"], "--layers", LAYERS_RANGE),
    (["steps", "--layers", "2,,2"], "--layers", LAYERS_RANGE),
    (["steps", "--layers", "2,2,2,2,2,2,2"], "--layers", LAYERS_RANGE),
    (["steps", "--activation", "foo"], "--activation", ACTIVATION_CHOICES),
    (["steps", "--loss", "foo"], "--loss", "squared, mse, bce"),
    (["steps", "--inputs", "1,nan"], "--inputs", NUMBER_RANGE),
    (["steps", "--inputs", "1,200"], "--inputs", NUMBER_RANGE),
    (["steps", "--inputs", "1"], "--inputs", "expected 2 values, got 1"),
    (["steps", "--targets", "1,2,3"], "--targets", "expected 2 values, got 3"),
    (["steps", "--format", "yaml"], "--format", "text, markdown, json"),
    (["train", "--iterations", "-5"], "--iterations", "whole number from 0 to 10,000,000"),
    (["train", "--iterations", "abc"], "--iterations", "whole number from 0 to 10,000,000"),
    (["train", "--mode", "foo"], "--mode", "online, batch"),
    (["steps", "--biases", "foo"], "--biases", "shared, per-neuron"),
    (["steps", "--order", "foo"], "--order", "textbook, seed"),
    (["steps", "--layers", "2,3,2", "--seed", "x"], "--seed", "whole number"),
    (["train", "--layers", "2,3,2", "--seed", "-1"], "--seed", "whole number"),
    # argparse's own errors: the same one line
    (["steps", "--lr"], "--lr", "expected one argument"),
    (["steps", "--bogus", "1"], "--bogus", "unrecognized arguments"),
    (["train", "--format", "json"], "--format", "unrecognized arguments"),
]


def assert_one_line_error(code: int, out: str, err: str, argument: str, phrase: str) -> None:
    assert code == 2
    assert out == ""
    assert err.endswith("\n") and err.count("\n") == 1, err
    assert "Traceback" not in err
    assert err.startswith("python -m explorer")
    assert argument in err and phrase in err, err


@pytest.mark.parametrize(
    "argv, argument, phrase", CLI_CASES, ids=lambda a: " ".join(a) if isinstance(a, list) else None
)
def test_cli_bad_argument(cli, argv, argument, phrase):
    assert_one_line_error(*cli(*argv), argument, phrase)


def test_cli_bad_seed_without_layers(cli):
    assert_one_line_error(*cli("steps", "--seed", "x"), "--seed", "whole number")


def test_cli_cross_entropy_with_tanh_outputs_is_one_line(cli):
    code, out, err = cli("steps", "--loss", "bce", "--activation", "tanh")
    assert code == 2 and out == "" and err.count("\n") == 1 and "Traceback" not in err
    assert "loss" in err and "sigmoid" in err


def test_cli_good_arguments_at_the_edges(cli):
    code, out, err = cli(
        "steps", "--lr", "10", "--inputs", "100,-100", "--targets", "0,1", "--layers", "2,16,2", "--seed", "0"
    )
    assert (code, err) == (0, "")
    assert out.startswith("Network(2-16-2")


@pytest.mark.parametrize(
    "argv, argument",
    [
        (["steps", "--lr", "-1"], "--lr"),
        (["train", "--iterations", "abc"], "--iterations"),
        (["steps", "--bogus"], "--bogus"),
    ],
)
def test_cli_errors_in_a_real_process(argv, argument):
    done = subprocess.run(
        [sys.executable, "-m", "explorer", *argv], cwd=ROOT, capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 2
    assert done.stdout == ""
    assert done.stderr.count("\n") == 1 and "Traceback" not in done.stderr
    assert argument in done.stderr


def test_number_parsing_never_evaluates():
    assert v.parse_number("x", "1e-3") == 0.001
    assert v.parse_number("x", " -2.5 ") == -2.5
    for text in ("2*3", "__import__('os')", "0x10", "1,5"):
        refused(lambda: v.parse_number("x", text), "x", NUMBER_RANGE)
    assert math.isclose(v.parse_number("x", "100"), 100.0)


def test_check_seed_takes_0_to_2_to_the_32_less_1():
    assert v.check_seed("0") == 0 and v.check_seed(" 4,294,967,295 ") == v.MAX_SEED == 2**32 - 1
    for bad in ("-1", "1.5", "", "seven", str(2**32), True, None, "\u0663"):
        with pytest.raises(v.InputError, match="Seed: enter a whole number from 0 to 4,294,967,295"):
            v.check_seed(bad)
    with pytest.raises(v.InputError, match="^seed: "):
        v.check_seed(-1, "seed")


def test_check_bool_takes_only_true_and_false():
    assert v.check_bool("Update biases", True) is True and v.check_bool("Update biases", np.bool_(False)) is False
    for bad in (0, 1, "yes", "True", None, 1.0):
        with pytest.raises(v.InputError, match="Update biases: choose True or False"):
            v.check_bool("Update biases", bad)


DECAY_RANGE = "enter a number from 0 to 1"
MOMENTUM_RANGE = "enter a number from 0 up to (not including) 1"


@pytest.mark.parametrize("bad", [-0.01, 1.01, "abc", "", "nan", "inf", "1e999", True, None, "1e-400"], ids=repr)
def test_bad_weight_decay_and_momentum_are_refused_with_their_range(seed_net, bad):
    before = state(seed_net)
    refused(lambda: seed_net.with_options(weight_decay=bad), "weight decay", DECAY_RANGE)
    refused(lambda: seed_net.with_options(momentum=bad), "momentum", MOMENTUM_RANGE)
    refused(lambda: Network([[[1.0]]], [0.0], momentum=bad), "momentum", MOMENTUM_RANGE)
    assert_unchanged(seed_net, before)
    assert seed_net.weight_decay == 0 and seed_net.momentum == 0


def test_momentum_of_one_is_refused_and_the_edges_are_accepted(seed_net):
    refused(lambda: seed_net.with_options(momentum=1), "momentum", MOMENTUM_RANGE, "never fade")
    refused(lambda: v.parse_momentum("1.0", "--momentum"), "--momentum", MOMENTUM_RANGE)
    assert seed_net.with_options(momentum="0.999").momentum == 0.999
    assert seed_net.with_options(weight_decay=1, momentum=" 0 ").weight_decay == 1.0
    assert str(v.parse_weight_decay("-0")) == "0.0" and str(v.parse_momentum(-0.0)) == "0.0"


# ------------------------------------------------- the fast paths decide as the slow ones
def _outcome(check, *args):
    """What a check returns, or the message it refuses with."""
    try:
        return check(*args)
    except v.InputError as error:
        return str(error)


ARRAYS = [
    np.array([[0.1, -0.2], [3.0, 100.0]]),
    np.array([0.5, -0.0]),
    np.array([[-100.0, 1e-300]]),
    np.array([[0.1, np.nan]]),
    np.array([np.inf, 0.0]),
    np.array([[-np.inf, 0.0]]),
    np.array([[100.5, 0.0]]),
    np.array([[0.1, 0.2, 0.3]]),  # a row too long
    np.array([0.1, 0.2, 0.3]),
    np.array([[0.1, 0.2]], dtype=np.float32),
    np.array([[1, 2]]),
    np.array([[True, False]]),
    np.array(0.5),
    np.zeros((0, 2)),
    np.zeros((1, 1, 2)),
    np.array([[0.1, 0.2]]).T,
]


@pytest.mark.parametrize("values", ARRAYS, ids=range(len(ARRAYS)))
def test_an_array_checked_at_once_is_accepted_or_refused_as_number_by_number(values, monkeypatch):
    fast = (_outcome(v.check_examples, "inputs", values, 2), _outcome(v.check_matrix, "W", values, 100.0))
    monkeypatch.setattr(v, "_valid_array", lambda values, limit: False)
    slow = (_outcome(v.check_examples, "inputs", values, 2), _outcome(v.check_matrix, "W", values, 100.0))
    for a, b in zip(fast, slow):
        if isinstance(b, str):
            assert a == b
        else:
            assert a.dtype == b.dtype == np.float64 and a.shape == b.shape
            assert np.array_equal(a, b) and np.array_equal(np.signbit(a), np.signbit(b))


def test_an_array_accepted_at_once_is_a_copy():
    values = np.array([[0.1, 0.2]])
    for checked in (v.check_examples("inputs", values, 2), v.check_matrix("W", values)):
        checked[0, 0] = 9.0
        assert values[0, 0] == 0.1


TEXTS = [
    *("0.5", "-0", "-0.0", "100", "-100", "100.0", "100.0000001", "-100.5", "007", "1234", ".5", "0.", "+1"),
    *("0.1234567890123456789", "1e3", "1E-2"),
    *(" 1", "1 ", "1,5", "\u22121", "\u0661", "nan", "inf", "-inf", "", "-", "1..2", "0x10", "1_0", "\u00a01"),
    "0." + "0" * 39 + "1",
    "0." + "0" * 80 + "1",
]


@pytest.mark.parametrize("text", TEXTS)
def test_a_quick_number_is_the_full_parser_s_number_or_leaves_it_to_the_parser(text):
    quick = v.quick_number(text)
    full = _outcome(v.parse_number, "cell", text)
    assert quick is None or (quick == full and math.copysign(1, quick) == math.copysign(1, full))
    if isinstance(full, str):
        assert quick is None


def test_quick_numbers_are_read_for_plain_decimals_within_the_limit():
    assert v.quick_number("-0.25") == -0.25 and v.quick_number("100") == 100.0
    assert v.quick_number("100.5") is None and v.quick_number("1e-3") is None
    rng = np.random.default_rng(0)
    for value, places in zip(rng.uniform(-100, 100, 200), rng.integers(0, 12, 200)):
        text = f"{value:.{places}f}"  # as a spreadsheet copies it
        assert v.quick_number(text) == v.parse_number("cell", text)
