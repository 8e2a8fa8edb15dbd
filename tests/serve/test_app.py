"""``python -m explorer app``: its options, the Voila command it builds, and a run of ``main``.

Voila itself is started by the browser tests (tests/browser) and the wheel test
(tests/project/test_wheel.py); here ``main`` runs against a stand-in server
(a few lines of ``http.server``) so its own steps are checked in a second:
wait for the page to be ready, print the address, open the browser, pass on
the server's exit code, and say in one line what went wrong.
"""

from __future__ import annotations

import contextlib
import http.server
import json
import os
import re
import signal
import socket
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from jupyter_core.paths import jupyter_path

from explorer.serve import app
from explorer.serve.classroom_kernels import ClassroomKernelManager
from explorer.serve.notebook_files import NOTEBOOK_DIR, NOTEBOOKS

# Answers 200 on app.READY_PATH, then exits with the code it was given.
STAND_IN = """\
import http.server, sys
class Ready(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        ready = self.path == "/" + sys.argv[3]
        self.send_response(200 if ready else 404)
        self.end_headers()
        self.server.done |= ready
    def log_message(self, *args):
        pass
server = http.server.HTTPServer(("127.0.0.1", int(sys.argv[1])), Ready)
server.done = False
while not server.done:
    server.handle_request()
sys.exit(int(sys.argv[2]))
"""


@pytest.fixture
def sigterm_kept():
    """``main`` makes SIGTERM a Ctrl-C in its process (here pytest's): put the handler back."""
    before = signal.getsignal(signal.SIGTERM)
    yield
    signal.signal(signal.SIGTERM, before)


@pytest.fixture
def stand_in(monkeypatch, sigterm_kept):
    """Replace Voila with ``STAND_IN`` exiting ``stand_in.code``; ``stand_in.launches`` records each launch."""

    class StandIn:
        code = 0
        launches: list[dict] = []

    @contextlib.contextmanager
    def launch(notebook, port, *, students, idle_timeout):
        StandIn.launches.append(dict(notebook=notebook, port=port, students=students, idle_timeout=idle_timeout))
        command = [sys.executable, "-c", STAND_IN, str(port), str(StandIn.code), app.READY_PATH]
        yield app.VoilaLaunch(command, dict(os.environ), f"http://{app.HOST}:{port}/")

    monkeypatch.setattr(app, "voila_launch", launch)
    return StandIn


@pytest.mark.parametrize(
    "args, field",
    [
        (["--students", "-1"], "--students"),
        (["--students", "many"], "--students"),
        (["--students", "501"], "--students"),
        (["--idle-timeout", "5"], "--idle-timeout"),
        (["--idle-timeout", "1e9"], "--idle-timeout"),
        (["--port", "0"], "--port"),
    ],
)
def test_app_options_out_of_range_are_one_line(cli, args, field):
    code, out, err = cli("app", *args)
    assert code == 2 and out == ""
    assert err.count("\n") == 1 and f"argument {field}" in err and "whole number" in err


def test_the_pool_is_sized_by_students():
    command = app.voila_command(NOTEBOOK_DIR / NOTEBOOKS["01"], 8866, students=30, idle_timeout=600)
    assert "--preheat_kernel=True" in command and "--pool_size=30" in command
    assert "--MappingKernelManager.cull_idle_timeout=600" in command
    assert "--MappingKernelManager.cull_interval=60" in command
    without = app.voila_command(NOTEBOOK_DIR / NOTEBOOKS["01"], 8866, students=0, idle_timeout=30)
    assert not any(arg.startswith(("--preheat_kernel", "--pool_size")) for arg in without)
    assert "--MappingKernelManager.cull_interval=10" in without


def test_kernels_use_unix_sockets_and_keep_late_outputs():
    """No TCP port race when a class's kernels start at once; a cell's late outputs are waited for."""
    command = app.voila_command(NOTEBOOK_DIR / NOTEBOOKS["01"], 8866, students=30)
    assert "--KernelManager.transport=ipc" in command
    [timeout] = [a for a in command if a.startswith("--VoilaExecutor.iopub_timeout=")]
    assert int(timeout.split("=", 1)[1]) >= 60  # nbclient's 4 s dropped the panel under load


def test_the_app_uses_the_pool_aware_kernel_manager():
    command = app.voila_command(NOTEBOOK_DIR / NOTEBOOKS["01"], 8866, students=2)
    [option] = [a for a in command if "multi_kernel_manager_class" in a]
    module, name = option.split("=", 1)[1].rsplit(".", 1)
    assert (module, name) == (ClassroomKernelManager.__module__, ClassroomKernelManager.__name__)


def test_the_launch_puts_the_offline_template_on_jupyter_path(monkeypatch):
    monkeypatch.setenv("JUPYTER_PATH", "/somewhere/else")
    notebook = NOTEBOOK_DIR / NOTEBOOKS["02"]
    with app.voila_launch(notebook, 8870, students=3, idle_timeout=60) as launch:
        first, *rest = launch.env["JUPYTER_PATH"].split(os.pathsep)
        template = Path(first) / "voila" / "templates" / app.TEMPLATE_NAME
        assert json.loads((template / "conf.json").read_text()) == {"base_template": "lab"}
        assert (template / "index.html.j2").read_text() == app.OFFLINE_TEMPLATE
        assert rest == ["/somewhere/else"]  # the user's own entries are kept, after ours
        assert launch.env["BACKPROP_EXPLORER_LAYOUT"] == "presenter"
        assert launch.cmd == app.voila_command(notebook, 8870, students=3, idle_timeout=60)
        assert f"--template={app.TEMPLATE_NAME}" in launch.cmd and "--Voila.port_retries=0" in launch.cmd
        assert launch.url == "http://127.0.0.1:8870/"
    assert not template.exists(), "the template's temporary folder outlived the launch"


