"""The Train button's path against the engine: ``Session.train`` beside one ``train()`` call.

    .venv/bin/python benchmarks/train_button.py [--repeat 15]

``Session.train`` is what the panel's Train button runs: the history's
checkpoints every 50 iterations, the error curve, the session's state.  The
reference, timed in the same run and in turn with it, is one call of
:func:`explorer.engine.training.train` on the same network and examples.
Each session is built before its clock starts (a fresh one per run, so
every run trains the same iterations from the same start).  Figures and
ratios are printed, never asserted on.
"""

from __future__ import annotations

import argparse
import os
import time
from collections.abc import Callable

import numpy as np

from explorer.engine.presets import random_data, random_network
from explorer.engine.training import train
from explorer.engine.validation import MAX_LAYERS, MAX_NEURONS
from explorer.lesson.session import Session


def _cases() -> list[tuple[str, Callable[[], Session], int]]:
    """(label, a session's maker, iterations): the seed's example, and the largest network in batch."""
    largest = random_network((MAX_NEURONS,) * MAX_LAYERS, seed=0, learning_rate=0.1)
    x, t = random_data(largest, 64, seed=0)

    def seed() -> Session:
        return Session()

    def large() -> Session:
        session = Session(largest, x, t)
        session.set_mode("batch")
        return session

    return [
        ("the seed's 2-2-2, 10,000 iterations", seed, 10_000),
        (f"{MAX_LAYERS} layers of {MAX_NEURONS}, 64 examples, batch, 2,000 iterations", large, 2_000),
    ]


def compare(make, iterations: int, repeat: int) -> tuple[float, float]:
    """Best seconds of ``Session.train`` and of ``train()``, over ``repeat`` runs taken in turn."""
    times: tuple[list[float], list[float]] = ([], [])
    for _ in range(repeat):
        session = make()
        network, inputs, targets, mode = session.network, session.inputs, session.targets, session.mode
        start = time.perf_counter()
        session.train(iterations)
        times[0].append(time.perf_counter() - start)
        start = time.perf_counter()
        result = train(network, inputs, targets, iterations, mode=mode)
        times[1].append(time.perf_counter() - start)
        # the same run both ways: the button's path is the engine's, cut at the checkpoints
        np.testing.assert_array_equal(session.errors.values, result.errors)
    return min(times[0]), min(times[1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=15)
    args = parser.parse_args()
    load = ", ".join(f"{x:.2f}" for x in os.getloadavg())
    print(f"best of {args.repeat}, the two in turn; load average {load} on {os.cpu_count()} cores")
    print(f"  {'':<58s} {'Session.train':>13s}  {'train()':>9s}  ratio")
    for label, make, iterations in _cases():
        button, engine = compare(make, iterations, args.repeat)
        ratio = f"{button / engine:5.2f}x  (target <= 1.1x)"
        print(f"  {label:<58s} {button * 1e3:10.1f} ms  {engine * 1e3:6.1f} ms  {ratio}", flush=True)


if __name__ == "__main__":
    main()
