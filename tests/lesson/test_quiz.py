"""The quiz's rules, headless: checking, the classic mistakes named, bad text, the score, the gate.

A :class:`Quiz` follows a :class:`Session`; the tests step the session and
answer as a student would, typing numbers as text.
"""

from __future__ import annotations

import itertools

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from explorer.engine.datasets import dataset
from explorer.engine.presets import random_data, random_network
from explorer.engine.validation import InputError
from explorer.lesson import mistakes as m
from explorer.lesson.quiz import DEFAULT_PRECISION, PRECISIONS, Quiz, parse_answer
from explorer.lesson.session import Session

BAD_TEXT = [
    "",
    "   ",
    "abc",
    "0.5x",
    "inf",
    "-inf",
    "nan",
    "Infinity",
    "1e999",
    "1e-400",
    "2*3",
    "0.5.5",
    "--1",
    "1e",
    "0x10",
    "½",
    "\u0661",
    "__import__('os')",
    "1,5",
    None,
    "0.1 0.2",
    "9" * 100,
]


def typed(value: float, figures: int) -> str:
    """``value`` written to ``figures`` significant figures, trailing zeros kept (0.400000)."""
    return f"{value:#.{figures}g}"


def quiz_on(session: Session | None = None) -> Quiz:
    quiz = Quiz(session or Session())
    quiz.active = True
    return quiz


def state(quiz: Quiz) -> tuple:
    """Everything an answer could change."""
    return (
        quiz.session.step,
        dict(quiz.outcomes),
        {k: set(v) for k, v in quiz._wrong.items()},
        set(quiz.hinted),
        set(quiz.shown),
        quiz.score_text(),
        quiz.reachable,
    )


def random_sessions():
    for sizes, act, loss, bias_mode, order in [
        ((3, 4, 2), "tanh", "mse", "per-neuron", "seed"),
        ((2, 3, 3, 2), "relu", "squared", "shared", "textbook"),
        ((1, 2, 1), "softplus", "squared", "per-neuron", "textbook"),
        ((2, 2, 3), "sigmoid", "bce", "shared", "seed"),
        ((4, 3, 2), "leaky_relu", "squared", "shared", "seed"),
    ]:
        acts = [act] * (len(sizes) - 2) + ["sigmoid"] if loss == "bce" else act
        network = random_network(
            sizes, seed=len(sizes), bias_mode=bias_mode, activations=acts, loss=loss, order=order, update_biases=True
        )
        x, t = random_data(network, seed=3)
        yield pytest.param(
            lambda n=network, x=x, t=t: Session(n, x, t),
            id=f"{'-'.join(map(str, sizes))}-{act}-{loss}-{bias_mode}-{order}",
        )


SESSIONS = [pytest.param(Session, id="seed"), *random_sessions()]


# ---------------------------------------------------------------- typed numbers


@pytest.mark.parametrize(
    "text,value,digits",
    [
        ("0.7514", 0.7514, 4),
        ("  -8.217e-2 ", -0.08217, 4),
        (".5", 0.5, 1),
        ("0.05", 0.05, 1),
        ("0.400000", 0.4, 6),
        ("+3", 3.0, 1),
        ("\u22120.0822", -0.0822, 3),
        ("3.51085E-05", 3.51085e-05, 6),
        ("0", 0.0, 1),
        ("100", 100.0, 3),
    ],
)
def test_numbers_are_read_with_their_significant_digits(text, value, digits):
    answer = parse_answer(text)
    assert answer.value == pytest.approx(value) and answer.digits == digits


@pytest.mark.parametrize("text", BAD_TEXT)
def test_bad_text_is_refused_naming_the_field(text):
    with pytest.raises(InputError) as error:
        parse_answer(text)
    assert error.value.field == "Your answer" and "number" in error.value.message


# ---------------------------------------------------------------- checking


@pytest.mark.parametrize("make", SESSIONS)
@pytest.mark.parametrize("figures", PRECISIONS)
def test_the_right_answer_is_accepted_at_each_precision(make, figures):
    quiz = quiz_on(make())
    quiz.precision = figures
    for step in quiz.session.walk.steps:
        quiz.session.next_step()
        feedback = quiz.check(typed(step.value, figures))
        assert feedback.kind == "right", (step.symbol, feedback.text)
    assert quiz.score_text().endswith(f"iteration {len(quiz.session.walk)}/{len(quiz.session.walk)}")


