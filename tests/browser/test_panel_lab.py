"""The explorer panel in JupyterLab: notebooks/01_step_by_step.ipynb, run as a student runs it.

One page load and one kernel for the module (``module_page``); the tests run
the shared scenario of ``panel_steps`` in order on that panel.  Screenshots:
tests/artifacts/lab-*.png per state, panel-lab.png and panel-lab-dark.png
(JupyterLab Dark) at the end.
"""

from __future__ import annotations

import pytest

from . import panel_steps as steps
from .helpers import open_notebook_in_lab

pytestmark = pytest.mark.shared_lab_kernel


@pytest.fixture(scope="module")
def panel(lab_server, module_page):
    open_notebook_in_lab(module_page.page, lab_server, steps.NOTEBOOK)
    yield steps.Panel(module_page.page, "lab")
    # Leave the shared Lab as we found it: no kernel, and no open tab that
    # Lab would restore into the next test's page.
    module_page.page.close()
    lab_server.shutdown_sessions(steps.NOTEBOOK)
    lab_server.reset_workspaces()


def test_lab_controls_by_role(panel):
    steps.controls_by_role(panel)


def test_lab_play_steps_toggle(panel):
    steps.play_steps_toggle(panel)


def test_lab_forward_pass(panel):
    steps.forward_pass(panel)


def test_lab_error_and_backward_to_dw5(panel):
    steps.error_and_backward(panel)


def test_lab_finish_iteration_updates_w5(panel):
    steps.finish_iteration(panel)


def test_lab_formulas_fit_their_area(panel):
    steps.formulas_fit(panel)


def test_lab_learning_rate_typed(panel):
    steps.learning_rate_typed(panel)


def test_lab_learning_rate_by_keyboard(panel):
    steps.learning_rate_keyboard(panel)


def test_lab_dropdown_by_keyboard(panel):
    steps.dropdown_by_keyboard(panel)


def test_lab_invalid_weight_explained(panel):
    steps.invalid_weight(panel)


def test_lab_train_then_stop(panel):
    steps.train_and_stop(panel)


def test_lab_handout_save_and_load(panel, tmp_path):
    steps.handout_save_and_load(panel, tmp_path)


def test_lab_tab_reaches_every_control(panel):
    steps.tab_reaches_every_control(panel)


def test_lab_final_screenshots_light_and_dark(panel):
    page = panel.page
    steps.final_screenshot(panel, "panel-lab")
    change_theme = "(theme) => window.jupyterapp.commands.execute('apputils:change-theme', {theme})"
    try:
        page.evaluate(change_theme, "JupyterLab Dark")
        page.wait_for_function("document.body.dataset.jpThemeLight === 'false'", timeout=15_000)
        page.wait_for_timeout(500)  # let the theme's CSS land before the picture
        steps.final_screenshot(panel, "panel-lab-dark")
    finally:  # the theme is a user setting of the shared Lab: put it back
        page.evaluate(change_theme, "JupyterLab Light")
        page.wait_for_function("document.body.dataset.jpThemeLight === 'true'", timeout=15_000)


def test_lab_no_page_errors(panel, module_page):
    assert module_page.page_errors == []
    assert module_page.external_requests == []
