"""What a step click costs below the panel, for the seed and for the largest network the panel allows.

    .venv/bin/python benchmarks/walkthrough.py [--clicks 41] [--iterations 10000]

Each network is trained ``--iterations`` iterations through the session (the
largest, 6 layers of 16 with 64 examples, in batch mode: 89,489 steps an
iteration).  Then, the two networks in turn, click after click:

* Next step and Previous step from places spread over an iteration, just
  jumped to in a walkthrough not yet worked out (the dearer case: the block
  of steps reached is worked out by the click);
* opening iteration 5,000 again (the parameters from the history, its
  walkthrough, at its start).

Each handler is timed as the session's change, the values of the steps done
and the current formula (``session``), and with the diagram's SVG as well
(``+ SVG``), as the panel renders after every click.  The reference for the
largest network's figures is the seed's, measured in the same run; median and
p90 in milliseconds, printed, never asserted on.
"""

from __future__ import annotations

import argparse
import os
import time

import numpy as np

from explorer.drawing import diagram
from explorer.engine.presets import random_data, random_network
from explorer.engine.validation import MAX_LAYERS, MAX_NEURONS
from explorer.lesson.session import Session


def sessions(iterations: int) -> dict[str, Session]:
    seed = Session()
    largest = random_network((MAX_NEURONS,) * MAX_LAYERS, seed=0, learning_rate=0.1)
    x, t = random_data(largest, 64, seed=0)
    big = Session(largest, x, t)
    big.set_mode("batch")
    for name, session in (("seed", seed), ("largest", big)):
        start = time.perf_counter()
        session.train(iterations)
        print(f"trained {iterations:,} iterations of the {name} in {time.perf_counter() - start:.2f} s", flush=True)
    return {"the seed's 2-2-2": seed, f"{MAX_LAYERS} layers of {MAX_NEURONS}, 64 examples, batch": big}


def shown(session: Session, svg: bool) -> None:
    """What the panel reads after a click: the values done, the formula, and (``svg``) the diagram."""
    values, updated = session.done_values()
    current = session.current
    _formula = current.latex if current else ""
    if svg:
        walk = session.walk
        elements = current.elements if current else ()
        diagram.render(walk.network, walk.inputs, walk.targets, values, updated, elements)


def handlers(opened: int) -> dict[str, tuple]:
    """(setup, action) per handler; setup(session, i) is untimed."""

    def spread(session: Session, i: int, at_least: int) -> None:
        # another iteration's walkthrough, at a step far into it: the jump and its drawing
        # are the slider's handler; the click after it works out the steps it reaches
        session.go_to_iteration(session.trained - (i % 3))
        session.go_to(at_least + (i * 7919) % (len(session.walk) - at_least))
        shown(session, False)

    return {
        "Next step": (lambda s, i: spread(s, i, 0), lambda s: s.next_step()),
        "Previous step": (lambda s, i: spread(s, i, 1), lambda s: s.previous_step()),
        f"open iteration {opened:,}": (lambda s, i: s.go_to(0), lambda s: s.go_to_iteration(opened)),
    }


def measure(runs: dict[str, Session], clicks: int, opened: int) -> None:
    for handler, (setup, action) in handlers(opened).items():
        times = {(name, svg): [] for name in runs for svg in (False, True)}
        for i in range(clicks):
            for name, session in runs.items():  # the networks in turn: both see the same load
                for svg in (False, True):
                    setup(session, i)
                    start = time.perf_counter()
                    action(session)
                    shown(session, svg)
                    times[name, svg].append(time.perf_counter() - start)
        print(f"{handler}:")
        seed = None
        for name in runs:
            row = [np.percentile(np.array(times[name, svg]) * 1e3, (50, 90)) for svg in (False, True)]
            seed = seed if seed is not None else row
            ratio = f"{row[0][0] / seed[0][0]:5.1f}x / {row[1][0] / seed[1][0]:5.1f}x the seed's"
            print(
                f"  {name:<40s} session {row[0][0]:6.2f} / {row[0][1]:6.2f} ms   "
                f"+ SVG {row[1][0]:6.2f} / {row[1][1]:6.2f} ms   {ratio}",
                flush=True,
            )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clicks", type=int, default=41)
    parser.add_argument("--iterations", type=int, default=10_000)
    args = parser.parse_args()
    runs = sessions(args.iterations)
    for name, session in runs.items():
        start = time.perf_counter()
        session.go_to_iteration(args.iterations // 2)
        steps, elapsed = len(session.walk), time.perf_counter() - start
        print(f"{name}: {steps:,} steps an iteration, walkthrough opened in {elapsed * 1e3:.2f} ms")
        shown(session, True)  # the diagram's first drawing of this shape, untimed
    load = ", ".join(f"{x:.2f}" for x in os.getloadavg())
    print(f"median / p90 over {args.clicks} clicks each, the networks in turn; load {load} on {os.cpu_count()} cores")
    measure(runs, args.clicks, args.iterations // 2)


if __name__ == "__main__":
    main()
