"""The classroom page's kernel manager: idle culling that spares a kernel just handed out.

Voila wraps the kernel manager class it is given in its pool of pre-started
kernels (``VoilaKernelManager``), which keeps the culler away from kernels
waiting in the pool.  But a waiting kernel's idle clock keeps running from
the moment it finished running the notebook, so a kernel that waited longer
than the idle timeout is culled at the culler's next pass after a page takes
it, if that page has not yet connected (a few seconds, more on a busy
machine): the student's panel never appears.

Here every pass first marks the kernels still in the pool as active, so a
kernel's idle time starts at most one culler interval before a page takes
it, and ``explorer.app`` keeps the interval at a third of the timeout.
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
    """Jupyter's kernel manager, with pooled kernels marked active at every culler pass."""

    async def cull_kernels(self) -> None:
        # _pools is VoilaKernelManager's (absent without a pool); it reads it too
        mark_active(self._kernels, pooled_kernel_ids(getattr(self, "_pools", {})), utcnow())
        await super().cull_kernels()
