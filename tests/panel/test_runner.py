"""The runner on its own: a session, a message line, and the long loops it runs.

Training is stopped mid-run and keeps what it trained; an error in a task
reaches the message line; without a running loop every run completes at
once; playing the steps ends at the iteration's end, on a pause, or when
told to; work in a thread hands its result back to the loop.
"""

from __future__ import annotations

import asyncio
import math

import pytest

from explorer.engine.presets import seed_network
from explorer.engine.validation import InputError
from explorer.lesson.session import Session
from explorer.panel.messages import Messages
from explorer.panel.runner import Runner, loop_running


@pytest.fixture
def runner() -> Runner:
    return Runner(Session(), Messages())


def fast() -> float:
    return math.inf


def test_without_a_loop_a_run_completes_at_once(runner):
    frames = []
    runner.observe(lambda change: frames.append(change["new"]), names="frame")
    runner.train(300, fast)
    s = runner.session
    assert runner.training_task is None and not loop_running()
    assert s.iteration == 300 and not s.training
    assert (runner.done, runner.planned) == (300, 300) and not runner.continuous
    assert frames, "the run's end is a frame: every view redraws"


def test_a_run_stopped_mid_way_keeps_what_it_trained(runner):
    async def scenario():
        runner.train(1_000_000, lambda: 2000.0)
        assert runner.session.training
        await asyncio.sleep(0.3)
        runner.stop_training()
        await runner.training_task

    asyncio.run(scenario())
    s = runner.session
    assert 0 < s.iteration < 10_000 and not s.training
    assert len(s.errors) == s.iteration + 1 and runner.done == s.iteration


def test_continuous_training_runs_until_stopped(runner):
    async def scenario():
        runner.train(None, fast)
        assert runner.continuous
        await asyncio.sleep(0.2)
        runner.stop_training()
        assert not runner.continuous
        await runner.training_task

    asyncio.run(scenario())
    assert runner.session.iteration > 0 and not runner.session.training and runner.done == 0


def test_an_error_in_a_task_is_shown_in_the_message_line(runner, monkeypatch):
    def boom(iterations):
        raise RuntimeError("boom in the task")

    monkeypatch.setattr(runner.session, "train", boom)

    async def scenario():
        runner.train(10, fast)
        task = runner.training_task
        await asyncio.wait([task])
        await asyncio.sleep(0)  # done callbacks run
        return task

    task = asyncio.run(scenario())
    assert isinstance(task.exception(), RuntimeError)
    line = runner.messages.line
    assert line.kind == "error" and "RuntimeError" in line.value and "boom in the task" in line.value
    assert "Traceback" in runner.messages.details.outputs[-1]["text"]
    assert not runner.session.training


def test_without_a_loop_an_error_reaches_the_caller(runner, monkeypatch):
    monkeypatch.setattr(runner.session, "train", lambda iterations: 1 / 0)
    with pytest.raises(ZeroDivisionError):
        runner.train(10, fast)
    assert not runner.session.training


def test_a_diverging_run_says_so_and_a_diverged_network_is_refused():
    # linear neurons and inputs 3, 4: each update overshoots more than the last
    runner = Runner(Session(seed_network(activations="linear"), (3, 4), (0.01, 0.99)), Messages())
    runner.train(2000, fast)
    assert runner.session.diverged_at == 5 and runner.session.iteration == 5
    assert runner.messages.line.kind == "error" and "diverges" in runner.messages.line.value
    with pytest.raises(InputError, match="Reset weights"):
        runner.train(10, fast)
    assert not runner.session.training and runner.session.iteration == 5


def test_a_run_started_after_a_stop_waits_for_it_and_is_not_lost(runner):
    async def scenario():
        runner.train(1_000_000, lambda: 2000.0)
        await asyncio.sleep(0.2)
        runner.stop_training()
        first, stopped_at = runner.training_task, runner.session.iteration
        runner.train(300, fast)
        await runner.training_task
        return first, stopped_at

    first, stopped_at = asyncio.run(scenario())
    assert first.done() and runner.session.iteration >= stopped_at + 300


def test_playing_the_steps_ends_at_the_end_of_the_iteration(runner):
    s = runner.session
    s.go_to(len(s.walk) - 3)

    async def scenario():
        runner.play_steps(lambda: 100.0, lambda: False)
        assert runner.playing
        await runner.steps_task

    asyncio.run(scenario())
    assert s.finished and not runner.playing


def test_playing_the_steps_pauses_and_ends_when_told(runner):
    s = runner.session

    async def scenario():
        runner.play_steps(lambda: 100.0, lambda: False)
        await asyncio.sleep(0.05)
        runner.pause_steps()
        paused_at = s.step
        await runner.steps_task
        stop = {"now": False}
        runner.play_steps(lambda: 100.0, lambda: stop["now"])
        await asyncio.sleep(0.05)
        stop["now"] = True
        await runner.steps_task
        return paused_at

    paused_at = asyncio.run(scenario())
    assert 0 < paused_at < s.step < len(s.walk) and not runner.playing


def test_starting_one_run_stops_the_other(runner):
    async def scenario():
        runner.play_steps(lambda: 100.0, lambda: False)
        runner.train(None, fast)
        assert not runner.playing and runner.continuous
        runner.play_steps(lambda: 100.0, lambda: False)
        assert not runner.continuous and runner.playing
        await runner.training_task
        runner.pause_steps()
        await runner.steps_task

    asyncio.run(scenario())
    assert not runner.session.training


def test_work_in_a_thread_hands_its_result_back(runner):
    got, ended = [], []
    runner.in_thread(sum, [1, 2, 3], then=got.append, always=lambda: ended.append(True))
    assert got == [6] and ended == [True]

    async def scenario():
        runner.in_thread(pow, 2, 10, then=got.append, always=lambda: ended.append(True))
        await runner.sweep_task

    asyncio.run(scenario())
    assert got == [6, 1024] and ended == [True, True]


def test_close_cancels_every_pending_task(runner):
    async def scenario():
        runner.train(None, lambda: 2000.0)
        runner.play_steps(lambda: 1.0, lambda: False)
        await asyncio.sleep(0.05)
        runner.close()
        await asyncio.sleep(0.05)
        return runner.training_task, runner.steps_task

    training, steps = asyncio.run(scenario())
    assert training.done() and steps.done() and runner.closed
