"""Datasets, architectures, the decision boundary and the sweep: how fast the panel answers.

    .venv/bin/python benchmarks/beyond.py [--repeat 5]

1. Changing the dataset or the architecture: the time from the change to
   the end of its handler (new network, walkthrough, SVG, edit table, every
   widget), plus the Agg draw of each visible plot that the front end then
   requests (printed apart), for networks up to 4-8-8-4.  Target: at most
   50 ms for the handler.
2. Training XOR on 2-3-1 for 10,000 iterations at the "fast" pace, as the
   panel's asyncio task, with the live curve and decision boundary (both
   canvases drawn through Agg at every refresh) and with the refresh off.
   Target: at most 1.5x.
3. A sweep of 200 learning rates, 1,000 iterations each, on 2-3-1 XOR
   (``explorer.engine.sweep.sweep``, one stacked ``train_many``), beside 200
   separate ``train`` runs of the same.  Target: at most 1 s.

Every widget has a comm that JSON-encodes its messages (benchmarks/panel.py),
so the figures include serialising what would be sent.  A benchmark, not a
test: it prints figures and ratios and asserts nothing.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import time

import numpy as np
from panel import JsonComm  # noqa: F401  (installs the counting comm before any widget exists)

from explorer.engine.datasets import dataset
from explorer.engine.presets import random_network
from explorer.engine.sweep import rates, sweep
from explorer.engine.training import train
from explorer.panel.explorer import Explorer

TARGET_MS = 50.0


def table(n_in: int, n_out: int, rows: int = 4) -> str:
    return "\n".join(", ".join(str(((r + c) % 3) / 2) for c in range(n_in + n_out)) for r in range(rows))


def draw_visible(panel: Explorer) -> None:
    """What the front end's draw requests cost the kernel after a change: each visible plot through Agg."""
    panel.curve_view.canvas.draw()
    if panel.curve_view.boundary_canvas.layout.display != "none":
        panel.curve_view.boundary_canvas.draw()


def timed(panel: Explorer, change, repeat: int) -> tuple[float, float, float]:
    """(median handler ms, max handler ms, median ms of the plots' draws) over ``repeat`` changes."""
    handler, drawing = [], []
    for k in range(repeat):
        gc.collect()
        start = time.perf_counter()
        change(k)
        middle = time.perf_counter()
        draw_visible(panel)
        handler.append(middle - start)
        drawing.append(time.perf_counter() - middle)
    return 1000 * float(np.median(handler)), 1000 * max(handler), 1000 * float(np.median(drawing))


def changes(repeat: int) -> None:
    print(
        f"1. Dataset and architecture changes: the handler (target <= {TARGET_MS:.0f} ms), then the "
        "Agg draws of the visible plots the front end requests"
    )
    print(f"   {'change':<52s} {'median':>8s} {'max':>8s}   {'draws':>8s}")
    rows = []
    panel = Explorer()
    draw_visible(panel)
    flip = ["xor", "seed"]
    rows.append(
        (
            "seed 2-2-2 <-> xor 2-2-1 (dataset, new shape)",
            timed(panel, lambda k: setattr(panel.dataset_view.choice, "value", flip[k % 2]), repeat),
        )
    )
    panel.dataset_view.choice.value = "xor"
    gates = ["and", "or", "nand", "xor"]
    rows.append(
        (
            "xor -> and -> or ... on 2-2-1 (dataset, same shape)",
            timed(panel, lambda k: setattr(panel.dataset_view.choice, "value", gates[k % 4]), repeat),
        )
    )
    plus, minus = panel.architecture._neuron_buttons[0]
    rows.append(
        (
            "2-2-1 <-> 2-3-1 (add / remove a hidden neuron)",
            timed(panel, lambda k: (plus if k % 2 == 0 else minus).click(), repeat),
        )
    )
    acts = ["tanh", "sigmoid"]
    rows.append(
        (
            "2-2-1 hidden activation sigmoid <-> tanh",
            timed(panel, lambda k: setattr(panel.architecture.activations[0], "value", acts[k % 2]), repeat),
        )
    )
    # the largest target shape: a 4-input, 4-target table on 4-8-8-4
    panel.dataset_view.choice.value = "table"
    panel.dataset_view.n_inputs.value = 4
    panel.dataset_view.table.value = table(4, 4)
    panel.dataset_view.use_table.click()
    panel.session.set_hidden([8, 8])
    draw_visible(panel)
    assert panel.session.network.sizes == (4, 8, 8, 4)
    plus, minus = panel.architecture._neuron_buttons[1]
    rows.append(
        (
            "4-8-8-4 <-> 4-8-7-4 (remove / add a hidden neuron)",
            timed(panel, lambda k: (minus if k % 2 == 0 else plus).click(), repeat),
        )
    )
    rows.append(
        (
            "4-8-8-4 <-> 4-8-8-8-4 (add / remove a layer)",
            timed(
                panel,
                lambda k: (panel.architecture.add_layer if k % 2 == 0 else panel.architecture.remove_layer).click(),
                repeat,
            ),
        )
    )
    modes = ["per-neuron", "shared"]
    rows.append(
        (
            "4-8-8-4 biases shared <-> per neuron",
            timed(panel, lambda k: setattr(panel.architecture.bias_mode, "value", modes[k % 2]), repeat),
        )
    )
    tables = [table(4, 4, 6), table(4, 4, 4)]
    rows.append(
        (
            "4-8-8-4 table of 4 <-> 6 rows (Use table)",
            timed(
                panel,
                lambda k: (
                    setattr(panel.dataset_view.table, "value", tables[k % 2]),
                    panel.dataset_view.use_table.click(),
                ),
                repeat,
            ),
        )
    )
    for name, (median, high, drawing) in rows:
        flag = "" if median <= TARGET_MS else "   median over target"
        print(f"   {name:<52s} {median:7.1f}ms {high:7.1f}ms   {drawing:7.1f}ms{flag}")


