"""Panel speed in the kernel: the step controls, and training with the live curve on and off.

    .venv/bin/python benchmarks/panel.py [--clicks 300] [--iterations 10000] [--repeat 5]

1. The time from a click to the end of its handler (state change, SVG,
   LaTeX, every widget update) for "Next step", "Previous step" and the step
   slider, against a plain ipywidgets Button whose handler sets an HTML
   widget's value, measured in the same run.
2. ``--iterations`` of training at the "fast" pace, as the asyncio task the
   panel runs, with the live curve as a browser would drive it (the canvas
   rendered through Agg at every refresh, as the front end requests after
   each ``draw_idle``) and with the curve refresh switched off.

There is no front end: every widget gets a comm that JSON-encodes each
message as the kernel's session would and counts it, so the figures include
serialising what would be sent, but not the network or the browser (see
benchmarks/browser_latency.py for click-to-screen).  A benchmark, not a
test: it prints figures and ratios and asserts nothing.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import math
import statistics
import time
import warnings

import comm
import numpy as np

try:  # the kernel's own encoder, if Jupyter is installed
    from jupyter_client.session import json_packer
except ImportError:  # pragma: no cover
    import json

    def json_packer(obj):
        return json.dumps(obj, ensure_ascii=False, allow_nan=False).encode()


class JsonComm(comm.DummyComm):
    """A comm with no front end that still pays for encoding every message."""

    messages = 0
    sent_bytes = 0

    def publish_msg(self, msg_type, data=None, metadata=None, buffers=None, **keys):
        JsonComm.messages += 1
        JsonComm.sent_bytes += len(json_packer(data or {}))
        JsonComm.sent_bytes += sum(memoryview(b).nbytes for b in buffers or ())


# before any widget exists (ipywidgets asks comm.create_comm for each one)
comm.create_comm = JsonComm
# ipympl builds its toolbar with arguments traitlets deprecates; not ours
warnings.filterwarnings("ignore", "Passing unrecognized arguments", DeprecationWarning)

import ipywidgets as widgets  # noqa: E402

from explorer.lesson.session import Session  # noqa: E402
from explorer.panel.explorer import Explorer  # noqa: E402


# ----------------------------------------------------------------- helpers
def timed_calls(action, count: int, setup=None) -> tuple[np.ndarray, float, float]:
    """Seconds of each of ``count`` calls of ``action(i)``; messages and bytes per call.

    ``setup(i)``, if given, runs before each call, untimed (and its messages uncounted).
    """
    times = np.empty(count)
    messages = sent = 0
    for i in range(count):
        if setup is not None:
            setup(i)
        m0, b0 = JsonComm.messages, JsonComm.sent_bytes
        start = time.perf_counter()
        action(i)
        times[i] = time.perf_counter() - start
        messages += JsonComm.messages - m0
        sent += JsonComm.sent_bytes - b0
    return times, messages / count, sent / count


def describe(times: np.ndarray) -> tuple[float, float, float]:
    """(median, p90, max) in milliseconds."""
    return (float(np.median(times)) * 1e3, float(np.percentile(times, 90)) * 1e3, float(times.max()) * 1e3)


def reference_button(count: int, payload: str = "") -> tuple[np.ndarray, float, float]:
    """A plain Button whose click handler sets an HTML widget's value."""
    out = widgets.HTML()
    button = widgets.Button(description="Next")
    clicks = [0]

    def on_click(_button):
        clicks[0] += 1
        out.value = f"<b>click {clicks[0]}</b>{payload}"

    button.on_click(on_click)
    for _ in range(20):  # warm up
        button.click()
    return timed_calls(lambda i: button.click(), count)


