"""The URL path the README's Binder link opens, served by a Jupyter server (as on Binder).

On Binder the repository is the server's root and the link's
``?urlpath=voila/render/notebooks/01_step_by_step.ipynb`` opens
Voila's server extension inside JupyterLab's server.  The test Lab serves a
copy of the notebooks folder as its root, so the same route, relative to that
root, must render the panel and answer a click.
"""

from __future__ import annotations

from playwright.sync_api import expect

from .helpers import PAGE_TIMEOUT


def test_voila_render_route_shows_a_working_panel(lab_server, page, page_errors):
    page.goto(lab_server.url("voila/render/01_step_by_step.ipynb"), timeout=PAGE_TIMEOUT)
    panel = page.locator(".bp-panel").first
    step = panel.get_by_role("button", name="Next step", exact=True)
    expect(step).to_be_visible(timeout=PAGE_TIMEOUT)
    step.click()
    expect(panel.locator(".bp-equation")).to_contain_text("0.3775")  # net_h1, the first step
    expect(panel.get_by_role("slider", name="Step", exact=True)).to_have_value("1")
    assert page_errors == []
