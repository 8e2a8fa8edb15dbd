"""The presenter layout in a real browser, shared by the classroom page (Voila) and JupyterLab.

What a teacher at a projector needs, measured as Chromium renders it:

- the diagram's smallest text and the formula's size, in CSS px on screen;
- the step buttons' boxes after each of the 53 steps of the seed's
  iteration (and the step into the next iteration): they must not move;
- the presenter keys (PageDown, PageUp) and that they leave a text field alone;
- that a message (Reset weights) appears inside the viewport;
- going back to iteration 1 after training 10,000 iterations.

Each size is set on the page already loaded (``set_viewport_size``): the
layout follows the viewport by CSS alone.  Screenshots:
tests/artifacts/presenter-<server>-<width>x<height>-<theme>.png.
"""

from __future__ import annotations

import json
import re

from playwright.sync_api import Page, expect

from explorer.panel.fit import ROOM_STEP

from . import helpers
from .panel_steps import NOTEBOOK_CLIENTS, WAIT_MS, Panel

SIZES = [(1280, 720), (1440, 900)]
STEP_BUTTONS = ["Previous step", "Next step", "Next phase", "Finish iteration", "Reset iteration"]
STEPS = 53
MIN_DIAGRAM_PX = 14.0
MIN_FORMULA_PX = 22.0

# The smallest diagram text and the formula's size as drawn: font size times the SVG's scale.
_SIZES_JS = """(panel) => {
    const svg = panel.querySelector('svg.bp-diagram');
    const scale = svg.getScreenCTM().a;
    let smallest = Infinity, which = '';
    for (const t of svg.querySelectorAll('text')) {
        if (!t.textContent.trim()) continue;
        const px = parseFloat(getComputedStyle(t).fontSize) * scale;
        if (px < smallest) { smallest = px; which = t.textContent; }
    }
    const math = panel.querySelector('.bp-equation mjx-container');
    return {diagram: smallest, which, scale,
            formula: math ? parseFloat(getComputedStyle(math).fontSize) : null};
}"""

# Boxes of named buttons inside the panel, in viewport coordinates.
_BOXES_JS = """([panel, names]) => names.map((name) => {
    const button = [...panel.querySelectorAll('button')].find((b) => b.textContent.trim() === name);
    const r = button.getBoundingClientRect();
    return [r.x, r.y, r.width, r.height];
})"""

_IN_VIEW_JS = """(el) => {
    const r = el.getBoundingClientRect();
    return {box: [r.x, r.y, r.width, r.height], inside: r.width > 0 && r.height > 0 && r.left >= 0
            && r.top >= 0 && r.right <= window.innerWidth && r.bottom <= window.innerHeight};
}"""


# The diagram is drawn for the room it was laid out for (data-room); the box's size, in the steps
# fit.js reports it in, is the room it is in.  Measured before the two agree, a state would show
# the layout of the size measured before it.
LAID_OUT = """(step) => {
    const box = document.querySelector('.bp-panel .bp-diagram-box');
    const svg = box && box.querySelector('svg.bp-diagram');
    if (!svg || !svg.dataset.room) return true;  // a text size not laid out for a room
    const room = [box.clientWidth, box.clientHeight].map((v) => Math.floor(v / step) * step).join(' ');
    return svg.dataset.room === room;
}"""


def laid_out(page: Page) -> None:
    """Wait until the diagram is drawn for the box it is in (fit.js has reported the box)."""
    page.wait_for_function(LAID_OUT, arg=ROOM_STEP, timeout=20_000)


def position(panel: Panel):
    return panel.root.locator(".bp-position")


def at(panel: Panel, step: int, iteration: int) -> None:
    """Wait until the panel shows ``step`` of ``iteration`` (the label and the Iteration field)."""
    expect(position(panel)).to_have_text(re.compile(rf"^\s*step {step} of 53\s*$"))
    expect(panel.control("textbox", "Iteration")).to_have_value(str(iteration))


def reset(panel: Panel) -> None:
    """Back to step 0 of the iteration shown."""
    panel.button("Reset iteration").click()
    expect(position(panel)).to_contain_text(re.compile(r"^step 0 of 53"))


def section(panel: Panel, name: str) -> None:
    """Show one of the presenter's sections beneath the main view ("Hide" for none)."""
    panel.root.get_by_role("button", name=name, exact=True).click()


def sizes_on_screen(panel: Panel) -> dict:
    return panel.root.evaluate(_SIZES_JS)


