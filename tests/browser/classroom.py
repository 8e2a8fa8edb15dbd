"""A class arriving at the classroom page: N real browser pages against one server.

Shared by ``benchmarks/classroom_load.py`` (N = 1, 10, 30, figures printed)
and ``test_classroom_load.py`` (N = 5, behaviour asserted).  Each student is a
Playwright page in a browser context of its own (its own cookies, its own
kernel), or, for all but ``browsers`` of them, a :class:`WidgetClient` that
puts the same requests and widget messages on the server without drawing
anything (a student's browser runs on the student's laptop, not on the
server's cores).  All are driven from one asyncio loop so that they really
are on the server at once.  Students arrive evenly spread over
``arrival_s``; each

1. asks for the page and waits until the panel's "Next step" is visible:
   the time from the request to then is the student's *time to usable*
   (recorded on the way: the page's last byte, the panel in the page; for a
   client, usable is every widget's state received and the panel's view
   found in the page);
2. clicks "Next step" ``1 + index % 3`` times, timing each click to the
   changed formula in the page (the JavaScript of ``helpers.click_latencies``).

Once everyone has clicked, each page must show its own step (the step label
at its own number of clicks); then the first student types a new w1 and every
other page must still show the seed's w1 and its own step.  The kernels'
memory is read while every page is open.  Then the pages close as a browser
closes a tab (``beforeunload`` runs, and Voila's page asks the server to shut
its kernel down), except the last ``vanish`` students, whose contexts are
simply destroyed as when a laptop is closed: those kernels are left for the
culler.

Processes are read from Linux's /proc (no psutil needed): the kernels are the
``ipykernel_launcher`` children of the Voila process; memory per kernel is
its PSS (proportional set size: shared libraries divided among the processes
sharing them, so the figures add up to what the kernels cost together).
"""

from __future__ import annotations

import asyncio
import contextlib
import math
import os
import re
import statistics
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from . import helpers
from .widget_client import WidgetClient

W1_SEED, W1_CHANGED = "0.15", "0.2"
USABLE_TIMEOUT_S = 600.0  # default; 30 pages drawing at once on 2 shared cores: minutes
CLICK_TIMEOUT_MS = 60_000
CLK_TCK = os.sysconf("SC_CLK_TCK")


# ------------------------------------------------------------------ processes


@dataclass(frozen=True)
class ProcessStats:
    """One process's memory (MB) and CPU time so far (s)."""

    pid: int
    rss_mb: float
    pss_mb: float
    cpu_s: float


def _children(pid: int) -> list[int]:
    pids: list[int] = []
    for task in Path(f"/proc/{pid}/task").glob("*"):
        try:
            pids += [int(c) for c in (task / "children").read_text().split()]
        except OSError:  # the thread ended meanwhile
            continue
    return pids


def _is_kernel(pid: int) -> bool:
    try:
        return "ipykernel_launcher" in Path(f"/proc/{pid}/cmdline").read_text()
    except OSError:
        return False


def kernel_pids(server_pid: int) -> list[int]:
    """The kernels the Voila process ``server_pid`` is running."""
    return [pid for pid in _children(server_pid) if _is_kernel(pid)]


def process_stats(pid: int) -> ProcessStats | None:
    """Memory and CPU of ``pid``, or None if it has ended."""
    try:
        rollup = Path(f"/proc/{pid}/smaps_rollup").read_text()
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    kb = {m.group(1): int(m.group(2)) for m in re.finditer(r"^(\w+):\s+(\d+) kB", rollup, re.M)}
    fields = stat.rsplit(")", 1)[1].split()  # after the command name, which may hold spaces
    cpu = (int(fields[11]) + int(fields[12])) / CLK_TCK  # utime + stime
    return ProcessStats(pid, kb.get("Rss", 0) / 1024, kb.get("Pss", 0) / 1024, cpu)


