"""The two install routes name the same packages, and the README's commands are real.

pip reads pyproject.toml (runtime dependencies + the ``test`` extra, with the
extras it names: the servers and the static site's builder), conda reads
environment.yml; a package added to one and not the other breaks one
route silently, so the two lists are compared here by name.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

tomllib = pytest.importorskip("tomllib")  # Python 3.11+

ROOT = Path(__file__).resolve().parents[2]


def normalise(requirement: str) -> str:
    """``"Jupyter_Lab[extra]>=4.0 ; python_version>'3'"`` -> ``"jupyter-lab"`` (PEP 503 style)."""
    match = re.match(r"\s*([A-Za-z0-9][A-Za-z0-9._-]*)", requirement)
    assert match, f"not a requirement: {requirement!r}"
    return re.sub(r"[-_.]+", "-", match.group(1)).lower()


def pip_packages(pyproject_text: str) -> set[str]:
    """The dependencies and the ``test`` extra, with the project's own extras that it names."""
    project = tomllib.loads(pyproject_text)["project"]
    itself, extras = normalise(project["name"]), project.get("optional-dependencies", {})
    names = {normalise(r) for r in project.get("dependencies", [])}
    todo, seen = ["test"], set()
    while todo:
        extra = todo.pop()
        seen.add(extra)
        for requirement in extras.get(extra, []):
            if normalise(requirement) == itself:  # "name[app,lab]": those extras' packages
                todo += [e.strip() for e in requirement.split("[", 1)[1].split("]")[0].split(",") if e not in seen]
            else:
                names.add(normalise(requirement))
    return names


def conda_packages(environment_text: str) -> set[str]:
    """Names under ``dependencies:`` (including a nested ``- pip:`` list)."""
    names: set[str] = set()
    inside = False
    for raw in environment_text.splitlines():
        line = raw.split("#", 1)[0].rstrip()
        if not line.strip():
            continue
        if not raw[0].isspace():  # a top-level key
            inside = line.startswith("dependencies:")
            continue
        item = line.strip()
        if not inside or not item.startswith("- "):
            continue
        item = item[2:].strip()
        if item.rstrip(":") == "pip" and item.endswith(":"):
            continue  # its entries follow, indented further
        names.add(normalise(item.split("::")[-1]))  # without a "conda-forge::" channel prefix
    # python itself, and pip (there only to install a "- pip:" list), are not dependencies
    return names - {"python", "pip"}


def test_the_parsers_read_what_they_should():
    env = (
        "name: x\nchannels:\n  - conda-forge\n  - defaults\ndependencies:\n  - python>=3.10\n"
        "  - NumPy>=1.24  # arrays\n  - conda-forge::ipy_widgets=8.1\n  - pip\n  - pip:\n"
        "      - playwright>=1.40\nvariables:\n  - notapackage\n"
    )
    assert conda_packages(env) == {"numpy", "ipy-widgets", "playwright"}
    toml = (
        '[project]\nname = "x"\ndependencies = ["numpy>=1.24", "Jupyter_Lab[all] >=4 ; python_version>\'3\'"]\n'
        '[project.optional-dependencies]\ntest = ["x[app]", "pytest>=7.4"]\ndocs = ["sphinx"]\napp = ["voila>=0.5"]\n'
    )
    assert pip_packages(toml) == {"numpy", "jupyter-lab", "pytest", "voila"}


def test_pyproject_and_environment_name_the_same_packages():
    pip = pip_packages((ROOT / "pyproject.toml").read_text())
    conda = conda_packages((ROOT / "environment.yml").read_text())
    assert pip, "no dependencies found in pyproject.toml"
    assert "numpy" in pip and "pytest" in pip
    assert pip == conda, (
        f"only in pyproject.toml: {sorted(pip - conda)}; only in environment.yml: {sorted(conda - pip)}"
    )


def test_environment_python_matches_requires_python():
    requires = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["requires-python"]
    env = (ROOT / "environment.yml").read_text()
    assert re.search(rf"^\s*-\s*python{re.escape(requires)}\s*$", env, flags=re.M), requires


def test_readme_quick_start_commands():
    readme = ROOT / "README.md"
    assert readme.exists(), "README.md is missing"
    text = readme.read_text()
    quick_start = text.split("## Quick start", 1)
    assert len(quick_start) == 2, "README.md has no '## Quick start' section"
    section = quick_start[1].split("\n## ", 1)[0]
    assert "python3 tasks.py lab" in section
    assert "python3 tasks.py test" in section


def _tasks_module():
    import importlib.util

    spec = importlib.util.spec_from_file_location("project_tasks", ROOT / "tasks.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_tasks_py_has_the_readme_commands(monkeypatch):
    tasks = _tasks_module()
    calls = []
    monkeypatch.setattr(tasks, "ensure_venv", lambda: None)  # no installing from a test
    monkeypatch.setattr(tasks, "run", lambda args: calls.append(args) or 0)
    assert tasks.main(["test", "-k", "seed"]) == 0
    assert calls[-1][1:] == ["-m", "pytest", "-k", "seed"]
    assert tasks.main(["lab"]) == 0
    assert Path(calls[-1][0]).name == "jupyter" and calls[-1][1] == "lab"
    assert tasks.main(["no-such-command"]) == 2  # unknown commands are refused, not run
    assert len(calls) == 2


def test_lab_command_opens_a_notebook_that_exists(monkeypatch):
    tasks = _tasks_module()
    calls = []
    monkeypatch.setattr(tasks, "ensure_venv", lambda: None)
    monkeypatch.setattr(tasks, "run", lambda args: calls.append(args) or 0)
    tasks.main(["lab"])
    notebooks = [a for a in calls[0] if a.endswith(".ipynb")]
    assert notebooks and all((ROOT / n).is_file() for n in notebooks), notebooks


def test_ci_runs_the_readme_test_command():
    script = (ROOT / ".ci" / "run").read_text()
    commands = [line.strip() for line in script.splitlines() if line.strip() and not line.strip().startswith("#")]
    assert "python3 tasks.py test" in commands
    assert commands[-1] == "python3 tasks.py test"  # last: its status is the script's status
    assert "set -euo pipefail" in commands
