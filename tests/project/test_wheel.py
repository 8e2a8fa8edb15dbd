"""The wheel is the product: built, installed in a fresh environment, it serves the page.

The wheel is built from a copy of the checkout (``pip wheel --no-deps``) and
installed, without its dependencies, into a new virtual environment in a
temporary folder.  Downloading jupyterlab and friends again would take
minutes, so the new environment borrows the dependencies already installed
in the environment running the tests: one ``.pth`` line adds that
``site-packages`` to its path (after its own, and without running that
folder's ``.pth`` files, so the checkout's editable install stays out), and
``JUPYTER_PATH`` points at that environment's Jupyter data (Voila's
templates, the widget extensions).  Everything else is the installed wheel:
``explorer`` must import from the new environment, and the classroom page is
started by its ``backprop-explorer`` script from a folder outside the
checkout (the ``[app]`` route).

A second environment installs the same wheel the way a student's Python does,
``pip install backprop-explorer`` with no extras, and with its dependencies
(from PyPI, or pip's cache): it must get no server (no jupyterlab, voila,
jupyter_server), build the panel, and say which extra the classroom page
needs.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import subprocess
import sys
import sysconfig
import urllib.request
import venv
from pathlib import Path

import pytest

from explorer.serve import app
from explorer.serve.notebook_files import NOTEBOOKS

ROOT = Path(__file__).resolve().parents[2]
SOURCE_IGNORE = shutil.ignore_patterns(
    ".venv",
    ".git",
    "build",
    "dist",
    "*.egg-info",
    "__pycache__",
    ".hypothesis",
    "artifacts",
    ".ipynb_checkpoints",
    "node_modules",
)


def run(*cmd: str | Path, **kwargs) -> str:
    """Run ``cmd``; return its output, or fail the test with it."""
    done = subprocess.run(
        [str(c) for c in cmd], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, timeout=300, **kwargs
    )
    assert done.returncode == 0, f"{cmd} exited {done.returncode}:\n{done.stdout[-3000:]}"
    return done.stdout


def child_command_lines(pid: int) -> list[list[str]]:
    """The command lines of the children of ``pid`` (Linux's /proc)."""
    children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    return [Path(f"/proc/{child}/cmdline").read_text().split("\0") for child in children]


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    """The wheel, built from a copy of the checkout."""
    work = tmp_path_factory.mktemp("wheel-build")
    source = work / "source"
    shutil.copytree(ROOT, source, ignore=SOURCE_IGNORE)
    run(
        sys.executable,
        "-m",
        "pip",
        "wheel",
        "--no-deps",
        "--disable-pip-version-check",
        "--quiet",
        "--wheel-dir",
        work / "dist",
        source,
    )
    [built] = (work / "dist").glob("backprop_explorer-*.whl")
    return built


@pytest.fixture(scope="module")
def installed(tmp_path_factory, wheel):
    """A fresh environment with the wheel installed: ``(bin folder, environment, work folder)``."""
    work = tmp_path_factory.mktemp("wheel")
    env_dir = work / "env"
    venv.create(env_dir, with_pip=False)
    python = env_dir / "bin" / "python"
    purelib = Path(run(python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])").strip())
    (purelib / "borrowed_dependencies.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    run(
        sys.executable,
        "-m",
        "pip",
        "--python",
        python,
        "install",
        "--no-deps",
        "--no-index",
        "--disable-pip-version-check",
        "--quiet",
        wheel,
    )

    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTHONHOME")}
    env["JUPYTER_PATH"] = str(Path(sys.prefix) / "share" / "jupyter")
    for var, sub in [
        ("JUPYTER_CONFIG_DIR", "config"),
        ("JUPYTER_RUNTIME_DIR", "runtime"),
        ("MPLCONFIGDIR", "matplotlib"),
        ("IPYTHONDIR", "ipython"),
    ]:
        env[var] = str(work / sub)
    return env_dir / "bin", env, work


def test_the_wheel_carries_the_notebooks(installed):
    bin_dir, env, work = installed
    where = run(
        bin_dir / "python",
        "-c",
        "import explorer, explorer.serve.notebook_files as n; "
        "print(explorer.__file__); print(*sorted(p.name for p in n.NOTEBOOK_DIR.iterdir()))",
        env=env,
        cwd=work,
    ).splitlines()
    assert Path(where[0]).is_relative_to(bin_dir.parent), f"explorer imported from {where[0]}"
    assert not Path(where[0]).is_relative_to(ROOT)
    assert where[1].split() == sorted(NOTEBOOKS.values())


def package_files(root: Path) -> set[str]:
    """Paths of the files under ``root`` (POSIX, relative), leaving out caches."""
    skip = {"__pycache__", ".ipynb_checkpoints"}
    return {p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file() and not skip & set(p.parts)}


def test_the_wheel_carries_every_file_of_the_package(installed):
    """Modules, the front end's static files and the notebooks: what the checkout runs, the wheel has."""
    bin_dir, env, work = installed
    where = run(bin_dir / "python", "-c", "import explorer; print(explorer.__file__)", env=env, cwd=work).strip()
    carried = package_files(Path(where).parent)
    wanted = package_files(ROOT / "explorer") | {f"notebooks/{name}" for name in NOTEBOOKS.values()}
    assert wanted <= carried, f"not in the wheel: {sorted(wanted - carried)}"


def test_notebooks_command_copies_them_out(installed):
    bin_dir, env, work = installed
    target = work / "class notebooks"
    out = run(bin_dir / "backprop-explorer", "notebooks", target, env=env, cwd=work)
    assert sorted(p.name for p in target.iterdir()) == sorted(NOTEBOOKS.values())
    assert out.count("wrote ") == len(NOTEBOOKS)


def test_app_serves_the_page_from_the_wheel(installed):
    bin_dir, env, work = installed
    port = app.free_port()
    log = work / "app.log"
    with open(log, "wb") as out:
        proc = subprocess.Popen(
            [str(bin_dir / "backprop-explorer"), "app", "--port", str(port), "--students", "1"],
            cwd=work,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        url = f"http://{app.HOST}:{port}/"
        app.wait_until_ready(url + app.READY_PATH, proc, timeout=90)
        with urllib.request.urlopen(url, timeout=90) as response:
            page = response.read().decode()
        voila = child_command_lines(proc.pid)
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, 15)
        proc.wait(20)
    served = log.read_text(errors="replace")
    notebooks = [arg for line in voila for arg in line if arg.endswith(".ipynb")]
    assert notebooks and all(Path(n).is_relative_to(bin_dir.parent) for n in notebooks), voila
    assert "Backpropagation, one number at a time" in page
    assert "There was an error when executing cell" not in page, served[-2000:]
    # the panel's cell produced a widget view (its model lives in the kernel)
    assert re.search(r"application/vnd\.jupyter\.widget-view\+json", page)


#: Servers, and what only servers need: none of them is a dependency of the package itself.
SERVERS = ("jupyterlab", "voila", "jupyter-server", "notebook", "jupyterlite-core", "voici-core")


@pytest.fixture(scope="module")
def plain(tmp_path_factory, wheel):
    """``pip install backprop-explorer``, no extras, in a fresh environment: ``(bin folder, environment, work)``."""
    work = tmp_path_factory.mktemp("plain")
    venv.create(work / "env", with_pip=False)
    python = work / "env" / "bin" / "python"
    pip = [sys.executable, "-m", "pip", "--python", python, "--disable-pip-version-check"]
    run(*pip, "install", "--quiet", "--only-binary=:all:", wheel)
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTHONHOME")}
    env["MPLCONFIGDIR"] = str(work / "matplotlib")
    return work / "env" / "bin", env, work, run(*pip, "list", "--format=freeze")


def test_a_plain_install_brings_no_server(plain):
    *_, frozen = plain
    names = {re.sub(r"[-_.]+", "-", line.split("==")[0]).lower() for line in frozen.split()}
    assert "numpy" in names and "ipywidgets" in names and "anywidget" in names
    assert not names & set(SERVERS), sorted(names & set(SERVERS))


def test_a_plain_install_builds_the_panel(plain):
    bin_dir, env, work, _ = plain
    out = run(
        bin_dir / "python",
        "-c",
        "from explorer import Explorer; panel = Explorer(); print(type(panel).__name__, panel.layout_name)",
        env=env,
        cwd=work,
    )
    assert out.split() == ["Explorer", "notebook"]


def test_a_plain_install_names_the_extra_a_command_needs(plain):
    bin_dir, env, work, _ = plain
    for command, extra in (["app"], "app"), (["lite", str(work / "site")], "lite"):
        done = subprocess.run(
            [str(bin_dir / "backprop-explorer"), *command],
            env=env,
            cwd=work,
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert done.returncode == 1, done
        assert f"pip install 'backprop-explorer[{extra}]'" in done.stderr
        assert len(done.stderr.strip().splitlines()) == 1 and "Traceback" not in done.stderr, done.stderr
