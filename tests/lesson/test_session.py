"""The explorer's state on its own, no widgets: stepping, training, editing, resetting.

Every figure is the seed's as it prints it; a printed figure is matched
within one unit of its last digit (the seed rounds its intermediates).  A
rejected operation must leave the session exactly as it was: the checks
compare arrays, the walkthrough object and the traits before and after.
"""

from __future__ import annotations

import numpy as np
import pytest

from explorer.engine.history import EVERY, parameters_of
from explorer.engine.presets import random_data, random_network, seed_network
from explorer.engine.training import train
from explorer.engine.validation import InputError
from explorer.lesson.session import Session
from explorer.lesson.walkthrough import PHASES

FORWARD = [
    ("net_h1", "0.3775"),
    ("out_h1", "0.593269992"),
    ("net_h2", "0.3925"),
    ("out_h2", "0.596884378"),
    ("net_o1", "1.105905967"),
    ("out_o1", "0.75136507"),
    ("net_o2", "1.2249214"),
    ("out_o2", "0.772928465"),
]
ERRORS = [("E_o1", "0.274811083"), ("E_o2", "0.023560026"), ("E_total", "0.298371109")]
UPDATED = {
    "w5": "0.35891648",
    "w6": "0.408666186",
    "w7": "0.51130127",
    "w8": "0.561370121",
    "w1": "0.149780716",
    "w2": "0.19956143",
    "w3": "0.24975114",
    "w4": "0.29950229",
}
#: E_total after one update: textbook order, and the seed's own summary figure (seed order)
ERROR_AFTER = {"textbook": "0.291027774", "seed": "0.291027924"}
STEPS = 53  # 8 forward, 3 error, 34 backward, 8 update


def close(value: float, printed: str) -> bool:
    """``value`` agrees with a figure printed to len(decimals) places."""
    decimals = len(printed.split(".")[1]) if "." in printed else 0
    return abs(value - float(printed)) <= 10.0**-decimals + 1e-12


def seed_weights():
    return [np.array([[0.15, 0.20], [0.25, 0.30]]), np.array([[0.40, 0.45], [0.50, 0.55]])]


def state(session: Session) -> dict:
    """Everything an operation could change, copied."""
    net = session.network
    return {
        "weights": [w.copy() for w in net.weights],
        "biases": [b.copy() for b in net.biases],
        "options": (net.learning_rate, net.order, net.update_biases, net.weight_decay, net.momentum),
        "inputs": session.inputs.copy(),
        "targets": session.targets.copy(),
        "walk": session.walk,
        "errors": session.errors.values.copy(),
        "traits": (session.step, session.iteration, session.learning_rate, session.revision),
    }


def assert_same(before: dict, after: dict) -> None:
    for a, b in zip(before["weights"] + before["biases"], after["weights"] + after["biases"]):
        assert np.array_equal(a, b)
    assert before["options"] == after["options"]
    assert np.array_equal(before["inputs"], after["inputs"])
    assert np.array_equal(before["targets"], after["targets"])
    assert before["walk"] is after["walk"]
    assert np.array_equal(before["errors"], after["errors"])
    assert before["traits"] == after["traits"]


@pytest.fixture
def session() -> Session:
    return Session()


# ------------------------------------------------------------------ building


def test_the_default_session_is_the_seed(session):
    assert np.array_equal(session.inputs, [[0.05, 0.10]])
    assert np.array_equal(session.targets, [[0.01, 0.99]])
    for got, want in zip(session.network.weights, seed_weights()):
        assert np.array_equal(got, want)
    assert [b.tolist() for b in session.network.biases] == [[0.35], [0.60]]
    assert session.learning_rate == 0.5 and session.network.learning_rate == 0.5
    assert (session.step, session.iteration, session.training) == (0, 0, False)
    assert session.current is None and session.phase is None and not session.finished
    assert len(session.walk) == STEPS
    assert len(session.errors) == 1 and close(session.errors.values[0], "0.298371109")


def test_another_shape():
    network = random_network((3, 4, 2), seed=1)
    inputs, targets = random_data(network, 1, seed=1)
    session = Session(network, inputs, targets)
    assert session.network.sizes == (3, 4, 2)
    assert session.walk.steps[0].symbol == "net_h1"
    assert {s.symbol for s in session.walk.steps} >= {"net_h4", "out_o2", "dE_total/dw20", "w20+"}
    assert "dE_total/dw21" not in {s.symbol for s in session.walk.steps}


