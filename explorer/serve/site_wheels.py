"""The wheels the static site installs in the browser kernel, and the widget front ends they carry."""

from __future__ import annotations

import base64
import csv
import hashlib
import importlib.metadata
import io
import re
import subprocess
import sys
import zipfile
from collections.abc import Sequence
from pathlib import Path

from .pyodide import LiteError, MissingExtra

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
#: The browser kernel's own front end, from the jupyterlite-pyodide-kernel installed here.
KERNEL_FRONT_END = "@jupyterlite/pyodide-kernel-extension"
FRONT_ENDS = ("@jupyter-widgets/jupyterlab-manager", "jupyter-matplotlib", "anywidget")


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
