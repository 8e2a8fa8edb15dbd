"""The classroom page's kernel manager: idle culling that spares a kernel just handed out.

Voila wraps the kernel manager class it is given in its pool of pre-started
kernels (``VoilaKernelManager``), which keeps the culler away from kernels
waiting in the pool.  But a waiting kernel's idle clock keeps running from
the moment it finished running the notebook, and a page takes seconds to
connect to its kernel (a minute on a starved machine), counted as a
connection only once done.  So a kernel that waited longer than the idle
timeout was culled at the culler's next pass after a page took it: the
student's panel never appeared.

Here the idle clock of a pooled kernel starts when it leaves the pool: every
culler pass marks the kernels in the pool as active, and a kernel seen
outside the pool for the first time as active at that moment.  A page thus
has the whole idle timeout to connect to its kernel.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime

from jupyter_server._tz import utcnow
from jupyter_server.services.kernels.kernelmanager import AsyncMappingKernelManager


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
    """Jupyter's kernel manager; a kernel's idle time starts when it leaves Voila's pool."""

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self._outside_pool: set[str] = set()  # kernels the culler has seen outside the pool

    async def cull_kernels(self) -> None:
        # _pools is VoilaKernelManager's (absent without a pool); it reads it too
        pooled = set(pooled_kernel_ids(getattr(self, "_pools", {})))
        handed_out = set(self._kernels) - pooled - self._outside_pool
        mark_active(self._kernels, pooled | handed_out, utcnow())
        self._outside_pool = ((self._outside_pool - pooled) | handed_out) & set(self._kernels)
        await super().cull_kernels()
