"""Five students at once on one classroom page (the benchmark's scenario, N = 5, asserted).

The server runs as ``python -m explorer app --students 5 --idle-timeout 10``:
five kernels have run the notebook before anyone arrives.  Five students
arrive within 10 s, each in a browser context of its own (tests/browser/
classroom.py), click "Next step" 1, 2 or 3 times, and the first one types a
new w1.  Every page must become usable, show its own step and only the first
must show the new w1.  Four pages then close as a tab closes: their kernels
must be shut down and the pool refilled to five.  The fifth page vanishes
without a word (its context destroyed, as when a laptop is closed): its
kernel must be culled once idle.  Times are printed, not asserted.
"""

from __future__ import annotations

import asyncio
from concurrent.futures import ThreadPoolExecutor

import pytest

from explorer.serve import app
from explorer.serve.notebook_files import notebook_path

from . import classroom, helpers

STUDENTS = 5
# s; the culler looks every 3 s.  Short, so that the vanished page's kernel
# goes within seconds: a kernel starts idling only once its page has
# connected (explorer/serve/classroom_kernels.py), so a page slow to draw on a
# loaded machine keeps its kernel however long it takes.
IDLE_TIMEOUT = 10


@pytest.fixture(scope="module")
def class_run(browser_workdir):
    with helpers.voila_server(
        notebook_path("01"), browser_workdir / "voila-classroom", students=STUDENTS, idle_timeout=IDLE_TIMEOUT
    ) as voila:
        classroom.wait_for_pool(voila, STUDENTS)
        scenario = classroom.run_class(
            voila,
            STUDENTS,
            STUDENTS,
            arrival_s=10.0,
            vanish=1,
            cull_wait_s=2 * IDLE_TIMEOUT + 30,
            refill_s=app.REFILL_DELAY,
            usable_timeout_s=180,
        )
        # Playwright's sync API keeps an event loop running in this thread
        # (the other browser tests): the class runs in a thread of its own.
        with ThreadPoolExecutor(1) as pool:
            run = pool.submit(asyncio.run, scenario).result(timeout=600)
        yield run, voila


def test_every_student_gets_a_usable_panel(class_run):
    run, voila = class_run
    assert run.kernels_ready == STUDENTS
    failures = [f"student {s.index}: {s.failure}" for s in run.students if s.failure]
    assert not failures, "\n".join(failures) + f"\nVoila log tail:\n{helpers.log_tail(voila.log)}"
    assert len({s.kernel_id for s in run.students}) == STUDENTS, "two pages share a kernel"
    log = voila.log.read_text(errors="replace")
    # the kernels listen on Unix sockets (no port to lose to another process),
    # and no cell's output was dropped while the pool ran the notebook
    assert "running over TCP" not in log and "Timeout waiting for IOPub" not in log
    figures = classroom.summary(run)
    print(
        f"\n{STUDENTS} students: page served after p50 {figures['p50_served_s']:.2f} s; usable "
        f"after p50 {figures['p50_usable_s']:.2f} s, max "
        f"{figures['max_usable_s']:.2f} s; click median {figures['click_median_ms']:.0f} ms; "
        f"kernel PSS median {figures['kernel_pss_median_mb']:.0f} MB"
    )


def test_each_page_shows_its_own_numbers(class_run):
    run, _ = class_run
    for s in run.students:
        assert len(s.click_ms) == s.clicks
        assert s.step_after_clicks == str(s.clicks), f"student {s.index}"
        assert s.w1_at_end == (classroom.W1_CHANGED if s.index == 0 else classroom.W1_SEED), (
            f"student {s.index} sees w1 = {s.w1_at_end}"
        )
        if s.index:  # the first page's new w1 restarted its own iteration, and no one else's
            assert s.step_at_end == str(s.clicks), f"student {s.index}"


def test_pages_stay_offline_and_error_free(class_run):
    run, _ = class_run
    assert [s.page_errors for s in run.students] == [[]] * STUDENTS
    assert [s.external_requests for s in run.students] == [[]] * STUDENTS


def test_closed_pages_release_their_kernels(class_run):
    run, _ = class_run
    # four pages closed, one still open (vanishing later): the pool of five refilled
    assert run.kernels_after_close == STUDENTS + 1
    assert not any(classroom.kernel_alive(s.kernel_id) for s in run.students[:-1])


def test_a_vanished_page_is_culled(class_run):
    run, _ = class_run
    assert run.kernels_after_cull == STUDENTS, f"{run.kernels_after_cull} kernels after {run.cull_s:.0f} s"
    assert not classroom.kernel_alive(run.students[-1].kernel_id)
