"""Run every kernel-side benchmark in turn (the browser ones need Chromium, the static site a build: run them alone).

.venv/bin/python benchmarks/run_all.py
"""

import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent

SCRIPTS = (
    "engine.py",
    "crossover.py",
    "train_button.py",
    "walkthrough.py",
    "handlers.py",
    "edit_table.py",
    "panel.py",
    "history.py",
    "files.py",
    "beyond.py",
    "quiz.py",
)
for script in SCRIPTS:
    print(f"=== {script}", flush=True)
    subprocess.run([sys.executable, str(HERE / script)], check=True)
print("=== browser latency: .venv/bin/python benchmarks/browser_latency.py --panel")
print("=== classroom page in a browser, seed and largest network: .venv/bin/python benchmarks/browser_steps.py")
print("=== static site for a class: .venv/bin/python benchmarks/lite_static.py")
