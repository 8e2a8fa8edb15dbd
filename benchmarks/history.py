"""Looking back at any iteration: how long it takes to open one, and what the checkpoints cost.

    .venv/bin/python benchmarks/history.py [--iterations 10000] [--repeat 21]

1. The seed's network trained ``--iterations`` iterations; then the time to
   open iteration 5,000 (and its neighbours, which lie at different
   distances from a checkpoint) the way the panel does: the parameters from
   the history, the walkthrough, and the diagram's SVG.  The reference, in
   the same run: one "Next step" on the current iteration (walkthrough
   cached) plus its diagram.
2. Memory of the checkpoints for 100,000 iterations of the largest network
   the panel allows (6 layers of 16, a bias per neuron), measured with
   tracemalloc around the recording, and for 2,000,000 iterations (thinned).
   The 100,000 iterations are recorded with one network (training that
   network for real would take minutes and changes nothing in the memory).

A benchmark, not a test: it prints figures and ratios and asserts nothing.
"""

from __future__ import annotations

import argparse
import statistics
import time
import tracemalloc

from explorer.drawing import diagram
from explorer.engine.history import History
from explorer.engine.presets import random_data, random_network
from explorer.engine.validation import MAX_LAYERS, MAX_NEURONS
from explorer.lesson.session import Session


def _open(session: Session, iteration: int) -> float:
    tic = time.perf_counter()
    session.go_to_iteration(iteration + 1)  # the field counts from 1
    values, updated = session.done_values()
    walk = session.walk
    diagram.render(walk.network, walk.inputs, walk.targets, values, updated, ())
    return time.perf_counter() - tic


def _next_step(session: Session) -> float:
    tic = time.perf_counter()
    session.next_step()
    values, updated = session.done_values()
    walk = session.walk
    diagram.render(walk.network, walk.inputs, walk.targets, values, updated, session.current.elements)
    return time.perf_counter() - tic


def latency(iterations: int, repeat: int) -> None:
    session = Session()
    tic = time.perf_counter()
    session.train(iterations)
    print(f"trained {iterations:,} iterations of the seed's network in {time.perf_counter() - tic:.3f} s")
    targets = [5_000, 4_999, 5_049, 4_951, 5_025]
    opens = [_open(session, targets[i % len(targets)]) for i in range(repeat)]
    session.go_to_iteration(iterations + 1)
    steps = []
    for _ in range(repeat):
        session.reset_iteration()
        steps.append(_next_step(session))
    open_ms, step_ms = statistics.median(opens) * 1e3, statistics.median(steps) * 1e3
    print(
        f"open iteration ~5,000 (history + walkthrough + SVG): median {open_ms:.2f} ms, "
        f"max {max(opens) * 1e3:.2f} ms over {repeat}"
    )
    print(f"reference, one Next step + SVG:                      median {step_ms:.2f} ms")
    print(f"ratio open / next step: {open_ms / step_ms:.1f}")


def memory() -> None:
    net = random_network((MAX_NEURONS,) * MAX_LAYERS, seed=0, bias_mode="per-neuron")
    x, t = random_data(net, examples=1, seed=0)
    for length in (100_000, 2_000_000):
        tracemalloc.start()
        history = History(net, x, t)
        while history.next_due() <= length:
            history.record(history.next_due(), net)
        current, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        size = sum(w.size for w in net.weights) + sum(b.size for b in net.biases)
        every_stored = 8 * size * (length + 1)
        print(
            f"{length:>9,} iterations of {'-'.join(map(str, net.sizes))} ({size:,} parameters): "
            f"{current / 2**20:.1f} MB held, peak {peak / 2**20:.1f} MB, checkpoint every "
            f"{history.segments[0].every} iterations; every iteration stored would be "
            f"{every_stored / 2**20:,.0f} MB"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--iterations", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=21)
    args = parser.parse_args()
    latency(args.iterations, args.repeat)
    memory()


if __name__ == "__main__":
    main()
