"""Datasets, architecture, decision boundary and sweep in a real browser, in JupyterLab, Notebook 7 and Voila.

JupyterLab and Notebook 7 show the notebook layout; Voila, started as the classroom page,
the presenter layout, where training and the problem are two sections
beneath the main view, one shown at a time.

The scenario: unfold "Datasets, network and sweep" (the presenter's "Problem"), choose XOR,
seed 5, add a hidden neuron (2-3-1), train 10,000
iterations at the fast pace; the boundary's canvas must change its pixels
and the error must fall below 0.01 (seed 5 learns XOR on 2-3-1: about
0.0005).  Then a sweep of 50 rates: choosing one from the list, and a click
on the plot itself, must each change the learning rate.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import Locator, Page, expect

from .helpers import cell_opened, scroll_lab_to
from .panel_steps import NOTEBOOK_CLIENTS

pytestmark = [pytest.mark.clients("lab", "notebook7", "voila"), pytest.mark.shared_lab_kernel]

NOTEBOOK = "beyond_panel.ipynb"
CELL = "from explorer import Explorer\n\nExplorer()"

#: a checksum of a canvas's pixels (changes when what is drawn changes)
_PIXELS = """(canvas) => {
    const {width, height} = canvas;
    if (!width || !height) return null;
    const data = canvas.getContext('2d').getImageData(0, 0, width, height).data;
    let sum = 0, coloured = 0;
    for (let i = 0; i < data.length; i += 4) {
        sum = (sum * 31 + data[i] * 7 + data[i + 1] * 3 + data[i + 2]) % 1000000007;
        if (Math.max(data[i], data[i + 1], data[i + 2]) - Math.min(data[i], data[i + 1], data[i + 2]) > 60) coloured++;
    }
    return {sum, coloured};
}"""


def control(root: Locator, role: str, name: str) -> Locator:
    return root.get_by_role(role, name=name, exact=True)


def canvas_of(root: Locator, kind: str) -> Locator:
    return root.locator(f".bp-plot-{kind} .jupyter-matplotlib-canvas-div canvas").first


def wait_for_new_pixels(page: Page, canvas: Locator, before: dict, what: str) -> dict:
    try:
        page.wait_for_function(
            f"([c, s]) => {{ const p = ({_PIXELS})(c); return p && p.sum !== s; }}",
            arg=[canvas.element_handle(), before["sum"]],
            timeout=20_000,
            polling=200,
        )
    except Exception as error:
        raise AssertionError(f"the {what} canvas never changed its pixels") from error
    return canvas.evaluate(_PIXELS)


def scenario(page: Page, server: str, shots: Path | None = None) -> None:
    root = page.locator(".bp-panel").first
    presenter = server == "voila"  # the classroom page's layout

    def section(name: str) -> None:
        """In the presenter layout, show one section beneath the main view."""
        if presenter:
            control(root, "button", name).click()

    status = root.locator("div[role=status]")
    counter = root.locator(".widget-label", has_text=re.compile(r"^\s*[\d,]+ iterations done"))
    expect(root.locator(".bp-plot-boundary")).to_be_hidden()  # the seed's 2-2-2 has two outputs
    expect(control(root, "combobox", "Dataset")).to_be_hidden()  # folded away at first
    control(root, "button", "Problem" if presenter else "Datasets, network and sweep").click()
    expect(control(root, "combobox", "Dataset")).to_be_visible()
    if server in NOTEBOOK_CLIENTS:
        scroll_lab_to(page, control(root, "combobox", "Dataset"))

    control(root, "combobox", "Dataset").select_option("xor")
    expect(status).to_contain_text("Dataset xor: 4 examples")
    seed = control(root, "textbox", "Seed")
    seed.fill("5")
    seed.press("Enter")
    control(root, "button", "+").click()
    expect(status).to_contain_text("The network is now 2-3-1")
    expect(root.locator("svg.bp-diagram g[data-id='h3']")).to_have_count(1)
    boundary = canvas_of(root, "boundary")
    expect(boundary).to_be_visible()
    # untrained, the output is near 0.5 everywhere (white): only the four examples are coloured
    page.wait_for_function(
        f"(c) => {{ const p = ({_PIXELS})(c); return p && p.coloured > 20; }}",
        arg=boundary.element_handle(),
        timeout=20_000,
        polling=200,
    )
    before = boundary.evaluate(_PIXELS)

    section("Training")
    control(root, "combobox", "Pace").select_option(label="fast")
    expect(control(root, "textbox", "Iterations")).to_have_value("10000")
    control(root, "button", "Train").click()
    expect(counter).to_contain_text(re.compile(r"^\s*10,000 iterations done"), timeout=60_000)
    error = float(re.search(r"E_total ([-\d.e]+)", counter.text_content()).group(1))
    assert error < 0.01, f"{server}: XOR 2-3-1 (seed 5) ended at E_total {error}"
    section("Problem")
    expect(boundary).to_be_visible()
    # trained, the corners are strongly red and blue: far more coloured pixels than before
    # (waited for, not read at the first change: a loaded page can show a frame drawn mid-run first)
    try:
        page.wait_for_function(
            f"([c, n]) => {{ const p = ({_PIXELS})(c); return p && p.coloured > n; }}",
            arg=[boundary.element_handle(), before["coloured"] + 2000],
            timeout=30_000,
            polling=200,
        )
    except Exception as error:
        after = boundary.evaluate(_PIXELS)
        raise AssertionError(f"{server}: the boundary never coloured: {before} -> {after}") from error
    if shots is not None:
        root.screenshot(path=str(shots / f"{server}-xor-trained.png"), animations="disabled")

    # the sweep: 50 rates of the current (trained) network
    # (in the presenter layout the rate's field is under Training: only one section is on the page)
    rate_text = control(root, "textbox", "Learning rate value")
    section("Training")
    expect(rate_text).to_have_value("0.5")
    section("Problem")
    control(root, "combobox", "Rates").select_option("50")
    sweep_canvas = canvas_of(root, "sweep")
    empty = sweep_canvas.evaluate(_PIXELS)
    control(root, "button", "Sweep").click()
    expect(status).to_contain_text("Swept 50 learning rates", timeout=60_000)
    wait_for_new_pixels(page, sweep_canvas, empty, "sweep")
    listed = control(root, "combobox", "Swept rate")
    expect(listed).to_be_enabled()
    listed.select_option(index=20)
    chosen = listed.evaluate("(s) => s.options[s.selectedIndex].textContent")
    wanted = re.match(r"eta\s([\d.e-]+):", chosen).group(1)  # ipywidgets writes spaces as \xa0
    expect(status).to_contain_text(f"Learning rate set to {wanted}")
    section("Training")
    expect(rate_text).not_to_have_value("0.5")
    from_list = rate_text.input_value()
    assert abs(float(from_list) / float(wanted) - 1) < 5e-3, (from_list, wanted)
    section("Problem")

    # a click on the plot: the rate nearest the click's x becomes the learning rate
    if server in NOTEBOOK_CLIENTS:
        scroll_lab_to(page, sweep_canvas)
    else:
        sweep_canvas.scroll_into_view_if_needed()
    box = sweep_canvas.bounding_box()
    # a real mouse click there: ipympl lays a second canvas (for rubber bands) over the plot
    page.mouse.click(box["x"] + box["width"] * 0.85, box["y"] + box["height"] * 0.5)
    expect(status).to_contain_text("Learning rate set to", timeout=15_000)
    section("Training")
    expect(rate_text).not_to_have_value(from_list, timeout=15_000)
    clicked = float(rate_text.input_value())
    assert clicked > float(from_list), f"{server}: a click right of the chosen rate gave {clicked}"
    if shots is not None:
        root.screenshot(path=str(shots / f"{server}-sweep-picked.png"), animations="disabled")


@pytest.fixture(scope="module")
def opened(client, module_page, request, tmp_path_factory):
    """The module's page (1280 x 1800) with the panel open in ``client``."""
    with cell_opened(client, module_page.page, request, tmp_path_factory, NOTEBOOK, CELL):
        yield module_page


def test_xor_boundary_and_sweep(opened, client, artifacts):
    scenario(opened.page, client, artifacts.dir)
    assert opened.page_errors == [] and opened.external_requests == []
