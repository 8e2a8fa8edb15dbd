"""Table files from a stranger: hostile CSVs refused in one line with nothing changed; a good one kept by Save.

Each file goes in as the browser sends it (a FileUpload value set from
Python) into a panel that is mid-run on XOR; the test checks the message is
one short line and that a full snapshot of the panel, its table text area
included, is unchanged.
"""

from __future__ import annotations

import datetime
import random

import pytest

from explorer.lesson import savefile
from explorer.panel.explorer import Explorer
from tests.helpers.snapshots import panel_snapshot, short_enough

pytestmark = pytest.mark.filterwarnings("ignore:Passing unrecognized arguments:DeprecationWarning")

rng = random.Random(20)
HOSTILE = {
    "random bytes": bytes(rng.randrange(256) for _ in range(3000)),
    "utf-16 (a spreadsheet's Unicode text)": "0\t0\t1\n1\t1\t0\n".encode("utf-16"),
    "a spreadsheet's own format": b"PK\x03\x04\x14\x00\x06\x00" + bytes(200),
    "latin-1": "0,0,1\n0,1,\xb5\n".encode("latin-1"),
    "too large": b"0,0,1\n" * 40_000,
    "blank lines up to the limit, then one more byte": b"\n" * 200_001,
    "one enormous cell": b"0,0," + b"9" * 150_000,
    "a number beyond a float": b"0,0,1e400\n",
    "nan": b"0,0,nan\n",
    "a spreadsheet formula": b"0,0,=1+1\n",
    "quoted cells": b'"0","0","1"\n',
    "semicolons": b"0;0;1\n0;1;0\n",
    "a header row and nothing else": b"x1,x2,y\n",
    "a header row, then a bad cell": b"x1,x2,y\n0,x2,1\n",
    "17 targets": (",".join(["0"] * 19) + "\n").encode(),
    "ragged rows": b"0,0,1\n0,1\n1,0,1,1\n",
    "65 rows": b"0,0,1\n" * 65,
    "only a byte-order mark": "\ufeff".encode(),
    "markup in a cell": b"0,0,<script>alert(1)</script>\n",
    "a NUL in a cell": b"0,0,1\x00\n",
}


@pytest.fixture(scope="module")
def panel() -> Explorer:
    e = Explorer()
    e.session.set_dataset("xor")
    e.session.train(20)
    e.session.next_step()
    return e


def upload(panel: Explorer, data: bytes, name: str = "table.csv") -> None:
    panel.dataset_view.upload.value = (
        {
            "name": name,
            "type": "text/csv",
            "size": len(data),
            "content": memoryview(data),
            "last_modified": datetime.datetime.now(datetime.timezone.utc),
        },
    )


@pytest.mark.parametrize("name", list(HOSTILE))
def test_a_hostile_table_file_is_refused_in_one_line_and_changes_nothing(panel, name):
    view = panel.dataset_view
    before, table = panel_snapshot(panel), view.table.value
    upload(panel, HOSTILE[name])
    message = panel.message.value
    assert panel.message.kind == "error", name
    assert message.startswith(("File:", "Table")) and "\n" not in message, message
    short_enough(message)
    assert panel_snapshot(panel) == before
    assert view.table.value == table and view.upload.value == ()
    assert "<script>" not in view.table_message.value


def test_a_good_file_is_kept_by_save_and_load(tmp_path):
    e = Explorer()
    upload(e, b"0.1,0.2,1\n0.3,0.4,0\n0.5,0.6,1\n")
    assert e.session.dataset == "table" and e.session.inputs.shape == (3, 2)
    path = tmp_path / "session.json"
    e.save(path)
    other = Explorer()
    other.load(path)
    assert other.session.dataset == "table"
    assert other.session.inputs.tolist() == [[0.1, 0.2], [0.3, 0.4], [0.5, 0.6]]
    assert other.session.targets.tolist() == [[1.0], [0.0], [1.0]]
    assert other.dataset_view.choice.value == "table"
    saved = savefile.loads(path.read_bytes())
    assert saved.session.inputs.tolist() == e.session.inputs.tolist()
