"""``backprop-explorer lite OUTDIR [--pyodide DIR]``: the explorer as a static site.

Every student's browser runs its own Python (Pyodide, through JupyterLite), so
the folder this writes can be published on any static host, for a class of
any size, with no server running Python.  The site has:

- ``index.html``, a landing page linking the rest;
- ``lab/`` (JupyterLab) and ``notebooks/`` (Notebook 7) with the three
  teaching notebooks;
- ``voici/render/classroom/NN_*.html``, the code-free classroom page of each
  notebook (Voici: Voila for JupyterLite), in the presenter layout;
- ``pypi/``, the explorer's wheel and the pure-Python wheels its panel needs
  that Pyodide does not ship (ipywidgets, anywidget, ipympl, latex2mathml...),
  so the browser installs nothing from PyPI.

The notebooks on the site are the package's own, with one cell in front that
installs the explorer's wheel into the browser's Python and keeps
matplotlib's one-time "building the font cache" note (Pyodide starts every
page with an empty file system) out of the page.  The classroom copies'
first cell also sets ``BACKPROP_EXPLORER_LAYOUT=presenter``: what
``backprop-explorer app`` does for its kernels' environment.

Pyodide itself and its numpy and matplotlib come by default from
JupyterLite's usual source (a CDN: a connected classroom).  ``--pyodide DIR``
copies them from a full local Pyodide distribution instead (an offline
classroom, or a school network that blocks CDNs): DIR holds ``pyodide.js``
and the rest of Pyodide's core, ``pyodide-lock.json``, and the package files
it lists.  Every package file the site uses is checked against the sha256 in
that lock file, and the site then asks no other host for anything.  Building
needs the ``[lite]`` extra, and PyPI (or pip's cache) for the wheels above.
"""

from __future__ import annotations

import argparse
import html
import io
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path

from .app import TEMPLATE_NAME, write_offline_template
from .arguments import OneLineParser
from .notebook_files import NOTEBOOK_DIR, NOTEBOOKS
from .pyodide import LiteError, MissingExtra, verified_pyodide
from .site_wheels import explorer_wheel, front_ends, site_wheels

KERNEL_PLUGIN = "@jupyterlite/pyodide-kernel-extension:kernel"
#: Where the classroom copies of the notebooks go, in the site's contents.
CLASSROOM = "classroom"
TITLES = {
    "01": "Step by step: one iteration of backpropagation",
    "02": "The learning rate",
    "03": "Beyond one example",
    "04": "Several classes: softmax and cross-entropy",
}

#: The cell put in front of every notebook on the site.
SETUP_CELL = """\
# This page's Python runs in your browser (Pyodide): install the explorer into it.
import logging
# matplotlib notes once that it is "building the font cache" (empty in a new browser Python)
logging.getLogger("matplotlib.font_manager").setLevel(logging.ERROR)
%pip install -q backprop-explorer
"""
#: The classroom copies' setup cell also asks for the presenter layout.
CLASSROOM_LAYOUT = """\
import os
os.environ["BACKPROP_EXPLORER_LAYOUT"] = "presenter"  # as backprop-explorer app does
"""


# --------------------------------------------------------------------------- notebooks


def site_notebook(source: Path, *, presenter: bool) -> dict:
    """The notebook at ``source`` with the site's setup cell in front."""
    notebook = json.loads(Path(source).read_text(encoding="utf-8"))
    setup = SETUP_CELL + (CLASSROOM_LAYOUT if presenter else "")
    cell = {"cell_type": "code", "execution_count": None, "id": "site-setup", "metadata": {}, "outputs": []}
    cell["source"] = setup
    notebook["cells"].insert(0, cell)
    # the browser's kernel, not a server's python3 (JupyterLite would ask which to use)
    notebook["metadata"]["kernelspec"] = {"name": "python", "display_name": "Python (Pyodide)", "language": "python"}
    return notebook


def write_contents(folder: Path) -> None:
    """The notebooks in ``folder``, and their classroom copies in ``folder/classroom``."""
    (folder / CLASSROOM).mkdir(parents=True, exist_ok=True)
    for name in NOTEBOOKS.values():
        for target, presenter in ((folder / name, False), (folder / CLASSROOM / name, True)):
            target.write_text(json.dumps(site_notebook(NOTEBOOK_DIR / name, presenter=presenter), indent=1))


# --------------------------------------------------------------------------- the site


def _require(module: str, extra: str = "lite") -> None:
    import importlib.util

    if importlib.util.find_spec(module) is None:
        raise MissingExtra(
            f"the static site needs {module}, which is not installed: pip install 'backprop-explorer[{extra}]'"
        )


