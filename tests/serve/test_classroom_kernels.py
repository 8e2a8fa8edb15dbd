"""The classroom kernel manager: a kernel's idle clock starts when its page connects.

Driven without a server: the manager's kernels, connections and Voila's pool
are set by hand, the clock is a counter, and each culler pass records the
last activity of every kernel it was asked about.
"""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta, timezone
from types import SimpleNamespace

from explorer.serve import classroom_kernels
from explorer.serve.classroom_kernels import ClassroomKernelManager, mark_active, pooled_kernel_ids

LONG_AGO = datetime(2020, 1, 1, tzinfo=timezone.utc)


def test_kernels_waiting_in_the_pool_are_marked_active():
    async def started(kernel_id):
        return {"kernel_id": kernel_id}

    async def failed():
        raise RuntimeError("the kernel did not start")

    async def pools():
        done = [asyncio.ensure_future(started("a")), asyncio.ensure_future(failed())]
        await asyncio.wait(done)
        waiting = asyncio.ensure_future(asyncio.sleep(10))  # still starting: no id yet
        result = pooled_kernel_ids({"01_step_by_step.ipynb": done + [waiting]})
        waiting.cancel()
        return result

    assert asyncio.run(pools()) == ["a"]
    kernels = {k: SimpleNamespace(last_activity=LONG_AGO) for k in ("a", "b")}
    now = LONG_AGO + timedelta(days=1)
    mark_active(kernels, ["a", "gone"], now)
    assert kernels["a"].last_activity == now and kernels["b"].last_activity == LONG_AGO


def test_a_kernel_idles_from_when_its_page_connects(monkeypatch):
    """Pooled kernels stay fresh; a kernel handed out stays fresh until its page connects,
    or for CONNECT_GRACE_S if the page never does."""
    clock = iter(datetime(2024, 1, 1, 0, 0, n, tzinfo=timezone.utc) for n in range(60))
    monkeypatch.setattr(classroom_kernels, "utcnow", lambda: next(clock))
    monkeypatch.setattr(classroom_kernels, "CONNECT_GRACE_S", 2)
    manager = ClassroomKernelManager()
    names = ("pooled", "slow", "abandoned", "vanished")
    manager._kernels = {k: SimpleNamespace(last_activity=LONG_AGO) for k in names}
    manager._kernel_connections = {"pooled": 0, "slow": 0, "abandoned": 0, "vanished": 1}
    seen = []

    async def cull_kernel_if_idle(kernel_id):
        activity = manager._kernels[kernel_id].last_activity
        seen.append((kernel_id, None if activity == LONG_AGO else activity.second))

    manager.cull_kernel_if_idle = cull_kernel_if_idle

    async def passes():
        pooled = asyncio.get_running_loop().create_future()
        pooled.set_result({"kernel_id": "pooled"})
        manager._pools = {"01_step_by_step.ipynb": [pooled]}
        await manager.cull_kernels()  # t = 0: 'vanished' has a page; 'slow' and 'abandoned' wait
        manager._kernel_connections.update(slow=1, vanished=0)
        await manager.cull_kernels()  # t = 1: 'slow' connected; 'vanished' lost its page
        await manager.cull_kernels()  # t = 2: 'abandoned' handed out 2 s ago: the grace is over

    asyncio.run(passes())
    by_pass = [seen[i : i + 4] for i in range(0, 12, 4)]
    assert by_pass == [
        [("pooled", 0), ("slow", 0), ("abandoned", 0), ("vanished", None)],
        [("pooled", 1), ("slow", 0), ("abandoned", 1), ("vanished", None)],
        [("pooled", 2), ("slow", 0), ("abandoned", 1), ("vanished", None)],
    ]


def test_without_a_pool_each_kernel_idles_from_when_its_page_connects(monkeypatch):
    """``--students 0``: no pool (no ``_pools``); a page's kernel starts idling once it connected."""
    clock = iter(datetime(2024, 1, 1, 0, 0, n, tzinfo=timezone.utc) for n in range(60))
    monkeypatch.setattr(classroom_kernels, "utcnow", lambda: next(clock))
    manager = ClassroomKernelManager()
    manager._kernels = {k: SimpleNamespace(last_activity=LONG_AGO) for k in ("loading", "open")}
    manager._kernel_connections = {"loading": 0, "open": 1}
    asked = []

    async def cull_kernel_if_idle(kernel_id):
        asked.append((kernel_id, manager._kernels[kernel_id].last_activity))

    manager.cull_kernel_if_idle = cull_kernel_if_idle
    asyncio.run(manager.cull_kernels())
    assert asked == [("loading", datetime(2024, 1, 1, tzinfo=timezone.utc)), ("open", LONG_AGO)]
    # a kernel shut down is forgotten: a new kernel under the same id gets a grace of its own
    monkeypatch.setattr(classroom_kernels, "CONNECT_GRACE_S", 1)
    gone = manager._kernels.pop("loading")
    asyncio.run(manager.cull_kernels())  # t = 1
    manager._kernels["loading"] = gone
    asked.clear()
    asyncio.run(manager.cull_kernels())  # t = 2: handed out just now, not 2 s ago
    assert ("loading", datetime(2024, 1, 1, 0, 0, 2, tzinfo=timezone.utc)) in asked
