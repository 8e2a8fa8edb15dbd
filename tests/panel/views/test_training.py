"""The training view, headless: Train, Play and Stop, the counter, the learning rate, Reset weights."""

from __future__ import annotations

import asyncio
import warnings

import numpy as np
import pytest

from explorer.engine.presets import seed_network
from explorer.panel.explorer import Explorer
from tests.helpers.panel import (
    FAST,
    SEED_WEIGHTS,
    WATCH,
    assert_unchanged,
    click,
    latex_of,
    shown,
    snapshot,
    svg_groups,
    until,
)

pytestmark = pytest.mark.filterwarnings("ignore:Passing unrecognized arguments:DeprecationWarning")


def test_the_learning_rate_slider_updates_the_text_and_the_formula(panel):
    panel.stepping.step_slider.value = 46  # w5+
    panel.training.lr_slider.value = 0.25
    assert panel.session.learning_rate == 0.25 and panel.training.lr_text.value == "0.25"
    assert panel.session.step == 46
    assert r"0.4 - 0.25 \cdot 0.082167041 = 0.37945824" in latex_of(panel.stepping.equation.value)
    assert "eta = 0.25" in panel.stepping.meaning.value
    panel.stepping.finish_button.click()
    _, labels = svg_groups(panel.stepping.diagram.value)
    assert "w5 = 0.37945824" in shown(labels["w5"])


def test_typing_a_learning_rate_moves_the_slider(panel):
    panel.training.lr_text.value = "0.2"
    assert panel.training.lr_slider.value == 0.2 and panel.session.learning_rate == 0.2
    assert panel.training.lr_message.value == ""
    panel.stepping.step_slider.value = 46
    assert r"0.4 - 0.2 \cdot 0.082167041" in latex_of(panel.stepping.equation.value)


def test_a_bad_learning_rate_is_refused_and_changes_nothing(panel):
    panel.stepping.step_slider.value = 46
    before = snapshot(panel)
    for bad in ["abc", "", "nan", "inf", "0", "-1", "20"]:
        panel.training.lr_text.value = bad
        message = panel.training.lr_message.value
        assert "Learning rate" in message and "0.001 to 10" in message, bad
        assert_unchanged(before, panel)
        assert panel.session.network.learning_rate == 0.5 and panel.training.lr_slider.value == 0.5
    panel.training.lr_text.value = "0.3"  # a good value clears the message
    assert panel.training.lr_message.value == "" and panel.training.lr_slider.value == 0.3


def test_reset_weights_restores_exactly_the_initial_weights(panel):
    panel.training.pace.value = FAST
    panel.training.iterations_field.value = "200"
    panel.training.train_button.click()
    panel.editing.fields["p:w1"].value = "-3"
    panel.editing.fields["p:b2"].value = "1.5"
    click(panel.stepping.next_button, 5)
    panel.training.reset_weights_button.click()
    s = panel.session
    for got, want in zip(s.network.weights, SEED_WEIGHTS):
        assert np.array_equal(got, want)
    assert [b.tolist() for b in s.network.biases] == [[0.35], [0.6]]
    assert (s.step, s.iteration, len(s.errors)) == (0, 0, 1)
    assert panel.editing.fields["p:w1"].value == "0.15" and panel.editing.fields["p:b2"].value == "0.6"
    assert len(panel.curve_view.curve.line.get_xdata()) == 1
    assert "restored" in panel.message.value
    _, labels = svg_groups(panel.stepping.diagram.value)
    assert "w1 = 0.15" in shown(labels["w1"])


def test_an_error_in_training_is_shown_without_a_loop(panel, monkeypatch):
    def boom(iterations):
        raise RuntimeError("boom in train")

    monkeypatch.setattr(panel.session, "train", boom)
    panel.training.train_button.click()
    assert "boom in train" in panel.message.value
    assert (
        not panel.session.training and not panel.training.train_button.disabled and panel.training.stop_button.disabled
    )


def test_an_error_in_a_training_task_is_shown(panel, monkeypatch):
    def boom(iterations):
        raise RuntimeError("boom in the task")

    monkeypatch.setattr(panel.session, "train", boom)

    async def scenario():
        panel.training.train_button.click()
        task = panel.runner.training_task
        await asyncio.wait([task])
        await asyncio.sleep(0)  # done callbacks run
        return task

    task = asyncio.run(scenario())
    assert isinstance(task.exception(), RuntimeError)
    assert "boom in the task" in panel.message.value
    assert not panel.session.training and not panel.training.train_button.disabled


def test_train_without_a_loop(panel):
    panel.training.iterations_field.value = "200"
    panel.training.pace.value = FAST
    panel.training.train_button.click()
    s = panel.session
    assert panel.runner.training_task is None  # ran in the click
    assert s.iteration == 200 and panel.training.counter.value.startswith("200 iterations done, ")
    y = panel.curve_view.curve.line.get_ydata()
    assert len(y) == 201 and np.all(np.diff(y) < 0) and y[-1] < 0.01
    assert panel.training.progress.value == 200 and panel.training.progress.max == 200
    assert not s.training and not panel.training.train_button.disabled and panel.training.stop_button.disabled
    assert panel.message.value == ""
    assert s.walk.network is s.network


