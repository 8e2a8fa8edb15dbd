"""E_total after 0, 1, 2, ... iterations of a run: the curve the panel draws.

A run of millions of iterations appends a chunk of errors at a time, so the
values live in one array that grows by doubling (amortised O(1) per value)
rather than a list of floats or a new array per chunk.  Readers get a
read-only view, so a plot or a saved file can never change the run.
"""

from __future__ import annotations

import numpy as np


class ErrorHistory:
    """E_total after 0, 1, 2, ... iterations, in a buffer that grows by doubling.

    Parameters
    ----------
    first : float
        E_total of the starting network (iteration 0); a history is never empty.
    """

    def __init__(self, first: float):
        self._data = np.empty(1024)
        self._data[0] = first
        self._size = 1

    @classmethod
    def from_values(cls, values: np.ndarray) -> ErrorHistory:
        """A history holding ``values`` (shape (n,), n >= 1), copied."""
        history = cls(values[0])
        history.extend(values[1:])
        return history

    def extend(self, values: np.ndarray) -> None:
        """Append the errors of the iterations that followed, shape (n,)."""
        values = np.asarray(values, dtype=float)
        needed = self._size + len(values)
        if needed > len(self._data):
            grown = np.empty(max(needed, 2 * len(self._data)))
            grown[: self._size] = self._data[: self._size]
            self._data = grown
        self._data[self._size : needed] = values
        self._size = needed

    @property
    def values(self) -> np.ndarray:
        """A read-only view of the recorded errors, shape (len(self),)."""
        view = self._data[: self._size]
        view.flags.writeable = False
        return view

    def __len__(self) -> int:
        return self._size

    def truncate(self, size: int) -> None:
        """Keep the first ``size`` errors (a run resumed from an earlier iteration)."""
        self._size = max(1, min(self._size, size))

    def first_not_finite(self, default: int | None = None) -> int | None:
        """The first iteration whose error is inf or nan; ``default`` if every one is finite."""
        finite = np.isfinite(self.values)
        return default if finite.all() else int(np.argmin(finite))

    def __repr__(self) -> str:
        return f"ErrorHistory({self._size} values, last {self._data[self._size - 1]:g})"