class XorTraining:
    """A 2-3-1 XOR panel trained from Reset weights, the live plots on (drawn through Agg) or off."""

    def __init__(self, live: bool):
        self.panel = panel = Explorer()
        panel.architecture.seed.value = "5"
        panel.dataset_view.choice.value = "xor"
        panel.architecture._neuron_buttons[0][0].click()
        panel.training.pace.value = None
        self.refreshes = 0
        render_curve = panel.curve_view.render

        def on() -> None:
            self.refreshes += 1
            render_curve()
            draw_visible(panel)

        def off() -> None:
            self.refreshes += 1

        panel.curve_view.render = on if live else off

    def __call__(self, iterations: int) -> tuple[float, int]:
        panel = self.panel
        panel.training.reset_weights_button.click()
        panel.training.iterations_field.value = str(iterations)
        self.refreshes = 0

        async def run() -> None:
            panel.training.train_button.click()
            await panel.runner.training_task

        gc.collect()
        start = time.perf_counter()
        asyncio.run(run())
        assert panel.session.iteration == iterations
        return time.perf_counter() - start, self.refreshes


def training(repeat: int, iterations: int = 10_000) -> None:
    runs = {"live curve + boundary": XorTraining(True), "refresh off": XorTraining(False)}
    best = {}
    for _ in range(repeat):  # interleaved: both see the same machine load
        for name, run in runs.items():
            elapsed, refreshes = run(iterations)
            if name not in best or elapsed < best[name][0]:
                best[name] = (elapsed, refreshes)
    print(f"2. XOR 2-3-1, {iterations:,} iterations at the fast pace (best of {repeat}; target <= 1.5x)")
    for name, (elapsed, refreshes) in best.items():
        print(f"   {name:<24s} {elapsed * 1000:8.1f} ms   {refreshes:3d} refreshes")
    print(
        f"   ratio live / off: {best['live curve + boundary'][0] / best['refresh off'][0]:.2f}x; final "
        f"E_total {runs['refresh off'].panel.session.errors.values[-1]:.6f}"
    )


def sweeping(repeat: int) -> None:
    xor = dataset("xor")
    network = random_network((2, 3, 1), seed=5)
    swept = rates(200)
    times = []
    for _ in range(repeat):
        gc.collect()
        start = time.perf_counter()
        result = sweep(network, xor.inputs, xor.targets, swept, 1000)
        times.append(time.perf_counter() - start)
    start = time.perf_counter()
    for rate in swept[::10]:  # 20 of the 200, scaled up: the whole would take a while
        train(network.with_options(learning_rate=rate), xor.inputs, xor.targets, 1000)
    separate = (time.perf_counter() - start) * 10
    print(f"3. Sweep of 200 rates x 1,000 iterations, 2-3-1 XOR online (best of {repeat}; target <= 1 s)")
    print(
        f"   sweep (train_many, stacked)        {min(times) * 1000:8.1f} ms   median "
        f"{float(np.median(times)) * 1000:.1f} ms"
    )
    print(
        f"   200 separate train runs (est.)     {separate * 1000:8.1f} ms   sweep is "
        f"{separate / min(times):.1f}x faster"
    )
    print(f"   regimes: {'; '.join(result.summary())}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    changes(max(args.repeat * 4, 10))
    training(args.repeat)
    sweeping(args.repeat)


if __name__ == "__main__":
    main()
