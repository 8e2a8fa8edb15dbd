"""Re-run the notebooks and keep only the outputs nbval checks.

    .venv/bin/python scripts/refresh_notebook_outputs.py [notebooks/NAME.ipynb ...]

Cells marked ``# NBVAL_CHECK_OUTPUT`` keep their text output and execution
count (nbval compares exactly those); every other cell is stripped, so the
committed notebooks carry no widget state and no stale figures.
"""

from __future__ import annotations

import sys
from pathlib import Path

import nbformat
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parent.parent
MARK = "# NBVAL_CHECK_OUTPUT"


def refresh(path: Path) -> None:
    notebook = nbformat.read(path, as_version=4)
    NotebookClient(
        notebook, timeout=300, kernel_name="python3", resources={"metadata": {"path": str(path.parent)}}
    ).execute()
    for cell in notebook.cells:
        if cell.cell_type != "code":
            continue
        if MARK in cell.source:
            cell.outputs = [
                o for o in cell.outputs if o.get("output_type") == "stream" or "text/plain" in o.get("data", {})
            ]
        else:
            cell.outputs, cell.execution_count = [], None
        cell.metadata.pop("execution", None)
    notebook.metadata.pop("widgets", None)  # widget state: large, and stale without a kernel
    nbformat.write(notebook, path)
    print(f"refreshed {path.relative_to(ROOT)}")


if __name__ == "__main__":
    paths = [Path(p).resolve() for p in sys.argv[1:]] or sorted((ROOT / "notebooks").glob("*.ipynb"))
    for notebook_path in paths:
        refresh(notebook_path)