@pytest.mark.parametrize("inputs, targets", [(None, None), ((0.05, 0.10), None), (None, (0.01, 0.99))])
def test_a_network_needs_inputs_and_targets(inputs, targets):
    with pytest.raises(InputError, match="inputs"):
        Session(seed_network(), inputs, targets)


def test_the_given_network_is_never_changed():
    network = seed_network()
    session = Session(network, (0.05, 0.10), (0.01, 0.99))
    session.finish_iteration()
    session.next_step()
    session.train(20)
    session.set_parameter("w5", "0.3")
    for got, want in zip(network.weights, seed_weights()):
        assert np.array_equal(got, want)


# ------------------------------------------------------------------ stepping


def test_stepping_through_the_forward_pass_and_the_errors(session):
    for k, (symbol, printed) in enumerate(FORWARD + ERRORS, start=1):
        session.next_step()
        assert session.step == k
        assert session.current.symbol == symbol
        assert close(session.current.value, printed), symbol
        assert session.phase == ("forward" if k <= len(FORWARD) else "error")
    values, updated = session.done_values()
    assert list(values) == [
        ("net", "h1"),
        ("out", "h1"),
        ("net", "h2"),
        ("out", "h2"),
        ("net", "o1"),
        ("out", "o1"),
        ("net", "o2"),
        ("out", "o2"),
        ("error", "o1"),
        ("error", "o2"),
        ("total_error", ""),
    ]
    assert updated == {}


def test_previous_step_goes_back_and_stops_at_zero(session):
    session.next_step()
    session.next_step()
    session.previous_step()
    assert session.step == 1 and session.current.symbol == "net_h1"
    session.previous_step()
    session.previous_step()
    assert session.step == 0 and session.current is None


def test_next_phase_lands_on_the_first_step_of_each_phase(session):
    seen = []
    for _ in PHASES:
        session.next_phase()
        seen.append((session.phase, session.current.symbol))
    assert seen == [("forward", "net_h1"), ("error", "E_o1"), ("backward", "dE_total/dout_o1"), ("update", "w5+")]
    session.next_phase()  # from the update phase: to its end
    assert session.finished and session.iteration == 0
    session.next_phase()  # from the end: the next iteration's first step
    assert (session.iteration, session.step, session.current.symbol) == (1, 1, "net_h1")


def test_next_phase_from_the_middle_of_a_phase(session):
    session.go_to(3)  # net_h2, in the forward pass
    session.next_phase()
    assert session.current.symbol == "E_o1"


def test_finish_iteration_shows_every_update(session):
    session.finish_iteration()
    assert session.finished and session.step == STEPS
    _values, updated = session.done_values()
    assert set(updated) == set(UPDATED)
    for name, printed in UPDATED.items():
        assert close(updated[name], printed), name
    # finishing does not apply the update yet
    for got, want in zip(session.network.weights, seed_weights()):
        assert np.array_equal(got, want)


def test_the_next_step_after_the_end_starts_iteration_two_from_the_updated_weights(session):
    session.finish_iteration()
    after = session.walk.after
    session.next_step()
    assert (session.iteration, session.step) == (1, 1)
    for got, want in zip(session.network.weights, after.weights):
        assert np.array_equal(got, want)
    assert close(session.network.weights[1][0, 0], UPDATED["w5"])
    assert session.walk.network is session.network
    assert len(session.errors) == 2
    assert close(session.errors.values[1], ERROR_AFTER["textbook"])
    # the forward pass now runs through w1+ and w2+: 0.149780716 * 0.05 + 0.19956143 * 0.1 + 0.35
    assert session.current.symbol == "net_h1"
    assert close(session.current.value, "0.377445179")


def test_reset_iteration_keeps_the_weights(session):
    session.finish_iteration()
    walk = session.walk
    session.reset_iteration()
    assert session.step == 0 and session.walk is walk and session.iteration == 0
    for got, want in zip(session.network.weights, seed_weights()):
        assert np.array_equal(got, want)


def test_go_to_any_step_and_refuse_others(session):
    session.go_to(16)
    assert session.current.symbol == "dE_total/dw5"
    assert close(session.current.value, "0.082167041")
    session.go_to(STEPS)
    assert session.finished
    for bad in (-1, STEPS + 1):
        before = state(session)
        with pytest.raises(InputError, match=f"0 to {STEPS}"):
            session.go_to(bad)
        assert_same(before, state(session))


