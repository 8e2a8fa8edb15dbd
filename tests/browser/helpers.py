"""Start JupyterLab and Voila for browser tests, and drive them from Playwright.

Plain functions and context managers, shared by ``conftest.py`` (fixtures)
and ``benchmarks/browser_latency.py``.  Recipe: /work/shared/BROWSER.md.
Every wait is bounded.  Each server runs in its own process group, stopped
with SIGTERM (it then shuts its kernels down) and SIGKILL if it hangs; kernels
sit in sessions of their own but exit when their parent server dies
(ipykernel's parent poller, via JPY_PARENT_PID).
"""

from __future__ import annotations

import contextlib
import json
import os
import secrets
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote, urlsplit

import nbformat

from explorer.serve import app

CHROMIUM = Path("/usr/bin/chromium")
# Debian's Chromium: Playwright's own browser download is unreachable here.
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
REPO = Path(__file__).resolve().parents[2]
NOTEBOOKS = REPO / "notebooks"
ARTIFACTS = REPO / "tests" / "artifacts"  # screenshots; git-ignored
LOOPBACK_HOSTS = {"127.0.0.1", "localhost", "::1", "[::1]"}
SERVER_START_TIMEOUT = 90.0  # s; a cold Lab takes ~5 s on 2 cores, more under load
PAGE_TIMEOUT = 60_000  # ms; Lab page load to rendered cells is ~6-7 s on 2 cores


# --------------------------------------------------------------------------- servers


def throwaway_env(workdir: Path, base: dict[str, str] | None = None) -> dict[str, str]:
    """``base`` (default: os.environ) with Jupyter/IPython/matplotlib state in ``workdir``.

    Keeps the developer's own settings, workspaces and kernels' profile out of
    the tests, and the tests' debris out of the developer's home.
    """
    env = dict(os.environ if base is None else base)
    for var, sub in [
        ("JUPYTER_CONFIG_DIR", "config"),
        ("JUPYTER_RUNTIME_DIR", "runtime"),
        ("JUPYTERLAB_SETTINGS_DIR", "lab-settings"),
        ("JUPYTERLAB_WORKSPACES_DIR", "lab-workspaces"),
        ("MPLCONFIGDIR", "matplotlib"),
        ("IPYTHONDIR", "ipython"),
    ]:
        path = workdir / sub
        path.mkdir(parents=True, exist_ok=True)
        env[var] = str(path)
    return env


def log_tail(log: Path, lines: int = 30) -> str:
    try:
        return "\n".join(log.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return "(no log)"


def stop_process_group(proc: subprocess.Popen, timeout: float = 10.0) -> None:
    """SIGTERM the process group of ``proc``, SIGKILL after ``timeout`` s."""
    for sig, grace in ((signal.SIGTERM, timeout), (signal.SIGKILL, 5.0)):
        if proc.poll() is not None:
            break
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, sig)
        with contextlib.suppress(subprocess.TimeoutExpired):
            proc.wait(grace)


