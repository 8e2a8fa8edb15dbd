"""Where the straight-line trainer stops beating numpy: the measurements behind ``train``'s choice.

    .venv/bin/python benchmarks/crossover.py [--repeat 5] [--iterations 200]

For networks of 1, 3 and 5 weight layers of equal width, online (4
examples) and batch (4 examples), the time per iteration of both trainers
(``backend="compiled"`` and ``backend="numpy"``, taken in turn, fastest of
``--repeat``), against the work per update and layer of weights (weights
times examples per update, over the layers): the measure
:func:`explorer.engine.training.compiled_is_faster` compares with
:data:`~explorer.engine.training.COMPILED_WORK_PER_LAYER`.  The crossover
printed for each mode is where a straight line through log(ratio) against
log(work per layer) crosses 1.  Figures are printed, never asserted on.
"""

from __future__ import annotations

import argparse
import os
import time

import numpy as np

from explorer.engine.presets import random_data, random_network
from explorer.engine.training import COMPILED_WORK_PER_LAYER, compiled_is_faster, train

EXAMPLES = 4
#: widths per mode: the work per layer runs from 16 to 256 online and to 576 in batch
WIDTHS = {"online": (4, 8, 12, 16), "batch": (2, 4, 6, 8, 12)}
DEPTHS = (1, 3, 5)


def per_iteration(run, iterations: int, repeat: int) -> tuple[float, float]:
    """Fastest microseconds per iteration of the compiled and numpy runs, taken in turn."""
    run("compiled", 1)  # compiled once per shape: not part of the time
    best = {"compiled": np.inf, "numpy": np.inf}
    for _ in range(repeat):
        for backend in best:
            start = time.perf_counter()
            run(backend, iterations)
            best[backend] = min(best[backend], time.perf_counter() - start)
    return best["compiled"] / iterations * 1e6, best["numpy"] / iterations * 1e6


def measure(mode: str, iterations: int, repeat: int) -> list[tuple[float, float]]:
    """(work per layer, compiled / numpy) for every shape of ``mode``; prints a row for each."""
    points = []
    for depth in DEPTHS:
        for width in WIDTHS[mode]:
            net = random_network((width,) * (depth + 1), seed=0)
            x, t = random_data(net, EXAMPLES, seed=0)
            per_update = EXAMPLES if mode == "batch" else 1
            work = sum(w.size for w in net.weights) * per_update / depth
            compiled, numpy = per_iteration(
                lambda backend, n, net=net, x=x, t=t: train(net, x, t, n, mode=mode, backend=backend),
                iterations,
                repeat,
            )
            chosen = "compiled" if compiled_is_faster(net, EXAMPLES, mode) else "numpy"
            shape = "-".join(map(str, net.sizes))
            print(
                f"  {mode:<6s} {shape:<18s} {work:6.0f} {compiled:10.1f} us {numpy:8.1f} us "
                f"{compiled / numpy:6.2f}   {chosen}",
                flush=True,
            )
            points.append((work, compiled / numpy))
    return points


def crossover(points: list[tuple[float, float]]) -> float:
    """The work per layer where a least-squares line through log(ratio) on log(work) gives 1."""
    work, ratio = np.log([p[0] for p in points]), np.log([p[1] for p in points])
    slope, intercept = np.polyfit(work, ratio, 1)
    return float(np.exp(-intercept / slope))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--iterations", type=int, default=200)
    args = parser.parse_args()
    load = ", ".join(f"{x:.2f}" for x in os.getloadavg())
    print(f"{EXAMPLES} examples; fastest of {args.repeat}, in turn; load average {load} on {os.cpu_count()} cores")
    print(f"  {'mode':<6s} {'shape':<18s} {'work/layer':>6s} {'compiled':>10s} {'numpy':>11s} {'ratio':>6s}   chosen")
    found = {mode: crossover(measure(mode, args.iterations, args.repeat)) for mode in WIDTHS}
    for mode, work in found.items():
        print(f"crossover, {mode}: {work:.0f} weight-example products per update and layer")
    print(f"train() chooses the straight-line trainer up to {COMPILED_WORK_PER_LAYER} (COMPILED_WORK_PER_LAYER)")


if __name__ == "__main__":
    main()
