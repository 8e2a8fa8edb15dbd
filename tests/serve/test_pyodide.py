"""An offline Pyodide distribution: only what the site needs, every file checked against the lock file."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest

from explorer.serve import pyodide as site_pyodide

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


def test_the_site_takes_what_it_needs_and_their_dependencies(pyodide):
    lock, files = site_pyodide.verified_pyodide(pyodide, packages=["matplotlib"])
    assert sorted(lock["packages"]) == ["matplotlib", "numpy", "pillow"]  # not pandas
    assert {f.name for f in files} == {
        *site_pyodide.PYODIDE_CORE,
        *(f"{n}-1.0-py3-none-any.whl" for n in lock["packages"]),
    }


def test_a_file_that_differs_from_the_lock_file_is_refused(pyodide):
    (pyodide / "pillow-1.0-py3-none-any.whl").write_bytes(b"not pillow")
    with pytest.raises(site_pyodide.LiteError, match=r"pillow-1\.0-py3-none-any\.whl does not match the sha256"):
        site_pyodide.verified_pyodide(pyodide, packages=["matplotlib"])


@pytest.mark.parametrize(
    "breakage, message",
    [
        (lambda d: (d / "numpy-1.0-py3-none-any.whl").unlink(), r"lacks numpy-1\.0.*listed in its pyodide-lock"),
        (lambda d: (d / "pyodide.asm.wasm").unlink(), r"lacks Pyodide's core file pyodide\.asm\.wasm"),
        (lambda d: (d / "pyodide-lock.json").unlink(), r"has no pyodide-lock\.json"),
        (lambda d: (d / "pyodide-lock.json").write_text("{}"), r"is not a Pyodide lock file"),
        (
            lambda d: (d / "pyodide-lock.json").write_text(json.dumps({"info": {"version": "0.28.0"}, "packages": {}})),
            r"holds Pyodide 0\.28\.0; the site's kernel runs Pyodide 0\.27\.x",
        ),
    ],
)
def test_a_broken_distribution_is_refused_in_one_line(pyodide, breakage, message):
    breakage(pyodide)
    with pytest.raises(site_pyodide.LiteError, match=message):
        site_pyodide.verified_pyodide(pyodide, packages=["matplotlib"])


def test_a_package_the_lock_file_lacks_is_named(pyodide):
    with pytest.raises(site_pyodide.LiteError, match="lists no package 'scipy'"):
        site_pyodide.verified_pyodide(pyodide, packages=["scipy"])
