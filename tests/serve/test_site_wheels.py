"""The wheels the site installs in the browser kernel."""

from __future__ import annotations

import re
import zipfile

from explorer.serve import site_wheels


def test_explorer_wheel_is_the_package_with_its_kernel_requirements(tmp_path):
    wheel = site_wheels.explorer_wheel(tmp_path)
    assert re.fullmatch(r"backprop_explorer-[\d.]+-py3-none-any\.whl", wheel.name)
    with zipfile.ZipFile(wheel) as archive:
        names = archive.namelist()
        [metadata] = [n for n in names if n.endswith(".dist-info/METADATA")]
        requires = [
            line.split(": ", 1)[1] for line in archive.read(metadata).decode().splitlines() if "Requires-Dist" in line
        ]
        record = archive.read(next(n for n in names if n.endswith("RECORD"))).decode()
    assert "explorer/__init__.py" in names and "explorer/panel/explorer.py" in names
    assert not [n for n in names if "__pycache__" in n or n.startswith("explorer/notebooks/")]
    assert {re.match(r"[\w-]+", r).group() for r in requires} == {
        "numpy",
        "matplotlib",
        "ipywidgets",
        "ipympl",
        "anywidget",
        "traitlets",
        "latex2mathml",
    }
    assert all(f"{n}," in record for n in names)  # every file in the RECORD
