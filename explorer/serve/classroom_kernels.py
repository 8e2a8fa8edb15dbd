"""The classroom page's kernel manager: idle culling that spares a kernel just handed out.

Voila wraps the kernel manager class it is given in its pool of pre-started
kernels (``VoilaKernelManager``), which keeps the culler away from kernels
waiting in the pool.  But a waiting kernel's idle clock keeps running from
the moment it finished running the notebook, and a page takes seconds to
connect to its kernel (a minute on a starved machine), counted as a
connection only once done.  So a kernel that waited longer than the idle
timeout was culled at the culler's next pass after a page took it: the
student's panel never appeared.

Here the idle clock of a pooled kernel starts when a page has connected to
it: every culler pass marks as active the kernels in the pool and those
handed out to a page that has not connected yet.  A page thus gets the whole
idle timeout once connected, however long it took to get there, and the
timeout can be short (seconds in the tests) without culling a slow page's
kernel.  A kernel whose page never connects (the tab closed while loading)
starts idling :data:`CONNECT_GRACE_S` after it left the pool.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime

from jupyter_server._tz import utcnow
from jupyter_server.services.kernels.kernelmanager import AsyncMappingKernelManager

# s a page has to connect to the kernel it was given before that kernel starts
# idling anyway.  30 pages drawing at once on the server's own two cores took
# minutes; a student's laptop takes seconds.
CONNECT_GRACE_S = 600


def pooled_kernel_ids(pools: Mapping[str, Iterable]) -> list[str]:
    """Ids of the started kernels in Voila's pools (notebook -> list of asyncio tasks)."""
    ids = []
    for tasks in pools.values():
        for task in tasks:
            if task.done() and not task.cancelled() and task.exception() is None:
                ids.append(task.result()["kernel_id"])
    return ids


def mark_active(kernels: Mapping[str, object], kernel_ids: Iterable[str], now: datetime) -> None:
    """Set ``last_activity`` of each of ``kernel_ids`` found in ``kernels`` to ``now``."""
    for kernel_id in kernel_ids:
        kernel = kernels.get(kernel_id)
        if kernel is not None:
            kernel.last_activity = now


class ClassroomKernelManager(AsyncMappingKernelManager):
    """Jupyter's kernel manager; a kernel's idle time starts when its page connects."""

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self._handed_out: dict[str, datetime] = {}  # kernel -> when the culler first saw it out of the pool
        self._connected: set[str] = set()  # kernels a page has been seen connected to

    def _waiting_for_a_page(self, pooled: set[str], now: datetime) -> set[str]:
        """Kernels handed out less than CONNECT_GRACE_S ago whose page has not connected yet."""
        alive = set(self._kernels)
        for kernel_id in alive - pooled:
            self._handed_out.setdefault(kernel_id, now)
            if self._kernel_connections.get(kernel_id, 0):
                self._connected.add(kernel_id)
        self._handed_out = {k: t for k, t in self._handed_out.items() if k in alive}
        self._connected &= alive
        return {
            k
            for k, t in self._handed_out.items()
            if k not in self._connected and (now - t).total_seconds() < CONNECT_GRACE_S
        }

    async def cull_kernels(self) -> None:
        now = utcnow()
        # _pools is VoilaKernelManager's (absent without a pool); it reads it too
        pooled = set(pooled_kernel_ids(getattr(self, "_pools", {})))
        mark_active(self._kernels, pooled | self._waiting_for_a_page(pooled, now), now)
        await super().cull_kernels()
