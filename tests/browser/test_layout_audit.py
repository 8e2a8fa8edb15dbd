"""The layout audit: the presenter layout holds in every client, at every projector size, whatever it shows.

Matrix: clients {the classroom page (Voila), JupyterLab with its left sidebar
open, JupyterLab with it closed, Notebook 7} x viewports {1024x768, 1280x720,
1366x768, 1440x900, 1920x1080} x content {all 53 steps of the seed's first
iteration, the quiz on with a wrong answer's feedback shown, every step of an
XOR 2-3-1 iteration, a 2-4-4-1 network and the largest network the panel
builds (2-16-16-16-16-1, four hidden layers of sixteen) each at its first,
middle and last step, iteration 10,001 in the Iteration field, each of the
six sections opened, the panel alone on the screen (its Full screen button)
with the seed's network, XOR's 2-3-1 and 2-4-4-1 at their first, middle and
last step}.  ``LAYOUT_AUDIT_SIZES=1280x720,1024x768`` measures at
those sizes only.

One page per client; each content state is brought about through the panel
(its own buttons, fields and sections), then measured at the five sizes
(``page.set_viewport_size``), each in one ``page.evaluate`` of
``layout_audit.js``.  Before each measurement the panel's top is scrolled to
the top of what the client shows, as a teacher would have it.

Per state: the essential set (diagram, step buttons, phase, "step k of n",
Iteration and its total, the formula with its result, the quiz row and its
feedback, the error curve) inside the screen; nothing clipped in the panel;
no two diagram labels overlapping; the smallest diagram text, the formula's
and the ticks' sizes; the step buttons' boxes (they must not move while
stepping through one iteration).  Opening a section must leave the diagram and
the step bar in sight, and Hide the scroll position as it was.

Counts and every violation: tests/artifacts/layout-audit-<client>.json; a
screenshot per failing state: tests/artifacts/layout-audit-<client>-<state>.png.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import time
from collections import Counter
from pathlib import Path

import pytest
from playwright.sync_api import expect

from explorer.drawing.axes import TEXT_PT

from . import helpers, presenter_steps

pytestmark = [pytest.mark.slow, pytest.mark.shared_lab_kernel]

CLIENTS = ["voila", "lab-sidebar-open", "lab-sidebar-closed", "notebook7"]
VIEWPORTS = [(1024, 768), (1280, 720), (1366, 768), (1440, 900), (1920, 1080)]
if os.environ.get("LAYOUT_AUDIT_SIZES"):  # e.g. "1280x720,1024x768": fewer sizes, a quicker look
    VIEWPORTS = [tuple(map(int, size.split("x"))) for size in os.environ["LAYOUT_AUDIT_SIZES"].split(",")]
SECTIONS = ["Training", "Steps", "Edit", "Problem", "Files", "Display"]
NOTEBOOK = "layout-audit.ipynb"
MEASURE = (Path(__file__).parent / "layout_audit.js").read_text()
TICK_PX = TEXT_PT * 100 / 72  # the plots' tick labels at their figures' own size (100 dpi)
# Text sizes on the classroom page from 1280x720 up, for the seed's network and XOR's 2-3-1 (SEED_KINDS).
FLOORS = {"diagramPx": 14.0, "formulaPx": 22.0, "tickPx": 14.0}
SEED_KINDS = ("seed", "quiz", "iteration", "xor")
# The panel alone on the screen (its Full screen button), in every client: the seed's network, XOR's
# 2-3-1 and two hidden layers of four, each at its first, middle and last step; the floors hold there.
FULL_SCREEN_KINDS = ("full-seed", "full-xor", "full-four")
SCREENSHOTS_PER_KIND = 3  # of each kind of failing state per client and size: enough to see it
# states screenshotted even when they pass: the layout is also checked by looking
LOOKED_AT = {
    "seed-step16",
    "quiz-wrong-answer",
    "section-Problem",
    "xor-step1",
    "four-first",
    "four-middle",
    "full-xor-first",
    "full-four-middle",
}

_FRAMES = "() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)))"

# Click a button of the panel by its text without scrolling it into view, as a clicker would not.
_PRESS = """([name, nth]) => {
    const found = [...document.querySelector('.bp-panel').querySelectorAll('button')]
        .filter((b) => b.textContent.trim() === name || b.title === name);
    found[nth || 0].click();
}"""
_HOME = """() => {
    const panel = document.querySelector('.bp-panel');
    const scroller = panel.closest('.jp-WindowedPanel-outer');
    if (scroller) scroller.scrollTop += panel.getBoundingClientRect().top - scroller.getBoundingClientRect().top;
    else window.scrollTo(0, window.scrollY + panel.getBoundingClientRect().top);
}"""


class Audit:
    """Drives one client's panel through the content states and keeps what each measured."""

    def __init__(self, page, client: str):
        self.page, self.client = page, client
        self.root = page.locator(".bp-panel").first
        self.records: list[dict] = []
        self.shots: Counter = Counter()

    def press(self, name: str, nth: int = 0) -> None:
        self.page.evaluate(_PRESS, [name, nth])

    def position(self) -> str:
        return self.root.locator(".bp-position").inner_text().strip()

    def wait_position(self, pattern: str) -> None:
        expect(self.root.locator(".bp-position")).to_have_text(re.compile(pattern), timeout=60_000)

    def step(self, pattern: str) -> None:
        """Next step, until the position reads ``pattern``: a press while a new network's
        walk is still being set up is lost (the button answers the walk it was drawn for)."""
        for _ in range(3):
            self.press("Next step")
            try:
                expect(self.root.locator(".bp-position")).to_have_text(re.compile(pattern), timeout=10_000)
                return
            except AssertionError:
                continue
        self.wait_position(pattern)

    def settle(self) -> None:
        # two frames: the resize observers have run and the page has laid out again
        self.page.evaluate(_FRAMES)
        # then the diagram laid out for the box it is in, once the page has reported it (fit.js)
        presenter_steps.laid_out(self.page)
        self.page.evaluate(_FRAMES)

    def measure(self, state: str, kind: str, *, quiz: bool = False, section: str | None = None) -> None:
        for width, height in VIEWPORTS:
            self.page.set_viewport_size({"width": width, "height": height})
            self.page.evaluate(_HOME)
            self.settle()
            got = self.page.evaluate(MEASURE, {"tickPx": TICK_PX, "quiz": quiz, "section": section})
            record = {"state": state, "kind": kind, "size": f"{width}x{height}", **got}
            record["violations"] = violations(record, self.client)
            self.records.append(record)
            key = (kind, record["size"])
            if state in LOOKED_AT or record["violations"] and self.shots[key] < SCREENSHOTS_PER_KIND:
                self.shots[key] += 1
                name = re.sub(r"[^\w.-]+", "_", f"layout-audit-{self.client}-{record['size']}-{state}")
                helpers.ARTIFACTS.mkdir(parents=True, exist_ok=True)
                self.page.screenshot(path=str(helpers.ARTIFACTS / f"{name}.png"))

    # ------------------------------------------------------------ content
    def walk(self, kind: str, steps: range | list[int] | None = None) -> None:
        """Step through the iteration from its start, measuring each step in ``steps`` (default: all)."""
        self.press("Reset iteration")
        self.wait_position(r"^step 0 of \d+")
        total = int(re.search(r"of (\d+)", self.position()).group(1))
        wanted = set(range(1, total + 1) if steps is None else steps)
        for k in range(1, max(wanted) + 1):
            self.step(rf"^step {k} of {total}")
            if k in wanted:
                self.measure(f"{kind}-step{k}", kind)

    def section(self, name: str) -> None:
        self.root.get_by_role("button", name=name, exact=True).evaluate("(b) => b.click()")

    def quiz(self) -> None:
        self.section("Steps")
        self.root.get_by_role("button", name="Quiz", exact=True).evaluate("(b) => b.click()")
        self.section("Hide")
        self.press("Reset iteration")
        self.wait_position(r"^step 0 of 53")
        self.page.evaluate(_HOME)
        before = self.scroll_top()
        self.press("Next step")
        self.wait_position(r"^step 1 of 53")
        answer = self.root.get_by_placeholder("e.g. 0.7514")
        answer.evaluate("(i) => i.focus({preventScroll: true})")
        self.page.keyboard.type("0.5")
        self.page.keyboard.press("Enter")  # checks, as the Check button does
        expect(self.root.locator(".bp-feedback")).not_to_contain_text("Work out this step")
        self.settle()
        jumped = self.scroll_top() - before
        self.measure("quiz-wrong-answer", "quiz", quiz=True)
        if abs(jumped) > 1:
            self.records[-len(VIEWPORTS)]["violations"].append(f"the quiz scrolled the page by {jumped:.0f} px")
        self.section("Steps")
        self.root.get_by_role("button", name="Quiz", exact=True).evaluate("(b) => b.click()")
        self.section("Hide")

    def sections(self) -> None:
        for name in SECTIONS:
            self.page.evaluate(_HOME)
            before = self.scroll_top()
            self.section(name)
            self.settle()
            self.measure(f"section-{name}", "section", section=name)
            self.page.set_viewport_size({"width": VIEWPORTS[-1][0], "height": VIEWPORTS[-1][1]})
            self.page.evaluate(_HOME)
            before = self.scroll_top()
            self.section(name)
            self.settle()
            self.section("Hide")
            self.settle()
            if abs(self.scroll_top() - before) > 1:
                self.records[-1]["violations"].append(f"Hide left the page scrolled by {self.scroll_top() - before}")

    def scroll_top(self) -> float:
        return self.page.evaluate(
            "() => { const s = document.querySelector('.bp-panel').closest('.jp-WindowedPanel-outer');"
            " return s ? s.scrollTop : window.scrollY; }"
        )

    def iteration_10001(self) -> None:
        self.section("Training")
        self.root.get_by_role("combobox", name="Pace", exact=True).select_option(label="fast")
        field = self.root.get_by_role("textbox", name="Iterations", exact=True)
        field.fill("10000")
        field.press("Enter")
        self.press("Train")
        done = self.root.locator(".widget-label", has_text=re.compile(r"^\s*10,000 iterations done"))
        expect(done).to_have_count(1, timeout=120_000)
        self.section("Hide")
        field = self.root.get_by_role("textbox", name="Iteration", exact=True)
        field.fill("10001")
        field.press("Enter")
        self.wait_position(r"^step 0 of 53")
        self.press("Next step")
        self.wait_position(r"^step 1 of 53")
        self.measure("iteration-10001", "iteration")
        field.fill("1")
        field.press("Enter")
        self.wait_position(r"^step 0 of 53")

    def network(self, dataset: str, hidden: list[int]) -> None:
        """Through the Problem section: ``dataset``, then hidden layers of the sizes given."""
        self.section("Problem")
        self.root.get_by_role("combobox", name="Dataset", exact=True).select_option(dataset)
        shape = self.root.locator("b", has_text=re.compile(r"^Network "))
        expect(shape).to_have_text(re.compile(r"^Network 2(-\d+)+-1$"))
        # one layer at a time, as a person clicks, from the hidden layers there are
        for layers in range(len(shape.inner_text().split("-")) - 1, len(hidden) + 1):
            self.press("Add layer")
            expect(shape).to_have_text(re.compile(rf"^Network 2(-\d+){{{layers}}}-1$"))
        sizes = [2, *hidden, 1]
        for layer, size in enumerate(hidden, start=1):
            for _ in range(32):
                before = shape.inner_text()  # read before the press: the answer may come before the next line
                now = [int(n) for n in before.split()[1].split("-")]
                if len(now) == len(sizes) and now[layer] == size:
                    break
                self.press(f"{'Add a neuron to' if now[layer] < size else 'Remove a neuron from'} hidden layer {layer}")
                # a press on a row still being drawn again is lost: the loop reads the shape and presses again
                with contextlib.suppress(AssertionError):
                    expect(shape).not_to_have_text(before, timeout=5_000)
        expect(shape).to_have_text(f"Network {'-'.join(map(str, sizes))}", timeout=60_000)
        self.section("Hide")

    def ends(self, kind: str) -> None:
        """The network's first step, a step of its backward pass and its last step."""
        self.press("Reset iteration")
        self.wait_position(r"^step 0 of \d+")
        self.step(r"^step 1 of \d+")
        self.measure(f"{kind}-first", kind)
        self.press("Next phase")
        self.press("Next phase")
        self.wait_position(r"^step (?!1 )\d+ of \d+")
        self.measure(f"{kind}-middle", kind)
        self.press("Finish iteration")
        total = re.search(r"of (\d+)", self.position()).group(1)
        self.wait_position(rf"^step {total} of {total}")
        self.measure(f"{kind}-last", kind)

    def full_screen(self, kind: str) -> None:
        """The panel alone on the screen, by its button (a real click: a page's script may not
        ask for full screen), at the network's first, middle and last step; then back, by the F key."""
        # the button shows where the panel is 760 px wide or more (a narrower one has only the F key)
        self.page.set_viewport_size({"width": 1280, "height": 720})
        panel = self.root.element_handle()
        self.root.get_by_role("button", name="Full screen", exact=True).click()
        presenter_steps.wait_full_screen(self.page, panel, True)
        try:
            self.ends(f"full-{kind}")
        finally:
            self.page.keyboard.press("f")
            presenter_steps.wait_full_screen(self.page, panel, False)

    def largest(self) -> None:
        self.network("xor", [16, 16, 16, 16])
        self.ends("largest")


