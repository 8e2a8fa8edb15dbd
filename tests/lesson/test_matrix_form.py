"""The matrix form: every entry is its scalar steps' value, and every step is an entry."""

from __future__ import annotations

import numpy as np
import pytest

from explorer.engine.datasets import dataset
from explorer.engine.functions import ACTIVATIONS
from explorer.engine.presets import random_data, random_network, seed_network
from explorer.lesson.matrix_form import Matrix, find_entry, matrix_form, part_for, step_index
from explorer.lesson.walkthrough import walkthrough

#: Steps that are a number of the vectorised algorithm (a path is a part of one: dE/dout's sum)
ENTRY_QUANTITIES = {
    "net", "out", "error", "total_error", "d_out", "slope", "input", "gradient",
    "delta", "weight_above", "update", "example_gradient",
}  # fmt: skip


def seed_walk(**options):
    network = seed_network()
    if options:
        network = network.with_options(**options)
    return walkthrough(network, [0.05, 0.10], [0.01, 0.99])


def xor_walk(mode="online", example=1, **options):
    network = random_network((2, 3, 1), seed=3, **options)
    data = dataset("xor")
    return walkthrough(network, data.inputs, data.targets, example=example, mode=mode)


def deep_walk(mode="online", **options):
    network = random_network((2, 3, 4, 2), seed=5, activations=["tanh", "relu", "sigmoid"], **options)
    x, t = random_data(network, 3, seed=5)
    return walkthrough(network, x, t, example=2, mode=mode)


def softmax_walk():
    network = random_network((2, 3, 3), seed=2, activations=["sigmoid", "softmax"], loss="cce")
    data = dataset("three-class")
    return walkthrough(network, data.inputs, data.targets, example=4)


def moving_seed_walk():
    """The seed's network one iteration into a run with weight decay and momentum: a velocity to carry on."""
    network = seed_network().with_options(weight_decay=0.01, momentum=0.9, update_biases=True)
    network.update(network.backward([0.05, 0.10], [0.01, 0.99]))
    return walkthrough(network, [0.05, 0.10], [0.01, 0.99])


WALKS = {
    "seed": lambda: (seed_walk(), None),
    "seed-decay-momentum": lambda: (moving_seed_walk(), None),
    "xor-batch-decay": lambda: (xor_walk("batch", 2, update_biases=True, weight_decay=0.05), 2),
    "xor-momentum": lambda: (xor_walk(update_biases=True, momentum=0.5), 1),
    "seed-updated-biases": lambda: (seed_walk(update_biases=True), None),
    "seed-order": lambda: (seed_walk(order="seed"), None),
    "xor-2-3-1": lambda: (xor_walk(), 1),
    "xor-batch": lambda: (xor_walk("batch", 2, update_biases=True), 2),
    "3-layers-per-neuron": lambda: (deep_walk(bias_mode="per-neuron", update_biases=True), 2),
    "3-layers-batch": lambda: (deep_walk("batch", bias_mode="per-neuron", update_biases=True), 2),
    "3-layers-batch-shared": lambda: (deep_walk("batch", update_biases=True), 2),
}


@pytest.fixture(params=list(WALKS), scope="module")
def case(request):
    walk, example = WALKS[request.param]()
    return walk, matrix_form(walk, example)


def test_every_entry_equals_the_steps_it_leads_to(case):
    walk, parts = case
    checked = 0
    for part in parts:
        for line in part.lines:
            for m in line.matrices:
                for row in m.entries:
                    for entry in row:
                        for ref in entry.refs:
                            index = walk.steps.find(ref.kind, ref.where, ref.matches)
                            assert index is not None, (part.title, m.symbol, ref)
                            if ref.same:
                                assert walk.steps[index].value == entry.value, (m.symbol, ref)
                            checked += 1
    assert checked > 20


def test_every_step_is_an_entry_of_its_phase_and_layer(case):
    walk, parts = case
    for step in walk.steps:
        part, position = part_for(parts, step)
        assert part.phase == step.phase
        if step.quantity not in ENTRY_QUANTITIES or (step.quantity, step.value) == ("input", 1.0):
            continue  # a bias's dnet/db = 1 is the 1 the vectors leave out
        assert position is not None, step.symbol
        line, slot, r, c = position
        entry = part.lines[line].matrices[slot].entries[r][c]
        ref = next(ref for ref in entry.refs if ref.matches(step))
        if ref.same:  # else the step is a part of the entry: one example's gradient of the mean
            assert entry.value == step.value, step.symbol
            assert walk.steps[step_index(walk, entry)].value == step.value
        else:
            assert step.quantity in ("path", "example_gradient")


def _product(line) -> np.ndarray:
    """A line's right side worked out again with numpy: the algebra each line writes."""
    terms, scale = list(line.terms), 1.0
    if str(terms[0]).startswith(r"\tfrac"):
        scale = 1.0 / float(terms.pop(0)[len(r"\tfrac{1}{") : -1])
    ms = [t.values() for t in terms if isinstance(t, Matrix)]
    ops = [t for t in terms if isinstance(t, str)]
    if r"\odot" in ops:
        return ms[0] * ms[1]
    if "-" in ops:
        return ms[0] - float(ops[1]) * ms[1]
    if "+" in ops:
        return ms[0] @ ms[1] + ms[2] @ np.ones((1, ms[1].shape[1]))
    result = ms[0] if len(ms) == 1 else ms[0] @ ms[1]
    if ops[:1] == [r"\mathbf{1}^\top"]:
        result = np.ones((1, result.shape[0])) @ result
    if ops[-1:] == [r"\mathbf{1}"]:
        result = result @ np.ones((result.shape[1], 1))
    return scale * result