def wait_for_http(
    url: str, proc: subprocess.Popen, log: Path, what: str, timeout: float = SERVER_START_TIMEOUT
) -> None:
    """Poll ``url`` until it answers 200; raise with the server's log tail otherwise."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(
                f"{what} exited with code {proc.returncode} before it was ready; log tail:\n{log_tail(log)}"
            )
        with contextlib.suppress(urllib.error.URLError, OSError), urllib.request.urlopen(url, timeout=2) as response:
            if response.status == 200:
                return
        time.sleep(0.25)
    raise TimeoutError(f"{what} did not answer {url} within {timeout:.0f} s; log tail:\n{log_tail(log)}")


@contextlib.contextmanager
def running(cmd: list[str], env: dict[str, str], ready_url: str, log: Path, what: str) -> Iterator[subprocess.Popen]:
    """Run ``cmd`` in a new process group until the block ends; yield once ``ready_url`` is 200."""
    with open(log, "wb") as log_file:
        proc = subprocess.Popen(
            cmd, env=env, stdout=log_file, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, start_new_session=True
        )
    try:
        wait_for_http(ready_url, proc, log, what)
        yield proc
    finally:
        stop_process_group(proc)


@dataclass
class LabServer:
    """A running JupyterLab: ``notebook_url("x.ipynb")`` opens ``root/x.ipynb``."""

    base_url: str  # ends with "/"
    token: str
    root: Path
    log: Path
    proc: subprocess.Popen = field(repr=False)
    #: where a notebook opens: JupyterLab's tree, or Notebook 7's one-notebook page
    notebooks: str = "lab/tree/"

    def url(self, path: str) -> str:
        sep = "&" if "?" in path else "?"
        return f"{self.base_url}{path.lstrip('/')}{sep}token={self.token}"

    def notebook_url(self, name: str) -> str:
        return self.url(f"{self.notebooks}{quote(name)}")

    def shutdown_sessions(self, path: str | None = None) -> None:
        """Shut down the kernel sessions of ``path`` (default: all) through the REST API.

        Lab keeps one session per notebook path across browser contexts, so
        without this a second open of a notebook would reuse the first one's
        kernel, globals and widgets included.
        """
        headers = {"Authorization": f"token {self.token}"}
        with urllib.request.urlopen(
            urllib.request.Request(f"{self.base_url}api/sessions", headers=headers), timeout=10
        ) as response:
            sessions = json.load(response)
        for session in sessions:
            if path is None or session["path"] == path:
                urllib.request.urlopen(
                    urllib.request.Request(
                        f"{self.base_url}api/sessions/{session['id']}", method="DELETE", headers=headers
                    ),
                    timeout=30,
                ).close()

    def reset_workspaces(self) -> None:
        """Delete every saved workspace, so the next page opens no tab left by an earlier one.

        Lab saves its layout (the open notebooks) on the server and restores
        it on every page load, across browser contexts.  Notebook 7 shows one
        notebook a page and restores none: it has nothing to delete.
        """
        if self.notebooks == "notebooks/":
            return
        headers = {"Authorization": f"token {self.token}"}
        with urllib.request.urlopen(
            urllib.request.Request(f"{self.base_url}lab/api/workspaces", headers=headers), timeout=10
        ) as response:
            ids = json.load(response)["workspaces"]["ids"]
        for space in ids:
            with contextlib.suppress(urllib.error.HTTPError):  # already gone
                urllib.request.urlopen(
                    urllib.request.Request(
                        f"{self.base_url}lab/api/workspaces/{quote(space)}", method="DELETE", headers=headers
                    ),
                    timeout=10,
                ).close()


@contextlib.contextmanager
def lab_server(root: Path, workdir: Path, *, notebook7: bool = False) -> Iterator[LabServer]:
    """Run JupyterLab on a free loopback port serving ``root``; state lives in ``workdir``.

    With ``notebook7``, Notebook 7 instead: the same front end (``window.jupyterapp``,
    the same commands), one notebook a page, at ``/notebooks/<name>``.
    """
    workdir.mkdir(parents=True, exist_ok=True)
    port, token = app.free_port(), secrets.token_hex(16)
    name, prefix = ("notebook", "JupyterNotebookApp") if notebook7 else ("jupyterlab", "LabApp")
    cmd = [
        sys.executable,
        "-m",
        name,
        "--no-browser",
        "--ip=127.0.0.1",
        f"--port={port}",
        "--ServerApp.port_retries=0",
        f"--IdentityProvider.token={token}",
        f"--ServerApp.root_dir={root}",
        "--allow-root",  # as root (CI containers) lab exits at once without it
        f"--{prefix}.expose_app_in_browser=True",  # window.jupyterapp for the tests
    ]
    if not notebook7:  # Notebook 7 has neither
        # No news feed, no PyPI update check: nothing may leave the machine.
        cmd += ["--LabApp.news_url=None", "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate"]
    base_url = f"http://127.0.0.1:{port}/"
    log = workdir / "lab.log"
    env = throwaway_env(workdir)
    # news_url=None stops the feed, but Lab still asks "Would you like to get
    # notified about official Jupyter news?" in a toast that covers the
    # bottom right of every screenshot; answer it in the user settings.
    notification = (
        Path(env["JUPYTERLAB_SETTINGS_DIR"]) / "@jupyterlab" / "apputils-extension" / "notification.jupyterlab-settings"
    )
    notification.parent.mkdir(parents=True, exist_ok=True)
    notification.write_text('{"fetchNews": "false", "checkForUpdates": false}')
    what, notebooks = ("Notebook 7", "notebooks/") if notebook7 else ("JupyterLab", "lab/tree/")
    with running(cmd, env, f"{base_url}api/status?token={token}", log, what) as proc:
        yield LabServer(base_url, token, root, log, proc, notebooks)


@dataclass
class VoilaServer:
    """A running classroom page (explorer.serve.app's Voila configuration) for one notebook."""

    url: str  # the page, ends with "/"
    notebook: Path
    log: Path
    proc: subprocess.Popen = field(repr=False)


@contextlib.contextmanager
def voila_server(
    notebook: Path, workdir: Path, *, students: int = 1, idle_timeout: int = app.DEFAULT_IDLE_TIMEOUT
) -> Iterator[VoilaServer]:
    """Serve ``notebook`` as ``python -m explorer app --students N`` does, on a free port.

    One pre-started kernel by default: a test's page then gets a kernel that
    ran the notebook before the page was asked for, as a student's does.
    """
    workdir.mkdir(parents=True, exist_ok=True)
    log = workdir / "voila.log"
    # Each GET of the page starts a kernel: poll a static file instead.
    with (
        app.voila_launch(notebook, app.free_port(), students=students, idle_timeout=idle_timeout) as launch,
        running(launch.cmd, throwaway_env(workdir, launch.env), launch.url + app.READY_PATH, log, "Voila") as proc,
    ):
        yield VoilaServer(launch.url, notebook, log, proc)


# --------------------------------------------------------------------------- notebooks


def write_notebook(path: Path, *sources: str) -> Path:
    """Write a notebook of code cells (a string starting with '#md ' is a markdown cell)."""
    cells = [
        nbformat.v4.new_markdown_cell(s[4:]) if s.startswith("#md ") else nbformat.v4.new_code_cell(s) for s in sources
    ]
    nb = nbformat.v4.new_notebook(
        cells=cells, metadata={"kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}}
    )
    path.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, path)
    return path


# --------------------------------------------------------------------------- browser


def launch_chromium(playwright, **kwargs):
    """Debian's Chromium, headless; never Playwright's downloaded browser."""
    return playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS, **kwargs)