# ---------------------------------------------------------------- part 1
def step_controls(clicks: int) -> None:
    panel = Explorer()
    for _ in range(2 * 54):  # warm up: two iterations, both kinds of click
        panel.stepping.next_button.click()
    panel.training.reset_weights_button.click()
    n = len(panel.session.walk)

    rows = []
    # Next step cycles through iterations: every (n+1)-th click applies the
    # update and starts the next one (a new walkthrough, curve point, edit table)
    times, msgs, sent = timed_calls(lambda i: panel.stepping.next_button.click(), clicks)
    rows.append(("Next step", times, msgs, sent))
    rollover = times[n::n][:] if len(times) > n else times[:0]

    def rewind(i):
        if panel.session.step == 0:
            panel.stepping.finish_button.click()

    times, msgs, sent = timed_calls(lambda i: panel.stepping.previous_button.click(), clicks, setup=rewind)
    rows.append(("Previous step", times, msgs, sent))

    rng = np.random.default_rng(0)
    targets = [int(rng.integers(0, n + 1))]
    while len(targets) < clicks:
        k = int(rng.integers(0, n + 1))
        if k != targets[-1]:  # a real move every time
            targets.append(k)

    def scrub(i):
        panel.stepping.step_slider.value = float(targets[i])

    times, msgs, sent = timed_calls(scrub, clicks)
    rows.append(("Step slider (random step)", times, msgs, sent))

    svg_size = len(panel.stepping.diagram.value)
    ref, ref_msgs, ref_sent = reference_button(clicks)
    ref_big, big_msgs, big_sent = reference_button(clicks, payload="x" * svg_size)
    ref_median = float(np.median(ref))

    print(
        f"1. Kernel-side handler time, {clicks} calls each, seed network "
        f"({n} steps per iteration, SVG {svg_size / 1e3:.1f} kB)"
    )
    print(f"   {'':<34s} {'median':>8s} {'p90':>8s} {'max':>8s}   msgs/call  kB/call   median/ref")
    for name, times, msgs, sent in rows + [
        ("reference: Button -> HTML.value", ref, ref_msgs, ref_sent),
        ("reference, SVG-sized HTML value", ref_big, big_msgs, big_sent),
    ]:
        median, p90, high = describe(times)
        print(
            f"   {name:<34s} {median:7.2f}ms {p90:7.2f}ms {high:7.2f}ms   {msgs:8.1f}  {sent / 1e3:7.1f}"
            f"   {float(np.median(times)) / ref_median:8.1f}x"
        )
    if len(rollover):
        median, _p90, high = describe(rollover)
        print(
            f"   of which Next step starting a new iteration ({len(rollover)} clicks): "
            f"median {median:.2f} ms, max {high:.2f} ms"
        )


# ---------------------------------------------------------------- part 2
class TrainingRun:
    """One panel trained again and again from Reset weights, the curve live or switched off."""

    def __init__(self, curve: bool):
        self.panel = panel = Explorer()
        panel.training.pace.value = math.inf  # "fast"
        self.refreshes, self.drawing = 0, 0.0
        render_curve = panel.curve_view.render

        def live():
            self.refreshes += 1
            render_curve()
            tic = time.perf_counter()
            panel.curve_view.canvas.draw()  # what the front end's "draw" request costs the kernel: Agg + PNG diff
            self.drawing += time.perf_counter() - tic

        def off():
            self.refreshes += 1

        panel.curve_view.render = live if curve else off
        panel.training.reset_weights_button.click()  # the first, full-frame draw happens here, untimed

    def __call__(self, iterations: int) -> tuple[float, int, float]:
        """Seconds of asyncio.run of one run; its refreshes; seconds of them spent drawing."""
        panel = self.panel
        panel.training.reset_weights_button.click()
        panel.training.iterations_field.value = str(iterations)
        self.refreshes, self.drawing = 0, 0.0

        async def run():
            panel.training.train_button.click()
            await panel.runner.training_task

        gc.collect()
        start = time.perf_counter()
        asyncio.run(run())
        elapsed = time.perf_counter() - start
        assert panel.session.iteration == iterations, "the run did not finish"
        return elapsed, self.refreshes, self.drawing


def training(iterations: int, repeat: int) -> None:
    live, quiet = TrainingRun(curve=True), TrainingRun(curve=False)
    live(200), quiet(200)  # warm up fonts, Agg, the layout cache
    on, off = [], []
    for _ in range(repeat):  # interleaved, so load on the machine hits both alike
        on.append(live(iterations))
        off.append(quiet(iterations))
    session = Session()
    tic = time.perf_counter()
    session.train(iterations)
    engine = time.perf_counter() - tic

    on_t = statistics.median(t for t, _r, _d in on)
    off_t = statistics.median(t for t, _r, _d in off)
    refreshes = statistics.median(r for _t, r, _d in on)
    per_draw = sum(d for _t, _r, d in on) / max(1, sum(r for _t, r, _d in on))
    print(
        f"\n2. Training {iterations:,} iterations at the fast pace: asyncio.run of the panel's task "
        f"(median of {repeat}, interleaved)"
    )
    print(
        f"   curve on  (curve_view.render + canvas.draw() each refresh) {on_t * 1e3:8.1f} ms"
        f"  (best {min(t for t, _r, _d in on) * 1e3:.1f} ms; {refreshes:.0f} refreshes per run "
        f"incl. the final one, {per_draw * 1e3:.1f} ms per Agg draw)"
    )
    print(
        f"   curve off (curve_view.render a no-op)                  {off_t * 1e3:8.1f} ms"
        f"  (best {min(t for t, _r, _d in off) * 1e3:.1f} ms)"
    )
    print(f"   ratio on / off                                          {on_t / off_t:8.2f}x  (target <= 1.5x)")
    print(f"   engine alone (Session.train, no panel, no loop)        {engine * 1e3:8.1f} ms")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clicks", type=int, default=300)
    parser.add_argument("--iterations", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument(
        "--long", type=int, default=100_000, help="also a run long enough for the periodic refresh to matter (0: skip)"
    )
    args = parser.parse_args()
    step_controls(args.clicks)
    training(args.iterations, args.repeat)
    if args.long:
        training(args.long, max(1, args.repeat // 2))


if __name__ == "__main__":
    main()