def test_the_offline_template_removes_what_voila_would_fetch():
    """The links the template cuts out are, verbatim, the only addresses in Voila's lab page.

    If a Voila upgrade changes them the replacement silently does nothing (the
    browser tests then see the request); this says so without a browser.
    """
    [voila_lab] = [p for p in jupyter_path("voila", "templates", "lab", "index.html.j2") if Path(p).is_file()][:1]
    page = Path(voila_lab).read_text()
    removed = re.findall(r"replace\('([^']*)', ''\)", app.OFFLINE_TEMPLATE)
    assert len(removed) == 2 and all(link in page for link in removed)
    for link in removed:
        page = page.replace(link, "")
    assert "cdn." not in page and not re.search(r"""(href|src)=["']https?:""", page)
    assert "{%- block html_head_js_mermaidjs -%}{%- endblock html_head_js_mermaidjs -%}" in app.OFFLINE_TEMPLATE


def test_a_port_in_use_is_refused_in_one_line(cli):
    with socket.socket() as taken:
        taken.bind((app.HOST, 0))
        taken.listen()
        port = taken.getsockname()[1]
        assert not app.port_is_free(port)
        assert app.free_port(port) != port
        code, out, err = cli("app", "--port", str(port))
    assert code == 2 and out == ""
    assert err == f"python -m explorer app: error: argument --port: port {port} is already in use on 127.0.0.1\n"
    assert app.port_is_free(port) and app.free_port(port) == port


def test_main_serves_until_the_server_ends(cli, stand_in, monkeypatch):
    opened = []
    monkeypatch.setattr(app.webbrowser, "open", opened.append)
    port = app.free_port()
    stand_in.code = 0
    code, out, err = cli("app", "--port", str(port), "--notebook", "03", "--students", "7", "--open")
    url = f"http://127.0.0.1:{port}/"
    assert (code, err) == (0, "")
    assert out == f"Backprop Explorer classroom page: {url}\nPress Ctrl-C to stop.\n"
    assert opened == [url]
    notebook = NOTEBOOK_DIR / NOTEBOOKS["03"]
    assert stand_in.launches == [dict(notebook=notebook, port=port, students=7, idle_timeout=app.DEFAULT_IDLE_TIMEOUT)]


def test_main_passes_on_the_servers_exit_code(cli, stand_in):
    stand_in.code = 3
    code, out, err = cli("app", "--port", str(app.free_port()))
    assert (code, err) == (3, "") and "classroom page" in out


def test_a_server_that_dies_at_start_is_one_line(cli, stand_in, monkeypatch):
    @contextlib.contextmanager
    def dies(notebook, port, *, students, idle_timeout):
        yield app.VoilaLaunch([sys.executable, "-c", "raise SystemExit(4)"], dict(os.environ), "http://127.0.0.1:9/")

    monkeypatch.setattr(app, "voila_launch", dies)
    code, out, err = cli("app")
    assert (code, out) == (1, "")
    assert err == "python -m explorer app: the server exited with code 4 before it was ready\n"


def test_a_missing_notebook_is_one_line(cli, monkeypatch, tmp_path, sigterm_kept):
    monkeypatch.setattr(app, "NOTEBOOK_DIR", tmp_path)
    code, out, err = cli("app", "--notebook", "02")
    assert (code, out) == (1, "")
    assert err == f"python -m explorer app: notebook not found: {tmp_path / NOTEBOOKS['02']}\n"


def test_wait_until_ready_times_out_with_the_address():
    with socket.socket() as closed:  # a port bound but not listening: every request is refused
        closed.bind((app.HOST, 0))
        url = f"http://127.0.0.1:{closed.getsockname()[1]}/"
        with subprocess.Popen([sys.executable, "-c", "import time; time.sleep(30)"]) as proc:
            try:
                with pytest.raises(TimeoutError, match=re.escape(f"no answer from {url} within 1 s")):
                    app.wait_until_ready(url, proc, timeout=1.0)
            finally:
                proc.kill()


def test_wait_until_ready_returns_once_the_page_answers():
    class Ok(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            self.send_response(200)
            self.end_headers()

        def log_message(self, *args):
            pass

    with http.server.HTTPServer((app.HOST, 0), Ok) as server:
        threading.Thread(target=server.serve_forever, daemon=True).start()
        with subprocess.Popen([sys.executable, "-c", "import time; time.sleep(30)"]) as proc:
            try:
                app.wait_until_ready(f"http://127.0.0.1:{server.server_address[1]}/x", proc, timeout=10)
            finally:
                proc.kill()
                server.shutdown()


def test_stop_ends_the_server():
    proc = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    app._stop(proc)
    assert proc.returncode == -signal.SIGTERM
    app._stop(proc)  # already stopped: nothing to do
