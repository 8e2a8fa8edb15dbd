"""The session-file loader: every field checked before anything is built, and Save writes only what Load reads.

The round trip is a property: random states a person can reach (datasets,
architectures, bias modes, activations, losses, orders, modes, training,
stepping, kept curves with any label) save and load back to the same snapshot.
"""

from __future__ import annotations

import contextlib
import json

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from explorer.engine import validation as v
from explorer.engine.datasets import NAMES as DATASETS
from explorer.engine.functions import ACTIVATIONS as ACTIVATION_RECORDS
from explorer.engine.functions import LOSSES as LOSS_RECORDS
from explorer.lesson import loader, savefile
from explorer.lesson.session import Session


def snapshot(s: Session) -> dict:
    """Everything a session holds that a person can see or go back to."""
    return {
        "network": s.network.to_dict(),
        "parameters": [a.tolist() for a in (*s.network.weights, *s.network.biases)],
        "state": s.network.flat_state().tolist(),  # momentum's velocities too
        "initial": (s.initial.bias_mode, [a.tolist() for a in (*s.initial.weights, *s.initial.biases)]),
        "data": (s.inputs.tolist(), s.targets.tolist(), s.dataset),
        "options": (s.mode, s.seed, s.learning_rate),
        "position": (s.example, s.iteration, s.step, s.diverged_at),
        "errors": s.errors.values[: s.iteration + 1].tolist(),
    }


def good_document() -> dict:
    s = Session()
    s.train(3)
    kept = [savefile.KeptCurve("eta = 0.5 (3 it.)", np.array([0.0, 1, 2]), np.array([0.3, 0.2, 0.1]))]
    return json.loads(savefile.dumps(s, kept))


def text_of(change) -> str:
    document = good_document()
    change(document)
    return json.dumps(document, separators=(",", ":"))


def refused(text: str) -> str:
    with pytest.raises(savefile.SaveFileError) as error:
        savefile.loads(text)
    message = str(error.value)
    assert "\n" not in message and len(message) <= 200, message[:300]
    return message


# ------------------------------------------------------------- one class each
def test_a_number_beyond_a_float_anywhere_is_refused_before_anything_is_built():
    good = json.dumps(good_document(), separators=(",", ":"))
    for before, after in [('"iterations":[0.0', '"iterations":[1e400'), ('"errors":[0.2', '"errors":[1e400')]:
        assert before in good
        assert "1e400" in refused(good.replace(before, after, 1))


@pytest.mark.parametrize("digits", [400, 5_000])
def test_huge_integers_are_refused_without_converting_them(digits):
    good = json.dumps(good_document(), separators=(",", ":"))
    huge = "9" * digits
    swaps = [('"seed":0', '"seed":' + huge), ('"errors":[', f'"errors":[{huge},'), ('"step":0', '"step":-' + huge)]
    for before, after in swaps:
        assert before in good
        assert f"{digits:,} digits" in refused(good.replace(before, after, 1))


def test_ragged_kept_curves_and_weights_are_refused():
    assert "iterations[1]: expected a number" in refused(
        text_of(lambda d: d["curves"]["kept"][0].update(iterations=[0, [1], 2]))
    )
    assert "network.weights[0][1]" in refused(text_of(lambda d: d["network"]["weights"][0].__setitem__(1, [0.1])))


@pytest.mark.parametrize(
    "change, expected",
    [
        (lambda d: d.update(version=True), "version true"),
        (lambda d: d.update(version=1.0), "version 1.0"),
        (lambda d: d["network"].update(layers=["2", "2", "2"]), "network.layers[0]: expected a whole number"),
        (lambda d: d["network"].update(learning_rate="0.5"), "network.learning_rate: expected a number"),
        (lambda d: d["network"].update(update_biases=0), "network.update_biases: expected true or false"),
        (lambda d: d["training"].update(seed="7"), "training.seed"),
        (lambda d: (d["network"].update(order="seed"), d["training"].update(mode="batch")), "training.mode"),
    ],
)
def test_what_the_panel_refuses_the_file_cannot_hold(change, expected):
    assert expected in refused(text_of(change))