def is_loopback(url: str) -> bool:
    parts = urlsplit(url)
    if parts.scheme in ("data", "blob", "about"):
        return True
    return (parts.hostname or "") in LOOPBACK_HOSTS


def block_external_requests(context_or_page, record: list[str]) -> None:
    """Abort, and append to ``record``, every request leaving the loopback interface."""

    def handle(route):
        record.append(route.request.url)
        route.abort("blockedbyclient")

    context_or_page.route(lambda url: not is_loopback(url), handle)


def new_page(
    browser,
    external_requests: list[str],
    page_errors: list[str],
    *,
    viewport: tuple[int, int] = (1280, 900),
    timeout_ms: int = 30_000,
):
    """A new context and page that cannot reach beyond 127.0.0.1: ``(context, page)``.

    Aborted requests are appended to ``external_requests`` and uncaught
    JavaScript errors to ``page_errors``.  The caller closes ``context``.
    """
    context = browser.new_context(viewport={"width": viewport[0], "height": viewport[1]})
    context.set_default_timeout(timeout_ms)
    block_external_requests(context, external_requests)
    page = context.new_page()
    page.on("pageerror", lambda error: None if notebook7_own(error) else page_errors.append(str(error)))
    return context, page


def notebook7_own(error) -> bool:
    """Notebook 7.6's own error on every page load, with or without the panel (a notebook of ``1+1``
    raises it too): its shortcuts plugin reads the schema of a plugin its settings registry does not
    hold.  Only that error, raised wholly inside Notebook 7's own bundle, is left out."""
    frames = [line for line in (error.stack or "").splitlines()[1:] if "/static/" in line]
    return (
        "reading 'schema'" in str(error)
        and bool(frames)
        and all("/static/notebook/notebook_core." in line for line in frames)
    )


