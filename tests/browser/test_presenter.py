"""The presenter layout in JupyterLab, Notebook 7 and on the classroom page (``python -m explorer app``).

Each test runs in each client (``pytest.mark.clients``), on one page per
client, at 1280 x 720 first, as a projector shows it; the other size is set
on the same page.  In JupyterLab a notebook shows ``Explorer(layout="presenter")``
with the left sidebar closed, as a teacher presenting from Lab would, and in
Notebook 7 as it opens; the classroom page (Voila) opens notebook 01 in the
presenter layout by itself.

Screenshots (tests/artifacts/presenter-<client>-*.png): the classroom page as
it opens and at both sizes; JupyterLab at both sizes in the light and the dark
theme.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from . import helpers
from . import presenter_steps as steps
from .panel_steps import Panel

pytestmark = [pytest.mark.clients("lab", "notebook7", "voila"), pytest.mark.shared_lab_kernel]

NOTEBOOK = "presenter.ipynb"  # JupyterLab's
CHANGE_THEME = "(theme) => window.jupyterapp.commands.execute('apputils:change-theme', {theme})"


@pytest.fixture(scope="module")
def panel(client, module_page, request):
    page = module_page.page
    page.set_viewport_size({"width": 1280, "height": 720})
    if client != "voila":
        lab = helpers.jupyter_server(client, request)
        helpers.write_notebook(lab.root / NOTEBOOK, 'from explorer import Explorer\n\nExplorer(layout="presenter")')
        with helpers.notebook_in_lab(page, lab, NOTEBOOK):
            if client == "lab":
                page.evaluate("() => window.jupyterapp.shell.collapseLeft()")
            panel = Panel(page, client)
            expect(panel.diagram).to_be_visible()
            helpers.scroll_lab_to(page, panel.root)
            yield panel
    else:
        helpers.open_voila(page, request.getfixturevalue("voila_server")("01"), ".bp-panel svg.bp-diagram")
        panel = Panel(page, client)
        expect(panel.root.locator(".jupyter-matplotlib-canvas-div").first).to_be_visible()
        yield panel


@pytest.mark.clients("voila")
def test_classroom_page_opens_on_the_panel(panel):
    expect(panel.equation).to_contain_text("Press Next step")
    steps.record("voila", "in-view-1280x720", steps.main_view_in_sight(panel))
    # the lesson is still there, below the panel
    expect(panel.page.get_by_role("heading", name="Backpropagation, one number at a time")).to_have_count(1)
    steps.screenshot(panel.page, "voila", (1280, 720), "light-start")


@pytest.mark.parametrize("size", steps.SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_text_sizes_and_buttons_that_never_move(panel, client, size):
    panel.page.set_viewport_size({"width": size[0], "height": size[1]})
    try:
        if client != "voila":  # the notebook scrolls inside its own panel
            helpers.scroll_lab_to(panel.page, panel.root)
        sizes = steps.check_sizes(panel, size)
        moved = steps.buttons_stay_put(panel, size)
        if client == "voila":  # the classroom page fits the projector as it is (Lab's are taken in both themes below)
            steps.main_view_in_sight(panel)
            steps.screenshot(panel.page, client, size, "light")
        steps.record(client, f"measures-{size[0]}x{size[1]}", {"sizes": sizes, "largest_move_px": moved})
    finally:
        panel.page.set_viewport_size({"width": 1280, "height": 720})


def test_presenter_keys(panel):
    steps.presenter_keys(panel)


@pytest.mark.clients("lab")
def test_outside_the_panel_the_keys_stay_jupyterlabs(panel):
    """The notebook has PageDown, the panel does not step."""
    before = steps.position(panel).text_content()
    panel.page.locator(".jp-Notebook").first.focus()  # the notebook in command mode
    panel.page.keyboard.press("PageDown")  # Lab scrolls the notebook
    panel.page.wait_for_timeout(500)
    helpers.scroll_lab_to(panel.page, panel.root)
    expect(steps.position(panel)).to_have_text(before)


@pytest.mark.clients("lab")
def test_screenshots_light_and_dark(panel):
    page = panel.page
    try:
        for theme in ("light", "dark"):
            if theme == "dark":
                page.evaluate(CHANGE_THEME, "JupyterLab Dark")
                page.wait_for_function("document.body.dataset.jpThemeLight === 'false'", timeout=15_000)
            for size in steps.SIZES:
                page.set_viewport_size({"width": size[0], "height": size[1]})
                helpers.scroll_lab_to(page, panel.root)
                page.wait_for_timeout(500)  # the theme's CSS and the resize settle
                got = steps.sizes_on_screen(panel)
                # Lab's menus and toolbars leave the panel less height: the formula holds its floor,
                # the diagram's text is recorded (the layout audit says what it is at each size)
                assert got["formula"] >= steps.MIN_FORMULA_PX, (theme, size, got)
                steps.record("lab", f"sizes-{theme}-{size[0]}x{size[1]}", got)
                steps.screenshot(page, "lab", size, theme)
    finally:  # the theme is a user setting of the shared Lab: put it back
        page.evaluate(CHANGE_THEME, "JupyterLab Light")
        page.wait_for_function("document.body.dataset.jpThemeLight === 'true'", timeout=15_000)
        page.set_viewport_size({"width": 1280, "height": 720})


def test_full_screen(panel, client):
    steps.record(client, "full-screen-1280x720", steps.full_screen(panel))
    # back on the page, the panel is laid out for what the page shows it through again
    if client != "voila":
        helpers.scroll_lab_to(panel.page, panel.root)
    steps.laid_out(panel.page)
    steps.main_view_in_sight(panel)


def test_reset_weights_message_in_view(panel):
    steps.reset_message_in_view(panel)


def test_back_to_iteration_one_after_ten_thousand(panel):
    steps.back_to_iteration_one(panel)


@pytest.mark.clients("voila")
def test_classroom_page_shows_no_code(panel):
    expect(panel.page.locator(".jp-CodeCell .jp-InputArea")).to_have_count(0)


def test_offline_and_error_free(panel, module_page):
    assert module_page.external_requests == [], "requests left 127.0.0.1"
    assert module_page.page_errors == []
