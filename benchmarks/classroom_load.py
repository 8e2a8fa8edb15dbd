"""A class arriving at once: N real browser pages against one classroom page.

    python benchmarks/classroom_load.py                    # N = 1, 10 and 30
    python benchmarks/classroom_load.py --browsers 3                     # 3 real pages per class
    python benchmarks/classroom_load.py --students 5 --arrival 5

For each N a fresh server is started as ``python -m explorer app --students N``
serves the walkthrough (Voila, N kernels started in advance) and, once its
pool is filled, N students arrive evenly within ``--arrival`` seconds, each in
a Chromium context of its own (tests/browser/classroom.py has the scenario).
Printed for each N: the time from asking for the page to a usable panel
(first student, p50, p95, max) and to the page's last byte (the server's
part: Voila streams the page while the kernel runs the notebook), the median and p95 of "Next step" click to
updated formula under that load, each kernel's memory (PSS: shared pages
divided among the processes sharing them), the server's, the growth of the
machine's memory in use, the CPU the server and its kernels used while the
class arrived, and whether every page showed its own numbers and the kernels
went back to the pool once the pages closed.

The reference, measured in the same run: one student on a server with no pool
(``--students 0``), whose kernel starts and runs the notebook on request.

The browser pages run on the same machine as the server; in a real class they
run on the students' machines.  Thirty Chromium pages drawing at once on the
server's two cores measure the browsers, not the server, so ``--browsers K``
opens only K real pages (evenly spread over the arrivals) and serves the
other students with a client that sends what a page sends (the page, the
kernel's websocket, the widget manager's state request, the clicks, the
shutdown on leaving) without drawing (tests/browser/widget_client.py).
Printed apart for each kind: page served, panel in the page (browsers),
usable, first click; and the kernels running, sampled every second.  The CPU
the server and its kernels used is printed apart, and ``--browser-nice 19``
runs the browsers at the lowest priority.  The machine's load average is
printed with each run.  A benchmark, not a test: it asserts nothing.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from explorer.serve import app  # noqa: E402
from explorer.serve.notebook_files import notebook_path  # noqa: E402
from tests.browser import classroom, helpers  # noqa: E402


def measure(
    n: int, pool: int, arrival_s: float, nice: int, work: Path, browsers: int | None = None
) -> classroom.ClassRun:
    """Serve a fresh page with ``pool`` kernels ready and bring ``n`` students to it,
    ``browsers`` of them in real pages (None: all)."""
    with helpers.voila_server(notebook_path("01"), work / f"voila-{n}-{pool}", students=pool) as voila:
        if pool:
            classroom.wait_for_pool(voila, pool)
        load_before = os.getloadavg()[0]
        run = asyncio.run(
            classroom.run_class(
                voila, pool, n, arrival_s=arrival_s, browsers=browsers, refill_s=app.REFILL_DELAY, browser_nice=nice
            )
        )
        print(
            f"\n(load average of the machine: {load_before:.1f} before, "
            f"{os.getloadavg()[0]:.1f} after; {os.cpu_count()} cores)",
            end="",
        )
        return run


def problems(run: classroom.ClassRun) -> list[str]:
    """What went wrong for any student, one line each (empty when the class went well)."""
    found = []
    for s in run.students:
        if s.failure:
            found.append(f"student {s.index}: {s.failure}")
        elif s.step_after_clicks != str(s.clicks) or s.step_at_end not in (None, str(s.clicks)):
            found.append(f"student {s.index}: step {s.step_after_clicks}/{s.step_at_end} after {s.clicks} clicks")
        expected = classroom.W1_CHANGED if s.index == 0 else classroom.W1_SEED
        if s.failure is None and s.w1_at_end != expected:
            found.append(f"student {s.index}: w1 shows {s.w1_at_end}, expected {expected}")
        if s.page_errors:
            found.append(f"student {s.index}: JavaScript errors {s.page_errors[:2]}")
        if s.external_requests:
            found.append(f"student {s.index}: requests beyond 127.0.0.1 {s.external_requests[:2]}")
    if run.kernels_after_close != run.pool:
        found.append(f"{run.kernels_after_close} kernels after every page closed, pool is {run.pool}")
    return found


def report(label: str, run: classroom.ClassRun) -> None:
    f = classroom.summary(run)
    print(
        f"\n{label}: {f['students']} student(s), pool of {run.pool} kernels "
        f"({run.kernels_ready} running when the class arrived)"
    )
    print(
        f"  usable after request  first {f['first_usable_s']:.2f} s   p50 {f['p50_usable_s']:.2f} s"
        f"   p95 {f['p95_usable_s']:.2f} s   max {f['max_usable_s']:.2f} s   "
        f"({f['usable']}/{f['students']} usable)"
    )
    print(
        f"  page served (server)  p50 {f['p50_served_s']:.2f} s   max {f['max_served_s']:.2f} s"
        f"   (request to the page's last byte; the rest of the wait is the browser drawing it)"
    )
    for kind, what in (("browser", "real pages"), ("client", "clients, no drawing")):
        if f[f"{kind}s"]:
            print(
                f"  {what:<21} {f[f'{kind}s_usable']}/{f[f'{kind}s']} usable; p50 (max) served "
                f"{f[f'{kind}_p50_served_s']:.2f} ({f[f'{kind}_max_served_s']:.2f}) s, panel "
                f"{f[f'{kind}_p50_panel_s']:.2f} ({f[f'{kind}_max_panel_s']:.2f}) s, usable "
                f"{f[f'{kind}_p50_usable_s']:.2f} ({f[f'{kind}_max_usable_s']:.2f}) s, "
                f"first click {f[f'{kind}_first_click_median_ms']:.0f} ms"
            )
    print(
        f"  kernels running       {f['kernels_min']}-{f['kernels_max']} while the class arrived: "
        + " ".join(f"{t:.0f}s:{k}" for t, k in run.kernel_counts[::5])
    )
    print(
        f"  Next step -> formula  median {f['click_median_ms']:.0f} ms   p95 {f['click_p95_ms']:.0f} ms"
        f"   ({len(run.clicks_ms)} clicks while the class arrived)"
    )
    print(
        f"  memory per kernel     PSS median {f['kernel_pss_median_mb']:.0f} MB   max "
        f"{f['kernel_pss_max_mb']:.0f} MB   ({f['kernels_open']} kernels, {f['kernels_pss_total_mb']:.0f} MB "
        f"in all; server RSS {f['server_rss_mb']:.0f} MB)"
    )
    print(
        f"  machine               {os.cpu_count()} cores, {run.memory_total_mb / 1024:.1f} GB; "
        f"{run.memory_used_open_mb / 1024:.1f} GB in use with every page open (browsers and any "
        f"other work included; {f['machine_used_delta_mb']:+.0f} MB since the class arrived)"
    )
    print(
        f"  server + kernels CPU  {f['cpu_s']:.1f} s in the {f['class_s']:.1f} s the class took to "
        f"arrive and click ({f['cpu_s'] / max(f['students'], 1):.2f} s per student)"
    )
    print(f"  after the pages close {run.kernels_after_close} kernels (pool {run.pool}), in {run.close_s:.1f} s")
    for line in problems(run):
        print(f"  PROBLEM: {line}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python benchmarks/classroom_load.py", description=__doc__.split("\n")[0])
    parser.add_argument(
        "--students", default="1,10,30", help="class sizes to measure, comma-separated (default 1,10,30)"
    )
    parser.add_argument(
        "--arrival", type=float, default=10.0, help="seconds over which each class arrives (default 10)"
    )
    parser.add_argument(
        "--browser-nice",
        type=int,
        default=0,
        choices=range(0, 20),
        metavar="0-19",
        help="niceness of the students' browsers (default 0: equal shares; 19: the "
        "server first, as when the browsers run on the students' machines; only "
        "meaningful on an otherwise idle machine)",
    )
    parser.add_argument(
        "--browsers",
        type=int,
        default=None,
        metavar="K",
        help="how many students open a real Chromium page (evenly spread, the first "
        "included); the others send a page's requests and messages without "
        "drawing it, as the server sees a student whose browser runs elsewhere "
        "(default: all of them)",
    )
    parser.add_argument("--no-reference", action="store_true", help="skip the reference (one student, no pool)")
    args = parser.parse_args(argv)
    try:
        sizes = [int(n) for n in args.students.split(",")]
    except ValueError:
        parser.error(f"--students: expected whole numbers separated by commas, got {args.students!r}")
    if not helpers.CHROMIUM.exists():
        parser.error(f"Chromium not found at {helpers.CHROMIUM} (apt-get install chromium)")
    with contextlib.ExitStack() as stack:
        work = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="bp-classroom-")))
        if not args.no_reference:
            report("reference, no pool", measure(1, 0, 0.0, args.browser_nice, work))
        for n in sizes:
            report(f"N = {n}", measure(n, n, args.arrival, args.browser_nice, work, args.browsers))
    return 0


if __name__ == "__main__":
    sys.exit(main())
