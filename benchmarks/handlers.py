"""Every click's handler, kernel side, on the seed and on the largest network the panel allows.

    .venv/bin/python benchmarks/handlers.py [--clicks 41] [--iterations 10000] [--builds 5]
        [--sizes 16,16,16,16,16,16] [--examples 64] [--layout notebook|presenter]

The panel is built headless and driven through the widgets a person uses:
the handler a click runs is the widget's own (``button.click()``, a field's
``value``), and it is timed to its end, with everything it redraws and
every message it would send JSON-encoded (as benchmarks/panel.py does).
The budget is one frame, 16 ms, for the median and the p90 of:

* Next step and Previous step, from places spread over the iteration shown;
* opening iteration 5,000 after 10,000 trained (the Iteration field);
* a quiz check: a wrong answer that matches no known mistake, typed and
  entered (every mistake is worked out to say so);
* a dataset change (the seed: its dataset and XOR in turn, each reshaping
  the network; the largest: one 64-row table of 16 inputs and 16 targets
  and another in turn, with Use table);
* adding a neuron (one removed before each click, untimed: at 16 the + is
  disabled).

and, for the largest network, building the panel (budget 1 s).  The two
networks are clicked in turn, so both see the same load.  ``--layout``
arranges both panels as the notebook does (the default; a large network's
edit table closed, as it opens) or as the presenter does (its sections
closed).  Printed, never asserted on.
"""

from __future__ import annotations

import argparse
import os
import statistics
import time

import numpy as np
from panel import JsonComm  # noqa: F401 - installs the counting comm before any widget exists

from explorer.engine.datasets import MAX_EXAMPLES
from explorer.engine.presets import random_data, random_network
from explorer.engine.validation import MAX_LAYERS, MAX_NEURONS
from explorer.panel.explorer import Explorer
from explorer.panel.layouts import LAYOUTS

BUDGET_MS, BUILD_BUDGET_S = 16.0, 1.0


#: the network measured beside the seed: by default the largest the panel accepts
SIZES, EXAMPLES = (MAX_NEURONS,) * MAX_LAYERS, MAX_EXAMPLES


def build_largest(sizes: tuple[int, ...] = SIZES, examples: int = EXAMPLES, layout: str = "notebook") -> Explorer:
    network = random_network(sizes, seed=0, learning_rate=0.1)
    x, t = random_data(network, examples, seed=0)
    panel = Explorer(network, x, t, layout=layout)
    panel.architecture.mode.value = "batch"
    return panel


def tables(sizes: tuple[int, ...], examples: int) -> list[str]:
    """Two tables of examples for that network (inputs, then targets), as a teacher would paste them."""
    rng = np.random.default_rng(1)
    rows = [rng.random((examples, sizes[0] + sizes[-1])).round(3) for _ in range(2)]
    return ["\n".join(", ".join(f"{v:g}" for v in row) for row in table) for table in rows]


def clicks_of(panel: Explorer, name: str, opened: int) -> dict[str, tuple]:
    """(setup, action) per handler, setup untimed; both take the click's number."""
    s, st = panel.session, panel.stepping
    rng = np.random.default_rng(0)

    def spread(i: int, at_least: int) -> None:
        st.step_slider.value = float(at_least + int(rng.integers(0, len(s.walk) - at_least)))

    def far(i: int) -> None:
        st.iteration_field.value = str(opened - 1 - i % 7)  # another iteration shown first

    def question(i: int) -> None:
        if i == 0:
            st.quiz_view.toggle.value = True
            st.step_slider.value = 0.0
        if i % 5 == 0:  # a fresh question now and then: reveal, next
            if st.quiz.is_open():
                st.quiz_view.reveal_button.click()
            st.next_button.click()

    def answer(i: int) -> None:
        st.quiz_view.answer.value = f"{1234.5 + i}"  # typed and entered: the field's handler checks

    if name == "seed":
        datasets = ["xor", "seed"]

        def dataset(i: int) -> None:
            panel.dataset_view.choice.value = datasets[i % 2]

        dataset_setup = None
    else:
        sizes = s.network.sizes
        texts = tables(sizes, s.inputs.shape[0])

        def dataset_setup(i: int) -> None:
            panel.dataset_view.table.value = texts[i % 2]
            panel.dataset_view.n_inputs.value = sizes[0]

        def dataset(i: int) -> None:
            panel.dataset_view.use_table.click()

    def fewer(i: int) -> None:
        panel.architecture._neuron_buttons[0][1].click()  # the − of hidden layer 1

    return {
        "Next step": (lambda i: spread(i, 0), lambda i: st.next_button.click()),
        "Previous step": (lambda i: spread(i, 1), lambda i: st.previous_button.click()),
        f"opening iteration {opened:,}": (far, lambda i: setattr(st.iteration_field, "value", str(opened + 1))),
        "quiz check (wrong, no known mistake)": (question, answer),
        "dataset change": (dataset_setup, dataset),
        "adding a neuron": (fewer, lambda i: panel.architecture._neuron_buttons[0][0].click()),
    }