def machine_memory_mb() -> tuple[float, float]:
    """(total, in use) memory of the machine in MB (in use = total - available)."""
    info = {
        m.group(1): int(m.group(2)) for m in re.finditer(r"^(\w+):\s+(\d+) kB", Path("/proc/meminfo").read_text(), re.M)
    }
    return info["MemTotal"] / 1024, (info["MemTotal"] - info["MemAvailable"]) / 1024


def kernel_alive(kernel_id: str) -> bool:
    """Whether the kernel ``kernel_id`` still runs (its connection file names its id)."""
    for proc in Path("/proc").glob("[0-9]*"):
        try:
            if f"kernel-{kernel_id}.json" in (proc / "cmdline").read_text():
                return True
        except OSError:
            continue
    return False


async def wait_for_kernels(server_pid: int, count: int, gone: list[str], timeout_s: float) -> tuple[int, float]:
    """Wait until the kernels ``gone`` have ended and the server runs ``count`` kernels.

    Returns the number of kernels then (or at the timeout) and the seconds waited.
    """
    start = time.monotonic()
    while True:
        kernels = len(kernel_pids(server_pid))
        waited = time.monotonic() - start
        if (kernels == count and not any(map(kernel_alive, gone))) or waited > timeout_s:
            return kernels, waited
        await asyncio.sleep(0.25)


def wait_for_pool(voila: helpers.VoilaServer, pool: int, timeout_s: float = 300) -> None:
    """Block until ``pool`` kernels have started and run the notebook.

    Voila logs "Kernel pool ... is filled" once the kernels have started,
    before they have run the notebook; they have run it when their CPU falls
    quiet (less than 20 ms of CPU among them over a second).
    """
    deadline = time.monotonic() + timeout_s
    busy = None
    while True:
        if voila.proc.poll() is not None:
            raise RuntimeError(f"Voila exited; log tail:\n{helpers.log_tail(voila.log)}")
        if time.monotonic() > deadline:
            raise TimeoutError(
                f"the pool of {pool} kernels was not ready within {timeout_s:.0f} s; "
                f"log tail:\n{helpers.log_tail(voila.log)}"
            )
        kernels = kernel_pids(voila.proc.pid)
        cpu = sum(s.cpu_s for s in map(process_stats, kernels) if s is not None)
        filled = "Kernel pool of" in voila.log.read_text(errors="replace") and len(kernels) == pool
        if filled and busy is not None and cpu - busy < 0.02:
            return
        busy = cpu if filled else None
        time.sleep(1.0)


# ------------------------------------------------------------------ students


@dataclass
class Student:
    """What one student's page did and saw."""

    index: int
    clicks: int  # "Next step" clicks this student makes: 1 + index % 3
    browser: bool = True  # a Chromium page; False: a WidgetClient (the page's traffic only)
    arrived_s: float = 0.0  # when the page was requested, from the start of the class
    served_s: float | None = None  # request to the last byte of the page (the server's part)
    panel_s: float | None = None  # request to the panel in the page (widget manager up, views made)
    usable_s: float | None = None  # request to a visible "Next step" (a client: to every
    # widget's state received, the server's part of the same)
    kernel_id: str | None = None  # the kernel the page talks to
    click_ms: list[float] = field(default_factory=list)
    step_after_clicks: str | None = None  # the step label's k once everyone had clicked
    step_at_end: str | None = None  # ... and after the first student changed w1 (not read in
    # the first page: a changed weight starts its iteration again, at step 0)
    w1_at_end: str | None = None  # w1 as the diagram shows it at the end
    page_errors: list[str] = field(default_factory=list)
    external_requests: list[str] = field(default_factory=list)
    failure: str | None = None


