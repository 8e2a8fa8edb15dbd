"""The matrix form and a table file in a real browser, in JupyterLab, Notebook 7 and Voila.

JupyterLab and Notebook 7 show the notebook layout (the Matrix form toggle beside the step
buttons, the matrices under the formula); Voila, started as the classroom
page, the presenter layout (both in the "Steps" section beneath the main view).

The scenario: step to dE_total/dw5 (step 16 of the seed's 53), switch Matrix
form on, and read the output layer's dE/dW, the seed's 2 x 2 matrix, with
dE/dw5's entry boxed; choose dE_total/dw8 under "Go to step" and land on
that step.  Then open a CSV file of five rows in the dataset row and see its
rows in the table and the Example list.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import Locator, Page, expect

from .helpers import cell_opened, scroll_lab_to
from .panel_steps import NOTEBOOK_CLIENTS

pytestmark = [pytest.mark.clients("lab", "notebook7", "voila"), pytest.mark.shared_lab_kernel]

NOTEBOOK = "matrix_panel.ipynb"
CELL = "from explorer import Explorer\n\nExplorer()"
#: the seed's dE_total/dw5..dw8, as the worked example prints them
SEED_OUTPUT_GRADIENT = ["0.082167041", "0.082667628", "0.02260254", "0.022740242"]
#: the text of typeset math: MathJax 3's CHTML draws each character from a class (mjx-c32: "2")
MATH_TEXT = """(el) => [...el.querySelectorAll('mjx-c')].map((c) => {
    const name = [...c.classList].find((k) => /^mjx-c[0-9A-F]+$/.test(k));
    return c.textContent || (name ? String.fromCodePoint(parseInt(name.slice(5), 16)) : '');
}).join('')"""
TABLE = "0,0,0.1\n0,1,0.9\n1,0,0.9\n1,1,0.1\n0.5,0.5,0.5\n"


def control(root: Locator, role: str, name: str) -> Locator:
    return root.get_by_role(role, name=name, exact=True)


def choose_option(select: Locator, pattern: str) -> str:
    """Select the first option whose text matches ``pattern`` (ipywidgets writes spaces as \\xa0)."""
    texts = [t.replace("\xa0", " ") for t in select.locator("option").all_text_contents()]
    index = next(i for i, text in enumerate(texts) if re.search(pattern, text))
    select.select_option(index=index)
    return texts[index]


def matrix_scenario(page: Page, server: str, shots: Path | None) -> None:
    root = page.locator(".bp-panel").first
    presenter = server == "voila"
    position = root.locator(".bp-position")
    next_step = control(root, "button", "Next step")
    for _ in range(16):
        next_step.click()
    expect(position).to_contain_text(re.compile(r"^step 16 of 53"))
    if presenter:
        control(root, "button", "Steps").click()
    toggle = control(root, "button", "Matrix form")
    toggle.click()
    matrix = root.locator(".bp-matrix")
    expect(matrix).to_be_visible()
    if server in NOTEBOOK_CLIENTS:
        scroll_lab_to(page, root.locator(".bp-matrix-box"))
    box = root.locator(".bp-matrix-box")
    expect(box).to_contain_text("Backward pass, layer 2 (the outputs): the entry of this step is boxed")
    # typeset: MathJax's own elements, with the numbers in its assistive MathML
    # typeset by MathJax: three lines, dE/da, delta, then dE/dW^(2) = delta^(2) a^(1)T
    lines = matrix.locator("mjx-container")
    expect(lines).to_have_count(3, timeout=20_000)
    gradient = lines.nth(2)
    page.wait_for_function(f"(el) => ({MATH_TEXT})(el).includes('0.082667628')", arg=gradient.element_handle())
    text = gradient.evaluate(MATH_TEXT)
    for value in SEED_OUTPUT_GRADIENT:
        assert value in text, f"{server}: {value} not in the dE/dW line: {text}"
    boxed = gradient.locator("mjx-menclose")
    expect(boxed).to_have_count(1)
    assert boxed.evaluate(MATH_TEXT) == "0.082167041"
    go_to = control(root, "combobox", "Go to step")
    assert go_to.evaluate("(s) => s.options[s.selectedIndex].textContent").replace("\xa0", " ") == (
        "dE_total/dw5 = 0.082167041"
    )
    if shots is not None:
        if server in NOTEBOOK_CLIENTS:
            page.set_viewport_size({"width": 1280, "height": 720})
            scroll_lab_to(page, root.locator(".bp-phases-box"))
        page.screenshot(path=str(shots / f"{server}-matrix-form.png"), animations="disabled")
        page.set_viewport_size({"width": 1280, "height": 1800})
    choose_option(go_to, r"^dE_total/dw8 = ")
    expect(position).to_contain_text(re.compile(r"^step 2[0-9] of 53"))
    expect(root.locator(".bp-equation")).to_contain_text("0.022740242")
    page.wait_for_function(
        f"(el) => [...el.querySelectorAll('mjx-menclose')].some((m) => ({MATH_TEXT})(m).includes('0.022740242'))",
        arg=matrix.element_handle(),
        timeout=20_000,
    )
    toggle.click()
    expect(matrix).to_be_hidden()


def file_scenario(page: Page, server: str, tmp: Path) -> None:
    root = page.locator(".bp-panel").first
    presenter = server == "voila"
    control(root, "button", "Problem" if presenter else "Datasets, network and sweep").click()
    upload = root.locator(".bp-table-upload")

    def choose(path: Path) -> None:
        """Press Open CSV and pick ``path`` in the browser's file chooser."""
        with page.expect_file_chooser(timeout=15_000) as chooser:
            upload.click()
        chooser.value.set_files(str(path))

    if server in NOTEBOOK_CLIENTS:
        scroll_lab_to(page, control(root, "combobox", "Dataset"))
    path = tmp / "five_rows.csv"
    path.write_text(TABLE)
    choose(path)
    status = root.locator("div[role=status]")
    expect(status).to_contain_text("Opened five_rows.csv: 5 rows of 2 inputs then 1 target ")
    table = control(root, "textbox", "Table")
    expect(table).to_be_visible()
    expect(table).to_have_value("0, 0, 0.1\n0, 1, 0.9\n1, 0, 0.9\n1, 1, 0.1\n0.5, 0.5, 0.5")
    example = control(root, "combobox", "Example")
    texts = [t.replace("\xa0", " ") for t in example.locator("option").all_text_contents()]
    assert texts == [
        "1: (0, 0) -> 0.1",
        "2: (0, 1) -> 0.9",
        "3: (1, 0) -> 0.9",
        "4: (1, 1) -> 0.1",
        "5: (0.5, 0.5) -> 0.5",
    ]
    link = root.locator("a.bp-table-download[download='backprop-table.csv']")
    expect(link).to_have_count(1)
    assert link.get_attribute("href").startswith("data:text/csv;base64,")
    # a refused file: its reason beside the table, the rows unchanged
    path.write_bytes(b"0,0,1\n0,1\n")
    choose(path)
    expect(status).to_contain_text("Table: row 2 has 2 cells")
    expect(table).to_have_value("0, 0, 0.1\n0, 1, 0.9\n1, 0, 0.9\n1, 1, 0.1\n0.5, 0.5, 0.5")


@pytest.fixture(scope="module")
def opened(client, module_page, request, tmp_path_factory):
    """The module's page (1280 x 1800) with the panel open in ``client``."""
    with cell_opened(client, module_page.page, request, tmp_path_factory, NOTEBOOK, CELL):
        yield module_page


def test_matrix_form_of_the_output_gradient(opened, client, artifacts):
    matrix_scenario(opened.page, client, artifacts.dir)
    assert opened.page_errors == [] and opened.external_requests == []


def test_open_a_csv_file_and_see_its_rows(opened, client, tmp_path):
    file_scenario(opened.page, client, tmp_path)
    assert opened.page_errors == [] and opened.external_requests == []