def measure(panels: dict[str, Explorer], clicks: int, opened: int) -> None:
    """Milliseconds of each click, wall and CPU, per handler and network, the networks in turn."""
    plans = {name: clicks_of(panel, name, opened) for name, panel in panels.items()}
    for handler in plans["seed"]:
        times = {(name, clock): [] for name in panels for clock in ("wall", "cpu")}
        for i in range(clicks):
            for name in panels:
                setup, action = plans[name][handler]
                if setup is not None:
                    setup(i)
                wall, cpu = time.perf_counter(), time.thread_time()
                action(i)
                times[name, "cpu"].append(time.thread_time() - cpu)
                times[name, "wall"].append(time.perf_counter() - wall)
                message = panels[name].message
                assert message.kind != "error", f"{handler} on {name}: {message.value}"
        cells = []
        for name in panels:
            (wall_median, wall_p90), (cpu_median, cpu_p90) = (
                np.percentile(np.array(times[name, clock]) * 1e3, (50, 90)) for clock in ("wall", "cpu")
            )
            within = "ok" if cpu_p90 <= BUDGET_MS else "OVER"
            cells.append(f"{wall_median:6.2f} /{wall_p90:6.2f}  {cpu_median:6.2f} /{cpu_p90:6.2f} {within:>4s}")
        print(f"  {handler:<38s} " + "   ".join(cells), flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clicks", type=int, default=41)
    parser.add_argument("--iterations", type=int, default=10_000)
    parser.add_argument("--builds", type=int, default=5)
    parser.add_argument("--sizes", default=",".join(map(str, SIZES)), help="layer sizes of the network beside the seed")
    parser.add_argument("--examples", type=int, default=EXAMPLES)
    parser.add_argument("--layout", choices=sorted(LAYOUTS), default="notebook", help="the panels' arrangement")
    args = parser.parse_args()
    sizes = tuple(int(n) for n in args.sizes.split(","))

    builds, build_cpu = [], []
    for _ in range(args.builds):
        start, cpu = time.perf_counter(), time.thread_time()
        big = build_largest(sizes, args.examples, args.layout)
        builds.append(time.perf_counter() - start)
        build_cpu.append(time.thread_time() - cpu)
    panels = {"seed": Explorer(layout=args.layout), "largest": big}
    for name, panel in panels.items():
        start = time.perf_counter()
        panel.session.train(args.iterations)
        panel.render()
        print(f"{name}: {args.iterations:,} iterations trained and drawn in {time.perf_counter() - start:.2f} s")
    size = "-".join(map(str, big.session.network.sizes))
    load = ", ".join(f"{x:.2f}" for x in os.getloadavg())
    print(
        f"{args.layout} layout; largest: {size}, {args.examples} examples, batch, "
        f"{len(big.session.walk):,} steps an iteration; "
        f"building its panel: median {statistics.median(builds):.2f} s, best {min(builds):.2f} s "
        f"of {args.builds}, CPU median {statistics.median(build_cpu):.2f} s (budget {BUILD_BUDGET_S:.0f} s); "
        f"the first {builds[0]:.2f} s (CPU {build_cpu[0]:.2f} s), the diagram's layout of the shape worked out"
    )
    print(
        f"median / p90 over {args.clicks} clicks each (budget {BUDGET_MS:.0f} ms); "
        f"load {load} on {os.cpu_count()} cores.\nWall time, then the thread's CPU time (what an idle "
        "machine's wall time would be: a loaded one adds the wait for a core); ok or OVER by the CPU p90"
    )
    print(f"  {'':<38s} " + "   ".join(f"{name + ': wall':<16s}{'cpu (ms)':<18s}" for name in panels))
    measure(panels, args.clicks, args.iterations // 2)
    print(f"load afterwards: {', '.join(f'{x:.2f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    main()
