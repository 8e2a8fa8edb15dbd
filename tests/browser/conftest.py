"""Fixtures for tests that drive Debian's Chromium against JupyterLab and Voila.

One JupyterLab, one Voila per notebook and one Chromium are shared by the
whole session (a cold Lab costs seconds on 2 cores); each test gets a fresh
browser context.  Every test here carries the ``browser`` marker
(``-m "not browser"`` leaves them out).

Typical use::

    def test_next_step(lab_server, page):
        open_notebook_in_lab(page, lab_server, "01_step_by_step.ipynb")
        page.get_by_role("button", name="Next step").click()

    def test_page(voila_server, page, external_requests):
        open_voila(page, voila_server("01"))
        ...
        assert external_requests == []

A module whose tests drive one page in turn (one page load for many tests)
uses ``module_page`` and is marked ``pytest.mark.shared_lab_kernel`` so the
Lab kernel it started survives between its tests::

    pytestmark = pytest.mark.shared_lab_kernel

    @pytest.fixture(scope="module")
    def panel(lab_server, module_page):
        open_notebook_in_lab(module_page.page, lab_server, "01_step_by_step.ipynb")
        yield module_page.page
        module_page.page.close()
        lab_server.shutdown_sessions("01_step_by_step.ipynb")
        lab_server.reset_workspaces()  # or Lab reopens its tab in later pages

A module that checks the same thing in JupyterLab and in the classroom page
(Voila) is written once and marked ``pytest.mark.clients("lab", "voila")``:
each of its tests runs once per client (``test_x[lab]``, ``test_x[voila]``),
the ``client`` fixture says which, and ``module_page`` is a page per client,
so all the Lab tests of the module share one page, then all the Voila tests
another.  A test that only one client can run is marked again with that
client alone::

    pytestmark = [pytest.mark.clients("lab", "voila"), pytest.mark.shared_lab_kernel]

    @pytest.fixture(scope="module")
    def panel(client, module_page, request):
        ...  # open the notebook in the client

    def test_next_step(panel): ...

    @pytest.mark.clients("voila")
    def test_no_code_on_the_page(panel): ...
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from . import helpers

HERE = Path(__file__).resolve().parent
ARTIFACTS = helpers.ARTIFACTS  # tests/artifacts, git-ignored
CLIENTS = ("lab", "notebook7", "voila")


def pytest_configure(config):
    config.addinivalue_line(
        "markers",
        "shared_lab_kernel: the module's tests share one Lab kernel (module_page); it is not shut down after each test",
    )
    config.addinivalue_line("markers", "slow: takes minutes (the layout audit); run by tasks.py test")
    config.addinivalue_line(
        "markers",
        "clients(*names): run the test once in each client named "
        "('lab': JupyterLab, 'notebook7': Notebook 7, 'voila': the classroom page)",
    )


def pytest_generate_tests(metafunc):
    # The test's own `clients` mark, else its module's: one run per client,
    # module-scoped so that a module's fixtures (its page) are set up once a client.
    marker = metafunc.definition.get_closest_marker("clients")
    if marker is not None:
        unknown = set(marker.args) - set(CLIENTS)
        assert marker.args and not unknown, f"pytest.mark.clients: unknown client(s) {sorted(unknown)}"
        metafunc.parametrize("client", marker.args, scope="module")


def pytest_collection_modifyitems(config, items):
    browser = []
    for item in items:
        if HERE in Path(str(item.fspath)).resolve().parents:
            item.add_marker(pytest.mark.browser)
            browser.append(item)
    # Browser tests run last: Playwright's sync API keeps an event loop running
    # in this thread from the first browser test to the end of the session, and
    # tests that drive the panel under asyncio.run() (or nbval's kernel client)
    # cannot run inside it.
    chosen = set(map(id, browser))
    items[:] = [item for item in items if id(item) not in chosen] + browser


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    # Keep each phase's report on the item so `page` can screenshot failures.
    outcome = yield
    report = outcome.get_result()
    setattr(item, f"report_{report.when}", report)


@pytest.fixture(scope="session", autouse=True)
def _chromium_required():
    """Skip the browser tests without Chromium; fail instead under CI."""
    if helpers.CHROMIUM.exists():
        return
    reason = f"Chromium not found at {helpers.CHROMIUM} (apt-get install chromium)"
    if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
        pytest.fail(f"browser tests cannot run under CI: {reason}", pytrace=False)
    pytest.skip(f"browser tests skipped: {reason}")


@pytest.fixture(scope="session")
def browser_workdir(tmp_path_factory) -> Path:
    """Throwaway Jupyter config, runtime, settings and logs for the session's servers."""
    return tmp_path_factory.mktemp("browser")


@pytest.fixture(scope="session")
def lab_server(browser_workdir):
    """JupyterLab serving a temporary copy of notebooks/ (``lab_server.root``, made by ``notebooks_copy``)."""
    with helpers.lab_server(notebooks_copy(browser_workdir / "lab-root"), browser_workdir / "lab") as lab:
        yield lab


@pytest.fixture(scope="session")
def notebook7_server(browser_workdir):
    """Notebook 7 serving a temporary copy of notebooks/ (``notebook7_server.root``), as ``lab_server`` does.

    Opened and run like Lab's (``helpers.open_notebook_in_lab``): the same
    front end, one notebook a page.
    """
    root = notebooks_copy(browser_workdir / "notebook7-root")
    with helpers.lab_server(root, browser_workdir / "notebook7", notebook7=True) as server:
        yield server