@pytest.mark.parametrize("make", SESSIONS)
def test_a_right_answer_with_too_few_digits_says_so_and_counts_nothing(make):
    quiz = quiz_on(make())
    seen = 0
    for step in quiz.session.walk.steps:
        quiz.session.next_step()
        short = typed(step.value, 3)
        if m.agrees(float(short), step.value, DEFAULT_PRECISION) or any(
            m.agrees(float(short), x.value, DEFAULT_PRECISION) for x in m.mistakes(quiz.session.walk, step)
        ):
            quiz.reveal()
            continue  # rounding to 3 figures happens to be right to 4 (0.3775 -> 0.378 is not; 0.05 is)
        before = state(quiz)
        feedback = quiz.check(short)
        assert feedback.kind == "imprecise" and feedback.text == "Right, to 3 significant figures; give 4."
        assert state(quiz) == before
        assert quiz.check(typed(step.value, 4)).kind == "right"
        seen += 1
    assert seen > len(quiz.session.walk) // 2


def test_a_wrong_last_digit_is_wrong(seed_quiz):
    seed_quiz.session.next_step()  # net_h1 = 0.3775
    assert seed_quiz.check("0.3776").kind == "wrong"
    assert seed_quiz.check("0.37754").kind == "right"


@pytest.fixture
def seed_quiz() -> Quiz:
    return quiz_on()


def go_to(quiz: Quiz, symbol: str) -> None:
    """Reveal every step up to the one called ``symbol``, and stop there."""
    while quiz.step is None or quiz.step.symbol != symbol:
        if quiz.is_open():
            quiz.reveal()
        quiz.session.next_step()


# --------------------------------------------------------------- the mistakes


def test_the_seed_sign_error_of_dw5_is_named(seed_quiz):
    go_to(seed_quiz, "dE_total/dw5")
    feedback = seed_quiz.check("-0.082167041")
    assert feedback.kind == "mistake" and feedback.mistakes[0].key == "sign"
    assert feedback.text.startswith("Not quite: the sign flipped.")
    assert seed_quiz.is_open()  # a mistake is an attempt, not an answer


def test_the_seed_missing_factor_of_dw5_is_named(seed_quiz):
    go_to(seed_quiz, "dE_total/dw5")
    feedback = seed_quiz.check("0.138498562")
    assert feedback.kind == "mistake" and feedback.mistakes[0].key == "factor"
    assert "dnet_o1/dw5 is missing from the product" in feedback.text


def test_a_mistake_typed_to_fewer_figures_is_still_named(seed_quiz):
    go_to(seed_quiz, "dE_total/dw5")
    assert seed_quiz.check("-0.0822").mistakes[0].key == "sign"  # three figures of -0.082167041
    assert seed_quiz.check("-0.08").kind == "wrong"  # two: too few to tell


@pytest.mark.parametrize("make", SESSIONS)
def test_each_classic_mistake_is_recognised_where_it_applies(make):
    quiz = quiz_on(make())
    quiz.precision = 6
    named = set()
    for step in quiz.session.walk.steps:
        quiz.session.next_step()
        for mistake in m.mistakes(quiz.session.walk, step):
            feedback = quiz.check(typed(mistake.value, 6))
            assert feedback.kind == "mistake", (step.symbol, mistake.key, feedback.text)
            assert mistake.key in [x.key for x in feedback.mistakes]
            assert mistake.explanation in feedback.text or feedback.mistakes[0].value == pytest.approx(
                mistake.value, rel=1e-5
            )
            named.add(mistake.key)
        quiz.reveal()
    expected = {"sign", "factor", "net_for_out", "bias", "eta"}
    if max(quiz.session.network.sizes[2:]) >= 2:  # a hidden neuron feeding two or more
        expected.add("one_path")
    assert expected <= named


def test_every_mistake_is_named_on_the_seed(seed_quiz):
    """The seed (textbook order) meets every mistake but the seed order's own and softmax's."""
    named = set()
    for step in seed_quiz.session.walk.steps:
        seed_quiz.session.next_step()
        for mistake in m.mistakes(seed_quiz.session.walk, step):
            named.update(x.key for x in seed_quiz.check(typed(mistake.value, 6)).mistakes)
        seed_quiz.reveal()
    # not the seed order's own, nor softmax's (tests/lesson/test_softmax_mistakes.py)
    assert named == set(m.MISTAKES) - {"old_for_updated", "out_for_net", "independent", "cross_terms", "log_sign"}


def test_an_unknown_wrong_answer_earns_a_hint_and_the_highlight(seed_quiz):
    go_to(seed_quiz, "dE_total/dw5")
    assert not seed_quiz.highlighted()
    feedback = seed_quiz.check("0.5")
    assert feedback.kind == "wrong"
    assert "dE_total/dout_o1, dout_o1/dnet_o1 and dnet_o1/dw5" in feedback.text
    assert seed_quiz.highlighted()


# ------------------------------------------------------------------ bad text


