"""The explorer panel's notebook layout under Voila, served as ``python -m explorer app`` serves it.

The classroom page itself opens in the presenter layout (test_presenter_voila.py);
here notebooks/01_step_by_step.ipynb runs with ``Explorer(layout="notebook")``,
every control in sight.  One page load and one kernel for the module
(``module_page``); the tests run the shared scenario of ``panel_steps`` in
order on that panel, then check the page stayed offline, raised no
JavaScript error and showed no code.
Screenshots: tests/artifacts/voila-*.png per state, panel-voila.png at the end.
"""

from __future__ import annotations

import json

import pytest
from playwright.sync_api import expect

from . import helpers
from . import panel_steps as steps
from .helpers import open_voila


@pytest.fixture(scope="module")
def notebook_layout(tmp_path_factory):
    """Notebook 01 with every control in sight: ``Explorer(layout="notebook")``."""
    notebook = json.loads((helpers.NOTEBOOKS / steps.NOTEBOOK).read_text())
    changed = 0
    for cell in notebook["cells"]:
        source = "".join(cell["source"])
        if cell["cell_type"] == "code" and "Explorer()" in source:
            cell["source"] = source.replace("Explorer()", 'Explorer(layout="notebook")')
            changed += 1
    assert changed == 1, "notebook 01 should show one Explorer()"
    path = tmp_path_factory.mktemp("notebook-layout") / steps.NOTEBOOK
    path.write_text(json.dumps(notebook))
    return path


@pytest.fixture(scope="module")
def panel(voila_server, module_page, notebook_layout):
    open_voila(module_page.page, voila_server(notebook_layout), ".bp-panel")
    return steps.Panel(module_page.page, "voila")


def test_voila_controls_by_role(panel):
    steps.controls_by_role(panel)


def test_voila_play_steps_toggle(panel):
    steps.play_steps_toggle(panel)


def test_voila_forward_pass(panel):
    steps.forward_pass(panel)


def test_voila_error_and_backward_to_dw5(panel):
    steps.error_and_backward(panel)


def test_voila_finish_iteration_updates_w5(panel):
    steps.finish_iteration(panel)


def test_voila_formulas_fit_their_area(panel):
    steps.formulas_fit(panel)


def test_voila_learning_rate_typed(panel):
    steps.learning_rate_typed(panel)


def test_voila_learning_rate_by_keyboard(panel):
    steps.learning_rate_keyboard(panel)


def test_voila_dropdown_by_keyboard(panel):
    steps.dropdown_by_keyboard(panel)


def test_voila_invalid_weight_explained(panel):
    steps.invalid_weight(panel)


def test_voila_train_then_stop(panel):
    steps.train_and_stop(panel)


def test_voila_handout_save_and_load(panel, tmp_path):
    steps.handout_save_and_load(panel, tmp_path)


def test_voila_tab_reaches_every_control(panel):
    steps.tab_reaches_every_control(panel)


def test_voila_final_screenshot(panel):
    steps.final_screenshot(panel, "panel-voila")


def test_voila_offline_codeless_and_error_free(panel, module_page):
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
    assert module_page.external_requests == [], "requests left 127.0.0.1"
    assert module_page.page_errors == []
