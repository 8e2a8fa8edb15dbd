"""Smoke tests of the browser infrastructure, on a throwaway notebook.

A button labelled "Next step" increments a counter shown as LaTeX in an
HTMLMath widget.  In JupyterLab and in the classroom page (Voila, served as
``python -m explorer app`` serves it) the button must be found by its role and
name, respond to a click, and the LaTeX must be typeset by MathJax; the
classroom page must not request anything beyond 127.0.0.1.
"""

from __future__ import annotations

import shutil

import pytest
from playwright.sync_api import expect

from .helpers import open_notebook_in_lab, open_voila, write_notebook

SMOKE_CELL = """\
import ipywidgets as widgets

count = widgets.IntText(value=0, layout={"display": "none"})
equation = widgets.HTMLMath(value="$x = 0$")
step = widgets.Button(description="Next step", icon="forward")

def on_step(_):
    count.value += 1
    equation.value = f"$x = {count.value}$"

step.on_click(on_step)
widgets.VBox([step, equation, count])
"""


@pytest.fixture(scope="session")
def smoke_notebook(tmp_path_factory):
    return write_notebook(
        tmp_path_factory.mktemp("smoke") / "smoke.ipynb",
        "#md # Smoke test\nMarkdown math too: $a^2 + b^2$.",
        SMOKE_CELL,
    )


def click_and_check(page, artifacts, scroll=None):
    """Click "Next step" twice; the typeset equation must follow, with no raw TeX left."""
    equation = page.locator(".widget-htmlmath")
    expect(equation.locator("mjx-container")).to_be_visible()
    expect(equation).not_to_contain_text("$")
    artifacts.screenshot(page, "before-click", scroll_to=scroll)
    step = page.get_by_role("button", name="Next step")
    for n in (1, 2):
        step.click()
        expect(equation).to_contain_text(str(n))
        expect(equation.locator("mjx-container")).to_be_visible()
    expect(equation).not_to_contain_text("$")
    artifacts.screenshot(page, "after-2-clicks", scroll_to=scroll)


@pytest.mark.clients("lab", "voila")
def test_button_updates_mathjax(client, request, page, smoke_notebook, artifacts, external_requests, page_errors):
    if client == "lab":
        lab = request.getfixturevalue("lab_server")
        target = lab.root / "_smoke" / smoke_notebook.name
        target.parent.mkdir(exist_ok=True)
        shutil.copy(smoke_notebook, target)
        open_notebook_in_lab(page, lab, f"_smoke/{smoke_notebook.name}")
        click_and_check(page, artifacts, scroll=page.locator(".widget-htmlmath"))
    else:
        open_voila(page, request.getfixturevalue("voila_server")(smoke_notebook))
        click_and_check(page, artifacts)
    # Markdown cells are typeset by the same (local) MathJax.  Only this
    # notebook's cell is looked at: Lab may hold other notebooks' tabs.
    expect(page.locator(".jp-MarkdownOutput", has_text="Markdown math too").locator("mjx-container")).to_be_visible()
    if client == "voila":
        # The code cell itself is not shown (Voila strips sources).
        expect(page.get_by_text("on_step")).to_have_count(0)
        # The button's Font Awesome icon comes from Voila's bundled font, not the CDN.
        icon_font = page.locator(".widget-button i.fa").evaluate("(i) => getComputedStyle(i, '::before').fontFamily")
        assert "Font Awesome" in icon_font
    assert external_requests == []
    assert page_errors == []
