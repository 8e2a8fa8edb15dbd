"""``backprop-explorer lite``: the offline Pyodide's checks, the site's notebooks, wheel and pages.

The whole site is built and driven in Chromium by tests/browser/test_lite.py;
these are the parts that need no browser, on a small made-up Pyodide.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest

from explorer.serve import cli, lite
from explorer.serve import pyodide as site_pyodide
from explorer.serve.notebook_files import NOTEBOOK_DIR, NOTEBOOKS

# a made-up distribution: two packages the site needs (and what they depend on), one it does not
PACKAGES = {
    "numpy": [],
    "matplotlib": ["numpy", "pillow"],
    "pillow": [],
    "pandas": ["numpy"],
}


@pytest.fixture
def pyodide(tmp_path) -> Path:
    folder = tmp_path / "pyodide"
    folder.mkdir()
    for name in site_pyodide.PYODIDE_CORE:
        (folder / name).write_text(f"core {name}")
    packages = {}
    for name, depends in PACKAGES.items():
        file_name = f"{name}-1.0-py3-none-any.whl"
        (folder / file_name).write_bytes(name.encode())
        sha = hashlib.sha256(name.encode()).hexdigest()
        packages[name] = {"name": name, "file_name": file_name, "sha256": sha, "depends": depends}
    lock = {"info": {"version": "0.27.7"}, "packages": packages}
    (folder / "pyodide-lock.json").write_text(json.dumps(lock))
    return folder


def test_site_notebooks_install_the_explorer_first():
    for name in NOTEBOOKS.values():
        original = json.loads((NOTEBOOK_DIR / name).read_text())
        for presenter in (False, True):
            notebook = lite.site_notebook(NOTEBOOK_DIR / name, presenter=presenter)
            setup, rest = notebook["cells"][0], notebook["cells"][1:]
            assert rest == original["cells"]  # the lesson itself is unchanged
            assert "%pip install -q backprop-explorer" in setup["source"]
            assert 'getLogger("matplotlib.font_manager").setLevel(logging.ERROR)' in setup["source"]
            assert ('BACKPROP_EXPLORER_LAYOUT"] = "presenter"' in setup["source"]) == presenter
            assert notebook["metadata"]["kernelspec"]["name"] == "python"  # the Pyodide kernel


def test_the_setup_cell_is_python_once_its_magic_is_run():
    for presenter in (False, True):
        source = lite.SETUP_CELL + (lite.CLASSROOM_LAYOUT if presenter else "")
        compile(source.replace("%pip install", "# pip install"), "setup", "exec")


def test_write_contents_puts_classroom_copies_apart(tmp_path):
    lite.write_contents(tmp_path)
    assert sorted(p.name for p in tmp_path.glob("*.ipynb")) == sorted(NOTEBOOKS.values())
    assert sorted(p.name for p in (tmp_path / lite.CLASSROOM).glob("*.ipynb")) == sorted(NOTEBOOKS.values())


def test_voici_pages_point_the_kernel_at_the_site_root():
    config = {
        "baseUrl": "../../../",
        "litePluginSettings": {
            lite.KERNEL_PLUGIN: {
                "pyodideUrl": "./static/pyodide/pyodide.js",
                "pipliteUrls": ["./pypi/all.json?sha256=1", "https://example.org/all.json"],
            }
        },
    }
    kernel = lite._kernel_urls_from(config, "../../../")["litePluginSettings"][lite.KERNEL_PLUGIN]
    assert kernel["pyodideUrl"] == "../../../static/pyodide/pyodide.js"
    assert kernel["pipliteUrls"] == ["../../../pypi/all.json?sha256=1", "https://example.org/all.json"]


def test_patch_voici_pages_rewrites_only_the_page_config(tmp_path):
    page = tmp_path / "voici" / "render" / "classroom" / "x.html"
    page.parent.mkdir(parents=True)
    config = {"litePluginSettings": {lite.KERNEL_PLUGIN: {"pyodideUrl": "./static/pyodide/pyodide.js"}}}
    page.write_text(
        '<p>./static/x</p><script id="jupyter-config-data" type="application/json">' + json.dumps(config) + "</script>"
    )
    lite.patch_voici_pages(tmp_path)
    text = page.read_text()
    assert text.startswith("<p>./static/x</p>")
    assert '"pyodideUrl": "../../../static/pyodide/pyodide.js"' in text


def test_landing_page_links_each_notebook_three_ways():
    page = lite.landing_page(offline=True)
    for name in NOTEBOOKS.values():
        stem = Path(name).stem
        for link in (
            f"voici/render/classroom/{stem}.html",
            f"notebooks/index.html?path={name}",
            f"lab/index.html?path={name}",
        ):
            assert f'href="{link}"' in page
    assert 'data-jupyter-lite-root="."' in page  # JupyterLite's pages read the root's config
    assert "https://" not in page and "http://" not in page
    assert "asks no other host" in page and "CDN" in lite.landing_page(offline=False)


def test_lite_is_a_command(capsys):
    with pytest.raises(SystemExit) as exit_info:
        cli.main(["lite", "--help"])
    assert exit_info.value.code == 0
    assert "--pyodide DIR" in capsys.readouterr().out


def test_lite_refuses_a_pyodide_that_is_not_a_folder(tmp_path, capsys):
    with pytest.raises(SystemExit) as exit_info:
        cli.main(["lite", str(tmp_path / "site"), "--pyodide", str(tmp_path / "nowhere")])
    assert exit_info.value.code == 2
    assert capsys.readouterr().err.strip().endswith("is not a folder")


def test_lite_reports_a_bad_distribution_in_one_line(tmp_path, pyodide, capsys):
    (pyodide / "pyodide-lock.json").unlink()
    assert cli.main(["lite", str(tmp_path / "site"), "--pyodide", str(pyodide)]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "no pyodide-lock.json" in err
    assert not (tmp_path / "site").exists()  # nothing written


def test_lite_never_replaces_a_folder_that_is_not_a_site(tmp_path, capsys):
    (tmp_path / "notes.txt").write_text("a teacher's notes")
    assert cli.main(["lite", str(tmp_path)]) == 1
    assert "is not empty and holds no site built before" in capsys.readouterr().err
    assert (tmp_path / "notes.txt").read_text() == "a teacher's notes"