_KERNEL_IDLE = """(name) => {
    const w = window.jupyterapp && window.jupyterapp.shell.currentWidget;
    if (!w || !w.context || !w.context.path.endsWith(name)) return false;
    const kernel = w.sessionContext && w.sessionContext.session && w.sessionContext.session.kernel;
    return !!kernel && kernel.connectionStatus === 'connected' && kernel.status === 'idle';
}"""

# run-all's promise resolves once every cell has run; bound it in the page
# because page.evaluate itself has no timeout.
_RUN_ALL = """async (ms) => {
    const timeout = new Promise((_, reject) =>
        setTimeout(() => reject(new Error(`run-all did not finish in ${ms} ms`)), ms));
    return await Promise.race(
        [window.jupyterapp.commands.execute('notebook:run-all-cells'), timeout]);
}"""

_EXECUTION_DONE = """() => {
    const panel = window.jupyterapp.shell.currentWidget;
    const busy = [...panel.node.querySelectorAll('.jp-InputPrompt')]
        .some(p => p.textContent.includes('[*]'));
    return !busy && panel.sessionContext.session.kernel.status === 'idle';
}"""

_ERROR_OUTPUTS = """() => [...window.jupyterapp.shell.currentWidget.node.querySelectorAll(
    '.jp-OutputArea-output[data-mime-type="application/vnd.jupyter.stderr"],'
    + ' .jp-RenderedText[data-mime-type="application/vnd.jupyter.error"]')]
    .map(e => e.textContent.slice(0, 2000))"""


def open_notebook_in_lab(
    page, lab: LabServer, name: str, *, run_all: bool = True, allow_errors: bool = False, timeout: int = PAGE_TIMEOUT
) -> None:
    """Open ``name`` (relative to the Lab root), wait for its kernel, run every cell.

    Waits on the kernel object itself, not the toolbar indicator: that reads
    idle before the kernel is connected, and run-all then silently does
    nothing.  The notebook gets a fresh kernel (any earlier session of it is
    shut down first).  Raises AssertionError if a cell wrote an error or to
    stderr (warnings included), unless ``allow_errors``.
    """
    lab.shutdown_sessions(name)
    page.goto(lab.notebook_url(name), timeout=timeout)
    page.wait_for_function(_KERNEL_IDLE, arg=name, timeout=timeout, polling=100)
    if not run_all:
        return
    page.evaluate(_RUN_ALL, timeout)
    page.wait_for_function(_EXECUTION_DONE, timeout=timeout, polling=100)
    errors = page.evaluate(_ERROR_OUTPUTS)
    if errors and not allow_errors:
        raise AssertionError(f"{name}: {len(errors)} cell(s) wrote errors:\n" + "\n---\n".join(errors))


@contextlib.contextmanager
def notebook_in_lab(page, lab: LabServer, name: str) -> Iterator[None]:
    """Open ``name`` in Lab on ``page`` for a module's tests; then close the page, leave Lab as found.

    Afterwards the notebook has no kernel and Lab no open tab (it would restore
    the tab into the next test's page).
    """
    open_notebook_in_lab(page, lab, name)
    try:
        yield
    finally:
        page.close()
        lab.shutdown_sessions(name)
        lab.reset_workspaces()


def jupyter_server(client: str, request) -> LabServer:
    """The session's JupyterLab (``"lab"``) or Notebook 7 (``"notebook7"``) for a test in that client."""
    return request.getfixturevalue("notebook7_server" if client == "notebook7" else "lab_server")