def check_sizes(panel: Panel, size: tuple[int, int]) -> dict:
    """Formula >= 22 px, with a formula on show; on the classroom page, diagram text >= 14 px.

    In JupyterLab the menus, tabs, toolbar and status bar take about 120 px of
    the screen's height, and the presenter fits what is left: its diagram text
    is measured and recorded there, not held to the floor.
    """
    reset(panel)
    panel.button("Next step").click()
    panel.expect_equation("=0.3775")
    got = sizes_on_screen(panel)
    if panel.server == "voila":
        assert got["diagram"] >= MIN_DIAGRAM_PX, f"{panel.server} {size}: diagram text {got}"
    assert got["formula"] >= MIN_FORMULA_PX, f"{panel.server} {size}: formula {got}"
    return got


def buttons_stay_put(panel: Panel, size: tuple[int, int]) -> float:
    """Click Next step at its first position 54 times; every step button keeps its box.

    The clicks go to the first position's coordinates, as a hand on a mouse
    does: a button that moved would make a click miss (and the step count
    would stop).  Returns the largest movement seen, in px.
    """
    reset(panel)
    handle = panel.root.element_handle()
    first = panel.page.evaluate(_BOXES_JS, [handle, STEP_BUTTONS])
    x, y, w, h = first[1]
    worst, where = 0.0, None
    for k in range(1, STEPS + 2):
        panel.page.mouse.click(x + w / 2, y + h / 2)
        at(panel, k, 1) if k <= STEPS else at(panel, 1, 2)
        boxes = panel.page.evaluate(_BOXES_JS, [handle, STEP_BUTTONS])
        for name, a, b in zip(STEP_BUTTONS, first, boxes):
            moved = max(abs(p - q) for p, q in zip(a, b))
            if moved > worst:
                worst, where = moved, (name, k, a, b)
    assert worst <= 1.0, f"{panel.server} {size}: a step button moved {worst:.1f} px: {where}"
    panel.button("Previous step").click()
    at(panel, 0, 2)
    panel.button("Previous step").click()  # from step 0: the last step of the iteration before
    at(panel, 53, 1)
    return worst


def main_view_in_sight(panel: Panel) -> dict:
    """Diagram, formula, Next step and the curve's canvas all inside the viewport."""
    parts = {
        "diagram": panel.diagram,
        "formula": panel.equation,
        "Next step": panel.button("Next step"),
        "curve": panel.root.locator(".jupyter-matplotlib-canvas-div").first,
    }
    seen = {name: locator.evaluate(_IN_VIEW_JS) for name, locator in parts.items()}
    outside = {name: s["box"] for name, s in seen.items() if not s["inside"]}
    assert not outside, f"{panel.server}: outside the viewport after load: {outside}"
    return seen


def presenter_keys(panel: Panel) -> None:
    """PageDown and PageUp step; not while typing in the Iteration field."""
    reset(panel)
    panel.page.evaluate("document.activeElement && document.activeElement.blur()")
    if panel.server in NOTEBOOK_CLIENTS:  # the notebook holds the focus: a click on the diagram gives it to the panel
        panel.diagram.click(position={"x": 5, "y": 5})
    for k in (1, 2, 3):
        panel.page.keyboard.press("PageDown")
        expect(position(panel)).to_contain_text(re.compile(rf"^step {k} of 53"))
    panel.page.keyboard.press("PageUp")
    expect(position(panel)).to_contain_text(re.compile(r"^step 2 of 53"))
    panel.page.keyboard.press("ArrowRight")
    expect(position(panel)).to_contain_text(re.compile(r"^step 3 of 53"))
    field = panel.control("textbox", "Iteration")
    field.focus()
    for key in ("PageDown", "ArrowLeft", "ArrowRight", "PageUp"):  # keys that type nothing
        field.press(key)
    panel.page.wait_for_timeout(500)  # a step would have come back by now
    expect(position(panel)).to_contain_text(re.compile(r"^step 3 of 53"))
    field.evaluate("(f) => f.blur()")  # the field's text unchanged: nothing to open


_FULL_SCREEN_JS = "([panel, on]) => (document.fullscreenElement === panel) === on"


def wait_full_screen(page: Page, panel, on: bool) -> None:
    """Wait until the ``panel`` (an element handle) is shown full screen, or (``on`` false) no longer is."""
    page.wait_for_function(_FULL_SCREEN_JS, arg=[panel, on])