def test_step_changes_notify_observers(session):
    seen = []
    session.observe(lambda change: seen.append(change["new"]), names="step")
    session.next_step()
    session.next_step()
    session.previous_step()
    session.go_to(10)
    assert seen == [1, 2, 1, 10]


def test_several_examples_take_turns_and_a_pass_counts_once():
    network = random_network((2, 3, 2), seed=4)
    inputs, targets = random_data(network, 2, seed=4)
    session = Session(network, inputs, targets)
    session.finish_iteration()
    session.start_next_iteration()
    assert (session.example, session.iteration, len(session.errors)) == (1, 0, 1)
    assert np.array_equal(session.walk.inputs, inputs[1])
    session.finish_iteration()
    session.start_next_iteration()
    assert (session.example, session.iteration, len(session.errors)) == (0, 1, 2)
    assert np.isclose(session.errors.values[1], session.dataset_error())


# ------------------------------------------------------------------ training


def test_training_continues_the_run(session):
    session.go_to(5)
    assert session.train(200) is None
    assert session.iteration == 200 and session.step == 0
    errors = session.errors.values
    assert len(errors) == 201
    assert close(errors[0], "0.298371109") and close(errors[1], ERROR_AFTER["textbook"])
    assert np.all(np.diff(errors) < 0)
    assert errors[-1] < 0.01
    assert session.walk.network is session.network
    assert np.isclose(session.walk.steps[10].value, errors[-1], rtol=0, atol=1e-15)  # E_total
    session.train(100)
    assert session.iteration == 300 and len(session.errors) == 301


def test_stepping_and_training_share_one_curve(session):
    session.finish_iteration()
    session.next_step()
    stepped = session.errors.values.copy()
    session.train(3)
    reference = Session()
    reference.train(4)
    assert np.array_equal(session.errors.values[:2], stepped)
    assert np.allclose(session.errors.values, reference.errors.values, rtol=0, atol=1e-15)


def _diverging(rate: float) -> Session:
    # linear neurons and inputs 3, 4: each update overshoots more than the last
    return Session(seed_network(activations="linear", learning_rate=rate), (3, 4), (0.01, 0.99))


def test_a_diverging_rate_reports_the_iteration():
    session = _diverging(0.5)
    diverged = session.train(2000)
    assert diverged == session.iteration and 0 < diverged < 50
    assert not np.isfinite(session.errors.values[-1])
    assert np.all(np.isfinite(session.errors.values[:-1]))
    assert session.walk.network is session.network


@pytest.mark.parametrize("rate", [1.0, 2.0, 5.0])
def test_every_diverging_rate_is_reported_quietly(rate):
    session = _diverging(rate)
    diverged = session.train(2000)
    assert diverged == session.iteration and 0 < diverged < 50
    assert session.walk.network is session.network


# ------------------------------------------------------------------- editing

BAD_NUMBERS = ["abc", "", "   ", "nan", "inf", "-inf", "1e999", "101", "-100.5", "2*3", True]


@pytest.mark.parametrize("bad", BAD_NUMBERS)
@pytest.mark.parametrize(
    "edit, field",
    [
        (lambda s, text: s.set_parameter("w5", text), "w5"),
        (lambda s, text: s.set_parameter("b1", text), "b1"),
        (lambda s, text: s.set_input(0, text), "i1"),
        (lambda s, text: s.set_target(1, text), "target o2"),
    ],
)
def test_a_bad_edit_names_its_field_and_range_and_changes_nothing(session, edit, field, bad):
    session.go_to(7)
    before = state(session)
    with pytest.raises(InputError) as caught:
        edit(session, bad)
    assert caught.value.field == field
    assert "-100 to 100" in caught.value.message
    assert_same(before, state(session))


def test_a_good_edit_restarts_the_iteration_and_keeps_the_curve(session):
    session.train(5)
    session.go_to(12)
    errors, revision = session.errors.values.copy(), session.revision
    session.set_parameter("w5", " 0.3 ")
    assert session.network.parameters()["w5"] == 0.3
    assert session.step == 0 and session.revision == revision + 1
    assert np.array_equal(session.errors.values, errors)
    assert session.walk.network is session.network
    session.go_to(5)
    assert session.current.symbol == "net_o1"
    out_h1, out_h2 = session.walk.value("out_h1"), session.walk.value("out_h2")
    w6 = session.network.parameters()["w6"]
    b2 = session.network.parameters()["b2"]
    assert session.current.value == pytest.approx(0.3 * out_h1 + w6 * out_h2 + b2, abs=1e-15)