@contextlib.contextmanager
def cell_opened(client: str, page, request, tmp_path_factory, name: str, cell: str) -> Iterator[None]:
    """A notebook ``name`` of one ``cell``, written and opened in ``client`` for a module's tests.

    ``"lab"`` or ``"notebook7"``: in the session's JupyterLab or Notebook 7 (closed
    and left as found afterwards); otherwise on a classroom page of its own Voila.
    """
    if client != "voila":
        lab = jupyter_server(client, request)
        write_notebook(lab.root / name, cell)
        with notebook_in_lab(page, lab, name):
            yield
    else:
        notebook = write_notebook(tmp_path_factory.mktemp(Path(name).stem) / name, cell)
        open_voila(page, request.getfixturevalue("voila_server")(notebook), ".bp-panel")
        yield


def open_voila(
    page,
    voila: VoilaServer,
    selector: str = ".widget-button",
    *,
    allow_errors: bool = False,
    timeout: int = PAGE_TIMEOUT,
) -> None:
    """Load the classroom page and wait until ``selector`` (a rendered widget) is visible.

    Voila runs every cell while it streams the page and reveals
    ``#rendered_cells`` only at the end, so once that is visible any failed
    cell is on the page.  Voila stops at the first failing cell and shows
    "There was an error when executing cell [n]" (no traceback unless
    --show_tracebacks): raise AssertionError on it unless ``allow_errors``.
    """
    page.goto(voila.url, timeout=timeout)
    page.locator("#rendered_cells").wait_for(state="visible", timeout=timeout)
    errors = page.locator('.jp-OutputArea-output[data-mime-type="application/vnd.jupyter.stderr"]')
    if errors.count() and not allow_errors:
        raise AssertionError(
            f"{voila.notebook.name} in Voila: "
            + " | ".join(errors.all_inner_texts())
            + f"\nVoila log tail:\n{log_tail(voila.log)}"
        )
    page.locator(selector).first.wait_for(state="visible", timeout=timeout)


def scroll_lab_to(page, locator) -> None:
    """Scroll the notebook panel so ``locator`` is in view.

    The notebook scrolls inside ``.jp-WindowedPanel-outer``, not the window,
    so ``full_page`` screenshots do not show more of it.
    """
    locator.first.evaluate("""(el) => {
        const outer = el.closest('.jp-NotebookPanel').querySelector('.jp-WindowedPanel-outer');
        const top = el.getBoundingClientRect().top - outer.getBoundingClientRect().top;
        outer.scrollTop += top - 40;
    }""")


# --------------------------------------------------------------------------- timing

# Click in the page and time until the text of `target` (a CSS selector,
# re-queried so a re-rendered element still counts) differs.  Clicking from
# JS leaves Playwright's own round trips out of the figure.
CLICK_LATENCY_JS = """([button, selector, timeoutMs]) => new Promise((resolve, reject) => {
    const text = () => { const t = document.querySelector(selector); return t ? t.textContent : null; };
    const before = text();
    let t0 = 0;
    const observer = new MutationObserver(() => {
        if (text() !== before) { observer.disconnect(); resolve(performance.now() - t0); }
    });
    observer.observe(document.body, {subtree: true, childList: true, characterData: true});
    setTimeout(() => { observer.disconnect();
        reject(new Error(`${selector} did not change within ${timeoutMs} ms`)); }, timeoutMs);
    t0 = performance.now();
    button.click();
})"""


def click_latencies(
    page, button, target_selector: str, clicks: int = 20, *, pause_s: float = 0.1, timeout_ms: int = 10_000
) -> list[float]:
    """Milliseconds from each of ``clicks`` clicks on ``button`` to a text change of the target."""
    handle = button.element_handle(timeout=PAGE_TIMEOUT)
    times = []
    for _ in range(clicks):
        times.append(page.evaluate(CLICK_LATENCY_JS, [handle, target_selector, timeout_ms]))
        time.sleep(pause_s)  # let the kernel settle so clicks do not queue
    return times