@pytest.mark.parametrize("text", BAD_TEXT)
def test_bad_text_changes_nothing_and_is_no_attempt(seed_quiz, text):
    go_to(seed_quiz, "dE_total/dw5")
    seed_quiz.check("0.5")  # one wrong attempt already
    before = state(seed_quiz)
    feedback = seed_quiz.check(text)
    assert feedback.kind == "refused" and feedback.text.startswith("Your answer: ")
    assert state(seed_quiz) == before
    assert seed_quiz.check("0.08217").kind == "right"
    assert seed_quiz.outcomes[seed_quiz.index].wrong == 1


# -------------------------------------------------------------------- score


def test_the_score_per_phase_and_for_the_iteration(seed_quiz):
    s, walk = seed_quiz.session, seed_quiz.session.walk
    assert seed_quiz.score_text() == "No steps answered yet in this iteration."
    for step in walk.steps:
        s.next_step()
        if step.symbol == "out_h1":
            assert seed_quiz.check("0.3775").kind == "mistake"  # net for out: no point
            seed_quiz.check("0.5933")
        elif step.phase == "backward" and step.quantity == "gradient":
            seed_quiz.reveal()  # 12 gradients revealed
        elif step.phase == "update" and step.parameter in ("w1", "w2"):
            seed_quiz.check("1")
            seed_quiz.check("1")  # the same wrong answer once
            seed_quiz.reveal()
        else:
            assert seed_quiz.check(typed(step.value, 4)).kind == "right"
    assert seed_quiz.score() == {"forward": (7, 8), "error": (3, 3), "backward": (26, 34), "update": (6, 8)}
    assert seed_quiz.score_text() == "forward 7/8, error 3/3, backward 26/34, update 6/8; iteration 42/53"
    assert [o.wrong for o in seed_quiz.outcomes.values() if o.wrong] == [1, 1, 1]
    s.next_step()  # the next iteration: the score starts again
    assert s.iteration == 1 and seed_quiz.score() == {}
    assert seed_quiz.is_open()


def test_an_edit_or_training_starts_the_score_again(seed_quiz):
    s = seed_quiz.session
    s.next_step()
    seed_quiz.check("0.3775")
    s.set_parameter("w1", "0.2")
    assert seed_quiz.score() == {} and s.step == 0
    s.next_step()
    seed_quiz.reveal()
    s.train(3)
    assert seed_quiz.score() == {}


# --------------------------------------------------------------------- the gate


def test_the_next_step_waits_for_an_answer_or_a_reveal(seed_quiz):
    s = seed_quiz.session
    seed_quiz.allow(1)
    s.next_step()
    assert seed_quiz.is_open() and seed_quiz.reachable == 1
    with pytest.raises(InputError, match="Next step: answer this step first, or press Reveal"):
        seed_quiz.allow(2)
    seed_quiz.check("0.3775")
    seed_quiz.allow(2)
    s.next_step()
    seed_quiz.reveal()
    assert seed_quiz.reachable == 3
    with pytest.raises(InputError, match="Finish iteration"):
        seed_quiz.allow_jump("Finish iteration")
    s.previous_step()  # back over answered steps: shown, not open
    assert not seed_quiz.is_open()
    assert seed_quiz.check("0.1").kind == "closed"


def test_steps_shown_before_the_quiz_are_not_questions():
    s = Session()
    for _ in range(5):
        s.next_step()
    quiz = quiz_on(s)
    assert not quiz.is_open() and quiz.reachable == 6 and quiz.score() == {}
    s.next_step()
    assert quiz.is_open()
    quiz.check("0.7514")  # out_o1, step 6
    quiz.active = False  # a look with the quiz off keeps the score
    s.next_step()
    s.next_step()
    quiz.active = True
    assert quiz.score_text() == "forward 1/1; iteration 1/1" and not quiz.is_open()
    s.next_step()
    assert quiz.is_open() and quiz.reachable == 9


def test_the_quiz_off_hides_nothing_and_blocks_nothing(seed_quiz):
    seed_quiz.active = False
    seed_quiz.session.next_step()
    assert not seed_quiz.is_open() and seed_quiz.highlighted()
    seed_quiz.allow(len(seed_quiz.session.walk))
    seed_quiz.allow_jump("Next phase")
    assert seed_quiz.check("0.3775").kind == "closed"


@pytest.mark.parametrize("bad", [2, 7, 0, -4])
def test_the_precision_is_three_to_six(seed_quiz, bad):
    with pytest.raises(InputError, match="Precision"):
        seed_quiz.precision = bad
    assert seed_quiz.precision == DEFAULT_PRECISION


