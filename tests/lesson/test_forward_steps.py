"""The forward and error phases: net then out, neuron by neuron; each output's error, then E_total."""

from __future__ import annotations

from explorer.lesson.walkthrough import walkthrough

from .problems import random_problem


def test_forward_steps_alternate_net_and_out_per_neuron(seed_net, seed_inputs, seed_targets):
    walk = walkthrough(seed_net, seed_inputs, seed_targets)
    forward = [s.symbol for s in walk.steps if s.phase == "forward"]
    assert forward == ["net_h1", "out_h1", "net_h2", "out_h2", "net_o1", "out_o1", "net_o2", "out_o2"]
    errors = [s.symbol for s in walk.steps if s.phase == "error"]
    assert errors == ["E_o1", "E_o2", "E_total"]


def test_forward_steps_alternate_in_deeper_networks():
    network, x, t = random_problem((2, 3, 2, 1), seed=0)
    forward = [s.symbol for s in walkthrough(network, x, t).steps if s.phase == "forward"]
    neurons = ["h1_1", "h1_2", "h1_3", "h2_1", "h2_2", "o1"]
    assert forward == [f"{q}_{n}" for n in neurons for q in ("net", "out")]


def test_net_h1_latex_substitutes_the_seeds_numbers(seed_net, seed_inputs, seed_targets):
    walk = walkthrough(seed_net, seed_inputs, seed_targets)
    step = walk.steps[0]
    assert step.symbol == "net_h1"
    assert r"0.15 \cdot 0.05 + 0.2 \cdot 0.1 + 0.35 \cdot 1 = 0.3775" in step.latex
