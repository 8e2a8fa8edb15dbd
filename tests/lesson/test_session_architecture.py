"""The session beyond one example: datasets, architectures, the example shown, batch mode.

A refused change must leave the session exactly as it was (compared array
by array); the batch walkthrough's mean must be the engine's own gradient
over the batch, worked out independently of the per-example steps.  The
reshaping the session delegates (engine/reshape.py) is tested on its own in
tests/engine/test_reshape.py.
"""

from __future__ import annotations

import re

import numpy as np
import pytest

from explorer.engine.datasets import dataset
from explorer.engine.formatting import tex_term
from explorer.engine.presets import random_network, seed_network
from explorer.engine.training import train
from explorer.engine.validation import InputError
from explorer.lesson import savefile
from explorer.lesson.session import Session
from explorer.lesson.walkthrough import walkthrough

XOR_INPUTS = [[0, 0], [0, 1], [1, 0], [1, 1]]


def snapshot(s: Session) -> tuple:
    net = s.network
    return (
        net.sizes,
        net.options,
        [w.copy() for w in net.weights],
        [b.copy() for b in net.biases],
        [w.copy() for w in s.initial.weights],
        s.inputs.copy(),
        s.targets.copy(),
        s.example,
        s.dataset,
        s.mode,
        s.seed,
        s.step,
        s.iteration,
        s.errors.values.copy(),
        s.walk,
    )


def assert_unchanged(before: tuple, after: tuple) -> None:
    for a, b in zip(before, after):
        if isinstance(a, list):
            assert all(np.array_equal(x, y) for x, y in zip(a, b))
        elif isinstance(a, np.ndarray):
            assert np.array_equal(a, b)
        else:
            assert a == b or a is b


def xor_session(hidden=(3,), seed=0) -> Session:
    s = Session()
    s.randomize(seed)
    s.set_dataset("xor")
    s.set_hidden(hidden)
    return s


# -------------------------------------------------------------------- datasets
@pytest.mark.parametrize(
    "name, sizes, examples",
    [
        ("seed", (2, 2, 2), 1),
        ("xor", (2, 2, 1), 4),
        ("and", (2, 2, 1), 4),
        ("or", (2, 2, 1), 4),
        ("nand", (2, 2, 1), 4),
    ],
)
def test_each_dataset_builds_the_right_shapes(name, sizes, examples):
    s = Session()
    s.set_dataset(name)
    assert s.network.sizes == sizes and s.dataset == name
    assert s.inputs.shape == (examples, 2) and s.targets.shape == (examples, sizes[-1])
    assert [w.shape for w in s.network.weights] == [(sizes[1], 2), (sizes[2], sizes[1])]
    assert s.walk.inputs.shape == (2,) and s.walk.targets.shape == (sizes[-1],)
    assert s.iteration == 0 and len(s.errors) == 1


def test_a_table_builds_its_shapes_and_says_what_changed():
    s = Session()
    said = s.set_dataset("table", "1,2,3,0.1,0.2\n4,5,6,0.3,0.4\n0,0,0,0,1", n_inputs=3)
    assert s.network.sizes == (3, 2, 2) and s.inputs.shape == (3, 3) and s.targets.shape == (3, 2)
    assert said == (
        "Dataset table: 3 examples, 3 inputs, 2 targets. Changed: input layer 2 -> 3 neurons; "
        "the network is 3-2-2, with new random weights (seed 0)."
    )
    said = Session().set_dataset("xor")
    assert "Changed: output layer 2 -> 1 neurons; the network is 2-2-1" in said


def test_the_seed_dataset_brings_back_the_worked_example():
    s = xor_session(hidden=(2,))
    s.set_dataset("seed")
    reference = seed_network()
    assert s.network.sizes == (2, 2, 2)
    for a, b in zip(s.network.weights + s.network.biases, reference.weights + reference.biases):
        assert np.array_equal(a, b)


