"""The learning-rate sweep: one copy of a network per rate, trained at once, and what each rate did.

Every rate falls in one of four regimes, read off its own error curve
(recorded every few iterations) against where every copy started, E0:

==========  ===============================================================
diverging   the error ends above E0, or stops being a finite number
too large   the error climbed above E0 on the way, then settled below it
good        never above E0, and at the end at least ``GOOD_SHARE`` of the
            way (on a log scale) from E0 down to the best final error of
            the rates that never climbed
too small   never above E0, but short of that: too slow (or, above the
            best rate, stuck: counted as too large)
==========  ===============================================================

The training is :func:`~explorer.engine.training.train_many`'s; nothing here
trains on its own, so every figure is the engine's.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from . import validation as v
from .network import Network
from .training import SweepResult, train_many
from .validation import check_iterations

REGIMES = ("too small", "good", "too large", "diverging")
#: "good" means getting this share of the way (log scale) from E0 to the best final error.
GOOD_SHARE = 0.9
#: How many rates a sweep may train (the panel's plot stays readable up to here).
RATE_COUNT_LIMITS = (2, 400)


def rates(
    count: int = 100, low: float = v.LEARNING_RATE_RANGE[0], high: float = v.LEARNING_RATE_RANGE[1]
) -> np.ndarray:
    """``count`` learning rates from ``low`` to ``high``, evenly spaced on a log scale, shape (count,)."""
    lo, hi = RATE_COUNT_LIMITS
    if isinstance(count, bool) or not isinstance(count, (int, np.integer)) or not lo <= count <= hi:
        raise v.InputError("Rates", f"choose a whole number of rates from {lo} to {hi} (got {count!r})")
    low, high = v.parse_learning_rate(low, "lowest rate"), v.parse_learning_rate(high, "highest rate")
    if not low < high:
        raise v.InputError("lowest rate", f"must be below the highest rate ({low:g} >= {high:g})")
    return np.logspace(np.log10(low), np.log10(high), count)


@dataclass(frozen=True)
class Sweep:
    """What a sweep found: final errors and regimes, one per rate.

    ``rates``, ``final`` and ``regimes`` have shape (K,); ``curves`` is
    ``train_many``'s (errors of shape (K, points)).
    """

    rates: np.ndarray
    final: np.ndarray
    regimes: np.ndarray
    start: float
    iterations: int
    curves: SweepResult

    def of(self, regime: str) -> np.ndarray:
        """The rates in ``regime``, shape (k,)."""
        return self.rates[self.regimes == v.check_choice("regime", regime, REGIMES)]

    @property
    def best(self) -> float:
        """The rate with the lowest final error (the first of equals)."""
        final = np.where(np.isfinite(self.final), self.final, np.inf)
        return float(self.rates[int(np.argmin(final))])

    def regime_of(self, rate: float) -> str:
        """The regime of the swept rate nearest ``rate`` on a log scale."""
        return str(self.regimes[int(np.argmin(np.abs(np.log(self.rates) - np.log(rate))))])

    def summary(self) -> list[str]:
        """One line per regime that occurs: its range of rates."""
        lines = []
        for name in REGIMES:
            chosen = self.of(name)
            if len(chosen):
                lines.append(
                    f"{name}: {len(chosen)} rate{'s' * (len(chosen) != 1)}, "
                    f"eta {chosen.min():.3g} to {chosen.max():.3g}"
                )
        return lines


def classify(errors: np.ndarray, learning_rates: np.ndarray) -> np.ndarray:
    """The regime of each rate from its recorded errors, ``errors`` of shape (K, points)."""
    errors = np.asarray(errors, dtype=float)
    start, final = errors[:, 0], errors[:, -1]
    settled = final < start  # False for inf and nan
    with np.errstate(invalid="ignore"):
        climbed = ~(np.nanmax(np.where(np.isfinite(errors), errors, np.inf), axis=1) <= start)
    calm = settled & ~climbed
    regimes = np.full(len(final), "diverging", dtype=object)
    regimes[settled & climbed] = "too large"
    if calm.any():
        best_index = int(np.flatnonzero(calm)[np.argmin(final[calm])])
        best = max(final[best_index], 1e-300)
        # log(final) at most (1 - GOOD_SHARE) of the way back up from log(best) to log(E0)
        good = np.log(np.maximum(final, 1e-300)) <= np.log(best) + (1 - GOOD_SHARE) * np.log(start / best)
        regimes[calm & good] = "good"
        slow = calm & ~good
        regimes[slow & (learning_rates < learning_rates[best_index])] = "too small"
        regimes[slow & (learning_rates > learning_rates[best_index])] = "too large"
    return regimes.astype(str)


def sweep(
    network: Network,
    inputs: object,
    targets: object,
    learning_rates: object,
    iterations: int = 1000,
    mode: str = "online",
    record_every: int | None = None,
) -> Sweep:
    """Train one copy of ``network`` per rate for ``iterations`` and classify each rate.

    Parameters
    ----------
    inputs, targets : arrays of shape (m, n_0) and (m, n_L)
    learning_rates : K rates (see :func:`rates`)
    mode : ``"online"`` or ``"batch"``, as :func:`~explorer.engine.training.train`
    record_every : iterations between recorded errors (default: about 100 points a curve)
    """
    iterations = check_iterations(iterations)
    every = record_every or max(1, iterations // 100)
    result = train_many(network, inputs, targets, learning_rates, iterations, every, mode)
    return Sweep(
        result.learning_rates,
        result.errors[:, -1],
        classify(result.errors, result.learning_rates),
        float(result.errors[0, 0]),
        iterations,
        result,
    )
