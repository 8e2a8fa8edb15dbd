"""The code-free classroom page: a teaching notebook served by Voila.

``python -m explorer app`` runs one of the notebooks shipped in the package
(``notebooks/``) under Voila, which executes it and shows only its
outputs and widgets (Voila strips code cells by default), on 127.0.0.1 only.

Ready before the students arrive: Voila starts a pool of kernels in advance
(``preheat_kernel``), each of which has already run the notebook, so a page
opened from the pool only has to draw the widgets.  ``--students N`` sizes the
pool; each kernel taken from it is replaced :data:`REFILL_DELAY` seconds
later, so the pool is full again for late-comers and reloads.  A page that is closed shuts its kernel
down (Voila's page sends that request on ``beforeunload``); a kernel whose
page vanished without saying so (a laptop closed, a network lost) is shut
down after ``--idle-timeout`` seconds with no page connected.

The page must work in a classroom with no internet.  Voila's ``lab`` template
is nearly self-contained (MathJax 3 and Font Awesome 5 are bundled into its
local JavaScript and fonts), but its ``index.html.j2`` still adds two
``<link rel="stylesheet">`` tags pointing at cdn.jsdelivr.net for Font Awesome.
They are redundant, and in a room whose firewall drops packets a stylesheet in
``<head>`` blocks rendering until it times out.  No Voila option removes them,
so we serve the notebook with a two-block child template of ``lab``
(:data:`OFFLINE_TEMPLATE`), written to a temporary directory that is put on
the Voila process's ``JUPYTER_PATH``.  ``tests/browser`` checks that the page
then makes no request that leaves 127.0.0.1 and that LaTeX still renders.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
import webbrowser
from collections.abc import Iterator
from pathlib import Path
from typing import NamedTuple

from .arguments import OneLineParser, whole_number
from .notebook_files import NOTEBOOK_DIR, NOTEBOOKS

HOST = "127.0.0.1"
DEFAULT_PORT = 8866  # Voila's own default, used when it is free
# Kernels started in advance when --students is not given: enough for a
# teacher and a small group (each waiting kernel holds memory: see README).
DEFAULT_STUDENTS = 4
MAX_STUDENTS = 500
DEFAULT_IDLE_TIMEOUT = 1800  # s: a kernel with no page connected this long is shut down
# s from a kernel leaving the pool to its replacement starting.  Voila's
# default, 1 s, starts the replacements while the class is still arriving, and
# they take the CPU the arriving pages need (10 students within 10 s on a
# shared 2-core machine: the first usable after 34 s, not 7 s).  A student who
# comes after the pool ran out waits up to this much longer for a kernel.
REFILL_DELAY = 10
# s Voila waits, after a cell has run, for the kernel's last outputs.  nbclient's
# default, 4 s, is exceeded when a class's pool of kernels runs the notebook at
# once on a few cores (30 kernels on 2: every one of them); the late output is
# then dropped, and with it the panel: the page has nothing to draw.  A cell
# that ran has outputs coming, so wait for them.
IOPUB_TIMEOUT = 300
TEMPLATE_NAME = "backprop-offline"

# A file Voila serves without starting a kernel: GET / would run the notebook.
READY_PATH = "voila/static/voila.js"

# Child of Voila's `lab` template.  `replace` removes the two CDN links
# verbatim; if a Voila upgrade changes them the browser test fails.  The
# Mermaid block would import mermaid from cdnjs if a markdown cell ever held a
# diagram; the teaching notebooks have none, so it is dropped.
_FONT_AWESOME_CDN = "https://cdn.jsdelivr.net/npm/@fortawesome/fontawesome-free@^5/css/"
OFFLINE_TEMPLATE = """\
{%- extends 'voila/templates/lab/index.html.j2' -%}
{%- block notebook_css -%}
{{ super()
   | replace('<link rel="stylesheet" href="CDNall.min.css" type="text/css" />', '')
   | replace('<link rel="stylesheet" href="CDNv4-shims.min.css" type="text/css" />', '') }}
{%- endblock notebook_css -%}
{%- block html_head_js_mermaidjs -%}{%- endblock html_head_js_mermaidjs -%}
""".replace("CDN", _FONT_AWESOME_CDN)


class VoilaLaunch(NamedTuple):
    """How to start the classroom server: ``subprocess.Popen(cmd, env=env)``."""

    cmd: list[str]
    env: dict[str, str]
    url: str


def write_offline_template(root: Path) -> Path:
    """Write the offline template under ``root`` (a JUPYTER_PATH entry); return ``root``."""
    template_dir = root / "voila" / "templates" / TEMPLATE_NAME
    template_dir.mkdir(parents=True, exist_ok=True)
    (template_dir / "conf.json").write_text(json.dumps({"base_template": "lab"}))
    (template_dir / "index.html.j2").write_text(OFFLINE_TEMPLATE)
    return root


def kernel_options(students: int, idle_timeout: int) -> list[str]:
    """Voila options for a pool of ``students`` kernels and culling after ``idle_timeout`` s.

    ``students == 0`` starts no kernel in advance: each page starts its own.
    Kernels waiting in the pool are never culled (Voila's pool protects
    them); only kernels of pages that went away are.
    """
    pool = (
        ["--preheat_kernel=True", f"--pool_size={students}", f"--VoilaKernelManager.fill_delay={REFILL_DELAY}"]
        if students > 0
        else []
    )
    return pool + [
        f"--VoilaExecutor.iopub_timeout={IOPUB_TIMEOUT}",
        # Kernels talk to the server over Unix sockets, not TCP ports: a port
        # is picked free and bound by the kernel a moment later, and with a
        # class's kernels starting at once (and other programs on the machine)
        # another process can take it first; the kernel then dies at start
        # ("Address already in use") and the pool stays one short.
        "--KernelManager.transport=ipc",
        "--VoilaConfiguration.multi_kernel_manager_class=explorer.serve.classroom_kernels.ClassroomKernelManager",
        # A closed page asks Voila to shut its kernel down (a beacon on
        # beforeunload) with an _xsrf form field read from a cookie that Voila
        # never sets, so the request is refused with 403 and every kernel
        # lives until it is culled (voila-dashboards/voila#1458).  The server
        # listens on 127.0.0.1 only, without authentication, so the XSRF check
        # guards nothing here; the shutdown needs the kernel's random id.
        "--Voila.tornado_settings=disable_check_xsrf=True",
        f"--MappingKernelManager.cull_idle_timeout={idle_timeout}",
        # how often the culler looks: often enough that a kernel outlives its
        # timeout by at most a third (and never more than a minute)
        f"--MappingKernelManager.cull_interval={max(1, min(60, idle_timeout // 3))}",
    ]


def voila_command(
    notebook: Path, port: int, *, students: int = DEFAULT_STUDENTS, idle_timeout: int = DEFAULT_IDLE_TIMEOUT
) -> list[str]:
    """The Voila command line serving ``notebook`` on ``HOST:port`` with the offline template."""
    return [
        sys.executable,
        "-m",
        "voila",
        str(notebook),
        "--no-browser",  # main() opens the browser itself, once the page is up
        f"--Voila.ip={HOST}",
        f"--port={port}",
        "--Voila.port_retries=0",  # never drift to another port: we print this URL
        f"--template={TEMPLATE_NAME}",
        *kernel_options(students, idle_timeout),
    ]


@contextlib.contextmanager
def voila_launch(
    notebook: Path, port: int, *, students: int = DEFAULT_STUDENTS, idle_timeout: int = DEFAULT_IDLE_TIMEOUT
) -> Iterator[VoilaLaunch]:
    """Yield the command, environment and URL serving ``notebook``; clean up after.

    The tests start their Voila server from this, so they exercise the shipped
    configuration.
    """
    with tempfile.TemporaryDirectory(prefix="backprop-voila-") as tmp:
        root = write_offline_template(Path(tmp))
        env = dict(os.environ)
        env["JUPYTER_PATH"] = os.pathsep.join(filter(None, [str(root), env.get("JUPYTER_PATH")]))
        # the kernels inherit it: every Explorer() on the page is laid out for a projector
        env["BACKPROP_EXPLORER_LAYOUT"] = "presenter"
        command = voila_command(notebook, port, students=students, idle_timeout=idle_timeout)
        yield VoilaLaunch(command, env, f"http://{HOST}:{port}/")


def port_is_free(port: int) -> bool:
    """Whether ``port`` can be bound on ``HOST`` right now."""
    with socket.socket() as sock:
        try:
            sock.bind((HOST, port))
        except OSError:
            return False
    return True


def free_port(preferred: int | None = None) -> int:
    """``preferred`` if it is free, else a port the OS picks."""
    if preferred is not None and port_is_free(preferred):
        return preferred
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


def wait_until_ready(url: str, proc: subprocess.Popen, timeout: float = 60.0) -> None:
    """Poll ``url`` until it answers 200; raise if ``proc`` exits or time runs out."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"the server exited with code {proc.returncode} before it was ready")
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return
        except (urllib.error.URLError, OSError):
            pass
        time.sleep(0.2)
    raise TimeoutError(f"no answer from {url} within {timeout:.0f} s")