@pytest.mark.parametrize(
    "table, message",
    [
        ("0,0,0\n0,1", "row 2 has 2 cells; each row needs 3"),
        ("0,0,0\n0,x,1", "Table row 2, column 2: enter a number from -100 to 100 (got 'x')"),
        ("0,0,nan", "Table row 1, column 3"),
        ("", "at least one row"),
    ],
)
def test_a_bad_table_is_refused_with_nothing_changed(table, message):
    s = xor_session()
    s.train(50)
    s.next_step()
    before = snapshot(s)
    with pytest.raises(InputError, match=re.escape(message)):
        s.set_dataset("table", table, n_inputs=2)
    assert_unchanged(before, snapshot(s))


def test_bce_refuses_a_table_with_targets_outside_0_to_1_and_changes_nothing():
    s = xor_session()
    s.set_loss("bce")
    before = snapshot(s)
    with pytest.raises(InputError, match="binary cross-entropy needs targets from 0 to 1"):
        s.set_dataset("table", "0,0,2\n1,1,0", n_inputs=2)
    assert_unchanged(before, snapshot(s))


# ---------------------------------------------------------------- architecture
def test_adding_and_removing_neurons_and_layers():
    s = xor_session(hidden=(2,))
    s.add_neuron(1)
    assert s.network.sizes == (2, 3, 1)
    s.add_layer()
    assert s.network.sizes == (2, 3, 3, 1)
    s.remove_neuron(2)
    s.remove_neuron(2)
    assert s.network.sizes == (2, 3, 1, 1)
    s.remove_neuron(2)  # its last neuron: the layer goes
    assert s.network.sizes == (2, 3, 1)
    s.remove_layer()
    assert s.network.sizes == (2, 1)
    for refused in (lambda: s.remove_layer(), lambda: s.add_neuron(1)):
        before = snapshot(s)
        with pytest.raises(InputError, match="Hidden layer"):
            refused()
        assert_unchanged(before, snapshot(s))
    s.set_hidden([16])
    before = snapshot(s)
    with pytest.raises(InputError, match="at most 16 neurons"):
        s.add_neuron(1)
    s.set_hidden([2, 2, 2, 2])
    with pytest.raises(InputError, match="at most 4 hidden layers"):
        s.add_layer()


def test_a_new_architecture_is_reproducible_from_its_seed_and_reset_returns_to_it():
    s = xor_session(hidden=(3,), seed=5)
    expected = random_network((2, 3, 1), seed=5)
    assert all(np.array_equal(a, b) for a, b in zip(s.network.weights, expected.weights))
    start = [w.copy() for w in s.network.weights]
    s.train(100)
    assert not np.array_equal(s.network.weights[0], start[0])
    s.reset_weights()
    assert all(np.array_equal(a, b) for a, b in zip(s.network.weights, start))
    assert s.iteration == 0 and len(s.errors) == 1
    s.set_seed("3")  # the seed of the next random weights; these stay
    assert s.seed == 3 and np.array_equal(s.network.weights[0], expected.weights[0])
    s.randomize("7")
    assert s.seed == 7
    assert np.array_equal(s.network.weights[0], random_network((2, 3, 1), seed=7).weights[0])
    for bad in ("-1", "1.5", "", "seven", str(2**32)):
        before = snapshot(s)
        with pytest.raises(InputError, match="Seed: enter a whole number from 0 to 4,294,967,295"):
            s.randomize(bad)
        assert_unchanged(before, snapshot(s))