def violations(r: dict, client: str) -> list[str]:
    found = [f"outside: {o}" for o in r["outside"]] + [f"clipped: {c}" for c in r["clipped"]]
    # Labels of networks beyond four neurons a layer are placed by the diagram's own label
    # layout (fewer labels, values on hover); their overlaps are counted, not yet failed.
    if r["kind"] != "largest":
        found += [f"labels overlap: {o}" for o in r["overlaps"]]
    width, height = map(int, r["size"].split("x"))
    # the floors hold from 1280 x 720 up: on the classroom page for the seed's network, and in
    # every client for the panel alone on the screen
    floored = r["kind"] in FULL_SCREEN_KINDS or (client == "voila" and r["kind"] in SEED_KINDS)
    if floored and width >= 1280 and height >= 720:
        for name, floor in FLOORS.items():
            if r[name] is not None and r[name] < floor:
                found.append(f"{name} {r[name]} < {floor}")
    return found


def buttons_moved(records: list[dict]) -> list[str]:
    """Step buttons that moved while stepping one walk at one size (> 1 px)."""
    moved = []
    for kind in ("seed", "xor"):
        for size in {r["size"] for r in records}:
            boxes = [(r["state"], r["stepButtons"]) for r in records if r["kind"] == kind and r["size"] == size]
            for state, b in boxes[1:]:
                if any(p and q and max(abs(x - y) for x, y in zip(p, q)) > 1 for p, q in zip(boxes[0][1], b)):
                    moved.append(f"{size} {state}: step buttons moved from {boxes[0][1]} to {b}")
    return moved