def build_config(work: Path, output: Path, wheels: Sequence[Path], extensions: Path) -> dict:
    """The ``jupyter_lite_config.json`` of the build."""
    return {
        "LiteBuildConfig": {
            "apps": ["lab", "notebooks", "voici"],
            "contents": [str(work / "contents")],
            "output_dir": str(output),
            # only the widget front ends the explorer uses, not every extension installed here
            "ignore_sys_prefix": ["federated_extensions"],
            "no_sourcemaps": True,
            "no_unused_shared_packages": True,
        },
        "FederatedExtensionAddon": {"extra_labextensions_path": [str(extensions)]},
        # the classroom app's template: Voila's, less its CDN stylesheets (Font Awesome) and mermaid
        "VoilaConfiguration": {"template": TEMPLATE_NAME},
        "PipliteAddon": {"piplite_urls": [str(w) for w in wheels]},
    }


def lite_settings() -> dict:
    """The site's ``jupyter-lite.json``: the kernel installs wheels from the site alone, never PyPI."""
    kernel = {"disablePyPIFallback": True}
    return {
        "jupyter-lite-schema-version": 0,
        "jupyter-config-data": {
            "appName": "Backprop Explorer",
            "exposeAppInBrowser": True,
            "litePluginSettings": {KERNEL_PLUGIN: kernel},
        },
    }


_PAGE_CONFIG = re.compile(r'(<script id="jupyter-config-data" type="application/json">)(.*?)(</script>)', re.S)


def _kernel_urls_from(page_config: dict, root: str) -> dict:
    """``page_config`` with the kernel's ``./`` URLs made relative to ``root`` (voila-dashboards/voici#86).

    The kernel resolves pyodideUrl and pipliteUrls against the page's own
    address, so from ``voici/render/classroom/x.html`` "./static/pyodide"
    names a folder that does not exist; ``root`` ("../../../") leads back
    to the site's top, wherever the site itself is published.
    """
    kernel = page_config.get("litePluginSettings", {}).get(KERNEL_PLUGIN, {})

    def fix(url: str) -> str:
        return root + url[2:] if url.startswith("./") else url

    for key in ("pyodideUrl", "pipliteWheelUrl"):
        if key in kernel:
            kernel[key] = fix(kernel[key])
    kernel["pipliteUrls"] = [fix(url) for url in kernel.get("pipliteUrls", [])]
    return page_config


def patch_voici_pages(output: Path) -> list[Path]:
    """Point each Voici page's kernel at the site's Pyodide and wheels (voici#86); return the pages."""
    pages = sorted((output / "voici").rglob("*.html"))
    for page in pages:
        text = page.read_text(encoding="utf-8")
        match = _PAGE_CONFIG.search(text)
        if match is None:
            continue  # a redirect, not a rendered notebook
        root = "../" * (len(page.relative_to(output).parts) - 1)
        config = json.dumps(_kernel_urls_from(json.loads(match.group(2)), root))
        # "</" cannot close the script element early once escaped
        config = config.replace("</", "<\\/")
        page.write_text(text[: match.start(2)] + config + text[match.end(2) :], encoding="utf-8")
    return pages


def landing_page(offline: bool) -> str:
    """The site's ``index.html``: a link to each classroom page and each notebook."""
    rows = []
    for key, name in NOTEBOOKS.items():
        stem = Path(name).stem
        rows.append(
            f"<tr><td>{html.escape(TITLES[key])}</td>"
            f'<td><a href="voici/render/{CLASSROOM}/{stem}.html">classroom page</a></td>'
            f'<td><a href="notebooks/index.html?path={name}">notebook</a></td>'
            f'<td><a href="lab/index.html?path={name}">JupyterLab</a></td></tr>'
        )
    source = (
        "Python and its packages come from this site: it asks no other host for anything."
        if offline
        else "Pyodide (Python for the browser) and its numpy and matplotlib come from its usual CDN."
    )
    return f"""<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Backprop Explorer</title>
<link rel="icon" href="lab/favicon.ico">
<!-- every JupyterLite page reads this from the site's root: "." marks the root -->
<script id="jupyter-config-data" type="application/json" data-jupyter-lite-root=".">{{}}</script>
<style>
body {{ font-family: system-ui, sans-serif; max-width: 52em; margin: 2em auto; padding: 0 1em; color: #1a1a1a; }}
table {{ border-collapse: collapse; }}
td {{ padding: 0.4em 1em 0.4em 0; border-bottom: 1px solid #ddd; }}
.note {{ color: #555; }}
</style>
</head>
<body>
<h1>Backprop Explorer</h1>
<p>Step through backpropagation one derivative at a time. Everything runs in your browser:
the first page takes a little while to load Python, later ones come from the browser's cache.</p>
<table>
{chr(10).join(rows)}
</table>
<p class="note">The classroom page shows the explorer and the lesson without code, laid out for a projector;
the notebook and JupyterLab show the code and let you change it (changes stay in this browser).
{source}</p>
</body>
</html>
"""


