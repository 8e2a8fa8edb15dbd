"""The presenter keys wherever the focus is, in JupyterLab, Notebook 7 and on the classroom page.

A teacher clicks a step button, types into the Iteration field, scrolls down
to read the lesson; the clicker must go on doing what a teacher expects:

- Space on a focused step button steps forward once (it does not press that button);
- Enter in the Iteration field opens the iteration and leaves the keys working;
- with the panel scrolled out of view, PageDown and PageUp scroll the page.

Each test runs in each client, at 1280 x 720.  In JupyterLab and Notebook 7
the notebook has a long text cell under the panel, so there is a lesson to
scroll to; the classroom page has the lesson under its panel already.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from . import helpers
from .panel_steps import Panel
from .presenter_steps import position, reset

pytestmark = [pytest.mark.clients("lab", "notebook7", "voila"), pytest.mark.shared_lab_kernel]

NOTEBOOK = "presenter_keys.ipynb"
PANEL = 'from explorer import Explorer\n\nExplorer(layout="presenter")'
LESSON = "#md " + "\n\n".join(f"A paragraph of the lesson under the panel, number {k}." for k in range(80))
SETTLE_MS = 500  # a step the kernel was sent would be on the page by now

# What the page scrolls in: the panel's nearest scrolling ancestor (Lab's notebook panel), else the document.
_SCROLLER = """(panel) => {
    for (let a = panel.parentElement; a !== null && a !== document.body; a = a.parentElement) {
        if (/(auto|scroll)/.test(getComputedStyle(a).overflowY) && a.scrollHeight > a.clientHeight + 1) return a;
    }
    return document.scrollingElement;
}"""
_SCROLL_TOP = f"(panel) => ({_SCROLLER})(panel).scrollTop"
# Scroll the panel's top to just under the top of the scrolling area.
_SCROLL_TO = f"""(panel) => {{
    const scroller = ({_SCROLLER})(panel);
    const top = scroller === document.scrollingElement ? 0 : scroller.getBoundingClientRect().top;
    scroller.scrollTop += panel.getBoundingClientRect().top - top - 10;
}}"""
# Scroll until the panel's bottom is above the top of the scrolling area, with room to go further.
_SCROLL_PAST = f"""(panel) => {{
    const scroller = ({_SCROLLER})(panel);
    const top = scroller === document.scrollingElement ? 0 : scroller.getBoundingClientRect().top;
    scroller.scrollTop += panel.getBoundingClientRect().bottom - top + 200;
    return scroller.scrollTop;
}}"""


@pytest.fixture(scope="module")
def panel(client, module_page, request):
    page = module_page.page
    page.set_viewport_size({"width": 1280, "height": 720})
    if client != "voila":
        lab = helpers.jupyter_server(client, request)
        helpers.write_notebook(lab.root / NOTEBOOK, PANEL, LESSON)
        with helpers.notebook_in_lab(page, lab, NOTEBOOK):
            if client == "lab":
                page.evaluate("() => window.jupyterapp.shell.collapseLeft()")
            panel = Panel(page, client)
            expect(panel.diagram).to_be_visible()
            yield panel
    else:
        helpers.open_voila(page, request.getfixturevalue("voila_server")("01"), ".bp-panel svg.bp-diagram")
        yield Panel(page, client)


def in_view(panel: Panel) -> None:
    panel.page.evaluate(_SCROLL_TO, panel.root.element_handle())


def at_step(panel: Panel, step: int) -> None:
    expect(position(panel)).to_contain_text(re.compile(rf"^step {step} of 53"))


def stays_at_step(panel: Panel, step: int) -> None:
    panel.page.wait_for_timeout(SETTLE_MS)
    at_step(panel, step)


def test_space_on_a_focused_step_button_steps_forward_once(panel):
    in_view(panel)
    reset(panel)
    for k in (1, 2):
        panel.button("Next step").click()
        at_step(panel, k)
    previous = panel.button("Previous step")
    previous.click()  # the mouse leaves the focus on it
    at_step(panel, 1)
    expect(previous).to_be_focused()
    panel.page.keyboard.press("Space")
    stays_at_step(panel, 2)  # forward once: not back to 0, not on to 3
    expect(previous).to_be_focused()
    panel.page.keyboard.press("Space")
    stays_at_step(panel, 3)
    panel.page.keyboard.press("PageUp")
    stays_at_step(panel, 2)


def test_enter_in_the_iteration_field_leaves_the_keys_working(panel):
    in_view(panel)
    reset(panel)
    field = panel.control("textbox", "Iteration")
    field.click()
    field.fill("5000")  # not trained that far: refused, with a message beside the field
    field.press("Enter")
    expect(panel.root.locator(".bp-field-message", has_text="5000")).to_have_count(1)
    expect(field).not_to_be_focused()
    for k in (1, 2):
        panel.page.keyboard.press("PageDown")
        at_step(panel, k)
    field.click()
    field.fill("1")  # the iteration shown
    field.press("Enter")
    expect(field).not_to_be_focused()
    panel.page.keyboard.press("PageDown")
    at_step(panel, 3)
    panel.page.keyboard.press("Space")
    at_step(panel, 4)


def test_typing_in_the_iteration_field_keeps_its_keys(panel):
    in_view(panel)
    reset(panel)
    field = panel.control("textbox", "Iteration")
    field.click()
    for key in ("PageDown", "ArrowLeft", "ArrowRight", "Space", "Backspace"):
        field.press(key)
    stays_at_step(panel, 0)
    field.fill("1")
    field.evaluate("(f) => f.blur()")


@pytest.mark.parametrize("focus", ["step button", "nothing"])
def test_scrolled_out_of_view_page_keys_scroll_the_page(panel, focus):
    in_view(panel)
    reset(panel)
    panel.button("Next step").click()
    at_step(panel, 1)
    if focus == "nothing":
        if panel.server != "voila":  # there the notebook itself holds the focus: its keys are the notebook's
            pytest.skip("JupyterLab and Notebook 7 give the focus to the notebook, never to nothing")
        panel.page.evaluate("document.activeElement && document.activeElement.blur()")
    root = panel.root.element_handle()
    scrolled = panel.page.evaluate(_SCROLL_PAST, root)
    assert scrolled > 0
    panel.page.keyboard.press("PageDown")
    panel.page.wait_for_function(f"(panel) => ({_SCROLL_TOP})(panel) > {scrolled}", arg=root, timeout=5_000)
    further = panel.page.evaluate(_SCROLL_TOP, root)
    panel.page.keyboard.press("PageUp")
    panel.page.wait_for_function(f"(panel) => ({_SCROLL_TOP})(panel) < {further}", arg=root, timeout=5_000)
    in_view(panel)
    stays_at_step(panel, 1)  # the hidden panel did not step
    # back in view, the same keys step again
    if focus == "step button":
        panel.button("Next step").focus()
    panel.page.keyboard.press("PageDown")
    at_step(panel, 2)


def test_offline_and_error_free(panel, module_page):
    assert module_page.external_requests == [], "requests left 127.0.0.1"
    assert module_page.page_errors == []