def build_parser() -> argparse.ArgumentParser:
    parser = OneLineParser(
        prog="python -m explorer app",
        description="Serve a Backprop Explorer notebook as a code-free page (Voila) on 127.0.0.1.",
    )
    parser.add_argument(
        "--port",
        type=whole_number("--port", 1, 65535),
        default=None,
        help=f"port to serve on (default: {DEFAULT_PORT} if free, else any free port)",
    )
    parser.add_argument(
        "--notebook",
        choices=sorted(NOTEBOOKS),
        default="01",
        help="01 = step by step (default), 02 = learning rate, 03 = beyond one example",
    )
    parser.add_argument("--open", action="store_true", help="open the page in a web browser")
    parser.add_argument(
        "--students",
        type=whole_number("--students", 0, MAX_STUDENTS),
        default=DEFAULT_STUDENTS,
        help="kernels to start in advance, one per student expected at once "
        f"(default {DEFAULT_STUDENTS}; 0: each page starts its own)",
    )
    parser.add_argument(
        "--idle-timeout",
        type=whole_number("--idle-timeout", 10, 7 * 24 * 3600),
        default=DEFAULT_IDLE_TIMEOUT,
        metavar="SECONDS",
        help=f"shut down a kernel whose page has been gone this long (default {DEFAULT_IDLE_TIMEOUT})",
    )
    return parser


