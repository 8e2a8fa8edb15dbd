"""The walkthrough's blocks: planned lengths, steps worked out on demand, values without the steps.

The reference is the plain reading of the steps: ``{s.key: s.value for s in
steps[:count]}`` for the values the diagram shows, and the steps themselves
for how many there are and where each phase starts.
"""

from __future__ import annotations

import pytest

from explorer.engine.presets import random_data, random_network
from explorer.engine.validation import MAX_LAYERS, MAX_NEURONS
from explorer.lesson.walkthrough import PHASES, walkthrough

from .problems import OPTIONS

CASES = [
    (sizes, mode, bias_mode, update_biases, order)
    for sizes in [(2, 2, 2), (3, 4, 2, 3), (1, 1), (2, 3, 3, 3, 1)]
    for mode in ("online", "batch")
    for bias_mode, update_biases, order in OPTIONS
    if not (mode == "batch" and order == "seed")
]
# softmax outputs (their Jacobian's steps), under and without a hidden layer, and deeper
CASES += [
    (sizes, mode, bias_mode, True, "textbook", "softmax")
    for sizes in [(2, 3, 3), (3, 3), (2, 3, 2, 4)]
    for mode in ("online", "batch")
    for bias_mode in ("shared", "per-neuron")
]


def a_walk(sizes, mode, bias_mode, update_biases, order, output="sigmoid", examples=3):
    softmax = dict(
        activations=["sigmoid"] * (len(sizes) - 2) + [output], loss="cce" if output == "softmax" else "squared"
    )
    net = random_network(sizes, seed=4, bias_mode=bias_mode, update_biases=update_biases, order=order, **softmax)
    x, t = random_data(net, examples, seed=4)
    return walkthrough(net, x, t, 1, mode)


@pytest.mark.parametrize("case", CASES)
def test_length_and_phases_are_known_before_any_step_is_worked_out(case):
    walk = a_walk(*case)
    planned = (len(walk), {p: walk.phase_start(p) for p in PHASES})
    assert "0 of" in repr(walk.steps)  # nothing built yet
    steps = list(walk.steps)
    assert planned == (
        len(steps),
        {p: next((i for i, s in enumerate(steps) if s.phase == p), len(steps)) for p in PHASES},
    )


@pytest.mark.parametrize("case", CASES)
def test_the_values_of_the_steps_done_are_the_steps_own(case):
    walk = a_walk(*case)
    steps = list(a_walk(*case).steps)  # another walkthrough: this one's blocks stay unbuilt
    counts = list(range(len(steps) + 1))
    # forward through every count, then back and forth, as Next and Previous step go
    for count in counts + counts[::-7] + counts[::3]:
        values, updated = walk.done_values(count)
        done = steps[:count]
        assert values == {s.key: s.value for s in done}
        assert updated == {s.parameter: s.value for s in done if s.quantity == "update"}


def test_the_largest_network_works_out_only_the_block_of_the_step_shown():
    net = random_network((MAX_NEURONS,) * MAX_LAYERS, seed=0)
    x, t = random_data(net, 64, seed=0)
    walk = walkthrough(net, x, t, 0, "batch")
    middle = len(walk) // 2
    assert walk.steps[middle].phase == "backward"
    walk.done_values(middle)
    walk.done_values(len(walk))  # every value, none of the other formulas
    assert len(walk) > 80_000 and f"1 of {len(walk.steps._blocks):,} blocks" in repr(walk.steps)