def test_editing_inputs_and_targets(session):
    session.set_input(1, "-2.5")
    session.set_target(0, "0.5")
    assert np.array_equal(session.inputs, [[0.05, -2.5]])
    assert np.array_equal(session.targets, [[0.5, 0.99]])
    assert np.array_equal(session.walk.inputs, [0.05, -2.5])
    assert session.walk.value("net_h1") == pytest.approx(0.15 * 0.05 + 0.2 * -2.5 + 0.35, abs=1e-15)
    assert session.walk.value("E_o1") == pytest.approx(0.5 * (0.5 - session.walk.value("out_o1")) ** 2)


@pytest.mark.parametrize("bad", ["abc", "", "nan", "inf", "0", "-1", "20", "0.0009", "10.5"])
def test_a_bad_learning_rate_is_refused(session, bad):
    session.go_to(46)
    before = state(session)
    with pytest.raises(InputError) as caught:
        session.set_learning_rate(bad)
    assert caught.value.field == "Learning rate"
    assert "0.001 to 10" in caught.value.message
    assert_same(before, state(session))


def test_a_learning_rate_keeps_the_step_and_changes_the_update(session):
    session.go_to(46)  # w5+
    session.set_learning_rate("0.25")
    assert session.learning_rate == 0.25 and session.network.learning_rate == 0.25
    assert session.step == 46 and session.current.symbol == "w5+"
    assert r"0.4 - 0.25 \cdot 0.082167041" in session.current.latex
    assert close(session.current.value, "0.37945824")
    for edge in ("0.001", "10", 0.001, 10):
        session.set_learning_rate(edge)
        assert session.learning_rate == float(edge)


def test_the_seed_order_propagates_through_updated_weights(session):
    session.set_order("seed")
    assert session.network.order == "seed" and session.step == 0
    assert close(session.walk.value("dnet_o1/dout_h1"), "0.35891648")
    assert close(session.walk.error_after, ERROR_AFTER["seed"])
    session.set_order("textbook")
    assert session.walk.value("dnet_o1/dout_h1") == 0.4
    before = state(session)
    with pytest.raises(InputError, match="textbook, seed"):
        session.set_order("backwards")
    assert_same(before, state(session))


def test_updating_biases_adds_their_steps(session):
    symbols = {s.symbol for s in session.walk.steps}
    assert "dE_total/db1" not in symbols
    session.set_update_biases(True)
    steps = {s.symbol: s for s in session.walk.steps}
    assert {"dE_total/db1", "dE_total/db2", "b1+", "b2+"} <= set(steps)
    assert len(session.walk) == STEPS + 4
    assert steps["b2+"].value == pytest.approx(0.60 - 0.5 * steps["dE_total/db2"].value, abs=1e-15)
    assert session.walk.after.biases[0][0] == steps["b1+"].value != 0.35
    session.set_update_biases(False)
    assert len(session.walk) == STEPS


# ------------------------------------------------------------------ resetting


def test_reset_weights_restores_exactly_the_initial_weights(session):
    session.train(300)
    session.set_parameter("w1", "-7")
    session.set_parameter("b2", "3")
    session.set_learning_rate("0.1")
    session.go_to(9)
    session.reset_weights()
    for got, want in zip(session.network.weights, seed_weights()):
        assert np.array_equal(got, want)
    assert [b.tolist() for b in session.network.biases] == [[0.35], [0.60]]
    assert session.network.learning_rate == 0.1  # options stay as they are
    assert (session.step, session.iteration, len(session.errors)) == (0, 0, 1)
    assert close(session.errors.values[0], "0.298371109")
    assert session.walk.network is session.network


def test_reset_weights_of_another_shape():
    network = random_network((3, 4, 2), seed=1)
    inputs, targets = random_data(network, 1, seed=1)
    session = Session(network, inputs, targets)
    session.train(50)
    session.reset_weights()
    for got, want in zip(session.network.weights + session.network.biases, network.weights + network.biases):
        assert np.array_equal(got, want)


