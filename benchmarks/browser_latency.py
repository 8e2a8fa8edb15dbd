"""Click-to-screen latency of "Next step" in JupyterLab and in the classroom page.

    python benchmarks/browser_latency.py            # reference notebook only
    python benchmarks/browser_latency.py --panel    # + notebooks/01_step_by_step.ipynb

Starts JupyterLab and Voila exactly as the browser tests do
(tests/browser/helpers.py; Voila with explorer.serve.app's configuration), opens a
headless Chromium, clicks "Next step" (found by role and name) repeatedly and
times, inside the page, from the click to the first DOM mutation that changes
the text of the watched element (MutationObserver + performance.now(), so
Playwright's own round trips are not counted; nor is the next paint, at most
one frame, ~16 ms, later).

The reference is a plain ipywidgets Button updating an HTML widget: the floor
that kernel round trip and widget sync impose.  With ``--panel`` the real
panel is timed too (watching its ``.bp-equation`` element), and the ratio to
the reference measured in the same run is printed.  A benchmark, not a test:
it asserts nothing.
"""

from __future__ import annotations

import argparse
import contextlib
import shutil
import statistics
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from tests.browser import helpers  # noqa: E402

PANEL_NOTEBOOK = "01_step_by_step.ipynb"
PANEL_TARGET = ".bp-equation"  # the panel's equation area
REFERENCE_NOTEBOOK = "reference.ipynb"
REFERENCE_TARGET = ".bp-reference"
REFERENCE_CELL = """\
import ipywidgets as widgets

clicks = widgets.HTML(value="clicks: 0").add_class("bp-reference")
step = widgets.Button(description="Next step")

def on_step(_):
    clicks.value = f"clicks: {int(clicks.value.split()[-1]) + 1}"

step.on_click(on_step)
widgets.VBox([step, clicks])
"""


def measure(page, target: str, clicks: int, warmup: int) -> list[float]:
    """Latencies (ms) of ``clicks`` clicks on "Next step" after ``warmup`` unrecorded ones."""
    page.locator(target).first.wait_for(state="visible", timeout=helpers.PAGE_TIMEOUT)
    # .first: a notebook may show more than one panel; the first is timed.
    button = page.get_by_role("button", name="Next step").first
    return helpers.click_latencies(page, button, target, warmup + clicks)[warmup:]


def run(panel: bool, clicks: int, warmup: int) -> dict[tuple[str, str], list[float]]:
    from playwright.sync_api import sync_playwright

    cases = [("reference", REFERENCE_NOTEBOOK, REFERENCE_TARGET)]
    if panel:
        cases.append(("panel", PANEL_NOTEBOOK, PANEL_TARGET))
    results = {}
    with contextlib.ExitStack() as stack:
        work = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="bp-latency-")))
        root = work / "lab-root"
        root.mkdir()
        helpers.write_notebook(root / REFERENCE_NOTEBOOK, REFERENCE_CELL)
        if panel:
            source = helpers.NOTEBOOKS / PANEL_NOTEBOOK
            if not source.is_file():
                raise SystemExit(f"--panel: {source} does not exist yet")
            # Lab gets a copy (its autosave must not touch the repo); so does
            # Voila, so both kernels start in the same directory.
            shutil.copytree(
                helpers.NOTEBOOKS, root, dirs_exist_ok=True, ignore=shutil.ignore_patterns(".ipynb_checkpoints")
            )
        lab = stack.enter_context(helpers.lab_server(root, work / "lab"))
        playwright = stack.enter_context(sync_playwright())
        browser = helpers.launch_chromium(playwright)
        stack.callback(browser.close)
        for label, notebook, target in cases:
            voila = stack.enter_context(helpers.voila_server(root / notebook, work / f"voila-{label}"))
            for server in ("JupyterLab", "Voila"):
                context = browser.new_context(viewport={"width": 1280, "height": 900})
                blocked: list[str] = []
                helpers.block_external_requests(context, blocked)
                page = context.new_page()
                try:
                    if server == "JupyterLab":
                        helpers.open_notebook_in_lab(page, lab, notebook)
                    else:
                        helpers.open_voila(page, voila, target)
                    results[label, server] = measure(page, target, clicks, warmup)
                finally:
                    context.close()
                if blocked:
                    print(f"note: {label} in {server} tried to reach {blocked}", file=sys.stderr)
    return results


def report(results: dict[tuple[str, str], list[float]], clicks: int, warmup: int) -> None:
    print(f"Click-to-DOM-change latency of 'Next step', {clicks} clicks after {warmup} warm-up click(s), in ms:")
    print(f"  {'notebook':<10} {'server':<11} {'median':>8} {'max':>8}")
    for (label, server), times in results.items():
        print(f"  {label:<10} {server:<11} {statistics.median(times):8.1f} {max(times):8.1f}")
    for server in ("JupyterLab", "Voila"):
        if ("panel", server) in results:
            ratio = statistics.median(results["panel", server]) / statistics.median(results["reference", server])
            print(f"  panel / reference median, {server}: {ratio:.2f}x")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python benchmarks/browser_latency.py", description=__doc__.split("\n\n")[0])
    parser.add_argument("--panel", action="store_true", help=f"also time the panel in notebooks/{PANEL_NOTEBOOK}")
    parser.add_argument("--clicks", type=int, default=20, help="timed clicks per server (20)")
    parser.add_argument("--warmup", type=int, default=1, help="untimed clicks first (1)")
    args = parser.parse_args(argv)
    if not helpers.CHROMIUM.exists():
        print(f"browser_latency: Chromium not found at {helpers.CHROMIUM}", file=sys.stderr)
        return 1
    report(run(args.panel, args.clicks, args.warmup), args.clicks, args.warmup)
    return 0


if __name__ == "__main__":
    sys.exit(main())