def notebooks_copy(root: Path) -> Path:
    """``root``, made a copy of notebooks/: a server's autosave then never writes outputs into the
    committed notebooks, and tests may add notebooks of their own beside them."""
    if helpers.NOTEBOOKS.is_dir():
        shutil.copytree(helpers.NOTEBOOKS, root, ignore=shutil.ignore_patterns(".ipynb_checkpoints"))
    root.mkdir(exist_ok=True)
    return root


@pytest.fixture(autouse=True)
def _lab_kernels_per_test(request):
    """Shut down the kernels a test started in the shared Lab (memory, isolation)."""
    yield
    if "lab_server" in request.fixturenames and not request.node.get_closest_marker("shared_lab_kernel"):
        request.getfixturevalue("lab_server").shutdown_sessions()


@pytest.fixture(scope="session")
def voila_server(browser_workdir):
    """Factory: ``voila_server("01")`` or ``voila_server(path)`` -> a running VoilaServer.

    Started through explorer.serve.app's own command line (offline template
    included) and shared by the session, one server per notebook.
    """
    servers: dict[Path, helpers.VoilaServer] = {}
    with contextlib.ExitStack() as stack:

        def start(notebook: str | Path = "01") -> helpers.VoilaServer:
            if isinstance(notebook, str) and notebook in helpers.app.NOTEBOOKS:
                notebook = helpers.NOTEBOOKS / helpers.app.NOTEBOOKS[notebook]
            notebook = Path(notebook).resolve()
            if not notebook.is_file():
                pytest.fail(f"notebook not found: {notebook}", pytrace=False)
            if notebook not in servers:
                workdir = browser_workdir / f"voila-{len(servers)}-{notebook.stem}"
                servers[notebook] = stack.enter_context(helpers.voila_server(notebook, workdir))
            return servers[notebook]

        yield start


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import expect, sync_playwright

    # expect()'s own default wait is 5 s, short for a Lab re-render on a
    # loaded 2-core machine; a real failure still ends in 15 s.
    expect.set_options(timeout=15_000)
    with sync_playwright() as playwright:
        chromium = helpers.launch_chromium(playwright)
        try:
            yield chromium
        finally:
            chromium.close()


@pytest.fixture
def external_requests() -> list[str]:
    """URLs of requests ``page`` tried to send beyond 127.0.0.1 (all were aborted)."""
    return []


@pytest.fixture
def page_errors() -> list[str]:
    """Uncaught JavaScript errors raised in ``page``."""
    return []


@pytest.fixture
def artifacts(request):
    """Screenshots for this test: ``artifacts.screenshot(page, "after-click")``."""
    return Artifacts(request.node)


class Artifacts:
    """Writes ``tests/artifacts/<test name>__<state>.png``, one file per state."""

    def __init__(self, node):
        self.dir = ARTIFACTS
        self.prefix = re.sub(r"[^\w.-]+", "_", node.name).strip("_")

    def path(self, state: str, suffix: str = ".png") -> Path:
        self.dir.mkdir(parents=True, exist_ok=True)
        state = re.sub(r"[^\w.-]+", "_", state)
        return self.dir / f"{self.prefix}__{state}{suffix}"

    def screenshot(self, page, state: str, scroll_to=None) -> Path:
        """Screenshot the viewport; in Lab, ``scroll_to`` (a locator) is scrolled into view first."""
        if scroll_to is not None:
            helpers.scroll_lab_to(page, scroll_to)
        path = self.path(state)
        page.screenshot(path=str(path))
        return path


@pytest.fixture
def page(request, browser, external_requests, page_errors, artifacts):
    """A fresh page that cannot reach beyond 127.0.0.1; screenshotted if the test fails."""
    context, page = helpers.new_page(browser, external_requests, page_errors)
    try:
        yield page
    finally:
        report = getattr(request.node, "report_call", None)
        if report is not None and report.failed:
            with contextlib.suppress(Exception):
                page.screenshot(path=str(artifacts.path("FAILED")))
        context.close()


@dataclass
class ModulePage:
    """One page shared by the tests of a module, with what it recorded so far."""

    page: object
    external_requests: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)


@pytest.fixture(scope="module")
def client() -> str | None:
    """The client of a ``pytest.mark.clients`` test ("lab", "notebook7" or "voila"); None elsewhere.

    Parametrised by ``pytest_generate_tests`` from the mark; this default is
    what the fixtures of unmarked tests see.
    """
    return None


@pytest.fixture(scope="module")
def module_page(browser, client):
    """Like ``page``, but shared by a module's tests (one page load for the module).

    In a ``pytest.mark.clients`` module, one page per client: it depends on
    ``client``, so it is closed and made again when the client changes.  Its
    ``external_requests`` and ``page_errors`` accumulate over the module (over
    its tests in one client).  The viewport is tall (1280 x 1800) so a whole
    widget panel fits on screen in Lab too, whose notebook scrolls inside its
    own panel.
    """
    record = ModulePage(page=None)
    context, record.page = helpers.new_page(
        browser, record.external_requests, record.page_errors, viewport=(1280, 1800)
    )
    try:
        yield record
    finally:
        context.close()


@pytest.fixture(autouse=True)
def _screenshot_module_page_on_failure(request, artifacts):
    yield
    if "module_page" not in request.fixturenames:
        return
    report = getattr(request.node, "report_call", None)
    if report is not None and report.failed:
        with contextlib.suppress(Exception):
            request.getfixturevalue("module_page").page.screenshot(path=str(artifacts.path("FAILED")))