# ----------------------------------------------- looking back at the run


def assert_same_parameters(a, b) -> None:
    np.testing.assert_array_equal(parameters_of(a), parameters_of(b))
    assert (a.learning_rate, a.order, a.update_biases) == (b.learning_rate, b.order, b.update_biases)


@pytest.mark.parametrize("iteration", [0, 1, EVERY - 1, EVERY, EVERY + 1, 5 * EVERY + 17, 1000])
def test_any_iteration_equals_a_straight_run(iteration):
    session = Session()
    session.train(1000)
    start = seed_network()
    expected = train(start, session.inputs, session.targets, iteration).network
    assert_same_parameters(session.history.network_at(iteration), expected)


def test_thinned_checkpoints_still_give_exact_parameters():
    session = Session()
    # room for 6 checkpoints of the seed's 10 parameters: the spacing doubles as the run grows
    session.history.budget_bytes = 6 * 10 * 8
    session.train(2000)
    history = session.history
    assert history.nbytes <= 6 * 10 * 8
    assert history.segments[0].every >= 2000 // 6
    for iteration in (0, 333, 1999, 2000):
        expected = train(seed_network(), session.inputs, session.targets, iteration).network
        assert_same_parameters(history.network_at(iteration), expected)


def test_iterations_before_an_edit_keep_their_own_network():
    session = Session()
    session.train(120)
    before_edit = session.network.copy()
    session.set_parameter("w5", "0.3")
    session.set_learning_rate("0.8")
    session.train(80)
    edited = before_edit.with_parameter("w5", "0.3").with_options(learning_rate=0.8)
    assert_same_parameters(
        session.history.network_at(100), train(seed_network(), session.inputs, session.targets, 100).network
    )
    assert_same_parameters(session.history.network_at(120), edited)
    assert_same_parameters(session.history.network_at(175), train(edited, session.inputs, session.targets, 55).network)


def test_back_to_iteration_one_after_ten_thousand():
    session = Session()
    session.train(10_000)
    assert session.trained == 10_000
    session.go_to_iteration("1")
    assert (session.iteration, session.step, session.trained) == (0, 0, 10_000)
    assert session.network.parameters()["w5"] == 0.4
    session.next_step()
    assert session.current.symbol == "net_h1" and f"{session.current.value:.4f}" == "0.3775"
    session.go_to_iteration(5_001)
    expected = train(seed_network(), session.inputs, session.targets, 5_000).network
    assert_same_parameters(session.network, expected)
    assert session.trained == 10_000  # looking back forgets nothing


@pytest.mark.parametrize("bad", ["0", "10002", "-1", "1.5", "abc", "", True, None])
def test_go_to_iteration_rejects_and_changes_nothing(bad):
    session = Session()
    session.train(10_000)
    session.next_step()
    before = (session.iteration, session.step, session.walk, parameters_of(session.network).copy())
    with pytest.raises(InputError) as error:
        session.go_to_iteration(bad)
    assert "Iteration" in str(error.value) and "1 to 10,001" in str(error.value)
    assert before[:3] == (session.iteration, session.step, session.walk)
    np.testing.assert_array_equal(before[3], parameters_of(session.network))


def test_previous_step_at_step_zero_opens_the_previous_iteration():
    session = Session()
    session.finish_iteration()
    session.next_step()  # the update is applied: iteration 1, step 1
    assert (session.iteration, session.step) == (1, 1)
    session.previous_step()
    session.previous_step()
    assert (session.iteration, session.step) == (0, len(session.walk))
    assert session.finished and session.network.parameters()["w5"] == 0.4
    assert session.trained == 1
    session.reset_iteration()
    session.previous_step()  # nothing before iteration 0
    assert (session.iteration, session.step) == (0, 0)


def test_previous_step_walks_back_through_the_examples_of_a_pass():
    net = random_network((2, 3, 2), seed=3)
    x, t = random_data(net, examples=3, seed=3)
    session = Session(net, x, t)
    for _ in range(3):  # one full pass: three examples, one update each
        session.finish_iteration()
        session.next_step()
    assert (session.iteration, session.example, session.step) == (1, 0, 1)
    session.previous_step()
    session.previous_step()
    assert (session.iteration, session.example, session.finished) == (0, 2, True)
    stepped_back = session.network
    session.previous_step()  # last step of example 2 -> one step earlier, same example
    session.reset_iteration()
    session.previous_step()
    assert (session.iteration, session.example, session.finished) == (0, 1, True)
    # example 2 started from the network after the updates for examples 0 and 1
    session.next_step()
    assert session.example == 2
    assert_same_parameters(session.network, stepped_back)


