"""Engine speed: every target beside a plain reference loop timed in the same run.

    .venv/bin/python benchmarks/engine.py [--repeat 5] [--quick]

Each reference is written here as plainly as the task allows (no classes, no
options) and is checked to compute the same numbers as the engine before it
is timed.  Figures and ratios are printed, never asserted on.
"""

from __future__ import annotations

import argparse
import math
import os
import time

import numpy as np

from explorer import SEED_INPUTS, SEED_TARGETS, random_network, seed_network, train, train_many
from explorer.engine.datasets import dataset
from explorer.engine.presets import random_data
from explorer.engine.sweep import rates as sweep_rates

ITERATIONS = 10_000


# ---------------------------------------------------------------- references
def scalar_reference(iterations: int) -> list[float]:
    """The seed's example as the plainest possible loop: no arrays, no classes.

    Records E_total before every iteration, as ``train`` does.
    """
    w1, w2, w3, w4, w5, w6, w7, w8 = 0.15, 0.20, 0.25, 0.30, 0.40, 0.45, 0.50, 0.55
    b1, b2, i1, i2, t1, t2, eta = 0.35, 0.60, 0.05, 0.10, 0.01, 0.99, 0.5
    exp = math.exp
    errors = []
    for i in range(iterations + 1):
        h1 = 1 / (1 + exp(-(w1 * i1 + w2 * i2 + b1)))
        h2 = 1 / (1 + exp(-(w3 * i1 + w4 * i2 + b1)))
        o1 = 1 / (1 + exp(-(w5 * h1 + w6 * h2 + b2)))
        o2 = 1 / (1 + exp(-(w7 * h1 + w8 * h2 + b2)))
        errors.append(0.5 * (t1 - o1) ** 2 + 0.5 * (t2 - o2) ** 2)
        if i == iterations:
            break
        d1, d2 = (o1 - t1) * o1 * (1 - o1), (o2 - t2) * o2 * (1 - o2)
        e1, e2 = (d1 * w5 + d2 * w7) * h1 * (1 - h1), (d1 * w6 + d2 * w8) * h2 * (1 - h2)
        w5, w6, w7, w8 = w5 - eta * d1 * h1, w6 - eta * d1 * h2, w7 - eta * d2 * h1, w8 - eta * d2 * h2
        w1, w2, w3, w4 = w1 - eta * e1 * i1, w2 - eta * e1 * i2, w3 - eta * e2 * i1, w4 - eta * e2 * i2
    return errors


def numpy_reference(weights, biases, x, t, iterations: int, mode: str, eta: float = 0.5):
    """A plain numpy loop: sigmoid layers, squared error, ``W @ a + b``, one matmul per layer.

    Online: one update per example (vectors); batch: one mean update per
    iteration.  Records the mean E_total before every iteration.
    """
    W = [w.copy() for w in weights]
    b = [c.copy() for c in biases]
    m, L = x.shape[0], len(W)
    errors = np.empty(iterations + 1)
    for i in range(iterations + 1):
        a = [x]
        for l in range(L):
            a.append(1 / (1 + np.exp(-(a[l] @ W[l].T + b[l]))))
        errors[i] = (0.5 * (t - a[-1]) ** 2).sum(axis=1).mean()
        if i == iterations:
            break
        if mode == "batch":
            delta = (a[-1] - t) * a[-1] * (1 - a[-1])
            for l in range(L - 1, -1, -1):
                g = delta.T @ a[l] / m
                if l:
                    delta = (delta @ W[l]) * a[l] * (1 - a[l])
                W[l] = W[l] - eta * g
        else:
            for e in range(m):
                a = [x[e]]
                for l in range(L):
                    a.append(1 / (1 + np.exp(-(W[l] @ a[l] + b[l]))))
                delta = (a[-1] - t[e]) * a[-1] * (1 - a[-1])
                for l in range(L - 1, -1, -1):
                    g = np.outer(delta, a[l])
                    if l:
                        delta = (delta @ W[l]) * a[l] * (1 - a[l])
                    W[l] = W[l] - eta * g
    return errors, W


