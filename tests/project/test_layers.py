"""The package's shape: imports point down the layers, no cycles, and the code is lint- and format-clean.

The layers and the forbidden imports are import-linter contracts in
``pyproject.toml``; ruff's rules and format are configured there too.  These
tests run both tools as a developer would, so CI fails on a broken contract.
"""

from __future__ import annotations

import ast
import shutil
import subprocess
import sys
from pathlib import Path

import grimp
import pytest

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
LINTED = ["explorer", "tests", "benchmarks", "scripts", "tasks.py"]


def tool(name: str) -> str:
    found = BIN / name if (BIN / name).exists() else shutil.which(name)
    if not found:
        pytest.fail(f"{name} is not installed: pip install -e .[test]", pytrace=False)
    return str(found)


def run(*command: str) -> subprocess.CompletedProcess:
    return subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=300)


def test_the_import_contracts_hold():
    result = run(tool("lint-imports"), "--no-cache")
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]
    assert "broken" in result.stdout and " 0 broken" in result.stdout


def test_ruff_finds_nothing_to_lint():
    result = run(tool("ruff"), "check", "--no-cache", *LINTED)
    assert result.returncode == 0, result.stdout[-4000:]


def test_ruff_finds_nothing_to_format():
    result = run(tool("ruff"), "format", "--check", "--no-cache", *LINTED)
    assert result.returncode == 0, result.stdout[-4000:]


def import_cycles(graph: grimp.ImportGraph) -> list[list[str]]:
    """Every strongly connected group of two or more modules (Tarjan's algorithm)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    cycles = []

    def visit(module: str) -> None:
        index[module] = low[module] = len(index)
        stack.append(module)
        for imported in graph.find_modules_directly_imported_by(module):
            if imported not in index:
                visit(imported)
                low[module] = min(low[module], low[imported])
            elif imported in stack:
                low[module] = min(low[module], index[imported])
        if low[module] == index[module]:
            group = []
            while not group or group[-1] != module:
                group.append(stack.pop())
            if len(group) > 1:
                cycles.append(sorted(group))

    for module in sorted(graph.modules):
        if module not in index:
            visit(module)
    return cycles


def test_no_module_imports_itself_through_others():
    graph = grimp.build_graph("explorer", exclude_type_checking_imports=False)
    assert import_cycles(graph) == []


def test_the_cycle_finder_finds_a_cycle():
    graph = grimp.ImportGraph()
    for module in ("a", "a.b", "a.c", "a.d"):
        graph.add_module(module)
    graph.add_import(importer="a.b", imported="a.c")
    graph.add_import(importer="a.c", imported="a.b")
    graph.add_import(importer="a.d", imported="a.b")
    assert import_cycles(graph) == [["a.b", "a.c"]]


# ------------------------------------------------------------------ sizes
#: A module does one job and a function reads on one screen.
MAX_MODULE_LINES = 400
MAX_FUNCTION_LINES = 60


def sizes(package: Path) -> tuple[list[str], list[str]]:
    """Modules longer than MAX_MODULE_LINES and functions longer than MAX_FUNCTION_LINES."""
    long_modules, long_functions = [], []
    for path in sorted(package.rglob("*.py")):
        source = path.read_text(encoding="utf-8")
        name = path.relative_to(package.parent).as_posix()
        if len(source.splitlines()) > MAX_MODULE_LINES:
            long_modules.append(f"{name}: {len(source.splitlines())} lines")
        for node in ast.walk(ast.parse(source)):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                length = node.end_lineno - node.lineno + 1
                if length > MAX_FUNCTION_LINES:
                    long_functions.append(f"{name}:{node.lineno} {node.name}: {length} lines")
    return long_modules, long_functions


def test_every_module_and_function_is_short():
    assert sizes(ROOT / "explorer") == ([], [])


def test_the_size_check_finds_a_long_function(tmp_path):
    package = tmp_path / "pkg"
    package.mkdir()
    body = "\n".join(f"    x{i} = {i}" for i in range(MAX_FUNCTION_LINES))
    (package / "long.py").write_text(f"def f():\n{body}\n" + "\n" * MAX_MODULE_LINES)
    modules, functions = sizes(package)
    assert modules == [f"pkg/long.py: {MAX_FUNCTION_LINES + 1 + MAX_MODULE_LINES} lines"]
    assert functions == [f"pkg/long.py:1 f: {MAX_FUNCTION_LINES + 1} lines"]


def test_every_module_has_its_test_file():
    """explorer/<layer>/<module>.py is tested in tests/<layer>/test_<module>.py."""
    missing = [
        f"tests/{path.parent.relative_to(ROOT / 'explorer').as_posix()}/test_{path.name}"
        for path in sorted((ROOT / "explorer").rglob("*.py"))
        if not path.name.startswith("__")
        and not (ROOT / "tests" / path.parent.relative_to(ROOT / "explorer") / f"test_{path.name}").is_file()
    ]
    assert missing == []


def imported_test_modules(path: Path) -> list[str]:
    """The test modules (``test_*``) a file imports: what tests share belongs in tests/helpers."""
    names = []
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom):
            names.append(node.module or "")
            names += [f"{node.module or ''}.{alias.name}" for alias in node.names]
        elif isinstance(node, ast.Import):
            names += [alias.name for alias in node.names]
    return sorted({n for n in names if n.rsplit(".", 1)[-1].startswith("test_")})


def test_no_test_module_imports_another():
    found = {
        path.relative_to(ROOT).as_posix(): imported
        for path in sorted((ROOT / "tests").rglob("*.py"))
        if (imported := imported_test_modules(path))
    }
    assert found == {}


def test_the_import_finder_sees_a_test_module(tmp_path):
    (tmp_path / "a.py").write_text("from tests.topics.test_fuzz import x\nfrom . import test_b\nimport os\n")
    assert imported_test_modules(tmp_path / "a.py") == [".test_b", "tests.topics.test_fuzz"]