def full_screen(panel: Panel) -> dict:
    """The Full screen button shows the panel alone on the screen; the keys step there; F brings the page back.

    Alone on a 1280 x 720 screen the diagram's text is 14 px or more in every client, JupyterLab's
    and Notebook 7's too (whose menus and toolbars otherwise take the diagram's height).
    """
    page, handle = panel.page, panel.root.element_handle()
    reset(panel)
    panel.button("Full screen").click()  # a real click: a page's script may not ask for full screen
    wait_full_screen(page, handle, True)
    laid_out(page)
    expect(panel.button("Exit full screen")).to_be_visible()
    box = panel.root.bounding_box()
    assert (box["x"], box["y"], box["width"], box["height"]) == (0, 0, 1280, 720), box
    page.keyboard.press("PageDown")  # the button clicked has the focus: the keys are the panel's
    expect(position(panel)).to_contain_text(re.compile(r"^step 1 of 53"))
    panel.expect_equation("=0.3775")
    seen = main_view_in_sight(panel)
    got = sizes_on_screen(panel)
    assert got["diagram"] >= MIN_DIAGRAM_PX and got["formula"] >= MIN_FORMULA_PX, got
    screenshot(page, panel.server, (1280, 720), "full-screen")
    page.keyboard.press("f")
    wait_full_screen(page, handle, False)
    expect(panel.button("Full screen")).to_be_visible()
    return {"sizes": got, "in view": seen}


def reset_message_in_view(panel: Panel) -> None:
    section(panel, "Training")
    reset = panel.button("Reset weights")
    # scrolled to as a person would, just far enough; a click's own retries may scroll
    # the button to the top or the centre when a busy page is still settling
    expect(reset).to_be_visible()
    reset.scroll_into_view_if_needed()
    reset.click()
    expect(panel.status).to_contain_text("Weights restored")
    seen = panel.status.evaluate(_IN_VIEW_JS)
    section(panel, "Hide")
    assert seen["inside"], f"{panel.server}: the Reset weights message is outside the viewport: {seen}"


def _w5_is_0_4(panel: Panel):
    """w5 = 0.4 in its label, or in its tooltip where the diagram labels only the current step's
    connections (laid out for a low box, as in JupyterLab at 1280 x 720)."""
    return panel.diagram.locator(
        '[data-id="w5"] > title, [data-id="w5"] text, [data-for="w5"] text', has_text=re.compile(r"^w5 = 0\.4( |$)")
    )


def back_to_iteration_one(panel: Panel) -> None:
    """Train 10,000 iterations fast, open iteration 1: net_h1 = 0.3775 and w5 = 0.4 again."""
    section(panel, "Training")
    panel.control("combobox", "Pace").select_option(label="fast")
    iterations = panel.control("textbox", "Iterations")
    iterations.fill("10000")
    iterations.press("Enter")
    panel.button("Train").click()
    expect(panel.counter).to_contain_text(re.compile(r"^\s*10,000 iterations done"), timeout=60_000)
    section(panel, "Hide")
    expect(panel.root.locator(".widget-label", has_text=re.compile(r"^of 10,001$"))).to_have_count(1)
    expect(_w5_is_0_4(panel)).to_have_count(0)  # trained: w5 moved
    field = panel.control("textbox", "Iteration")
    field.fill("1")
    field.press("Enter")
    at(panel, 0, 1)
    expect(_w5_is_0_4(panel).first).to_be_attached()
    panel.button("Next step").click()
    panel.expect_equation("=0.3775")
    expect(panel.label_text("h1", r"net\W*0\.3775")).to_have_count(1)
    # and forward again: iteration 5,001 shows the weights it had then
    field.fill("5001")
    field.press("Enter")
    at(panel, 0, 5001)


def screenshot(page: Page, server: str, size: tuple[int, int], theme: str) -> None:
    helpers.ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(helpers.ARTIFACTS / f"presenter-{server}-{size[0]}x{size[1]}-{theme}.png"))


def record(server: str, name: str, data: object) -> None:
    """Measurements for the record: tests/artifacts/presenter-<server>-<name>.json."""
    helpers.ARTIFACTS.mkdir(parents=True, exist_ok=True)
    (helpers.ARTIFACTS / f"presenter-{server}-{name}.json").write_text(json.dumps(data, indent=1))


__all__ = [
    "SIZES",
    "WAIT_MS",
    "back_to_iteration_one",
    "buttons_stay_put",
    "check_sizes",
    "main_view_in_sight",
    "presenter_keys",
    "record",
    "reset_message_in_view",
    "screenshot",
    "section",
    "sizes_on_screen",
]
