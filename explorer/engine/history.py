"""Every iteration of a run within reach: parameter checkpoints, and recomputation between them.

Keeping every parameter of every iteration would cost ``8 * P`` bytes per
iteration (P parameters): 1 GB for a million iterations of the largest
network the panel allows (6 layers of 16, 1,360 parameters).  A
:class:`History` keeps the parameters every ``every`` iterations instead, in
one growing array per *segment*, and works out any iteration in between by
training from the checkpoint before it (at most ``every - 1`` iterations).
When the checkpoints outgrow :data:`BUDGET_BYTES`, the densest segment drops
every other row and doubles its spacing, so memory stays bounded however
long the run.

Under momentum a checkpoint holds the velocities too (``2P`` floats): the
iterations after it depend on them as much as on the weights.

A segment starts wherever the run was changed by hand (a weight typed in, a
new learning rate, other inputs, online or batch): the iterations before an
edit are worked out with the network, data and mode they had then.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from .network import Network
from .training import Checkpoints, train_checked

#: Checkpoint spacing of a new segment: at most 49 iterations to recompute.
EVERY = 50
#: The checkpoints of all segments together stay below this.
BUDGET_BYTES = 24 * 2**20


def parameters_of(network: Network) -> np.ndarray:
    """All weights, then all biases (then, under momentum, their velocities): shape (P,) or (2P,)."""
    return network.flat_state()


def with_parameters(base: Network, flat: np.ndarray) -> Network:
    """A copy of ``base`` (shape, options) with the state of ``flat`` (from :func:`parameters_of`)."""
    return base.with_state(flat)


@dataclass
class _Segment:
    """Checkpoints of one stretch of the run with unchanged options and data.

    Row ``r`` of ``rows`` holds the parameters after ``start + r * every``
    iterations; ``count`` rows are in use (the array grows by doubling).
    ``mode`` is how the iterations between checkpoints are trained.
    """

    start: int
    base: Network
    inputs: np.ndarray
    targets: np.ndarray
    every: int
    rows: np.ndarray = field(repr=False)
    count: int = 1
    mode: str = "online"

    @classmethod
    def starting(
        cls, iteration: int, network: Network, inputs: np.ndarray, targets: np.ndarray, mode: str = "online"
    ) -> _Segment:
        flat = parameters_of(network)
        rows = np.empty((16, flat.size))
        rows[0] = flat
        return cls(iteration, network.copy(), inputs, targets, EVERY, rows, mode=mode)

    @property
    def last(self) -> int:
        """The iteration of the last checkpoint."""
        return self.start + (self.count - 1) * self.every

    @property
    def nbytes(self) -> int:
        return self.count * self.rows.shape[1] * 8

    def append(self, flat: Sequence[float], most: int) -> None:
        """Add a checkpoint (flat parameters); the array grows by doubling, to no more than ``most`` rows."""
        if self.count == len(self.rows):
            grown = np.empty((max(self.count + 1, min(2 * len(self.rows), most)), self.rows.shape[1]))
            grown[: self.count] = self.rows[: self.count]
            self.rows = grown
        self.rows[self.count] = flat
        self.count += 1

    def keep_until(self, iteration: int) -> None:
        """Drop the checkpoints after ``iteration``."""
        self.count = min(self.count, (iteration - self.start) // self.every + 1)

    def thin(self) -> None:
        """Every other checkpoint, twice as far apart."""
        kept = self.rows[: self.count : 2].copy()
        self.rows, self.count, self.every = kept, len(kept), 2 * self.every


class History:
    """The parameters after any iteration of a run, from checkpoints.

    Parameters
    ----------
    network : Network
        The parameters at iteration ``start``.
    inputs, targets : arrays of shape (m, n_0) and (m, n_L)
        The examples the run trains on.
    budget_bytes : int
        Largest memory for the checkpoints.
    start : int
        The first iteration within reach (a run reopened from a file begins
        where the file left it: the parameters before are not in it).
    mode : {"online", "batch"}
        One update per example, or one per pass (the mean gradient).
    """

    def __init__(
        self,
        network: Network,
        inputs: np.ndarray,
        targets: np.ndarray,
        budget_bytes: int = BUDGET_BYTES,
        start: int = 0,
        mode: str = "online",
    ):
        self.budget_bytes = budget_bytes
        self.segments = [_Segment.starting(start, network, inputs, targets, mode)]

    @property
    def first(self) -> int:
        """The earliest iteration whose parameters can be worked out."""
        return self.segments[0].start

    @property
    def nbytes(self) -> int:
        """Memory held by the checkpoints' parameters."""
        return sum(s.nbytes for s in self.segments)

    def next_due(self) -> int:
        """The iteration at which the next checkpoint is to be recorded."""
        return self.segments[-1].last + self.segments[-1].every

    def record(self, iteration: int, network: Network) -> None:
        """Note the parameters after ``iteration`` iterations, if a checkpoint is due there."""
        self.record_parameters(iteration, network.flat_state())

    def record_parameters(self, iteration: int, flat: Sequence[float]) -> None:
        """:meth:`record` for parameters already flat (P floats, in the order of :func:`parameters_of`)."""
        if iteration == self.next_due():
            row_bytes = 8 * self.segments[-1].rows.shape[1]
            self.segments[-1].append(flat, most=self.budget_bytes // row_bytes + 1)
            while self.nbytes > self.budget_bytes and max(s.count for s in self.segments) > 2:
                max(self.segments, key=lambda s: s.count).thin()

    def train(
        self, network: Network, start: int, iterations: int, inputs: np.ndarray, targets: np.ndarray, mode: str
    ) -> tuple[Network, np.ndarray, int | None]:
        """Train ``network`` (the parameters after ``start``) on, recording each checkpoint due on the way.

        One training run, which hands over the parameters wherever a
        checkpoint is due; it stops where E_total stops being finite, as
        :func:`~explorer.engine.training.train` does.  ``inputs`` and
        ``targets`` are checked already (the session checks examples once,
        when they come in).

        Returns
        -------
        network : the parameters after the last iteration done
        errors : shape (k,), E_total after iterations ``start + 1`` to ``start + k``
        diverged_at : the iteration at which the run stopped on a non-finite
            E_total (``start + k``), or None
        """
        if iterations == 0:
            return network, np.empty(0), None

        def keep(i: int, flat: Sequence[float]) -> int:
            self.record_parameters(start + i, flat)
            return self.next_due() - start

        checkpoints = Checkpoints(self.next_due() - start, keep)
        result = train_checked(network, inputs, targets, iterations, mode, checkpoints=checkpoints)
        diverged = None if result.diverged_at is None else start + result.diverged_at
        return result.network, result.errors[1:], diverged

    def edit(
        self, iteration: int, network: Network, inputs: np.ndarray, targets: np.ndarray, mode: str = "online"
    ) -> None:
        """The run goes on from ``iteration`` with a changed network, data or mode; later records go."""
        self.truncate(iteration)
        if self.segments[-1].start == iteration:
            self.segments.pop()
        self.segments.append(_Segment.starting(iteration, network, inputs, targets, mode))

    def truncate(self, iteration: int) -> None:
        """Forget everything recorded after ``iteration``."""
        while len(self.segments) > 1 and self.segments[-1].start > iteration:
            self.segments.pop()
        self.segments[-1].keep_until(iteration)

    def network_at(self, iteration: int) -> Network:
        """The network after ``iteration`` iterations: a checkpoint, trained on to there.

        ``iteration`` must lie between 0 and the last iteration recorded or
        recomputable (the caller knows how far the run went).
        """
        if iteration < self.first:
            raise ValueError(f"iteration must be >= {self.first}, got {iteration}")
        segment = next(s for s in reversed(self.segments) if s.start <= iteration)
        row = min((iteration - segment.start) // segment.every, segment.count - 1)
        network = with_parameters(segment.base, segment.rows[row])
        missing = iteration - (segment.start + row * segment.every)
        if missing:
            network = train_checked(network, segment.inputs, segment.targets, missing, segment.mode).network
        return network