def _rule(line) -> np.ndarray:
    """An update line worked out again: X - eta G, mu V - eta G or X + V+, G with lambda X added under decay."""
    t = list(line.terms)

    def gradient(rest):
        return rest[1].values() + float(rest[3]) * rest[4].values() if rest[0] == r"\left(" else rest[0].values()

    if len(t) == 3 and t[1] == "+":
        return t[0].values() + t[2].values()
    if isinstance(t[0], str):
        return float(t[0]) * t[1].values() - float(t[3]) * gradient(t[4:])
    return t[0].values() - float(t[2]) * gradient(t[3:])


def test_the_lines_are_the_vectorised_algorithm(case):
    """Each line's numbers obey its formula: z = W a + b, delta = d (.) f', dE/dW = delta a^T, W+ = W - eta G."""
    walk, parts = case
    for part in parts:
        for line in part.lines:
            if part.phase == "error" or r"\ell" in "".join(t for t in line.terms if isinstance(t, str)):
                continue
            if part.phase == "update":
                expected = _rule(line)
            elif line.terms[0] in (r"\sigma", r"\tanh") or str(line.terms[0]).startswith(r"\mathrm"):
                act = walk.network.activations[part.layer - 1]
                expected = ACTIVATIONS[act].f(line.terms[1].values())
            else:
                expected = _product(line)
            assert np.allclose(line.result.values(), expected, rtol=1e-12, atol=1e-15), (part.title, line.formula)


def test_the_seeds_output_gradient_is_the_2x2_matrix_of_the_worked_example():
    walk = seed_walk()
    parts = matrix_form(walk)
    backward = next(p for p in parts if p.phase == "backward" and p.layer == 2)
    gradient = next(line for line in backward.lines if line.formula.startswith(r"\frac{\partial E}{\partial W^{(2)}}"))
    expected = [[0.082167041, 0.082667628], [-0.022602540, -0.022740242]]
    assert np.allclose(gradient.result.values(), expected, rtol=0, atol=1e-9)
    step = walk.steps[walk.steps.find("neuron", (1, 0), lambda s: s.symbol == "dE_total/dw5")]
    part, position = part_for(parts, step)
    assert part is backward and position[2:] == (0, 0)
    update = next(p for p in parts if p.phase == "update" and p.layer == 2)
    assert update.lines[0].result.values()[0, 0] == pytest.approx(0.35891648, abs=1e-9)


def test_batch_mode_has_a_column_per_example_and_the_mean_gradient():
    walk, _ = WALKS["xor-batch"]()
    parts = matrix_form(walk, 2)
    forward = parts[0]
    assert forward.lines[0].result.shape == (3, 4)
    assert forward.lines[0].result.symbol == "Z^{(1)}"
    refs = [bool(e.refs) for e in forward.lines[0].result.entries[0]]
    assert refs == [False, False, True, False]  # the example shown carries the steps
    backward = next(p for p in parts if p.phase == "backward" and p.layer == 2)
    mean = backward.lines[3].result.values()
    assert mean == pytest.approx(walk.gradients.weights[1], abs=0)


def test_the_example_defaults_to_the_row_the_walkthrough_shows():
    walk, example = WALKS["xor-batch"]()
    assert matrix_form(walk) == matrix_form(walk, example)


def test_a_step_that_is_no_entry_shows_its_part_without_one():
    walk = seed_walk()
    parts = matrix_form(walk)
    path = next(s for s in walk.steps if s.quantity == "path")
    part, position = part_for(parts, path)
    assert part.phase == "backward" and part.layer == 1
    assert position is not None  # the path lights the dE/dout it is a part of
    assert part.lines[position[0]].matrices[position[1]].entries[position[2]][0].refs[0].quantity == "d_out"
    assert find_entry(parts[0], path) is None


@pytest.mark.parametrize("activation", ["sigmoid", "tanh", "relu", "softplus", "leaky_relu", "linear"])
@pytest.mark.parametrize("loss", ["squared", "mse", "bce"])
def test_every_activation_and_loss_keeps_entries_and_steps_equal(activation, loss):
    options = dict(bias_mode="per-neuron", update_biases=True, order="seed" if loss == "mse" else "textbook")
    acts = [activation, activation, "sigmoid" if loss == "bce" else activation]
    network = random_network((3, 4, 2, 3), seed=7, activations=acts, loss=loss, **options)
    x, t = random_data(network, 2, seed=7)
    walk = walkthrough(network, x, t, example=1)
    parts = matrix_form(walk)
    for step in walk.steps:
        part, position = part_for(parts, step)
        if step.quantity in ENTRY_QUANTITIES and (step.quantity, step.value) != ("input", 1.0):
            line, slot, r, c = position
            assert part.lines[line].matrices[slot].entries[r][c].value == step.value, step.symbol


def test_a_diverged_network_shows_its_inf_and_nan_quietly():
    network = seed_network()
    network.weights[1][:] = float("inf")  # as a run that diverged leaves them
    walk = walkthrough(network, [0.05, 0.10], [0.01, 0.99])
    parts = matrix_form(walk)
    values = np.concatenate([m.values().ravel() for p in parts for line in p.lines for m in line.matrices])
    assert not np.isfinite(values).all()


def test_a_softmax_output_is_left_to_the_steps_with_the_reason():
    """Softmax has no elementwise f'(z): the steps derive its delta, the matrix form says so."""
    from explorer.lesson.matrix_form import not_covered

    walk = softmax_walk()
    assert "out - target" in not_covered(walk.network) and "softmax" in not_covered(walk.network)
    assert not_covered(seed_network()) is None
