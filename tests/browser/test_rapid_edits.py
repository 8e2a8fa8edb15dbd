"""Edits clicked faster than the kernel answers: every click is one edit, and none is an error."""

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