def build_site(output: Path, pyodide: Path | None = None, *, log: io.TextIOBase | None = None) -> Path:
    """Build the static site into ``output`` (emptied first); return ``output``.

    Raises
    ------
    MissingExtra
        Without the ``[lite]`` extra.
    LiteError
        If ``pyodide`` fails its checks, a wheel cannot be had, or the build fails.
    """
    for module in ("jupyterlite_core", "jupyterlite_pyodide_kernel", "voici_core"):
        _require(module)
    output = Path(output).resolve()
    # the folder is replaced: only ever an empty one, or a site built here before
    if (
        output.exists()
        and (not output.is_dir() or any(output.iterdir()))
        and not (output / "jupyter-lite.json").is_file()
    ):
        raise LiteError(f"{output} is not empty and holds no site built before: name a new or empty folder")
    lock_files = verified_pyodide(Path(pyodide)) if pyodide is not None else None
    with tempfile.TemporaryDirectory(prefix="backprop-lite-") as tmp:
        work = Path(tmp)
        (work / "wheels").mkdir()
        downloaded = site_wheels(work / "wheels")
        extensions = front_ends(downloaded, work / "labextensions")
        wheels = [explorer_wheel(work / "wheels"), *downloaded]
        write_contents(work / "contents")
        lite_dir = work / "lite"
        lite_dir.mkdir()
        (lite_dir / "jupyter_lite_config.json").write_text(
            json.dumps(build_config(work, output, wheels, extensions), indent=1)
        )
        (lite_dir / "jupyter-lite.json").write_text(json.dumps(lite_settings(), indent=1))
        if lock_files is not None:
            # JupyterLite copies a Pyodide found here into the site and points the kernel at it
            lock, files = lock_files
            target = lite_dir / "static" / "pyodide"
            target.mkdir(parents=True)
            for path in files:
                shutil.copyfile(path, target / path.name)
            (target / "pyodide-lock.json").write_text(json.dumps(lock))
        if output.exists():
            shutil.rmtree(output)
        env = dict(os.environ)
        templates = write_offline_template(work / "templates")
        env["JUPYTER_PATH"] = os.pathsep.join(filter(None, [str(templates), env.get("JUPYTER_PATH")]))
        # the build reads jupyter_lite_config.json from the folder it runs in
        command = [sys.executable, "-m", "voici_core.app", "build", f"--lite-dir={lite_dir}"]
        done = subprocess.run(
            command, cwd=lite_dir, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
        )
        if log is not None:
            log.write(done.stdout)
        if done.returncode != 0:
            raise LiteError(f"the JupyterLite build failed (exit {done.returncode}):\n{done.stdout[-3000:]}")
    patch_voici_pages(output)
    (output / "index.html").write_text(landing_page(pyodide is not None), encoding="utf-8")
    return output


def build_parser() -> argparse.ArgumentParser:
    parser = OneLineParser(
        prog="python -m explorer lite",
        description="Build the explorer as a static site (JupyterLite): every student's browser runs its own "
        "Python, so any static host can serve a class of any size.",
    )
    parser.add_argument(
        "outdir",
        metavar="OUTDIR",
        type=Path,
        help="folder to write the site into: a new or empty one, or a site built before (replaced)",
    )
    parser.add_argument(
        "--pyodide",
        metavar="DIR",
        type=Path,
        help="a full local Pyodide 0.27 distribution (pyodide.js, pyodide-lock.json and its package files) "
        "to copy into the site, each file checked against the lock file: the site then asks no other host "
        "for anything (default: Pyodide from its usual CDN)",
    )
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """``python -m explorer lite OUTDIR [--pyodide DIR]``; return the exit code."""
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.pyodide is not None and not args.pyodide.is_dir():
        parser.error(f"argument --pyodide: {args.pyodide} is not a folder")
    try:
        site = build_site(args.outdir, args.pyodide)
    except LiteError as error:
        print(f"python -m explorer lite: {error}", file=sys.stderr)
        return 1
    size = sum(p.stat().st_size for p in site.rglob("*") if p.is_file())
    print(f"wrote {site} ({size / 1e6:.0f} MB): open index.html through any static web server")
    print(f"try it here: python -m http.server --directory {site} --bind 127.0.0.1 8000")
    return 0


if __name__ == "__main__":
    sys.exit(main())
