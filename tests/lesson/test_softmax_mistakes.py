"""The quiz's softmax mistakes: each worked out on the network shown, and named for a wrong answer."""

from __future__ import annotations

import math

import pytest

from explorer.engine.presets import random_data, random_network, seed_network
from explorer.lesson.mistakes import MISTAKES, mistakes
from explorer.lesson.walkthrough import walkthrough


def found(walk, symbol):
    step = next(s for s in walk.steps if s.symbol == symbol)
    return {m.key: m.value for m in mistakes(walk, step)}


@pytest.fixture
def walk():
    network = seed_network(activations=["sigmoid", "softmax"], loss="cce")
    return walkthrough(network, [0.05, 0.10], [0.01, 0.99])


def test_treating_the_outputs_as_independent(walk):
    out1 = walk.value("out_o1")
    expected = (out1 - 0.01) * out1 * (1 - out1)
    assert found(walk, "dE_total/dnet_o1")["independent"] == pytest.approx(expected, rel=1e-12)
    assert found(walk, "dE_total/dw5")["independent"] == pytest.approx(expected * walk.value("out_h1"), rel=1e-12)
    assert "independent" in MISTAKES


def test_dropping_the_cross_terms(walk):
    out2 = walk.value("out_o2")
    # dE/dout_o2 times the diagonal only: -t_o2 / out_o2 * out_o2 (1 - out_o2) = -0.99 (1 - out_o2)
    assert found(walk, "dE_total/dnet_o2")["cross_terms"] == pytest.approx(-0.99 * (1 - out2), rel=1e-12)
    assert found(walk, "dE_total/dw8")["cross_terms"] == pytest.approx(
        -0.99 * (1 - out2) * walk.value("out_h2"), rel=1e-12
    )


def test_flipping_the_sign_of_the_log(walk):
    assert found(walk, "E_o2")["log_sign"] == pytest.approx(0.99 * math.log(walk.value("out_o2")), rel=1e-12)
    assert found(walk, "E_total")["log_sign"] == pytest.approx(-walk.value("E_total"), rel=1e-12)


def test_no_softmax_mistake_where_it_does_not_apply():
    network = seed_network()
    walk = walkthrough(network, [0.05, 0.10], [0.01, 0.99])
    keys = {m.key for s in walk.steps for m in mistakes(walk, s)}
    assert not keys & {"independent", "cross_terms", "log_sign"}
    # a hidden layer's gradient under softmax outputs: the usual ones only
    deep = random_network((2, 3, 3), seed=2, activations=["sigmoid", "softmax"], loss="cce")
    x, t = random_data(deep, 1, 2)
    walk = walkthrough(deep, x[0], t[0])
    assert not {"independent", "cross_terms"} & set(found(walk, "dE_total/dw1"))


def test_the_quiz_names_each_softmax_mistake():
    from explorer.lesson.quiz import Quiz
    from explorer.lesson.session import Session

    session = Session()
    session.set_loss("cce")
    quiz = Quiz(session)
    quiz.active = True
    named = set()
    for step in session.walk.steps:
        session.next_step()
        for mistake in mistakes(session.walk, step):
            named.update(x.key for x in quiz.check(f"{mistake.value:#.6g}").mistakes)
        quiz.reveal()
    assert {"independent", "cross_terms", "log_sign"} <= named
