"""Edits clicked faster than the kernel answers: every click is one edit, none is an error, and the
button clicked stays under the pointer while the diagram above it is drawn lower or higher."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from .helpers import notebook_in_lab, open_voila


def test_architecture_clicked_in_quick_succession_on_the_classroom_page(voila_server, page):
    open_voila(page, voila_server("01"))
    clicked_in_quick_succession(page, "Problem")


def test_architecture_clicked_in_quick_succession_in_jupyterlab(lab_server, page):
    with notebook_in_lab(page, lab_server, "01_step_by_step.ipynb"):
        clicked_in_quick_succession(page, "Datasets, network and sweep")


def test_a_layer_button_stays_under_the_pointer_in_jupyterlab(lab_server, page):
    """A layer more or less redraws the diagram above the button 40-60 px lower or higher; a
    person clicking again as soon as the network changes, the pointer where it was, still hits it."""
    with notebook_in_lab(page, lab_server, "01_step_by_step.ipynb"):
        root = page.locator(".bp-panel").first
        root.get_by_role("button", name="Datasets, network and sweep", exact=True).click()
        shape = root.locator(".widget-html", has_text=re.compile(r"^\s*Network [\d-]+\s*$"))
        for name, shapes in (
            ("Add layer", ["2-2-2-2", "2-2-2-2-2", "2-2-2-2-2-2"]),
            ("Remove layer", ["2-2-2-2-2", "2-2-2-2", "2-2-2"]),
        ):
            button = root.get_by_role("button", name=name, exact=True)
            # mid-screen, so the page can scroll either way
            button.evaluate("b => b.scrollIntoView({block: 'center'})")
            page.wait_for_timeout(300)
            box = button.bounding_box()
            for after in shapes:
                page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
                expect(shape).to_have_text(re.compile(rf"Network {after}\s*$"), timeout=30_000)
            page.wait_for_timeout(500)  # the last diagram drawn
            assert abs(button.bounding_box()["y"] - box["y"]) < 1.5, (name, box, button.bounding_box())


def clicked_in_quick_succession(page: Page, section: str) -> None:
    root = page.locator(".bp-panel").first
    root.get_by_role("button", name=section, exact=True).click()
    add = root.get_by_role("button", name="Add layer", exact=True)
    add.scroll_into_view_if_needed()
    for _ in range(5):  # the fourth and fifth are refused: at most 4 hidden layers
        add.click(no_wait_after=True, delay=0)
    status = root.locator("div[role=status]")
    shape = root.locator(".widget-html", has_text=re.compile(r"^\s*Network [\d-]+\s*$"))
    expect(shape).to_have_text(re.compile(r"Network 2-2-2-2-2-2\s*$"), timeout=30_000)
    plus = root.get_by_role("button", name="+", exact=True)
    for k in range(3):  # every hidden layer's "+", clicked before the rows are built again
        plus.nth(k).click(no_wait_after=True, delay=0)
    expect(shape).to_have_text(re.compile(r"Network 2-3-3-3-2-2\s*$"), timeout=30_000)
    remove = root.get_by_role("button", name="Remove layer", exact=True)
    for _ in range(4):  # down to no hidden layer, where the button is disabled
        remove.click(no_wait_after=True, delay=0)
    expect(shape).to_have_text(re.compile(r"Network 2-2\s*$"), timeout=30_000)
    expect(remove).to_be_disabled()
    page.wait_for_timeout(1000)  # any late reply
    assert "Unexpected" not in status.text_content(), status.text_content()
