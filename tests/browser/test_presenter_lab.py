"""The presenter layout in JupyterLab: ``Explorer(layout="presenter")`` in a notebook.

One page load and one kernel for the module; the left sidebar is closed, as
a teacher presenting from Lab would.  Screenshots in the light and the dark
theme at both sizes (tests/artifacts/presenter-lab-*.png).
"""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from . import presenter_steps as steps
from .helpers import open_notebook_in_lab, scroll_lab_to, write_notebook
from .panel_steps import Panel

pytestmark = pytest.mark.shared_lab_kernel

NOTEBOOK = "presenter.ipynb"
CHANGE_THEME = "(theme) => window.jupyterapp.commands.execute('apputils:change-theme', {theme})"


@pytest.fixture(scope="module")
def panel(lab_server, module_page):
    write_notebook(lab_server.root / NOTEBOOK, 'from explorer import Explorer\n\nExplorer(layout="presenter")')
    page = module_page.page
    page.set_viewport_size({"width": 1280, "height": 720})
    open_notebook_in_lab(page, lab_server, NOTEBOOK)
    page.evaluate("() => window.jupyterapp.shell.collapseLeft()")
    panel = Panel(page, "lab")
    expect(panel.diagram).to_be_visible()
    scroll_lab_to(page, panel.root)
    yield panel
    page.close()
    lab_server.shutdown_sessions(NOTEBOOK)
    lab_server.reset_workspaces()


@pytest.mark.parametrize("size", steps.SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_lab_text_sizes_and_buttons_that_never_move(panel, size):
    panel.page.set_viewport_size({"width": size[0], "height": size[1]})
    try:
        scroll_lab_to(panel.page, panel.root)
        sizes = steps.check_sizes(panel, size)
        moved = steps.buttons_stay_put(panel, size)
        steps.record("lab", f"measures-{size[0]}x{size[1]}", {"sizes": sizes, "largest_move_px": moved})
    finally:
        panel.page.set_viewport_size({"width": 1280, "height": 720})


def test_lab_presenter_keys_in_the_panel_only(panel):
    steps.presenter_keys(panel)
    # outside the panel the keys stay JupyterLab's: the notebook has them, the panel does not step
    before = steps.position(panel).text_content()
    panel.page.locator(".jp-Notebook").first.focus()  # the notebook in command mode
    panel.page.keyboard.press("PageDown")  # Lab scrolls the notebook
    panel.page.wait_for_timeout(500)
    scroll_lab_to(panel.page, panel.root)
    expect(steps.position(panel)).to_have_text(before)


def test_lab_screenshots_light_and_dark(panel):
    page = panel.page
    try:
        for theme in ("light", "dark"):
            if theme == "dark":
                page.evaluate(CHANGE_THEME, "JupyterLab Dark")
                page.wait_for_function("document.body.dataset.jpThemeLight === 'false'", timeout=15_000)
            for size in steps.SIZES:
                page.set_viewport_size({"width": size[0], "height": size[1]})
                scroll_lab_to(page, panel.root)
                page.wait_for_timeout(500)  # the theme's CSS and the resize settle
                got = steps.sizes_on_screen(panel)
                assert got["diagram"] >= steps.MIN_DIAGRAM_PX, (theme, size, got)
                steps.screenshot(page, "lab", size, theme)
    finally:  # the theme is a user setting of the shared Lab: put it back
        page.evaluate(CHANGE_THEME, "JupyterLab Light")
        page.wait_for_function("document.body.dataset.jpThemeLight === 'true'", timeout=15_000)
        page.set_viewport_size({"width": 1280, "height": 720})
