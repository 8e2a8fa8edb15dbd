"""The classroom page in a real browser: from navigation to usable, and "Next step" to the formula updated.

    python benchmarks/browser_steps.py [--clicks 50] [--loads 3] [--sizes 16,16,16,16,16,16] [--examples 64]

For the seed's walkthrough (notebooks/01_step_by_step.ipynb) and for a page
showing the largest network the panel accepts (6 layers of 16, 64 examples,
batch), each served as ``python -m explorer app`` serves it (Voila, one
kernel started in advance; tests/browser/helpers.py), a headless Chromium:

* opens the page ``--loads`` times, each time once the server has a kernel
  ready again, and times from asking for the page to a usable panel: the
  "Next step" button and the formula visible;
* clicks "Next step" ``--clicks`` times (after one untimed click) and times,
  inside the page, from each click to the first change of the formula's text
  (MutationObserver and performance.now(): Playwright's round trips are not
  counted, nor the paint that follows, at most a frame later).

Median and p90 in ms, with the machine's load average before and after: the
browser runs on the same two cores as the server and its kernel.  A
benchmark, not a test: it asserts nothing.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from explorer.engine.datasets import MAX_EXAMPLES  # noqa: E402
from explorer.engine.validation import MAX_LAYERS, MAX_NEURONS  # noqa: E402
from tests.browser import classroom, helpers  # noqa: E402

FORMULA = ".bp-equation"
LARGEST_CELL = """\
from explorer.engine.presets import random_data, random_network
from explorer.panel.explorer import Explorer

network = random_network({sizes}, seed=0, learning_rate=0.1)
x, t = random_data(network, {examples}, seed=0)
panel = Explorer(network, x, t)
panel.architecture.mode.value = "batch"
panel
"""


def load() -> str:
    return ", ".join(f"{x:.2f}" for x in os.getloadavg())


def wait_for_kernel(voila, filled: int, timeout_s: float = 300) -> None:
    """Block until Voila has filled its pool ``filled`` times and its kernels have gone quiet.

    classroom.wait_for_pool counts the kernels; here a page visited before
    leaves its kernel running (until culled), so the refills are counted instead.
    """
    deadline, busy = time.monotonic() + timeout_s, None
    while time.monotonic() < deadline:
        refills = voila.log.read_text(errors="replace").count("is filled with")
        cpu = sum(s.cpu_s for s in map(classroom.process_stats, classroom.kernel_pids(voila.proc.pid)) if s)
        if refills >= filled and busy is not None and cpu - busy < 0.02:  # the notebook has run
            return
        busy = cpu
        time.sleep(1.0)
    raise TimeoutError(f"no kernel ready within {timeout_s:.0f} s; log tail:\n{helpers.log_tail(voila.log)}")


def visit(browser, voila, clicks: int) -> tuple[float, list[float]]:
    """Seconds from asking for the page to a usable panel; then ms of each timed click (none if ``clicks`` is 0)."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    blocked: list[str] = []
    helpers.block_external_requests(context, blocked)
    page = context.new_page()
    try:
        start = time.perf_counter()
        page.goto(voila.url, wait_until="commit", timeout=helpers.PAGE_TIMEOUT)
        step = page.get_by_role("button", name="Next step").first
        step.wait_for(state="visible", timeout=helpers.PAGE_TIMEOUT)
        page.locator(FORMULA).first.wait_for(state="visible", timeout=helpers.PAGE_TIMEOUT)
        usable = time.perf_counter() - start
        times = helpers.click_latencies(page, step, FORMULA, 1 + clicks)[1:] if clicks else []
    finally:
        context.close()
    if blocked:
        print(f"note: the page tried to reach {blocked}", file=sys.stderr)
    return usable, times


def run(notebooks: dict[str, Path], clicks: int, loads: int, work: Path) -> None:
    from playwright.sync_api import sync_playwright  # noqa: PLC0415 - only this benchmark needs it

    with sync_playwright() as playwright:
        browser = helpers.launch_chromium(playwright)
        try:
            for name, notebook in notebooks.items():
                with helpers.voila_server(notebook, work / f"voila-{name}") as voila:
                    usable, times = [], []
                    before = load()
                    for i in range(loads):
                        wait_for_kernel(voila, i + 1)  # a kernel ready, as a student finds it
                        seconds, clicked = visit(browser, voila, clicks if i == 0 else 0)
                        usable.append(seconds)
                        times += clicked
                    median, p90 = np.percentile(times, (50, 90))
                    print(
                        f"{name}: navigation to usable page {', '.join(f'{s:.1f}' for s in usable)} s "
                        f"(median {statistics.median(usable):.1f} s); Next step to formula updated, "
                        f"{len(times)} clicks: median {median:.0f} ms, p90 {p90:.0f} ms, max {max(times):.0f} ms; "
                        f"load {before} before, {load()} after, on {os.cpu_count()} cores",
                        flush=True,
                    )
        finally:
            browser.close()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clicks", type=int, default=50)
    parser.add_argument("--loads", type=int, default=3, help="page loads per notebook (the first is clicked)")
    parser.add_argument("--sizes", default=",".join([str(MAX_NEURONS)] * MAX_LAYERS))
    parser.add_argument("--examples", type=int, default=MAX_EXAMPLES)
    args = parser.parse_args(argv)
    if not helpers.CHROMIUM.exists():
        print(f"browser_steps: Chromium not found at {helpers.CHROMIUM}", file=sys.stderr)
        return 1
    sizes = tuple(int(n) for n in args.sizes.split(","))
    with tempfile.TemporaryDirectory(prefix="bp-steps-") as tmp:
        work = Path(tmp)
        largest = helpers.write_notebook(
            work / "pages" / "largest.ipynb", LARGEST_CELL.format(sizes=sizes, examples=args.examples)
        )
        notebooks = {"seed (01_step_by_step)": helpers.NOTEBOOKS / "01_step_by_step.ipynb", "largest": largest}
        run(notebooks, args.clicks, args.loads, work)
    return 0


if __name__ == "__main__":
    sys.exit(main())
