"""The explorer panel's notebook layout in JupyterLab, Notebook 7 and Voila: notebooks/01_step_by_step.ipynb.

Each test runs in each client (``pytest.mark.clients``): first every test in
JupyterLab, on one page and one kernel, then every test in Notebook 7 the
same way, then every test in Voila, served as ``python -m explorer app``
serves it, on one page of its own.  The tests run the shared scenario of
``panel_steps`` in order on that panel.  In Voila the notebook runs with
``Explorer(layout="notebook")``, every control in sight (the classroom page
itself opens in the presenter layout: test_presenter.py).  Last, each page
must have stayed offline and raised no JavaScript error, and Voila's must
show no code.

Screenshots: tests/artifacts/lab-*.png, notebook7-*.png and voila-*.png per
state; panel-lab.png, panel-notebook7.png and panel-voila.png at the end, and
panel-lab-dark.png and panel-notebook7-dark.png (JupyterLab Dark).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from playwright.sync_api import expect

from . import helpers
from . import panel_steps as steps

pytestmark = [pytest.mark.clients("lab", "notebook7", "voila"), pytest.mark.shared_lab_kernel]

CHANGE_THEME = "(theme) => window.jupyterapp.commands.execute('apputils:change-theme', {theme})"


def notebook_layout(folder: Path) -> Path:
    """Notebook 01 written into ``folder`` with every control in sight: ``Explorer(layout="notebook")``."""
    notebook = json.loads((helpers.NOTEBOOKS / steps.NOTEBOOK).read_text())
    changed = 0
    for cell in notebook["cells"]:
        source = "".join(cell["source"])
        if cell["cell_type"] == "code" and "Explorer()" in source:
            cell["source"] = source.replace("Explorer()", 'Explorer(layout="notebook")')
            changed += 1
    assert changed == 1, "notebook 01 should show one Explorer()"
    path = folder / steps.NOTEBOOK
    path.write_text(json.dumps(notebook))
    return path


@pytest.fixture(scope="module")
def panel(client, module_page, request, tmp_path_factory):
    page = module_page.page
    if client != "voila":
        with helpers.notebook_in_lab(page, helpers.jupyter_server(client, request), steps.NOTEBOOK):
            yield steps.Panel(page, client)
    else:
        served = request.getfixturevalue("voila_server")(notebook_layout(tmp_path_factory.mktemp("notebook-layout")))
        helpers.open_voila(page, served, ".bp-panel")
        yield steps.Panel(page, client)


def test_controls_by_role(panel):
    steps.controls_by_role(panel)


def test_play_steps_toggle(panel):
    steps.play_steps_toggle(panel)


def test_forward_pass(panel):
    steps.forward_pass(panel)


def test_error_and_backward_to_dw5(panel):
    steps.error_and_backward(panel)


def test_finish_iteration_updates_w5(panel):
    steps.finish_iteration(panel)


def test_formulas_fit_their_area(panel):
    steps.formulas_fit(panel)


def test_learning_rate_typed(panel):
    steps.learning_rate_typed(panel)


def test_learning_rate_by_keyboard(panel):
    steps.learning_rate_keyboard(panel)


def test_dropdown_by_keyboard(panel):
    steps.dropdown_by_keyboard(panel)


def test_invalid_weight_explained(panel):
    steps.invalid_weight(panel)


def test_train_then_stop(panel):
    steps.train_and_stop(panel)


def test_kept_curve_named_in_the_legend(panel):
    steps.kept_curve_in_legend(panel)


def test_handout_save_and_load(panel, tmp_path):
    steps.handout_save_and_load(panel, tmp_path)


def test_tab_reaches_every_control(panel):
    steps.tab_reaches_every_control(panel)


def test_final_screenshot(panel, client):
    steps.final_screenshot(panel, f"panel-{client}")


@pytest.mark.clients("lab", "notebook7")
def test_final_screenshot_dark(panel, client):
    page = panel.page
    try:
        page.evaluate(CHANGE_THEME, "JupyterLab Dark")
        page.wait_for_function("document.body.dataset.jpThemeLight === 'false'", timeout=15_000)
        page.wait_for_timeout(500)  # let the theme's CSS land before the picture
        steps.plots_follow_theme(panel, "dark")  # the plots are images: the kernel redraws them
        steps.final_screenshot(panel, f"panel-{client}-dark")
    finally:  # the theme is a user setting of the shared server: put it back
        page.evaluate(CHANGE_THEME, "JupyterLab Light")
        page.wait_for_function("document.body.dataset.jpThemeLight === 'true'", timeout=15_000)
    steps.plots_follow_theme(panel, "light")


@pytest.mark.clients("voila")
def test_voila_shows_no_code(panel):
    page = panel.page
    # Voila strips the code cells: no input areas (markdown cells render into
    # one, the only kind left), no prompts, no editors, no source text
    expect(page.locator(".jp-InputArea").first).to_be_visible()  # the selector is still right
    for selector in (
        ".jp-InputArea:not(:has(> .jp-MarkdownOutput))",
        ".jp-CodeCell .jp-InputArea",
        ".jp-InputPrompt",
        ".jp-CodeMirrorEditor",
        ".cm-editor",
        ".CodeMirror",
    ):
        expect(page.locator(selector)).to_have_count(0)
    expect(page.get_by_text("from explorer import Explorer")).to_have_count(0)


def test_offline_and_error_free(panel, module_page):
    assert module_page.external_requests == [], "requests left 127.0.0.1"
    assert module_page.page_errors == []
