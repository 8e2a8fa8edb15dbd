"""The matrix form's records: refs match their steps, entries lead to them, results are found first."""

from __future__ import annotations

import numpy as np

from explorer.engine.presets import seed_network
from explorer.lesson.matrices import Entry, Line, Part, Ref, describe, find_entry, matrix, step_index
from explorer.lesson.walkthrough import walkthrough


def seed_walk():
    return walkthrough(seed_network(), [0.05, 0.10], [0.01, 0.99])


def test_a_ref_matches_its_steps_key_and_symbol():
    walk = seed_walk()
    w5 = next(s for s in walk.steps if s.symbol == "dE_total/dw5")
    assert Ref("gradient", "w5", "neuron", (1, 0)).matches(w5)
    assert Ref("gradient", "w5", "neuron", (1, 0), "dE_total/dw5").matches(w5)
    assert not Ref("gradient", "w5", "neuron", (1, 0), "dE_total/dw5 (mean of 4)").matches(w5)
    assert not Ref("gradient", "w6", "neuron", (1, 0)).matches(w5)


def test_an_entry_leads_to_its_step_building_only_its_block():
    walk = seed_walk()
    index = step_index(walk, Entry(0.082167041, (Ref("gradient", "w5", "neuron", (1, 0)),)))
    assert walk.steps[index].symbol == "dE_total/dw5"
    assert "1 of 10 blocks" in repr(walk.steps)
    assert step_index(walk, Entry(0.35)) is None
    assert step_index(walk, Entry(0.0, (Ref("gradient", "w5", "neuron", (0, 0)),))) is None  # not in that block


def test_describe_names_the_step_as_its_symbol_reads():
    assert describe(Ref("gradient", "w5", "neuron", (1, 0), "dE_total/dw5")) == "dE_total/dw5"
    assert describe(Ref("out", "h1", "forward", (0,))) == "out_h1"
    assert describe(Ref("update", "w5", "update", (1,))) == "w5+"
    assert describe(Ref("total_error", "", "error")) == "E_total"


def test_a_steps_entry_is_found_among_results_before_terms():
    net = Ref("net", "h1", "forward", (0,))
    operand = matrix("z", np.array([[0.3775]]), lambda r, c: (net,))
    result = matrix("a", np.array([[0.59]]), lambda r, c: (net,))
    part = Part("forward", 1, "Forward", (Line("a = f(z)", ("f", operand), result),))
    step = next(s for s in seed_walk().steps if s.symbol == "net_h1")
    assert find_entry(part, step) == (0, 1, 0, 0)
    assert part.lines[0].matrices == (operand, result) and result.shape == (1, 1)
    assert result.values().tolist() == [[0.59]]
