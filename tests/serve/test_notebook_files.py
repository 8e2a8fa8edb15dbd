"""``notebooks DIR`` copies the shipped notebooks out, and never overwrites; one copy of them in a checkout."""

from __future__ import annotations

import json
from pathlib import Path

from explorer.serve.notebook_files import NOTEBOOK_DIR, NOTEBOOKS, copy_notebooks, notebook_path

ROOT = Path(__file__).resolve().parents[2]


def test_the_package_holds_every_notebook():
    assert sorted(p.name for p in NOTEBOOK_DIR.glob("*.ipynb")) == sorted(NOTEBOOKS.values())
    for key in NOTEBOOKS:
        assert json.loads(notebook_path(key).read_text())["cells"]


def test_copies_into_a_new_folder(cli, tmp_path):
    target = tmp_path / "for the class" / "nested"
    code, out, err = cli("notebooks", str(target))
    assert (code, err) == (0, "")
    for name in NOTEBOOKS.values():
        assert (target / name).read_bytes() == (NOTEBOOK_DIR / name).read_bytes()
        assert f"wrote {target / name}" in out


def test_an_edited_copy_is_kept(cli, tmp_path):
    edited = tmp_path / NOTEBOOKS["01"]
    edited.write_text("my edits")
    code, out, err = cli("notebooks", str(tmp_path))
    assert (code, err) == (0, "")
    assert edited.read_text() == "my edits"
    assert f"kept {edited}" in out
    assert (tmp_path / NOTEBOOKS["02"]).is_file()
    assert copy_notebooks(tmp_path) == ([], sorted(tmp_path.glob("*.ipynb")))  # again: nothing to do


def test_a_file_in_the_way_is_one_line(cli, tmp_path):
    target = tmp_path / "notes.txt"
    target.write_text("not a folder")
    code, out, err = cli("notebooks", str(target))
    assert code == 2 and out == ""
    assert err.count("\n") == 1 and "argument DIR" in err and "not a folder" in err
    assert target.read_text() == "not a folder"


def test_missing_dir_is_one_line(cli):
    code, out, err = cli("notebooks")
    assert code == 2 and err.count("\n") == 1 and "DIR" in err


def test_a_checkout_reads_the_top_level_notebooks():
    """One copy: in a checkout the package serves and copies the notebooks nbval runs and Lab opens."""
    assert NOTEBOOK_DIR == ROOT / "notebooks"
    assert not (ROOT / "explorer" / "notebooks").exists(), "a second copy inside the package"
