"""The dataset view, headless: a built-in dataset, a table of one's own, the example stepped through."""

from __future__ import annotations

import base64
import datetime
import html
import xml.etree.ElementTree as ET

import pytest

from tests.helpers.panel import (
    assert_unchanged,
    latex_of,
    panel_number,
    snapshot,
    xor_panel,
)

pytestmark = pytest.mark.filterwarnings("ignore:Passing unrecognized arguments:DeprecationWarning")


def test_choosing_xor_adapts_the_layers_and_says_what_changed():
    panel = xor_panel()
    s = panel.session
    assert s.network.sizes == (2, 2, 1) and s.inputs.shape == (4, 2)
    assert panel.message.value.startswith("Dataset xor: 4 examples, 2 inputs, 1 target. Changed: output layer")
    # the edit table follows the shape: one target field, the new weights' fields
    assert "t:1" not in panel.editing.fields and "t:0" in panel.editing.fields and "p:w6" in panel.editing.fields
    assert [label for label, _ in panel.dataset_view.example.options][2] == "3: (1, 0) -> 1"
    assert "Network 2-2-1" in panel.architecture.shape.value
    assert panel.editing.title.value.count("2-2-1") == 1


def test_the_table_is_edited_then_used_and_refuses_bad_rows_with_nothing_changed():
    panel = xor_panel()
    view = panel.dataset_view
    view.choice.value = "table"
    assert view.table_box.layout.display is None and view.table.value.splitlines()[3] == "1, 1, 0"
    assert panel.session.dataset == "xor"  # nothing changes until Use table
    view.add_row.click()
    assert view.table.value.splitlines()[-1] == "1, 1, 0"
    view.remove_row.click()
    before = snapshot(panel)
    for bad, reason in (
        ("1, 1, abc", "Table row 4, column 3: enter a number from -100 to 100 (got 'abc')"),
        ("1, 1, 1e999", "Table row 4, column 3"),
        ("1, 1", "row 4 has 2 cells"),
        ("1, 1, 200", "(got 200)"),
        ("1, , 0", "Table row 4, column 2"),
    ):
        view.table.value = "0, 0, 0\n0, 1, 1\n1, 0, 1\n" + bad
        view.use_table.click()
        assert reason in panel.message.value and reason.split(":")[0] in view.table_message.value
        assert_unchanged(before, panel)
        assert view.choice.value == "table" and view.table_box.layout.display is None  # still open to fix
    view.table.value = "0\t0\t0.1\n0\t1\t0.9\n1\t0\t0.9"
    view.use_table.click()
    assert panel.session.dataset == "table" and panel.session.inputs.shape == (3, 2)
    assert panel.session.targets[:, 0].tolist() == [0.1, 0.9, 0.9]
    assert view.table_message.value == "" and panel.message.value.startswith("Dataset table: 3 examples")


def test_stepping_example_3_of_xor_shows_its_inputs_in_the_forward_pass():
    panel = xor_panel()
    panel.dataset_view.example.value = 2
    panel.stepping.next_button.click()
    assert panel.session.current.symbol == "net_h1"
    w1, w2 = panel.session.network.weights[0][0]
    # net_h1 = w1 i1 + w2 i2 + b1 with example 3's i1 = 1, i2 = 0
    numbers = latex_of(panel.stepping.equation.value).split(" = ")[2]
    assert numbers.startswith(f"{panel_number(w1)} \\cdot 1 + {panel_number(w2)} \\cdot 0 + ")
    root = ET.fromstring(panel.stepping.diagram.value)
    inputs = {
        g.get("data-id"): " ".join(" ".join(t.itertext()) for t in g.iter("{http://www.w3.org/2000/svg}text"))
        for g in root.iter("{http://www.w3.org/2000/svg}g")
        if g.get("data-id") in ("i1", "i2")
    }
    assert "1" in inputs["i1"].split() and "0" in inputs["i2"].split()
    assert "example 3" in panel.stepping.position.value