@pytest.mark.parametrize("key", ["version", "format", "loss", "label", "dataset"])
def test_a_100000_character_string_is_quoted_in_40_characters(key):
    long = "x" * 100_000

    def change(d):
        {
            "version": lambda: d.update(version=long),
            "format": lambda: d.update(format=long),
            "loss": lambda: d["network"].update(loss=long),
            "label": lambda: d["curves"]["kept"][0].update(label=long),
            "dataset": lambda: d["training"].update(dataset=long),
        }[key]()

    message = refused(text_of(change))
    assert "x" * (v.QUOTE_LIMIT + 1) not in message


def test_per_neuron_biases_save_and_load_back():
    s = Session()
    s.set_bias_mode("per-neuron")  # the initial weights keep their one shared bias a layer
    s.train(2)
    loaded = savefile.loads(savefile.dumps(s)).session
    assert snapshot(loaded) == snapshot(s)
    loaded.reset_weights(), s.reset_weights()
    assert snapshot(loaded) == snapshot(s)


def test_files_without_initial_bias_mode_still_load():
    text = text_of(lambda d: d["initial"].pop("bias_mode"))
    assert savefile.loads(text).session.initial.bias_mode == "shared"


def moving_session() -> Session:
    s = Session()
    s.set_update_rule(weight_decay="0.001", momentum="0.9")
    s.train(7)
    s.next_step()
    return s


def test_weight_decay_momentum_and_the_velocities_save_and_the_run_goes_on_the_same():
    s = moving_session()
    document = json.loads(savefile.dumps(s))
    assert (document["network"]["weight_decay"], document["network"]["momentum"]) == (0.001, 0.9)
    assert "velocity" in document["network"]
    loaded = savefile.loads(json.dumps(document)).session
    assert snapshot(loaded) == snapshot(s)
    loaded.train(20), s.train(20)
    assert snapshot(loaded) == snapshot(s)
    assert loaded.network.velocity is not None


def test_files_without_the_update_rule_load_as_plain_gradient_descent():
    def strip(document):
        for key in ("weight_decay", "momentum"):
            document["network"].pop(key)

    loaded = savefile.loads(text_of(strip)).session
    assert (loaded.network.weight_decay, loaded.network.momentum, loaded.network.velocity) == (0.0, 0.0, None)


@pytest.mark.parametrize(
    ("path", "value", "expected"),
    [
        (["weight_decay"], 1.5, "network.weight_decay: enter a number from 0 to 1"),
        (["weight_decay"], "0.1", "network.weight_decay: expected a number"),
        (["momentum"], 1, "network.momentum: enter a number from 0 up to (not including) 1"),
        (["momentum"], -0.5, "network.momentum: enter a number from 0 up to"),
        (["momentum"], None, "network.momentum: expected a number"),
        (["order"], "seed", "the seed's order goes with plain gradient descent"),
        (["velocity", "weights"], [[[0.0, 0.0]]], "network.velocity.weights: expected a list of 2 layers"),
        (["velocity", "weights", 0], [[0.0, 0.0]], "network.velocity.weights[0]: expected 2 rows"),
        (["velocity", "biases", 1], [0.0, 0.0], "network.velocity.biases[1]: expected 1 numbers"),
        (["velocity", "biases", 0, 0], "x", "network.velocity.biases[0][0]: expected a number"),
        (["velocity", "weights", 0, 0, 0], 1e300, "network.velocity.weights[0][0][0]"),
        (["velocity"], [], "network.velocity: expected an object"),
    ],
)
def test_a_bad_update_rule_or_velocity_is_refused_naming_the_field(path, value, expected):
    document = json.loads(savefile.dumps(moving_session()))
    target = document["network"]
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = value
    assert expected in refused(json.dumps(document))


