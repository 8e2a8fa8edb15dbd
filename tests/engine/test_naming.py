"""The seed's names (i1 i2, h1 h2, o1 o2, w1..w8, b1 b2), extended by the same rules to any shape."""

from __future__ import annotations

import itertools

import pytest

from explorer.engine.naming import names


def test_the_seeds_own_names():
    nm = names((2, 2, 2))
    assert nm.neurons == (("i1", "i2"), ("h1", "h2"), ("o1", "o2"))
    # w1 is i1 -> h1, w2 is i2 -> h1, w3 is i1 -> h2 ... w5 is h1 -> o1
    assert nm.weights == ((("w1", "w2"), ("w3", "w4")), (("w5", "w6"), ("w7", "w8")))
    assert nm.biases == (("b1", "b1"), ("b2", "b2"))  # one shared bias per layer
    assert nm.bias_units == ("b1", "b2")


def test_several_hidden_layers_and_a_bias_per_neuron():
    nm = names((2, 3, 2, 1), shared_bias=False)
    assert nm.neurons == (("i1", "i2"), ("h1_1", "h1_2", "h1_3"), ("h2_1", "h2_2"), ("o1",))
    assert nm.weights[1] == (("w7", "w8", "w9"), ("w10", "w11", "w12"))
    assert nm.weights[2] == (("w13", "w14"),)
    assert nm.biases == (("b_h1_1", "b_h1_2", "b_h1_3"), ("b_h2_1", "b_h2_2"), ("b_o1",))
    assert nm.bias_units == ("b1", "b2", "b3")


def test_no_hidden_layer():
    nm = names((3, 1))
    assert nm.neurons == (("i1", "i2", "i3"), ("o1",)) and nm.weights == ((("w1", "w2", "w3"),),)


@pytest.mark.parametrize("sizes", [(1, 1), (2, 2, 2), (4, 16, 1), (3, 5, 4, 2), (16, 16, 16, 16, 16, 16)])
@pytest.mark.parametrize("shared", [True, False])
def test_every_parameter_has_one_name_and_the_shapes_follow_the_sizes(sizes, shared):
    nm = names(sizes, shared)
    assert [len(layer) for layer in nm.neurons] == list(sizes)
    weights = [w for layer in nm.weights for row in layer for w in row]
    assert weights == [f"w{k}" for k in range(1, sum(a * b for a, b in itertools.pairwise(sizes)) + 1)]
    for l, layer in enumerate(nm.weights):
        assert len(layer) == sizes[l + 1] and all(len(row) == sizes[l] for row in layer)
    biases = [dict.fromkeys(layer) for layer in nm.biases]
    assert [len(b) for b in biases] == ([1] * (len(sizes) - 1) if shared else list(sizes[1:]))
    everything = weights + [b for layer in biases for b in layer] + [n for layer in nm.neurons for n in layer]
    assert len(set(everything)) == len(everything)


def test_names_are_cached_and_immutable():
    assert names((2, 2, 2)) is names((2, 2, 2))
    with pytest.raises(AttributeError):
        names((2, 2, 2)).neurons = ()  # type: ignore[misc]
