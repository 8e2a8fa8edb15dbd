"""Engine speed: 10,000 iterations of the seed's network, and 1,000 networks at once.

    .venv/bin/python benchmarks/engine.py [--repeat 5]

Prints figures and ratios against a reference measured in the same run (a
plain-Python scalar loop written for this example), never asserts on them.
"""

from __future__ import annotations

import argparse
import math
import statistics
import time

import numpy as np

from explorer import SEED_INPUTS, SEED_TARGETS, seed_network, train, train_many

ITERATIONS = 10_000


def scalar_reference(iterations: int) -> float:
    """The seed's example as the plainest possible loop: no arrays, no classes."""
    w1, w2, w3, w4, w5, w6, w7, w8 = 0.15, 0.20, 0.25, 0.30, 0.40, 0.45, 0.50, 0.55
    b1, b2, i1, i2, t1, t2, eta = 0.35, 0.60, 0.05, 0.10, 0.01, 0.99, 0.5
    exp = math.exp
    for _ in range(iterations):
        h1 = 1 / (1 + exp(-(w1 * i1 + w2 * i2 + b1)))
        h2 = 1 / (1 + exp(-(w3 * i1 + w4 * i2 + b1)))
        o1 = 1 / (1 + exp(-(w5 * h1 + w6 * h2 + b2)))
        o2 = 1 / (1 + exp(-(w7 * h1 + w8 * h2 + b2)))
        d1, d2 = (o1 - t1) * o1 * (1 - o1), (o2 - t2) * o2 * (1 - o2)
        e1, e2 = (d1 * w5 + d2 * w7) * h1 * (1 - h1), (d1 * w6 + d2 * w8) * h2 * (1 - h2)
        w5, w6, w7, w8 = w5 - eta * d1 * h1, w6 - eta * d1 * h2, w7 - eta * d2 * h1, w8 - eta * d2 * h2
        w1, w2, w3, w4 = w1 - eta * e1 * i1, w2 - eta * e1 * i2, w3 - eta * e2 * i1, w4 - eta * e2 * i2
    o1 = 1 / (1 + exp(-(w5 * (1 / (1 + exp(-(w1 * i1 + w2 * i2 + b1)))) + w6 * (1 / (1 + exp(-(w3 * i1 + w4 * i2 + b1)))) + b2)))
    return o1


def timed(function, repeat: int) -> tuple[float, float]:
    """(median, best) seconds over ``repeat`` runs."""
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        function()
        times.append(time.perf_counter() - start)
    return statistics.median(times), min(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--networks", type=int, default=1000)
    args = parser.parse_args()
    net = seed_network()

    # the reference and the engine must compute the same thing
    engine_o1 = train(net, SEED_INPUTS, SEED_TARGETS, ITERATIONS).network.forward(SEED_INPUTS).output[0]
    assert abs(engine_o1 - scalar_reference(ITERATIONS)) < 1e-12, "reference and engine disagree"

    rows = [
        ("plain scalar loop (reference)", timed(lambda: scalar_reference(ITERATIONS), args.repeat)),
        ("engine train(), auto backend", timed(lambda: train(net, SEED_INPUTS, SEED_TARGETS, ITERATIONS), args.repeat)),
        ("engine train(), numpy backend", timed(lambda: train(net, SEED_INPUTS, SEED_TARGETS, ITERATIONS,
                                                              backend="numpy"), max(1, args.repeat // 2))),
    ]
    reference = rows[0][1][0]
    print(f"10,000 iterations of the seed's 2-2-2 network (median of {args.repeat}):")
    for name, (median, best) in rows:
        print(f"  {name:<34s} {median * 1e3:8.1f} ms  (best {best * 1e3:6.1f} ms, {median / reference:5.1f}x reference)")

    rates = np.geomspace(0.001, 10, args.networks)
    median, best = timed(lambda: train_many(net, SEED_INPUTS, SEED_TARGETS, rates, ITERATIONS), 3)
    single = rows[1][1][0]
    print(f"\n{args.networks:,} networks x 10,000 iterations at once (train_many, median of 3):")
    print(f"  {median:8.2f} s  (best {best:.2f} s; {median / (single * args.networks):.3f}x the time "
          f"of {args.networks:,} separate train() runs)")


if __name__ == "__main__":
    main()