# ------------------------------------------------------------- round trip
ACTIONS = st.lists(
    st.one_of(
        st.tuples(st.just("dataset"), st.sampled_from([n for n in DATASETS if n != "table"])),
        st.tuples(st.just("table"), st.sampled_from(["1,2,0\n3,4,1", "0.5,-1,0.25,1\n-0.5,1,0.75,0"])),
        st.tuples(st.just("hidden"), st.lists(st.integers(1, 4), max_size=3)),
        st.tuples(st.just("bias"), st.sampled_from(["shared", "per-neuron"])),
        st.tuples(st.just("activation"), st.sampled_from(list(ACTIVATION_RECORDS))),  # softmax too
        st.tuples(st.just("loss"), st.sampled_from(list(LOSS_RECORDS))),
        st.tuples(st.just("order"), st.sampled_from(["textbook", "seed"])),
        st.tuples(st.just("mode"), st.sampled_from(["online", "batch"])),
        st.tuples(st.just("update_biases"), st.booleans()),
        st.tuples(st.just("rate"), st.sampled_from([0.001, 0.1, 0.5, 2.5, 10.0])),
        st.tuples(st.just("seed"), st.integers(0, 2**32 - 1)),
        st.tuples(st.just("decay"), st.sampled_from([0.0, 0.001, 0.3])),
        st.tuples(st.just("momentum"), st.sampled_from([0.0, 0.5, 0.95])),
        st.tuples(st.just("train"), st.integers(1, 30)),
        st.tuples(st.just("step"), st.integers(1, 12)),
        st.tuples(st.just("back"), st.integers(1, 5)),
    ),
    max_size=8,
)
LABELS = st.text(max_size=loader.MAX_LABEL) | st.sampled_from([r"$\frac{$", "<b>x</b>", "$$", "eta = 0.5"])


def act(s: Session, action: str, value: object) -> None:
    """One thing a person can do in the panel, through the session as the panel calls it."""
    calls = {
        "dataset": lambda: s.set_dataset(value),
        "table": lambda: s.set_dataset("table", value, 2),
        "hidden": lambda: s.set_hidden(value),
        "bias": lambda: s.set_bias_mode(value),
        "activation": lambda: s.set_activation(len(s.network.activations), value),
        "loss": lambda: s.set_loss(value),
        "order": lambda: s.set_order(value),
        "mode": lambda: s.set_mode(value),
        "update_biases": lambda: s.set_update_biases(value),
        "rate": lambda: s.set_learning_rate(value),
        "decay": lambda: s.set_update_rule(weight_decay=value),
        "momentum": lambda: s.set_update_rule(momentum=value),
        "seed": lambda: s.randomize(value),
        "train": lambda: s.train(value),
        "step": lambda: [s.next_step() for _ in range(value)],
        "back": lambda: s.go_to_iteration(max(1, s.trained + 1 - value)),
    }
    with contextlib.suppress(v.InputError):  # refused in the panel too: not a reachable state
        calls[action]()


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(ACTIONS, st.lists(LABELS, max_size=loader.MAX_KEPT), st.booleans())
def test_every_reachable_state_saves_and_loads_back_the_same(actions, labels, log_scale):
    s = Session()
    for action, value in actions:
        act(s, action, value)
    kept = [
        savefile.KeptCurve(label, np.arange(k + 2, dtype=float), np.linspace(1.0, 0.1, k + 2))
        for k, label in enumerate(labels)
    ]
    try:
        text = savefile.dumps(s, kept, log_scale)
    except v.InputError as error:  # a diverged run: Save says so, in one line
        assert "diverged" in str(error)
        return
    saved = savefile.loads(text)
    assert snapshot(saved.session) == snapshot(s)
    assert saved.log_scale == log_scale
    assert [(c.label, c.iterations.tolist(), c.errors.tolist()) for c in saved.kept] == [
        (c.label, c.iterations.tolist(), c.errors.tolist()) for c in kept
    ]
    assert savefile.dumps(saved.session, saved.kept, saved.log_scale) == text