def test_a_mistake_and_a_right_answer_never_collide_at_any_precision():
    """Checked first, the right value wins; mistakes differ from it to 6 figures."""
    for make, figures in itertools.product([Session], PRECISIONS):
        quiz = quiz_on(make())
        quiz.precision = figures
        for step in quiz.session.walk.steps:
            quiz.session.next_step()
            assert quiz.check(typed(step.value, 6)).kind == "right"


# ------------------------------------------------------------ every mode, every kind


def xor_batch_quiz(sizes=(2, 2, 1), seed=1, **options) -> Quiz:
    xor = dataset("xor")
    session = Session(random_network(sizes, seed=seed, **options), xor.inputs, xor.targets)
    session.set_mode("batch")
    return quiz_on(session)


def every_session():
    """Every step kind: each loss, both orders, online and batch (batch: textbook order), softmax, the update rule."""
    for loss, order, mode in itertools.product(("squared", "mse", "bce"), ("textbook", "seed"), ("online", "batch")):
        if mode == "batch" and order == "seed":
            continue
        acts = ["tanh", "sigmoid"] if loss == "bce" else "sigmoid"
        network = random_network((2, 3, 2), seed=4, activations=acts, loss=loss, order=order, update_biases=True)
        x, t = random_data(network, 3, seed=4)
        yield pytest.param(network, x, t, mode, id=f"{loss}-{order}-{mode}")
    for mode in ("online", "batch"):  # softmax outputs with cce, and the update rule's extra terms
        network = random_network((2, 3, 3), seed=4, activations=["sigmoid", "softmax"], loss="cce", update_biases=True)
        yield pytest.param(network, *random_data(network, 3, seed=4), mode, id=f"cce-{mode}")
        network = random_network((2, 3, 2), seed=4, weight_decay=0.01, momentum=0.9, update_biases=True)
        yield pytest.param(network, *random_data(network, 3, seed=4), mode, id=f"decay-momentum-{mode}")


@pytest.mark.parametrize("network, x, t, mode", list(every_session()))
def test_a_wrong_answer_at_every_step_of_every_mode_gets_a_diagnosis_or_a_hint(network, x, t, mode):
    session = Session(network, x, t)
    session.set_mode(mode)
    quiz = quiz_on(session)
    kinds = set()
    for step in session.walk.steps:
        session.next_step()
        feedback = quiz.check("123.4")
        assert feedback.kind in ("mistake", "wrong"), (step.symbol, feedback.text)
        if feedback.kind == "wrong" and step.quantity != "input":
            assert "read straight off" not in feedback.text, step.symbol  # a product has operands
        kinds.add(step.quantity)
        quiz.reveal()
    assert ("example_gradient" in kinds) == (mode == "batch")


def test_the_batch_quiz_names_the_slips_of_the_issues_example():
    """XOR on a 2-2-1 network (seed 1), batch mode: eta 0.5, w5 = 0.6401833, mean gradient 0.0207379."""
    quiz = xor_batch_quiz()
    go_to(quiz, "dE^(1)/dw5")  # example 1's own gradient, 0.0641869
    feedback = quiz.check("123.4")
    assert feedback.kind == "wrong" and "dE/dnet_o1 and out_h1" in feedback.text
    assert quiz.check("-0.06419").mistakes[0].key == "sign"
    go_to(quiz, "dE_total/dw5 (mean of 4)")
    assert quiz.check("-0.02074").mistakes[0].key == "sign"
    assert quiz.check("0.04148").mistakes[0].key == "half"  # 2 x the mean
    go_to(quiz, "w5+")  # 0.6401833 - 0.5 x 0.0207379 = 0.6298143
    assert "eta" in [x.key for x in quiz.check("0.6194").mistakes]  # w5 - mean
    assert quiz.check("0.6506").mistakes[0].key == "sign"  # w5 + eta x mean
    assert quiz.check("0.5760").kind == "wrong"  # w5 - example 1's gradient: none of these slips


@settings(max_examples=15, deadline=None, database=None)
@given(
    sizes=st.sampled_from([(2, 2, 1), (2, 3, 1), (2, 2, 2, 1)]),
    seed=st.integers(0, 10**4),
    loss=st.sampled_from(["squared", "mse", "bce"]),
)
def test_in_batch_mode_each_mistake_typed_to_4_figures_is_named(sizes, seed, loss):
    quiz = xor_batch_quiz(sizes, seed, loss=loss, update_biases=True)
    walk = quiz.session.walk
    for step in walk.steps:
        quiz.session.next_step()
        for mistake in m.mistakes(walk, step):
            answer = typed(mistake.value, 4)
            if m.agrees(float(answer), step.value, 4):
                continue  # written to 4 figures it is the right answer
            feedback = quiz.check(answer)
            assert mistake.key in [x.key for x in feedback.mistakes], (step.symbol, mistake, feedback.text)
        quiz.reveal()