def test_stepping_on_from_a_looked_back_iteration_keeps_the_run():
    session = Session()
    session.train(30)
    errors = session.errors.values.copy()
    session.go_to_iteration(11)
    session.finish_iteration()
    session.next_step()
    assert (session.iteration, session.trained) == (11, 30)
    np.testing.assert_array_equal(session.errors.values, errors)


def test_training_from_a_looked_back_iteration_forgets_what_came_after():
    session = Session()
    session.train(300)
    session.go_to_iteration(101)
    session.train(50)
    assert session.trained == session.iteration == 150
    straight = train(seed_network(), session.inputs, session.targets, 150)
    np.testing.assert_allclose(session.errors.values, straight.errors, rtol=1e-12)
    assert_same_parameters(session.history.network_at(150), straight.network)


def test_a_saved_look_back_reopens_at_that_iteration_and_reaches_no_further_back():
    from explorer.lesson import savefile

    session = Session()
    session.train(300)
    session.go_to_iteration(101)  # looking back: the file holds iteration 100's network and run
    saved = savefile.loads(savefile.dumps(session))
    assert saved.session.iteration == 100 and len(saved.session.errors) == 101
    reopened = Session()
    reopened.restore(saved.session)
    assert reopened.history.first == 100 and reopened.trained == 100
    with pytest.raises(InputError, match="from 101 to 101"):
        reopened.go_to_iteration(50)
    reopened.previous_step()  # nothing before the file's iteration
    assert (reopened.iteration, reopened.step) == (100, 0)
    reopened.train(20)
    expected = train(seed_network(), session.inputs, session.targets, 120).network
    np.testing.assert_allclose(
        parameters_of(reopened.history.network_at(110)),
        parameters_of(train(seed_network(), session.inputs, session.targets, 110).network),
        rtol=1e-12,
    )
    np.testing.assert_allclose(parameters_of(reopened.network), parameters_of(expected), rtol=1e-12)


# --------------------------------------------------------- the Iteration field

#: Text the Iteration field refuses, one of each kind, and why it is refused.
BAD_ITERATIONS = [
    ("\u00b3", "a superscript digit"),
    ("\u2460", "a circled digit"),
    ("\u0663", "an Arabic-Indic digit"),
    ("1,0", "a thousands separator not before three digits"),
    ("1_0", "an underscore not before three digits"),
    ("\x1f3", "a control character before a number"),
    ("3\x00", "a NUL after a number"),
    ("\u00a03", "a no-break space before a number"),
    ("3\u00a0", "a no-break space after a number"),
    ("1" * 5000, "5,000 digits"),
    ("7" * 1_000_000, "a megabyte of text"),
    ("1.5", "a fraction"),
    ("+3", "a sign"),
]


def looked_at(session: Session) -> dict:
    """What opening an iteration could change, copied: ``state`` and the run's position."""
    return {
        **state(session),
        "position": (session.example, session.trained, session.diverged_at, session.history.next_due()),
        "parameters": parameters_of(session.network).copy(),
    }


@pytest.mark.parametrize("bad, why", BAD_ITERATIONS, ids=[why for _bad, why in BAD_ITERATIONS])
def test_the_iteration_field_refuses_with_a_short_message_and_changes_nothing(bad, why):
    session = Session()
    session.train(20)
    session.go_to_iteration("6")
    session.go_to(4)
    before = looked_at(session)
    with pytest.raises(InputError) as caught:
        session.go_to_iteration(bad)
    message = str(caught.value)
    assert caught.value.field == "Iteration"
    assert message.startswith("Iteration: enter a whole number from 1 to 21 (got "), message
    # the input is quoted in at most 40 characters, so the message stays one short line
    assert len(message) <= len("Iteration: enter a whole number from 1 to 21 (got ''), more than 24 characters)") + 40
    after = looked_at(session)
    assert_same(before, after)
    assert before["position"] == after["position"]
    np.testing.assert_array_equal(before["parameters"], after["parameters"])