def test_the_example_menu_follows_an_edit_of_the_examples_not_every_redraw(panel):
    """Its labels are made again when the examples change, and only then."""
    panel.dataset_view.choice.value = "xor"
    options = panel.dataset_view.example.options
    panel.session.train(3)
    panel.stepping.iteration_field.value = "2"  # another iteration: the same examples
    assert panel.dataset_view.example.options is options
    panel.editing.fields["i:0"].value = "0.5"  # example 1's first input
    assert panel.dataset_view.example.options[0][0] == "1: (0.5, 0) -> 0"


def upload(view, data: bytes, name: str = "examples.csv") -> None:
    """What the browser sends when a file is chosen in Open CSV."""
    view.upload.value = (
        {
            "name": name,
            "type": "text/csv",
            "size": len(data),
            "content": memoryview(data),
            "last_modified": datetime.datetime.now(datetime.timezone.utc),
        },
    )


def test_open_csv_learns_the_files_rows_and_empties_the_field():
    panel = xor_panel()
    view = panel.dataset_view
    upload(view, b"0,0,0.1\r\n0,1,0.9\r\n1,0,0.9\r\n1,1,0.1\r\n0.5,0.5,0.5\r\n")
    s = panel.session
    assert s.dataset == "table" and s.inputs.shape == (5, 2) and s.targets[:, 0].tolist() == [0.1, 0.9, 0.9, 0.1, 0.5]
    assert panel.message.value.startswith("Opened examples.csv: 5 rows of 2 inputs then 1 target ")
    assert view.upload.value == () and view.table_message.value == ""
    assert view.table.value.splitlines()[4] == "0.5, 0.5, 0.5" and view.table_box.layout.display is None
    assert [label for label, _ in view.example.options][4] == "5: (0.5, 0.5) -> 0.5"
    view.n_inputs.value = 1  # Inputs says how the next file's rows split
    upload(view, b"1\t2\t3\n4\t5\t6\n", "two.tsv")
    assert s.inputs.tolist() == [[1.0], [4.0]] and s.targets.tolist() == [[2.0, 3.0], [5.0, 6.0]]
    assert s.network.sizes[0] == 1 and s.network.sizes[-1] == 2


def test_open_csv_skips_a_spreadsheets_row_of_column_names():
    panel = xor_panel()
    upload(panel.dataset_view, "\ufeffx1,x2,XOR\r\n0,0,0\r\n1,1,0\r\n".encode())  # as "CSV UTF-8" saves
    assert panel.session.inputs.tolist() == [[0.0, 0.0], [1.0, 1.0]]
    assert panel.message.value.startswith("Opened examples.csv: 2 rows of 2 inputs then 1 target ")


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"0,0,1\n0,1\n", "Table: row 2 has 2 cells; each row needs 3 (2 inputs, then 1 target)"),
        (b"x1,x2,y\n0,?,1\n", "Table row 2, column 2: enter a number from -100 to 100 (got '?')"),
        (b"x1,x2,y\n", "Table: enter at least one row"),
        (b"", "Table: enter at least one row"),
        (b"0,0,1\n" * 65, "Table: at most 64 rows (got 65)"),
        (b"0,0,\xff", "File: byte 5 is not UTF-8 text"),
        (b"1," * 150_000, "File: a table file may have at most 200 kB"),
    ],
)
def test_a_refused_file_says_why_and_changes_nothing(data, reason):
    """Its rows read as a typed table's, with the same messages; its bytes checked first."""
    panel = xor_panel()
    view = panel.dataset_view
    before, table = snapshot(panel), view.table.value
    upload(view, data)
    assert panel.message.value.startswith(reason) and html.escape(reason) in view.table_message.value
    assert_unchanged(before, panel)
    assert view.table.value == table and view.upload.value == ()


def test_the_download_link_holds_the_examples_in_use_as_csv():
    panel = xor_panel()
    view = panel.dataset_view
    link = ET.fromstring(view.download.value)
    assert link.get("download") == "backprop-table.csv" and link.get("href").startswith("data:text/csv;base64,")
    text = base64.b64decode(link.get("href").split(",", 1)[1]).decode()
    assert text == "0,0,0\n0,1,1\n1,0,1\n1,1,0\n"
    upload(view, text.replace("1,1,0", "1,1,0.25").encode())
    text = base64.b64decode(ET.fromstring(view.download.value).get("href").split(",", 1)[1]).decode()
    assert text.endswith("1,1,0.25\n")