def test_train_under_a_loop(panel):
    panel.training.iterations_field.value = "200"
    panel.training.pace.value = FAST

    async def scenario():
        panel.training.train_button.click()
        assert (
            panel.session.training and panel.training.train_button.disabled and not panel.training.stop_button.disabled
        )
        await panel.runner.training_task

    asyncio.run(scenario())
    assert panel.session.iteration == 200 and panel.training.counter.value.startswith("200 iterations done, ")
    assert len(panel.curve_view.curve.line.get_ydata()) == 201
    assert not panel.session.training


@pytest.mark.parametrize("bad", ["abc", "-5", "", "1.5", "10000001"])
def test_bad_iterations_train_nothing(panel, bad):
    panel.training.iterations_field.value = bad
    assert "Iterations" in panel.message.value and "whole number" in panel.message.value
    panel.message.value = ""
    panel.training.train_button.click()
    assert "Iterations" in panel.message.value
    assert panel.session.iteration == 0 and len(panel.session.errors) == 1
    assert not panel.session.training


def test_stop_mid_run_keeps_the_trained_weights(panel):
    panel.training.iterations_field.value = "1000000"
    panel.training.pace.value = WATCH

    async def scenario():
        panel.training.train_button.click()
        await asyncio.sleep(0.3)
        assert panel.session.training
        panel.training.stop_button.click()
        await panel.runner.training_task

    asyncio.run(scenario())
    s = panel.session
    assert 0 < s.iteration < 10_000  # 2,000 it/s for 0.3 s
    assert not s.training and panel.training.stop_button.disabled and not panel.training.train_button.disabled
    assert len(panel.curve_view.curve.line.get_ydata()) == s.iteration + 1
    assert panel.curve_view.curve.line.get_ydata()[-1] < panel.curve_view.curve.line.get_ydata()[0]
    assert panel.training.counter.value.startswith(f"{s.iteration:,} iterations done, ")
    for got, want in zip(s.walk.network.weights, s.network.weights):
        assert np.array_equal(got, want)
    assert not np.array_equal(s.network.weights[0], SEED_WEIGHTS[0])
    panel.stepping.next_button.click()
    assert s.step == 1 and s.current.symbol == "net_h1" and s.current.value != 0.3775
    assert "0.3775$$" not in latex_of(panel.stepping.equation.value)


def test_play_trains_until_paused(panel):
    async def scenario():
        panel.training.play_training.value = True
        await asyncio.sleep(0.3)
        assert panel.session.training and panel.training.play_training.description == "Pause"
        panel.training.play_training.value = False
        await panel.runner.training_task
        stopped = panel.session.iteration
        await asyncio.sleep(0.1)
        return stopped

    stopped = asyncio.run(scenario())
    assert stopped > 0 and panel.session.iteration == stopped
    assert not panel.session.training and panel.training.play_training.description == "Play"
    assert len(panel.curve_view.curve.line.get_ydata()) == stopped + 1


def test_play_without_a_loop_says_why(panel):
    panel.training.play_training.value = True
    assert not panel.training.play_training.value
    assert "Play" in panel.message.value and "Train" in panel.message.value
    assert panel.session.iteration == 0


def _diverging(rate: float) -> Explorer:
    # linear neurons and inputs 3, 4: each update overshoots more than the last
    panel = Explorer(
        network=seed_network(activations="linear", learning_rate=rate), inputs=(3, 4), targets=(0.01, 0.99)
    )
    panel.training.pace.value = FAST
    panel.training.iterations_field.value = "2000"
    return panel


def _train_quietly(panel: Explorer) -> list:
    """Train, keep the message it left, then step on the diverged network; warnings caught."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        panel.training.train_button.click()
        panel.message_after_training = panel.message.value
        panel.stepping.next_button.click()
        panel.stepping.finish_button.click()
    return [w for w in caught if "explorer" in w.filename]


def test_a_diverging_rate_is_reported():
    panel = _diverging(0.5)
    assert _train_quietly(panel) == []
    message = panel.message_after_training
    assert "diverges" in message and "iteration 5" in message and "Unexpected" not in message
    assert panel.session.iteration == 5 and not panel.session.training
    assert "E_total inf" in panel.training.counter.value
    assert len(panel.curve_view.curve.line.get_xdata()) == 5  # the finite part of the curve
    panel.training.reset_weights_button.click()
    assert panel.session.iteration == 0 and np.isfinite(panel.session.errors.values[0])


def test_a_rate_that_diverges_to_inf_weights_is_reported_quietly():
    panel = _diverging(1.0)
    assert _train_quietly(panel) == []
    assert "diverges" in panel.message_after_training


def test_train_right_after_stop_is_not_lost(panel):
    panel.training.iterations_field.value = "1000000"

    async def scenario():
        panel.training.train_button.click()
        await asyncio.sleep(0.2)
        panel.training.stop_button.click()
        first = panel.runner.training_task
        stopped_at = panel.session.iteration
        panel.training.pace.value = FAST
        panel.training.iterations_field.value = "300"
        panel.training.train_button.click()
        await until(lambda: not panel.session.training and panel.runner.training_task.done())
        return first, stopped_at

    first, stopped_at = asyncio.run(scenario())
    assert panel.runner.training_task is not first
    assert panel.session.iteration >= stopped_at + 300