def test_activation_loss_and_bias_options_per_layer():
    s = xor_session(hidden=(3,))
    weights = [w.copy() for w in s.network.weights]
    s.set_activation(1, "tanh")
    assert s.network.activations == ("tanh", "sigmoid")
    assert all(np.array_equal(a, b) for a, b in zip(s.network.weights, weights))  # weights kept
    s.set_loss("bce")
    assert s.network.loss == "bce"
    before = snapshot(s)
    # impossible combinations are explained, not silently changed
    with pytest.raises(
        InputError, match=re.escape("loss: binary cross-entropy (bce) needs sigmoid outputs; the output layer is tanh")
    ):
        s.set_activation(2, "tanh")
    assert_unchanged(before, snapshot(s))
    s.set_loss("squared")
    s.set_activation(2, "linear")
    with pytest.raises(InputError, match=re.escape("(bce) needs sigmoid outputs; the output layer is linear")):
        s.set_loss("bce")
    with pytest.raises(InputError, match="Activation of layer 1: choose one of sigmoid"):
        s.set_activation(1, "step")
    s.set_bias_mode("per-neuron")
    assert [b.shape for b in s.network.biases] == [(3,), (1,)]
    s.set_update_biases(True)
    s.train(20)
    said = s.set_bias_mode("shared")
    assert "mean" in said and [b.shape for b in s.network.biases] == [(1,), (1,)]


def test_reset_weights_after_a_change_of_bias_mode_keeps_the_mode():
    s = xor_session(hidden=(3,))
    s.set_bias_mode("per-neuron")
    s.reset_weights()
    assert s.network.bias_mode == "per-neuron" and s.network.biases[0].shape == (3,)


# ----------------------------------------------------------- examples and batch
def test_stepping_example_3_of_xor_shows_its_inputs_in_the_forward_pass():
    s = xor_session(hidden=(3,))
    s.set_example(2)
    s.next_step()
    net_h1 = s.current
    assert net_h1.symbol == "net_h1"
    w1, w2 = s.network.weights[0][0]
    b1 = s.network.biases[0][0]
    # example 3 is (1, 0): net_h1 = w1 * 1 + w2 * 0 + b1
    assert s.walk.inputs.tolist() == [1.0, 0.0] and s.walk.targets.tolist() == [1.0]
    assert net_h1.value == pytest.approx(w1 * 1 + w2 * 0 + b1, abs=1e-15)
    numbers = net_h1.latex.split(" = ")[2]  # net_h1 = names = numbers = value
    assert numbers.startswith(rf"{tex_term(w1)} \cdot 1 + {tex_term(w2)} \cdot 0 + ")
    with pytest.raises(InputError, match="Example: choose an example from 1 to 4"):
        s.set_example(4)


def test_online_stepping_moves_on_from_the_chosen_example():
    s = xor_session()
    s.set_example(2)
    s.finish_iteration()
    s.next_step()
    assert s.example == 3 and s.iteration == 0
    s.finish_iteration()
    s.next_step()
    assert s.example == 0 and s.iteration == 1


@pytest.mark.parametrize("update_biases, bias_mode", [(False, "shared"), (True, "shared"), (True, "per-neuron")])
def test_the_batch_walkthrough_mean_equals_the_engines_gradient(update_biases, bias_mode):
    data = dataset("xor")
    net = random_network(
        (2, 3, 2, 1),
        seed=3,
        update_biases=update_biases,
        bias_mode=bias_mode,
        activations=("tanh", "sigmoid", "sigmoid"),
    )
    walk = walkthrough(net, data.inputs, data.targets, 1, mode="batch")
    engine = net.backward(data.inputs, data.targets)  # all four rows at once: one matrix pass
    names = net.names
    for l, layer in enumerate(names.weights):
        for k, row in enumerate(layer):
            for j, w in enumerate(row):
                per_example = [s for s in walk.steps if s.quantity == "example_gradient" and s.parameter == w]
                mean = [s for s in walk.steps if s.symbol == f"dE_total/d{w} (mean of 4)"]
                assert len(per_example) == 4 and len(mean) == 1
                # each example's own backward pass, one row at a time
                for e, step in enumerate(per_example):
                    own = net.backward(data.inputs[e], data.targets[e]).weights[l][k, j]
                    assert step.value == own
                assert mean[0].value == pytest.approx(np.mean([s.value for s in per_example]), abs=1e-15)
                assert mean[0].value == engine.weights[l][k, j]
                assert r"\tfrac{1}{4}\left(" in mean[0].latex
    if update_biases:
        for l, layer in enumerate(names.biases):
            for k, b in enumerate(dict.fromkeys(layer)):
                mean = next(s for s in walk.steps if s.symbol == f"dE_total/d{b} (mean of 4)")
                parts = [s.value for s in walk.steps if s.quantity == "example_gradient" and s.parameter == b]
                assert mean.value == pytest.approx(np.mean(parts), abs=1e-15) and mean.value == engine.biases[l][k]
    # the update is the batch's: one step of train(..., mode="batch")
    trained = train(net, data.inputs, data.targets, 1, mode="batch").network
    for a, b in zip(walk.after.weights, trained.weights):
        assert np.allclose(a, b, rtol=0, atol=1e-15)
    assert walk.error_after == pytest.approx(trained.forward(data.inputs, data.targets).total_error, abs=1e-15)


