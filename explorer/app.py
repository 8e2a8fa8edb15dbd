"""The code-free classroom page: a teaching notebook served by Voila.

``python -m explorer app`` runs one notebook from ``notebooks/`` under Voila,
which executes it and shows only its outputs and widgets (Voila strips code
cells by default), on 127.0.0.1 only.

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
from pathlib import Path
from typing import Iterator, NamedTuple

from .cli import OneLineParser

NOTEBOOK_DIR = Path(__file__).resolve().parent.parent / "notebooks"
NOTEBOOKS = {"01": "01_step_by_step.ipynb", "02": "02_learning_rate.ipynb"}
HOST = "127.0.0.1"
DEFAULT_PORT = 8866  # Voila's own default, used when it is free
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


def voila_command(notebook: Path, port: int) -> list[str]:
    """The Voila command line serving ``notebook`` on ``HOST:port`` with the offline template."""
    return [
        sys.executable, "-m", "voila", str(notebook),
        "--no-browser",  # main() opens the browser itself, once the page is up
        f"--Voila.ip={HOST}",
        f"--port={port}",
        "--Voila.port_retries=0",  # never drift to another port: we print this URL
        f"--template={TEMPLATE_NAME}",
    ]


@contextlib.contextmanager
def voila_launch(notebook: Path, port: int) -> Iterator[VoilaLaunch]:
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
        yield VoilaLaunch(voila_command(notebook, port), env, f"http://{HOST}:{port}/")


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


def _port(text: str) -> int:
    try:
        port = int(text)
    except ValueError:
        port = 0
    if not 1 <= port <= 65535:
        raise argparse.ArgumentTypeError(f"invalid port {text!r}: expected an integer 1-65535")
    return port


def build_parser() -> argparse.ArgumentParser:
    parser = OneLineParser(
        prog="python -m explorer app",
        description="Serve a Backprop Explorer notebook as a code-free page (Voila) on 127.0.0.1.",
    )
    parser.add_argument("--port", type=_port, default=None,
                        help=f"port to serve on (default: {DEFAULT_PORT} if free, else any free port)")
    parser.add_argument("--notebook", choices=sorted(NOTEBOOKS), default="01",
                        help="01 = step by step (default), 02 = learning rate")
    parser.add_argument("--open", action="store_true", help="open the page in a web browser")
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
    with voila_launch(notebook, port) as launch:
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