@dataclass
class ClassRun:
    """A whole class: the students, the kernels and the machine."""

    url: str
    pool: int
    students: list[Student]
    kernels_ready: int  # before the first student arrived
    kernels_open: list[ProcessStats]  # while every page was open
    server_open: ProcessStats | None
    cpu_s: float  # CPU used by the server and its kernels from first arrival to all clicked
    class_s: float  # wall time from first arrival to all clicked
    memory_total_mb: float
    memory_used_before_mb: float
    memory_used_open_mb: float
    kernels_after_close: int
    close_s: float  # until the kernels of closed pages were gone and the pool refilled
    kernels_after_cull: int | None
    cull_s: float | None
    kernel_counts: list[tuple[float, int]] = field(default_factory=list)  # (s, kernels) each second

    @property
    def usable(self) -> list[float]:
        return sorted(s.usable_s for s in self.students if s.usable_s is not None)

    @property
    def served(self) -> list[float]:
        return sorted(s.served_s for s in self.students if s.served_s is not None)

    @property
    def clicks_ms(self) -> list[float]:
        return [ms for s in self.students for ms in s.click_ms]


def percentile(values: list[float], q: float) -> float:
    """The ``q`` quantile (0-1) of ``values``, nearest rank (the value some student saw)."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, math.ceil(q * len(ordered)) - 1))]


# Voila writes the page's kernel id into its page config.
_KERNEL_ID = "() => JSON.parse(document.getElementById('jupyter-config-data').textContent).kernelId"


def _panel(page):
    return page.locator(".bp-panel").first


async def _shown_when_visible(field, timeout_ms: float = CLICK_TIMEOUT_MS) -> str:
    """What a text field shows (its live value, not the attribute) the moment it is visible."""
    await field.wait_for(state="visible", timeout=timeout_ms)
    return await field.input_value()


def _w1_label(page, value: str):
    return _panel(page).locator(
        'svg.bp-diagram [data-id="w1"] text, svg.bp-diagram [data-for="w1"] text',
        has_text=re.compile(rf"w1\W*{re.escape(value)}\b"),
    )


async def _block_external(context, record: list[str]) -> None:
    async def handle(route):
        record.append(route.request.url)
        await route.abort("blockedbyclient")

    await context.route(lambda url: not helpers.is_loopback(url), handle)


async def _arrive(browser, url: str, student: Student, start: float, delay: float, usable_timeout_s: float):
    """Open the page after ``delay`` s, wait until usable, click; return (context, page)."""
    await asyncio.sleep(delay)
    context = await browser.new_context(viewport={"width": 1280, "height": 900})
    context.set_default_timeout(CLICK_TIMEOUT_MS)
    await _block_external(context, student.external_requests)
    page = await context.new_page()
    page.on("pageerror", lambda error: student.page_errors.append(str(error)))
    # anywidget gives a widget's module 2 s to load, then leaves its view empty
    # (a starved renderer misses it): report it with the page's errors
    page.on(
        "console",
        lambda message: (
            student.page_errors.append(message.text)
            if message.type == "error" and "[anywidget]" in message.text
            else None
        ),
    )
    try:
        requested = time.monotonic()
        student.arrived_s = requested - start
        response = await page.goto(url, wait_until="commit", timeout=usable_timeout_s * 1000)
        # Voila streams the page as the notebook runs: its end is the server's
        # part of the wait (the browser's part is drawing it)
        await response.finished()
        student.served_s = time.monotonic() - requested
        await _panel(page).wait_for(state="attached", timeout=usable_timeout_s * 1000)
        student.panel_s = time.monotonic() - requested
        step = _panel(page).get_by_role("button", name="Next step", exact=True)
        await step.wait_for(state="visible", timeout=usable_timeout_s * 1000)
        student.usable_s = time.monotonic() - requested
        student.kernel_id = await page.evaluate(_KERNEL_ID)
        handle = await step.element_handle()
        for _ in range(student.clicks):
            student.click_ms.append(
                await page.evaluate(helpers.CLICK_LATENCY_JS, [handle, ".bp-panel .bp-equation", CLICK_TIMEOUT_MS])
            )
    except Exception as error:  # recorded: one student's failure must not hide the others'
        student.failure = f"{type(error).__name__}: {str(error).splitlines()[0]}"
    return context, page


async def _arrive_client(url: str, student: Student, start: float, delay: float, timeout_s: float) -> WidgetClient:
    """A student without a browser (widget_client.py): the same requests, same clicks."""
    await asyncio.sleep(delay)
    client = WidgetClient(url, timeout_s)
    try:
        requested = time.monotonic()
        student.arrived_s = requested - start
        student.kernel_id = await client.get_page()
        student.served_s = time.monotonic() - requested
        await client.load_widgets()
        panel = client.model_id("VBoxModel", "bp-panel")
        if panel not in client.views:  # the browser would have nothing to draw
            raise LookupError("the page holds no view of the panel (its output was lost)")
        student.usable_s = time.monotonic() - requested
        step = client.model_id("ButtonModel", description="Next step")
        equation = client.model_id("HTMLMathModel", "bp-equation")
        for _ in range(student.clicks):
            student.click_ms.append(await client.click(step, equation))
    except Exception as error:  # recorded, as for a page
        student.failure = f"{type(error).__name__}: {str(error).splitlines()[0] if str(error) else ''}"
    return client


async def _client_reads(client: WidgetClient) -> tuple[str, str]:
    """(Step slider, w1 field) as the kernel of ``client`` holds them, as the page shows them."""
    states = await client.request_states()
    step = states[client.model_id("AnyModel", label="Step")]["state"]["value"]
    w1 = states[client.model_id("TextModel", description="w1")]["state"]["value"]
    return str(round(step)), w1


async def _read_step(page, expected: int, settle_s: float = 10.0) -> str:
    """The step label's k ("step k of n"), once it shows ``expected`` or ``settle_s`` has passed.

    The label is in sight in either layout (the presenter's Step slider is one
    click away, under Steps).  The panel sends the equation before the rest
    of the step, so right after a click's equation has changed the label may
    still be on its way.
    """
    label = _panel(page).locator(".bp-position")
    deadline = time.monotonic() + settle_s
    while (value := (await label.inner_text()).split()[1]) != str(expected) and time.monotonic() < deadline:
        await asyncio.sleep(0.2)
    return value


async def _check_isolation(pages, students: list[Student]) -> None:
    """Each page shows its own step; w1 typed in the first page appears there only."""
    for page, student in zip(pages, students):
        if student.failure is None:
            student.step_after_clicks = (
                await _read_step(page, student.clicks) if student.browser else (await _client_reads(page))[0]
            )
    first = pages[0]
    if students[0].failure is None:
        edit = _panel(first).get_by_role("button", name="Edit", exact=True)
        if await edit.count():  # the presenter layout: the table is one click away
            await edit.click()
        field = _panel(first).get_by_role("textbox", name="w1", exact=True)
        # the table is made when it first shows, each field sent with its label and number: a
        # person may type as soon as w1 appears, and no number arriving later replaces what they typed
        try:
            shown = await _shown_when_visible(field)
            if shown != W1_SEED:
                raise AssertionError(f"it appeared showing {shown!r}")
            await field.fill(W1_CHANGED)
            await field.press("Enter")
        except Exception as error:
            students[0].failure = f"the Edit table's w1 did not show {W1_SEED} as soon as it appeared: {error}"
        try:
            if students[0].failure is None:
                await _w1_label(first, W1_CHANGED).first.wait_for(state="attached", timeout=CLICK_TIMEOUT_MS)
        except Exception as error:
            students[0].failure = f"w1 typed in the first page did not reach its diagram: {error}"
    await asyncio.sleep(1.0)  # a leak to other pages would arrive within this
    for page, student in zip(pages, students):
        if student.failure is not None:
            continue
        if not student.browser:
            student.step_at_end, student.w1_at_end = await _client_reads(page)
            continue
        if student.index > 0:
            student.step_at_end = await _read_step(page, student.clicks)
        for value in (W1_CHANGED, W1_SEED):
            if await _w1_label(page, value).count():
                student.w1_at_end = value


def browser_indices(n: int, browsers: int) -> set[int]:
    """Which of ``n`` students open a real page: ``browsers`` of them, evenly spread, the first included."""
    browsers = max(1, min(n, browsers))
    return {round(j * n / browsers) for j in range(browsers)}


async def _count_kernels(server_pid: int, start: float, counts: list[tuple[float, int]]) -> None:
    """Append (seconds since ``start``, kernels running) to ``counts`` every second until cancelled."""
    while True:
        counts.append((round(time.monotonic() - start, 1), len(kernel_pids(server_pid))))
        await asyncio.sleep(1.0)


async def run_class(
    voila: helpers.VoilaServer,
    pool: int,
    n: int,
    *,
    arrival_s: float = 10.0,
    browsers: int | None = None,
    vanish: int = 0,
    cull_wait_s: float = 0.0,
    refill_s: float = 0.0,
    browser_nice: int = 0,
    usable_timeout_s: float = USABLE_TIMEOUT_S,
) -> ClassRun:
    """Bring ``n`` students to ``voila`` (which keeps ``pool`` kernels ready); see the module doc.

    ``browsers``: how many of the students open a real Chromium page (evenly
    spread over the arrivals, the first always); the others are
    :class:`WidgetClient` s, which put the same load on the server without
    drawing anything (None: all of them are pages).  ``refill_s``: how long
    the server waits before replacing a kernel taken from its pool (the wait
    for the kernels to return to the pool's size is that much longer).
    ``vanish``: the last ``vanish`` students leave without a word;
    ``cull_wait_s``: how long to wait for their kernels to be culled.
    ``browser_nice``: the browsers run at this niceness (0-19).
    ``usable_timeout_s``: how long a page may take to become usable.
    """
    from playwright.async_api import async_playwright

    real = browser_indices(n, n if browsers is None else browsers)
    students = [Student(i, clicks=1 + i % 3, browser=i in real) for i in range(n)]
    server = voila.proc.pid
    kernels_ready = len(kernel_pids(server))
    memory_total, memory_before = machine_memory_mb()
    counts: list[tuple[float, int]] = []
    async with async_playwright() as playwright, _chromium(browser_nice) as chromium:
        browser = await playwright.chromium.launch(
            executable_path=str(chromium), headless=True, args=helpers.CHROMIUM_ARGS
        )
        try:
            cpu_before = _server_cpu(server)
            start = time.monotonic()
            counter = asyncio.create_task(_count_kernels(server, start, counts))
            delays = [arrival_s * i / max(n - 1, 1) for i in range(n)]
            opened = await asyncio.gather(
                *(
                    _arrive(browser, voila.url, s, start, d, usable_timeout_s)
                    if s.browser
                    else _arrive_client(voila.url, s, start, d, usable_timeout_s)
                    for s, d in zip(students, delays)
                )
            )
            class_s = time.monotonic() - start
            cpu_s = _server_cpu(server) - cpu_before
            pages = [o[1] if s.browser else o for s, o in zip(students, opened)]
            await _check_isolation(pages, students)
            kernels_open = [k for k in map(process_stats, kernel_pids(server)) if k is not None]
            server_open = process_stats(server)
            memory_used_open = machine_memory_mb()[1]
            polite = len(opened) - vanish
            for student, page in zip(students[:polite], pages[:polite]):
                await (page.close(run_before_unload=True) if student.browser else page.leave())
            closed = [s.kernel_id for s in students[:polite] if s.kernel_id]
            kernels_after_close, close_s = await wait_for_kernels(server, pool + vanish, closed, refill_s + 60)
            counter.cancel()
            for student, page in zip(students, opened):
                if student.browser:
                    await page[0].close()
                else:
                    page.drop()
        finally:
            await browser.close()
    kernels_after_cull = cull_s = None
    if vanish:
        vanished = [s.kernel_id for s in students[polite:] if s.kernel_id]
        kernels_after_cull, cull_s = await wait_for_kernels(server, pool, vanished, cull_wait_s)
    return ClassRun(
        voila.url,
        pool,
        students,
        kernels_ready,
        kernels_open,
        server_open,
        cpu_s,
        class_s,
        memory_total,
        memory_before,
        memory_used_open,
        kernels_after_close,
        close_s,
        kernels_after_cull,
        cull_s,
        counts,
    )


@contextlib.asynccontextmanager
async def _chromium(nice: int):
    """Debian's Chromium, started through ``nice -n nice`` when ``nice`` is not 0."""
    if not nice:
        yield helpers.CHROMIUM
        return
    with tempfile.TemporaryDirectory(prefix="bp-chromium-") as tmp:
        wrapper = Path(tmp) / "chromium"
        # exec keeps Playwright's pipes (fds 3 and 4) and the pid; the
        # renderers, forked from the browser, inherit its niceness
        wrapper.write_text(f'#!/bin/sh\nexec nice -n {int(nice)} "{helpers.CHROMIUM}" "$@"\n')
        wrapper.chmod(0o755)
        yield wrapper


def _server_cpu(server_pid: int) -> float:
    """CPU seconds used so far by the server and its live kernels."""
    pids = [server_pid, *kernel_pids(server_pid)]
    return sum(s.cpu_s for s in map(process_stats, pids) if s is not None)


def summary(run: ClassRun) -> dict[str, float]:
    """The figures the benchmark prints, by name (times in s or ms, memory in MB)."""
    usable, clicks = run.usable, run.clicks_ms
    pss = [k.pss_mb for k in run.kernels_open]
    by_kind = {}
    for kind, browser in (("browser", True), ("client", False)):
        group = [s for s in run.students if s.browser == browser]
        for stage in ("served", "panel", "usable"):
            times = sorted(getattr(s, f"{stage}_s") for s in group if getattr(s, f"{stage}_s") is not None)
            by_kind[f"{kind}_p50_{stage}_s"] = percentile(times, 0.5) if times else float("nan")
            by_kind[f"{kind}_max_{stage}_s"] = max(times, default=float("nan"))
        by_kind[f"{kind}s"] = len(group)
        by_kind[f"{kind}s_usable"] = sum(s.usable_s is not None for s in group)
        first_clicks = [s.click_ms[0] for s in group if s.click_ms]
        by_kind[f"{kind}_first_click_median_ms"] = statistics.median(first_clicks) if first_clicks else float("nan")
    kernels = [k for _, k in run.kernel_counts]
    return {
        **by_kind,
        "kernels_min": min(kernels, default=float("nan")),
        "kernels_max": max(kernels, default=float("nan")),
        "students": len(run.students),
        "usable": len(usable),
        "first_usable_s": run.students[0].usable_s or float("nan"),
        "p50_usable_s": percentile(usable, 0.5) if usable else float("nan"),
        "p95_usable_s": percentile(usable, 0.95) if usable else float("nan"),
        "max_usable_s": max(usable, default=float("nan")),
        "p50_served_s": percentile(run.served, 0.5) if run.served else float("nan"),
        "max_served_s": max(run.served, default=float("nan")),
        "click_median_ms": statistics.median(clicks) if clicks else float("nan"),
        "click_p95_ms": percentile(clicks, 0.95) if clicks else float("nan"),
        "kernels_open": len(pss),
        "kernel_pss_median_mb": statistics.median(pss) if pss else float("nan"),
        "kernel_pss_max_mb": max(pss, default=float("nan")),
        "kernels_pss_total_mb": sum(pss),
        "server_rss_mb": run.server_open.rss_mb if run.server_open else float("nan"),
        "machine_used_delta_mb": run.memory_used_open_mb - run.memory_used_before_mb,
        "cpu_s": run.cpu_s,
        "class_s": run.class_s,
    }
