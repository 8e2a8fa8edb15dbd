"""The classroom page (``python -m explorer app``) opens on the presenter layout.

One page load for the module (``module_page``), at 1280 x 720 first, as a
projector shows it; the other size is set on the same page.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from . import presenter_steps as steps
from .helpers import open_voila
from .panel_steps import Panel


@pytest.fixture(scope="module")
def panel(voila_server, module_page):
    page = module_page.page
    page.set_viewport_size({"width": 1280, "height": 720})
    open_voila(page, voila_server("01"), ".bp-panel svg.bp-diagram")
    panel = Panel(page, "voila")
    expect(panel.root.locator(".jupyter-matplotlib-canvas-div").first).to_be_visible()
    return panel


def test_classroom_page_opens_on_the_panel(panel):
    expect(panel.equation).to_contain_text("Press Next step")
    steps.record("voila", "in-view-1280x720", steps.main_view_in_sight(panel))
    # the lesson is still there, below the panel
    expect(panel.page.get_by_role("heading", name="Backpropagation, one number at a time")).to_have_count(1)
    steps.screenshot(panel.page, "voila", (1280, 720), "light-start")


@pytest.mark.parametrize("size", steps.SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_voila_text_sizes_and_buttons_that_never_move(panel, size):
    panel.page.set_viewport_size({"width": size[0], "height": size[1]})
    try:
        sizes = steps.check_sizes(panel, size)
        moved = steps.buttons_stay_put(panel, size)
        steps.main_view_in_sight(panel)
        steps.screenshot(panel.page, "voila", size, "light")
        steps.record("voila", f"measures-{size[0]}x{size[1]}", {"sizes": sizes, "largest_move_px": moved})
    finally:
        panel.page.set_viewport_size({"width": 1280, "height": 720})


def test_voila_presenter_keys(panel):
    steps.presenter_keys(panel)


def test_voila_reset_weights_message_in_view(panel):
    steps.reset_message_in_view(panel)


def test_voila_back_to_iteration_one_after_ten_thousand(panel):
    steps.back_to_iteration_one(panel)


def test_voila_classroom_page_offline_and_error_free(panel, module_page):
    expect(panel.page.locator(".jp-CodeCell .jp-InputArea")).to_have_count(0)
    assert module_page.external_requests == [], "requests left 127.0.0.1"
    assert module_page.page_errors == []
