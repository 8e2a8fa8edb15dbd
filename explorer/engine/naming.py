"""Names of neurons, weights and biases: the seed's, extended systematically.

The seed's 2-2-2 network names its neurons i1 i2 (inputs), h1 h2 (hidden),
o1 o2 (outputs), its weights w1..w8 and its two shared biases b1 b2.  The same
rules name every other shape:

* inputs ``i1..``, outputs ``o1..``; with one hidden layer its neurons are
  ``h1..``; with several, hidden layer ``L`` has ``hL_1, hL_2, ...``.
* weights are numbered ``w1, w2, ...`` layer by layer, then by receiving
  neuron, then by sending neuron: w1 is i1->h1, w2 is i2->h1, w3 is i1->h2.
* a bias shared by a layer is ``bL`` for the L-th layer after the input
  (b1 for the hidden layer, b2 for the outputs); a per-neuron bias is
  ``b_`` followed by its neuron's name (``b_h1``, ``b_o2``).

In the vectorised engine the same quantities are ``W[l][k, j]`` (weight from
neuron j of layer l to neuron k of layer l+1) and ``b[l]``.
"""

from __future__ import annotations

from functools import lru_cache
from typing import NamedTuple


class Names(NamedTuple):
    #: neurons[l][j]: name of neuron j in layer l (layer 0 = inputs)
    neurons: tuple[tuple[str, ...], ...]
    #: weights[l][k][j]: name of the weight from neurons[l][j] to neurons[l+1][k]
    weights: tuple[tuple[tuple[str, ...], ...], ...]
    #: biases[l][k]: name of the bias parameter feeding neuron k of layer l+1
    #: (the same name for every k when the bias is shared)
    biases: tuple[tuple[str, ...], ...]
    #: bias_units[l]: name of the bias unit drawn for layer l+1 (b1, b2, ...)
    bias_units: tuple[str, ...]


@lru_cache(maxsize=64)
def names(sizes: tuple[int, ...], shared_bias: bool = True) -> Names:
    """All names for a network of the given layer sizes."""
    hidden = len(sizes) - 2
    neurons = []
    for layer, size in enumerate(sizes):
        if layer == 0:
            prefix = "i"
        elif layer == len(sizes) - 1:
            prefix = "o"
        elif hidden == 1:
            prefix = "h"
        else:
            prefix = f"h{layer}_"
        neurons.append(tuple(f"{prefix}{j + 1}" for j in range(size)))

    weights, counter = [], 0
    for layer in range(len(sizes) - 1):
        rows = []
        for _k in range(sizes[layer + 1]):
            rows.append(tuple(f"w{counter + j + 1}" for j in range(sizes[layer])))
            counter += sizes[layer]
        weights.append(tuple(rows))

    bias_units = tuple(f"b{layer + 1}" for layer in range(len(sizes) - 1))
    if shared_bias:
        biases = tuple((unit,) * sizes[layer + 1] for layer, unit in enumerate(bias_units))
    else:
        biases = tuple(tuple(f"b_{n}" for n in neurons[layer + 1]) for layer in range(len(sizes) - 1))
    return Names(tuple(neurons), tuple(weights), biases, bias_units)