@pytest.mark.parametrize("good, iteration", [("3", 2), (" 21 ", 20), ("\t1\n", 0), (7, 6), (7.0, 6)])
def test_the_iteration_field_takes_whole_numbers_as_every_field_does(good, iteration):
    session = Session()
    session.train(20)
    session.go_to_iteration(good)
    assert (session.iteration, session.step, session.trained) == (iteration, 0, 20)


def test_the_iteration_field_takes_thousands_separators_in_groups_of_three():
    session = Session()
    session.train(1_000)
    for text in ("1,000", "1_000"):
        session.go_to_iteration(text)
        assert session.iteration == 999


@pytest.mark.parametrize(
    ("field", "bad", "accepted"),
    [
        ("Weight decay", "-0.1", "from 0 to 1"),
        ("Weight decay", "abc", "from 0 to 1"),
        ("Weight decay", "1.5", "from 0 to 1"),
        ("Momentum", "1", "from 0 up to (not including) 1"),
        ("Momentum", "nan", "from 0 up to (not including) 1"),
        ("Momentum", "", "from 0 up to (not including) 1"),
    ],
)
def test_a_bad_weight_decay_or_momentum_is_refused_and_changes_nothing(session, field, bad, accepted):
    session.go_to(46)
    before = state(session)
    rule = {"weight_decay": bad} if field == "Weight decay" else {"momentum": bad}
    with pytest.raises(InputError) as caught:
        session.set_update_rule(**rule)
    assert caught.value.field == field and accepted in caught.value.message
    assert_same(before, state(session))


def test_weight_decay_and_momentum_keep_the_step_and_change_the_update_like_a_rate(session):
    session.go_to(46)  # w5+
    session.set_update_rule(weight_decay="0.01")
    assert session.step == 46 and session.current.symbol == "w5+" and r"\lambda" in session.current.latex
    session.set_update_rule(momentum="0.9")
    assert session.network.weight_decay == 0.01 and session.network.momentum == 0.9
    assert r"\mu v_{w_{5}}" in session.current.latex
    session.set_update_rule(weight_decay=0, momentum=0)
    assert session.current.latex.endswith(r"0.4 - 0.5 \cdot 0.082167041 = 0.35891648")


def test_the_seeds_order_and_the_update_rule_refuse_each_other_naming_the_field_changed(session):
    session.set_update_rule(momentum="0.5")
    before = state(session)
    with pytest.raises(InputError, match="plain gradient descent") as caught:
        session.set_order("seed")
    assert caught.value.field == "Update order"
    assert_same(before, state(session))
    session.set_update_rule(momentum=0)
    session.set_order("seed")
    before = state(session)
    for rule, field in ((dict(weight_decay="0.1"), "Weight decay"), (dict(momentum="0.1"), "Momentum")):
        with pytest.raises(InputError, match="textbook Update order") as caught:
            session.set_update_rule(**rule)
        assert caught.value.field == field
        assert_same(before, state(session))


@pytest.mark.parametrize("mode", ["online", "batch"])
def test_under_momentum_opening_an_iteration_equals_training_straight_to_it(mode):
    network = random_network((2, 3, 2), seed=4).with_options(momentum=0.9, weight_decay=0.001)
    x, t = random_data(network, 3, seed=4)
    session = Session(network, x, t)
    session.set_mode(mode)
    session.train(3 * EVERY + 7)
    for k in (1, EVERY + 1, 2 * EVERY + 30):
        session.go_to_iteration(k + 1)  # the walkthrough of iteration k + 1 starts from the network after k
        straight = train(network, x, t, k, mode=mode, backend="numpy").network
        np.testing.assert_allclose(session.network.flat_state(), straight.flat_state(), rtol=0, atol=1e-12)
    session.finish_iteration()
    session.next_step()  # stepping on by hand carries the velocities too
    if mode == "batch":
        straight = train(network, x, t, 2 * EVERY + 31, mode=mode, backend="numpy").network
        np.testing.assert_allclose(session.network.flat_state(), straight.flat_state(), rtol=0, atol=1e-12)


def test_reset_weights_keeps_the_rule_and_forgets_the_velocities(session):
    session.set_update_rule(weight_decay="0.001", momentum="0.5")
    session.train(5)
    assert session.network.velocity is not None
    session.reset_weights()
    assert (session.network.weight_decay, session.network.momentum) == (0.001, 0.5)
    assert session.network.velocity is None