def batch_axis_reference(rates: np.ndarray, iterations: int):
    """K copies of the seed's network as a plain numpy loop over a leading batch axis."""
    K = rates.size
    W1 = np.repeat(np.array([[[0.15, 0.20], [0.25, 0.30]]]), K, axis=0)
    W2 = np.repeat(np.array([[[0.40, 0.45], [0.50, 0.55]]]), K, axis=0)
    x, t, eta = np.array([0.05, 0.10]), np.array([0.01, 0.99]), rates[:, None, None]
    errors = []
    for i in range(iterations + 1):
        h = 1 / (1 + np.exp(-(W1 @ x + 0.35)))  # (K, 2)
        o = 1 / (1 + np.exp(-((W2 @ h[:, :, None])[:, :, 0] + 0.60)))  # (K, 2)
        errors.append((0.5 * (t - o) ** 2).sum(axis=1))
        if i == iterations:
            break
        d2 = (o - t) * o * (1 - o)
        d1 = (d2[:, None, :] @ W2)[:, 0, :] * h * (1 - h)
        W2 = W2 - eta * (d2[:, :, None] * h[:, None, :])
        W1 = W1 - eta * (d1[:, :, None] * x[None, None, :])
    return np.array(errors).T, W1, W2


def stacked_reference(weights, biases, x, t, rates: np.ndarray, iterations: int, every: int):
    """K copies of a sigmoid network, one rate each, online, as a plain numpy loop over a stacked axis.

    ``W[l]`` of shape (K, n_{l+1}, n_l), ``@`` with broadcasting; the mean
    E_total of every copy before every iteration (kept every ``every``), as
    ``train_many`` works it out to tell where each copy diverged.
    """
    K, L, m = rates.size, len(weights), x.shape[0]
    W = [np.repeat(w[None], K, axis=0) for w in weights]
    eta = rates[:, None, None]
    kept = []
    for i in range(iterations + 1):
        a = x[None]
        for l in range(L):
            a = 1 / (1 + np.exp(-(a @ np.swapaxes(W[l], 1, 2) + biases[l])))
        error = (0.5 * (t - a) ** 2).sum(axis=2).mean(axis=1)
        if i % every == 0 or i == iterations:
            kept.append(error)
        if i == iterations:
            break
        for e in range(m):
            a = [x[None, e : e + 1]]
            for l in range(L):
                a.append(1 / (1 + np.exp(-(a[l] @ np.swapaxes(W[l], 1, 2) + biases[l]))))
            delta = (a[-1] - t[e]) * a[-1] * (1 - a[-1])
            for l in range(L - 1, -1, -1):
                g = np.swapaxes(delta, 1, 2) * a[l]
                if l:
                    delta = (delta @ W[l]) * a[l] * (1 - a[l])
                W[l] = W[l] - eta * g
    return np.array(kept).T, W


# ------------------------------------------------------------------- timing
def timed(engine, reference, repeat: int) -> tuple[float, float | None]:
    """Best seconds of each over ``repeat`` runs, taken in turn so both see the same load.

    The best rather than the median: on a shared machine the other users only
    ever add time, so the fastest run is the one least disturbed.
    """
    times: tuple[list[float], list[float]] = ([], [])
    for _ in range(repeat):
        for function, kept in ((engine, times[0]), (reference, times[1])):
            if function is not None:
                start = time.perf_counter()
                function()
                kept.append(time.perf_counter() - start)
    return min(times[0]), min(times[1]) if times[1] else None


