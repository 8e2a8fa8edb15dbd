"""The project's two commands, runnable with nothing but Python 3.

    python3 tasks.py lab     open JupyterLab on the walkthrough notebook
    python3 tasks.py test    run every test (engine, panel, notebooks, browser)
    python3 tasks.py app     serve the code-free classroom page (Voila)
    python3 tasks.py bench   run the benchmarks

The first run creates ``.venv`` and installs the project into it; later runs
reinstall only when ``pyproject.toml`` changes.  Extra arguments after the
command are passed on (``python3 tasks.py test -k seed``).
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
PYTHON = BIN / ("python.exe" if os.name == "nt" else "python")
STAMP = VENV / ".installed"

# npm packages the tests use, pinned in test-tools/package-lock.json: Pyodide's core
# and official lock file (the static site's offline Pyodide), JupyterHub's proxy.
TEST_TOOLS = ROOT / "test-tools"

# jsonschema's optional rfc3987-syntax builds a grammar on import and adds
# seconds to every nbformat import (Lab, Voila, nbval); nothing here needs it.
UNNEEDED = ["rfc3987-syntax"]


def _fingerprint() -> str:
    pins = [ROOT / "pyproject.toml", TEST_TOOLS / "package-lock.json"]
    return hashlib.sha256(b"".join(p.read_bytes() for p in pins)).hexdigest()


def ensure_venv() -> None:
    """Create .venv and install the project with its test extras (and the npm pins), once."""
    if STAMP.exists() and STAMP.read_text() == _fingerprint():
        return
    if not PYTHON.exists():
        print("Creating .venv ...", flush=True)
        venv.create(VENV, with_pip=True)
    pip = [str(PYTHON), "-m", "pip", "--disable-pip-version-check"]
    print("Installing backprop-explorer and its dependencies into .venv ...", flush=True)
    # pip's output is shown only if the install fails: a working install is one line
    install = subprocess.run(
        pip + ["install", "--quiet", "-e", f"{ROOT}[test]"], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    )
    if install.returncode != 0:
        print(install.stdout)
        raise SystemExit(f"pip install failed (exit {install.returncode})")
    subprocess.run(
        pip + ["uninstall", "--quiet", "--yes", *UNNEEDED],
        check=False,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    npm = shutil.which("npm")
    if npm is None:
        print("npm not found: the static site's and JupyterHub's browser tests will be skipped", flush=True)
    else:
        done = subprocess.run(
            [npm, "ci", "--ignore-scripts", "--no-audit", "--no-fund", "--prefix", str(TEST_TOOLS)],
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        if done.returncode != 0:
            print(done.stdout)
            raise SystemExit(f"npm ci failed (exit {done.returncode})")
    STAMP.write_text(_fingerprint())


def run(args: list[str]) -> int:
    return subprocess.call(args, cwd=ROOT)


def lab_command(rest: list[str]) -> list[str]:
    command = [str(BIN / "jupyter"), "lab", "notebooks/01_step_by_step.ipynb"]
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        command.append("--allow-root")  # JupyterLab refuses to start as root without it
    return command + rest


def main(argv: list[str]) -> int:
    commands = {
        "lab": lambda rest: run(lab_command(rest)),
        "test": lambda rest: run([str(PYTHON), "-m", "pytest", *rest]),
        "app": lambda rest: run([str(PYTHON), "-m", "explorer", "app", *rest]),
        "bench": lambda rest: run([str(PYTHON), "benchmarks/run_all.py", *rest]),
    }
    if not argv or argv[0] not in commands:
        print(__doc__.strip())
        return 2
    ensure_venv()
    return commands[argv[0]](argv[1:])


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