def test_batch_mode_in_the_session_steps_the_whole_batch_at_once():
    s = xor_session()
    s.set_mode("batch")
    s.set_example(1)
    expected = s.network.copy()
    expected.update(expected.backward(s.inputs, s.targets))
    s.finish_iteration()
    s.next_step()
    assert s.iteration == 1 and s.example == 1
    assert all(np.array_equal(a, b) for a, b in zip(s.network.weights, expected.weights))
    start = s.network
    s.train(10)
    reference = train(start, s.inputs, s.targets, 10, mode="batch")
    assert np.array_equal(s.errors.values[-11:], reference.errors)


def test_batch_and_the_seed_order_exclude_each_other_with_a_reason():
    s = xor_session()
    s.set_order("seed")
    before = snapshot(s)
    with pytest.raises(InputError, match="Mode: batch mode uses the textbook order"):
        s.set_mode("batch")
    assert_unchanged(before, snapshot(s))
    s.set_order("textbook")
    s.set_mode("batch")
    with pytest.raises(InputError, match="Update order: the seed's order goes with online mode"):
        s.set_order("seed")


def test_a_saved_session_keeps_dataset_mode_and_seed():
    s = xor_session(hidden=(3,), seed=9)
    s.set_mode("batch")
    s.set_example(3)
    s.train(5)
    again = savefile.loads(savefile.dumps(s)).session
    assert (again.dataset, again.mode, again.seed, again.example) == ("xor", "batch", 9, 3)
    assert again.network.sizes == (2, 3, 1)
    # files from before these fields existed open with the defaults
    document = savefile.to_dict(Session())
    del document["training"]
    old = savefile.from_dict(document).session
    assert (old.dataset, old.mode, old.seed) == ("seed", "online", 0)
    document["training"] = {"dataset": "xor", "mode": "sideways", "seed": 0}
    with pytest.raises(savefile.SaveFileError, match="training.mode: choose one of online, batch"):
        savefile.from_dict(document)


def test_softmax_outputs_and_cross_entropy_come_as_a_pair_and_survive_a_save():
    s = Session()
    said = s.set_dataset("three-class")
    assert s.network.sizes == (2, 2, 3) and "three-class" in said
    assert s.set_loss("cce") == "The output layer is now softmax, scored by cce."
    assert s.network.activations == ("sigmoid", "softmax") and s.iteration == 0
    s.train(30)
    again = savefile.loads(savefile.dumps(s)).session
    assert (again.dataset, again.network.activations, again.network.loss) == (
        "three-class",
        ("sigmoid", "softmax"),
        "cce",
    )
    assert np.array_equal(again.network.weights[1], s.network.weights[1])
    # leaving softmax brings back squared error; choosing it again brings cce
    assert s.set_activation(2, "tanh") == "The output layer is now tanh, scored by squared."
    assert s.set_activation(2, "softmax") == "The output layer is now softmax, scored by cce."
    assert s.set_activation(1, "relu") is None and s.network.loss == "cce"
    before = snapshot(s)
    with pytest.raises(InputError, match="offered for the output layer only"):
        s.set_activation(1, "softmax")
    with pytest.raises(InputError, match="single output is always 1"):
        s.set_dataset("xor")
    assert_unchanged(before, snapshot(s))
    assert s.add_layer().startswith("The network is now 2-2-2-3") and s.network.activations[-1] == "softmax"
