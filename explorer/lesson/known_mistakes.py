"""Every mistake the quiz recognises, by key, and the record of one made at one step.

The keys are what the rules of :mod:`.rerun_mistakes` and :mod:`.factor_mistakes`
yield; the names are what the quiz says.
"""

from __future__ import annotations

from dataclasses import dataclass

#: Every mistake recognised, by key: its name as the quiz says it.
MISTAKES = {
    "sign": "the sign flipped",
    "factor": "a factor of the chain rule left out",
    "net_for_out": "net used where out belongs",
    "out_for_net": "out used where net belongs",
    "slope_as_out": "the sigmoid's slope taken as out",
    "updated_for_old": "the already-updated weight used where the old one belongs",
    "old_for_updated": "the old weight used where the already-updated one belongs",
    "one_path": "one path only",
    "bias": "the bias left out",
    "half": "the 1/2 of the squared error dropped",
    "eta": "the learning rate left out",
    "independent": "out(1 - out) used as if each softmax output were independent",
    "cross_terms": "the cross terms of the softmax's Jacobian dropped",
    "log_sign": "the sign of the log flipped",
}


@dataclass(frozen=True)
class Mistake:
    """What one slip gives for a step: ``key`` (of :data:`MISTAKES`), the value, one sentence."""

    key: str
    value: float
    explanation: str

    @property
    def name(self) -> str:
        return MISTAKES[self.key]