def row(what: str, times: tuple[float, float | None], target: str) -> None:
    engine, reference = times
    ratio = f"{engine / reference:5.2f}x" if reference else "     "
    ref = f"{reference * 1e3:9.1f} ms" if reference else " " * 12
    print(f"  {what:<34s} {engine * 1e3:9.1f} ms  {ref}  {ratio}  (target {target})", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--networks", type=int, default=1000)
    parser.add_argument("--quick", action="store_true", help="1,000 iterations instead of 10,000")
    args = parser.parse_args()
    n_iter = 1_000 if args.quick else ITERATIONS
    blas = os.environ.get("OPENBLAS_CORETYPE")
    print(
        f"OPENBLAS_CORETYPE={blas or '(not set)'}; numpy {np.__version__}; "
        f"{n_iter:,} iterations each; best of {args.repeat}, engine and reference in turn"
    )
    print(f"  {'':<34s} {'engine':>12s}  {'reference':>12s}  ratio")

    # the seed's network against a plain scalar loop
    net = seed_network()
    engine = train(net, SEED_INPUTS, SEED_TARGETS, n_iter)
    np.testing.assert_allclose(engine.errors, scalar_reference(n_iter), rtol=1e-12)
    print("the seed's 2-2-2 network, one example:")
    row(
        "train()",
        timed(lambda: train(net, SEED_INPUTS, SEED_TARGETS, n_iter), lambda: scalar_reference(n_iter), args.repeat),
        "<= 2x plain scalar loop",
    )

    # networks a student builds next, against a plain numpy loop
    print("sigmoid networks, squared error, against a plain numpy matmul loop:")
    for sizes, m in (((2, 2, 1), 4), ((4, 8, 8, 3), 8), ((16, 16, 16, 16), 4)):
        net = random_network(sizes, seed=0, learning_rate=0.5)
        x, t = random_data(net, m, seed=0)
        for mode in ("online", "batch"):
            errors, W = numpy_reference(net.weights, net.biases, x, t, n_iter, mode)
            result = train(net, x, t, n_iter, mode=mode)
            np.testing.assert_allclose(result.errors, errors, rtol=1e-9, atol=1e-12)
            np.testing.assert_allclose(result.network.weights[-1], W[-1], rtol=1e-9, atol=1e-12)
            # the numpy path itself, then what train() picks (straight-line code where it is faster)
            for backend in ("numpy", "auto"):
                label = f"{'-'.join(map(str, sizes))} x{m}, {mode}, {backend}"
                row(
                    label,
                    timed(
                        lambda: train(net, x, t, n_iter, mode=mode, backend=backend),
                        lambda: numpy_reference(net.weights, net.biases, x, t, n_iter, mode),
                        args.repeat,
                    ),
                    "<= 1.1x",
                )

    # many copies at once, against a plain loop over a batch axis
    rates = np.geomspace(0.001, 10, args.networks)
    sweep = train_many(seed_network(), SEED_INPUTS, SEED_TARGETS, rates, n_iter, record_every=1)
    ref_errors, _W1, ref_W2 = batch_axis_reference(rates, n_iter)
    np.testing.assert_allclose(sweep.errors, ref_errors, rtol=1e-9)
    np.testing.assert_allclose(sweep.weights[1], ref_W2, rtol=1e-9)
    print(f"train_many, {args.networks:,} copies of the seed's network:")
    row(
        "train_many()",
        timed(
            lambda: train_many(seed_network(), SEED_INPUTS, SEED_TARGETS, rates, n_iter),
            lambda: batch_axis_reference(rates, n_iter),
            args.repeat,
        ),
        "<= 1.0x plain batch-axis loop",
    )

    # the panel's sweep: 200 rates on XOR, against a plain stacked loop
    xor, net, swept = dataset("xor"), random_network((2, 3, 1), seed=5), sweep_rates(200)
    sweep_iterations = n_iter // 10
    sweep = train_many(net, xor.inputs, xor.targets, swept, sweep_iterations, 10)
    ref_errors, ref_W = stacked_reference(net.weights, net.biases, xor.inputs, xor.targets, swept, sweep_iterations, 10)
    np.testing.assert_allclose(sweep.errors, ref_errors, rtol=1e-9)
    np.testing.assert_allclose(sweep.weights[0], ref_W[0], rtol=1e-9)
    print(f"the sweep: 200 rates x {sweep_iterations:,} iterations, 2-3-1 XOR, online:")
    row(
        "train_many()",
        timed(
            lambda: train_many(net, xor.inputs, xor.targets, swept, sweep_iterations, 10),
            lambda: stacked_reference(net.weights, net.biases, xor.inputs, xor.targets, swept, sweep_iterations, 10),
            args.repeat,
        ),
        "<= 1.1x plain stacked loop",
    )

    # the largest network the explorer allows
    net = random_network((16,) * 6, seed=0, learning_rate=0.1)
    x, t = random_data(net, 64, seed=0)
    print("the largest network allowed, 6 layers of 16, 64 examples, batch:")
    row(
        "train()",
        timed(lambda: train(net, x, t, n_iter, mode="batch"), None, args.repeat),
        f"< {2000 * n_iter // ITERATIONS} ms",
    )


if __name__ == "__main__":
    main()
