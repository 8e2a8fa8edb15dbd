"""Several classes in a real browser, in JupyterLab, Notebook 7 and Voila: softmax outputs learn the three-class data.

The scenario: unfold "Datasets, network and sweep" (the presenter's "Problem"), choose the
three-class dataset, set the outputs to softmax (the loss becomes cce with them), add a hidden
neuron (2-3-3, seed 0), train 1,000 iterations at the fast pace.  The counter must read
accuracy 100% (seed 0 gets every example right within 100 iterations), and the decision
boundary's canvas must show the three class regions: many pixels of each of the three class
colours (Okabe-Ito blue, vermillion and green), where the untrained network's regions are pale.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Locator, Page, expect

from .helpers import cell_opened, scroll_lab_to
from .panel_steps import NOTEBOOK_CLIENTS

pytestmark = [pytest.mark.clients("lab", "notebook7", "voila"), pytest.mark.shared_lab_kernel]

NOTEBOOK = "several_classes_panel.ipynb"
CELL = "from explorer import Explorer\n\nExplorer()"

#: the boundary canvas's strongly coloured pixels, by the class colour they lean to
_CLASS_PIXELS = """(canvas) => {
    const {width, height} = canvas;
    if (!width || !height) return null;
    const data = canvas.getContext('2d').getImageData(0, 0, width, height).data;
    const counts = {blue: 0, vermillion: 0, green: 0, sum: 0};
    for (let i = 0; i < data.length; i += 4) {
        const [r, g, b] = [data[i], data[i + 1], data[i + 2]];
        counts.sum = (counts.sum * 31 + r * 7 + g * 3 + b) % 1000000007;
        if (Math.max(r, g, b) - Math.min(r, g, b) < 50) continue;  // white, grey, ink
        if (b > r && b > g) counts.blue++;
        else if (r > g && r > b) counts.vermillion++;
        else if (g > r && g >= b) counts.green++;
    }
    return counts;
}"""


def control(root: Locator, role: str, name: str) -> Locator:
    return root.get_by_role(role, name=name, exact=True)


def regions(canvas: Locator) -> dict:
    return canvas.evaluate(_CLASS_PIXELS)


def scenario(page: Page, server: str, shots=None) -> str:
    root = page.locator(".bp-panel").first
    presenter = server == "voila"

    def section(name: str) -> None:
        if presenter:
            control(root, "button", name).click()

    status = root.locator("div[role=status]")
    counter = root.locator(".widget-label", has_text=re.compile(r"^\s*[\d,]+ iterations? done"))
    control(root, "button", "Problem" if presenter else "Datasets, network and sweep").click()
    dataset = control(root, "combobox", "Dataset")
    expect(dataset).to_be_visible()
    if server in NOTEBOOK_CLIENTS:
        scroll_lab_to(page, dataset)
    dataset.select_option("three-class")
    expect(status).to_contain_text("Dataset three-class: 15 examples")
    control(root, "combobox", "Outputs activation").select_option("softmax")
    expect(status).to_contain_text("The output layer is now softmax, scored by cce.")
    expect(control(root, "combobox", "Loss")).to_have_value("cce")
    control(root, "button", "+").click()
    expect(status).to_contain_text("The network is now 2-3-3")
    boundary = root.locator(".bp-plot-boundary .jupyter-matplotlib-canvas-div canvas").first
    expect(boundary).to_be_visible()
    page.wait_for_function(
        f"(c) => {{ const p = ({_CLASS_PIXELS})(c); return p && p.sum > 0; }}", arg=boundary.element_handle()
    )
    before = regions(boundary)

    section("Training")
    control(root, "combobox", "Pace").select_option(label="fast")
    iterations = control(root, "textbox", "Iterations")
    iterations.fill("1000")
    iterations.press("Enter")
    control(root, "button", "Train").click()
    expect(counter).to_contain_text(re.compile(r"^\s*1,000 iterations done"), timeout=60_000)
    expect(counter).to_contain_text("accuracy 100%")
    text = counter.text_content()
    section("Problem")
    expect(boundary).to_be_visible()
    try:
        page.wait_for_function(
            f"""([c, s]) => {{ const p = ({_CLASS_PIXELS})(c);
                return p && p.sum !== s && p.blue > 1500 && p.vermillion > 1500 && p.green > 1500; }}""",
            arg=[boundary.element_handle(), before["sum"]],
            timeout=20_000,
            polling=200,
        )
    except Exception as error:
        raise AssertionError(f"{server}: three class regions never drawn: {before} -> {regions(boundary)}") from error
    after = regions(boundary)
    assert min(after["blue"], after["vermillion"], after["green"]) > 1500, (server, before, after)
    if shots is not None:
        root.screenshot(path=str(shots / f"{server}-three-classes.png"), animations="disabled")
    return text


@pytest.fixture(scope="module")
def opened(client, module_page, request, tmp_path_factory):
    """The module's page with the panel open in ``client``."""
    with cell_opened(client, module_page.page, request, tmp_path_factory, NOTEBOOK, CELL):
        yield module_page


def test_softmax_learns_three_classes_and_draws_their_regions(opened, client, artifacts):
    counter = scenario(opened.page, client, artifacts.dir)
    assert "accuracy 100%" in counter, counter
    assert opened.page_errors == [] and opened.external_requests == []
