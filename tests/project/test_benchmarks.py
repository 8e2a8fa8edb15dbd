"""Every benchmark script still starts: its imports resolve and it parses its options.

The benchmarks are run by hand (``python3 tasks.py bench``), never by the
suite, so a module moved or renamed would otherwise break them unseen.
``--help`` imports everything a script needs and exits before measuring.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SCRIPTS = sorted(p.name for p in (ROOT / "benchmarks").glob("*.py") if p.name != "run_all.py")


def test_run_all_runs_every_kernel_side_benchmark():
    text = (ROOT / "benchmarks" / "run_all.py").read_text()
    # need Chromium, or a built static site: run alone, as run_all.py says
    browser = {"browser_latency.py", "browser_steps.py", "classroom_load.py", "lite_static.py"}
    assert {name for name in SCRIPTS if f'"{name}"' in text} == set(SCRIPTS) - browser


@pytest.mark.parametrize("script", SCRIPTS)
def test_benchmark_starts(script):
    done = subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / script), "--help"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.startswith("usage:")