def _stop(proc: subprocess.Popen) -> None:
    # Voila stops and shuts its kernels down on SIGTERM as on SIGINT, and a
    # SIGTERM during that shutdown (after a terminal Ctrl-C) is harmless.
    for send, grace in ((signal.SIGTERM, 10), (signal.SIGKILL, 5)):
        if proc.poll() is not None:
            return
        proc.send_signal(send)
        with contextlib.suppress(subprocess.TimeoutExpired):
            proc.wait(grace)


def _raise_keyboard_interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


def main(argv: list[str] | None = None) -> int:
    """Serve the chosen notebook until Ctrl-C; return the exit code."""
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.port is not None and not port_is_free(args.port):
        parser.error(f"argument --port: port {args.port} is already in use on {HOST}")
    port = args.port if args.port is not None else free_port(DEFAULT_PORT)
    notebook = NOTEBOOK_DIR / NOTEBOOKS[args.notebook]
    if not notebook.is_file():
        print(f"python -m explorer app: notebook not found: {notebook}", file=sys.stderr)
        return 1

    # `kill` of this process must not orphan Voila: treat SIGTERM like Ctrl-C.
    signal.signal(signal.SIGTERM, _raise_keyboard_interrupt)
    with voila_launch(notebook, port, students=args.students, idle_timeout=args.idle_timeout) as launch:
        # Same process group as us, so a terminal Ctrl-C reaches Voila too.
        proc = subprocess.Popen(launch.cmd, env=launch.env)
        try:
            wait_until_ready(launch.url + READY_PATH, proc)
            print(f"Backprop Explorer classroom page: {launch.url}", flush=True)
            print("Press Ctrl-C to stop.", flush=True)
            if args.open:
                webbrowser.open(launch.url)
            return proc.wait()
        except KeyboardInterrupt:
            return 0
        except (RuntimeError, TimeoutError) as error:
            print(f"python -m explorer app: {error}", file=sys.stderr)
            return 1
        finally:
            _stop(proc)


if __name__ == "__main__":
    sys.exit(main())
