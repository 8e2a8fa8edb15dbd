"""The panel's long work, in one place: training, playing the steps, the learning-rate sweep.

Each runs as an asyncio task on the kernel's loop and yields to it between
chunks, so Stop, the sliders and the step buttons are read while it runs;
without a running loop (plain Python, a test) it runs to completion at once.
An error in a task is shown in the message line, never lost.

The runner reports what runs through its traits, which the views link to
(Play, Play steps, the progress bar) or observe (``frame``: redraw now).  A
view asks it to stop what runs before it changes the session
(:meth:`Runner.stop_training`, :meth:`Runner.pause_steps`); starting one run
stops the other.  The runner knows the session and the message line, no
view and no widget.
"""

from __future__ import annotations

import asyncio
import math
import time
import traceback
from collections.abc import Callable, Coroutine
from typing import Any, TypeVar

import traitlets

from explorer.engine.validation import InputError
from explorer.lesson.session import Session

from .messages import Messages

#: Seconds between redraws of every view while training (>= 5 per second).
REFRESH_SECONDS = 0.2
#: Each training chunk computes for about this long before yielding to the kernel.
CHUNK_SECONDS = 0.03

T = TypeVar("T")


def loop_running() -> bool:
    """Whether an asyncio loop runs here (a Jupyter kernel's, or a test's ``asyncio.run``)."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return False
    return True


class Runner(traitlets.HasTraits):
    """Starts, stops and cancels the panel's tasks for one session."""

    #: training until stopped (the Play toggle), not for a number of iterations
    continuous = traitlets.Bool(False)
    #: the steps are playing (the Play steps toggle)
    playing = traitlets.Bool(False)
    #: iterations trained of ``planned`` in this run (0 of 1 for a continuous run)
    done = traitlets.Int(0)
    planned = traitlets.Int(1)
    #: bumped when every view should redraw: 5 times a second while training, and when a run ends
    frame = traitlets.Int(0)

    def __init__(self, session: Session, messages: Messages) -> None:
        super().__init__()
        self.session = session
        self.messages = messages
        self.training_task: asyncio.Task | None = None
        self.steps_task: asyncio.Task | None = None
        self.sweep_task: asyncio.Task | None = None
        self.closed = False
        self._run: _Run | None = None  # the latest training run
        self._play_token: object | None = None

    # ---------------------------------------------------------------- tasks
    def spawn(self, coroutine: Coroutine[Any, Any, None]) -> asyncio.Task | None:
        """Run ``coroutine`` as a task on the running loop, or to completion without one."""
        if not loop_running():  # plain Python, no event loop: run it here and now
            asyncio.run(coroutine)
            return None
        task = asyncio.get_running_loop().create_task(coroutine)
        task.add_done_callback(self._task_done)
        return task

    def _task_done(self, task: asyncio.Task) -> None:
        if not task.cancelled() and task.exception() is not None:
            error = task.exception()
            self.messages.unexpected(error, "".join(traceback.format_exception(error)))

    def stop(self) -> None:
        """Stop training and playing (a loaded file, a closed panel)."""
        self.stop_training()
        self.pause_steps()

    def close(self) -> None:
        """Stop for good: no run goes on, no task is left pending."""
        self.closed = True
        self.stop_training()
        self._play_token = None
        for task in (self.training_task, self.steps_task):
            if task is not None and not task.done():
                task.cancel()

    # ------------------------------------------------------------- training
    def train(self, count: int | None, pace: Callable[[], float]) -> None:
        """Train ``count`` iterations (None: until stopped) at ``pace()`` iterations a second.

        A run that was told to stop ends at its next chunk before this one starts.
        """
        s = self.session
        if s.training and self._run is not None and not self._run.stopped:
            return  # already running
        if s.diverged_at is not None:
            raise InputError(
                "Train",
                f"E_total is not a finite number (since iteration {s.diverged_at:,}): lower the "
                "learning rate, then press Reset weights or edit a weight",
            )
        self.pause_steps()
        self.continuous = count is None
        self.planned = max(count or 1, 1)
        self.done = 0
        previous, this = self.training_task, _Run()
        self._run = this
        s.training = True  # Train greys out at once, even while a stopped run ends

        async def run() -> None:
            if previous is not None and not previous.done():
                await previous  # a run told to stop ends at its next chunk
            s.training = True
            await self._train(this, count, pace)

        self.training_task = self.spawn(run())

    def stop_training(self) -> None:
        """Ask the run to end at its next chunk (it keeps what it trained)."""
        if self._run is not None:
            self._run.stopped = True
        self.continuous = False

    async def _train(self, this: _Run, count: int | None, pace: Callable[[], float]) -> None:
        """Train in chunks, yielding to the kernel between them; a frame 5 times a second."""
        s = self.session
        done, per_iteration = 0, 1e-5
        started = last_frame = time.perf_counter()
        try:
            while not this.stopped and not self.closed and (count is None or done < count):
                chunk = _chunk(per_iteration, pace(), time.perf_counter() - started, done, count)
                tic = time.perf_counter()
                diverged = s.train(chunk)  # the counters follow the session's revision
                per_iteration = max((time.perf_counter() - tic) / chunk, 1e-7)
                done += chunk
                self.done = done if count is not None else 0
                if diverged is not None:
                    self.messages.say(
                        f"The error stopped being a finite number at iteration {diverged:,}: "
                        "this learning rate diverges. Lower it and press Reset weights.",
                        error=True,
                    )
                    break
                if time.perf_counter() - last_frame >= REFRESH_SECONDS:
                    last_frame = time.perf_counter()
                    self.frame += 1  # every view at once, at one iteration
                await asyncio.sleep(0.02 if math.isfinite(pace()) else 0.002)  # a yield lets clicks in
        finally:
            self.continuous = False  # first: Play goes up as the run's own doing, not a user's
            s.training = False
            if not self.closed:
                self.done = done if count is not None else 0
                self.frame += 1

    # ---------------------------------------------------------------- steps
    def play_steps(self, speed: Callable[[], float], until: Callable[[], bool]) -> None:
        """One step each ``1 / speed()`` seconds to the end of the iteration, or until ``until()``."""
        self.stop_training()
        self.playing = True
        self.steps_task = self.spawn(self._play(speed, until))

    def pause_steps(self) -> None:
        self.playing = False

    async def _play(self, speed: Callable[[], float], until: Callable[[], bool]) -> None:
        """Each run holds a token: paused and played again quickly, the old run, still
        asleep, sees it is no longer current and ends."""
        s = self.session
        me = self._play_token = object()
        try:
            if s.finished:
                s.start_next_iteration()
            while self.playing and self._play_token is me and not s.finished and not until():
                s.next_step()
                await asyncio.sleep(1.0 / speed())
        finally:
            if self._play_token is me:
                self.playing = False

    # ------------------------------------------------------------ in threads
    def in_thread(
        self, work: Callable[..., T], *args: object, then: Callable[[T], None], always: Callable[[], None]
    ) -> None:
        """``work(*args)`` in a worker thread (numpy lets the kernel answer clicks meanwhile);
        ``then(result)`` back on the loop, ``always()`` however it ended."""

        async def run() -> None:
            try:
                result = await asyncio.get_running_loop().run_in_executor(None, work, *args)
                then(result)
            finally:
                always()

        self.sweep_task = self.spawn(run())


class _Run:
    """One training run, and whether it was told to stop (a run told so ends at its next chunk,
    even one that has not started yet)."""

    def __init__(self) -> None:
        self.stopped = False


def _chunk(per_iteration: float, pace: float, elapsed: float, done: int, count: int | None) -> int:
    """About CHUNK_SECONDS of work; no more than ``pace`` allows by now, nor than is left."""
    chunk = max(1, int(CHUNK_SECONDS / per_iteration))
    if math.isfinite(pace):  # watching: hold the rate to `pace` iterations per second
        chunk = max(1, min(chunk, int(pace * elapsed) - done))
    if count is not None:
        chunk = min(chunk, count - done)
    return chunk