@pytest.fixture(scope="module")
def audit_page(browser):
    # opened at 1280 x 720 whatever sizes LAYOUT_AUDIT_SIZES asks for (one size alone included)
    context, page = helpers.new_page(browser, [], [], viewport=(1280, 720))
    yield page
    context.close()


def _open(client: str, page, request) -> None:
    if client == "voila":
        helpers.open_voila(page, request.getfixturevalue("voila_server")("01"), ".bp-panel svg.bp-diagram")
        return
    server = helpers.jupyter_server(client, request)
    helpers.write_notebook(server.root / NOTEBOOK, 'from explorer import Explorer\n\nExplorer(layout="presenter")')
    helpers.open_notebook_in_lab(page, server, NOTEBOOK)
    if client == "lab-sidebar-open":
        page.evaluate("() => window.jupyterapp.commands.execute('filebrowser:activate')")
    elif client == "lab-sidebar-closed":
        page.evaluate("() => window.jupyterapp.shell.collapseLeft()")


@pytest.mark.parametrize("client", CLIENTS)
def test_layout_audit(client, audit_page, request):
    """Every state of the matrix, in one client: no violation."""
    page = audit_page
    started = time.monotonic()
    _open(client, page, request)
    audit = Audit(page, client)
    expect(audit.root.locator(".bp-plot-curve canvas").first).to_be_visible()
    try:
        audit.walk("seed")
        audit.full_screen("seed")
        audit.quiz()
        audit.iteration_10001()
        audit.sections()
        audit.network("xor", [3])
        audit.walk("xor")
        audit.full_screen("xor")
        audit.network("xor", [4, 4])
        audit.ends("four")
        audit.full_screen("four")
        audit.largest()
    finally:
        moved = buttons_moved(audit.records)
        failing = [r for r in audit.records if r["violations"]]
        counts = Counter(v.split(":")[0].split(" ")[0] for r in audit.records for v in r["violations"])
        counts["largest network's label overlaps (not failed)"] = sum(
            len(r["overlaps"]) for r in audit.records if r["kind"] == "largest"
        )
        summary = {
            "client": client,
            "states": len(audit.records),
            "failing states": len(failing),
            "counts": dict(counts) | {"buttons moved": len(moved)},
            "seconds": round(time.monotonic() - started),
            "smallest": {
                kind: {
                    k: min((r[k] for r in audit.records if r["kind"] == kind and r[k] is not None), default=None)
                    for k in FLOORS
                }
                for kind in ("seed", "quiz", "xor", "four", "largest", *FULL_SCREEN_KINDS)
            },
            "buttons moved": moved,
            "failing": [{k: r[k] for k in ("state", "size", "violations")} for r in failing],
            "all": audit.records,
        }
        helpers.ARTIFACTS.mkdir(parents=True, exist_ok=True)
        (helpers.ARTIFACTS / f"layout-audit-{client}.json").write_text(json.dumps(summary, indent=1))
        if client != "voila":
            server = helpers.jupyter_server(client, request)
            server.shutdown_sessions(NOTEBOOK)
            server.reset_workspaces() if client != "notebook7" else None
    assert not failing and not moved, (
        f"{client}: {len(failing)} of {len(audit.records)} states fail {dict(counts)}, buttons moved {len(moved)}; "
        f"see tests/artifacts/layout-audit-{client}.json"
    )
