"""Reshaping a network: other hidden layers, other biases, a dataset's input and output sizes.

Pure functions: a network (or a list of hidden-layer sizes) in, a new one
out; what is given is never changed.  Each refusal is an
:class:`~explorer.engine.validation.InputError` raised before anything is
built, naming the field the panel shows ("Hidden layers", "Biases").  The
session (:mod:`explorer.lesson.session`) calls these and keeps the result as
its state; the sentences that say what changed are written here, beside the
change they describe.

Hidden layers are counted from 1, as the panel shows them; ``hidden`` is the
sizes between the input and the output layer (possibly none).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from . import validation as v
from .datasets import Dataset, fit_sizes
from .formatting import count
from .functions import ACTIVATIONS, LOSSES
from .network import Network
from .presets import random_network, seed_network

#: The activation of a hidden layer that has no neighbour to copy it from.
DEFAULT_ACTIVATION = "sigmoid"
#: The loss that comes back when softmax outputs give way to another activation.
DEFAULT_LOSS = "squared"


def shape(sizes: Sequence[int]) -> str:
    """``(2, 3, 1)`` -> ``"2-3-1"``."""
    return "-".join(map(str, sizes))


def options_of(network: Network) -> dict:
    """Every option of ``network`` but the bias mode (which changes the parameters' shapes)."""
    o = network.options
    return dict(
        activations=o.activations,
        loss=o.loss,
        update_biases=o.update_biases,
        order=o.order,
        learning_rate=o.learning_rate,
        weight_decay=o.weight_decay,
        momentum=o.momentum,
    )


def with_bias_mode(network: Network, mode: str) -> Network:
    """``network`` with shared or per-neuron biases; going to shared takes each layer's mean."""
    if mode == network.bias_mode:
        return network.copy()
    if mode == "per-neuron":
        return network.with_options(bias_mode=mode)
    biases = [np.array([b.mean()]) for b in network.biases]
    o = network.options
    return Network(network.weights, biases, o.activations, o.loss, "shared", o.update_biases, o.learning_rate, o.order)


def with_activation(network: Network, layer: object, name: object) -> Network:
    """``network`` with layer ``layer`` (1 = the first after the inputs) using activation ``name``; weights kept.

    Softmax and its loss come as a pair: softmax on the outputs brings
    cross-entropy (cce) with it, and another output activation in place of
    softmax brings back squared error.  Softmax on a hidden layer is refused.
    """
    acts = list(network.activations)
    layer = v.parse_whole("Activation", layer, 1, len(acts), f"choose a layer from 1 to {len(acts)}")
    acts[layer - 1] = v.check_choice(f"Activation of layer {layer}", name, tuple(ACTIVATIONS))
    loss = network.loss
    if layer == len(acts):
        paired = ACTIVATIONS[acts[-1]].coupled_loss
        if paired is not None:
            loss = paired
        elif ACTIVATIONS[network.activations[-1]].coupled_loss is not None:
            loss = DEFAULT_LOSS
    return network.with_options(activations=tuple(acts), loss=loss)


def with_loss(network: Network, name: object) -> Network:
    """``network`` scored by loss ``name``, its output activation changed where the loss needs another.

    A loss that needs its own output activation (cce: softmax) brings it;
    leaving softmax's own loss for another brings back sigmoid outputs.  A
    loss that needs an output activation the network has not (bce without
    sigmoid outputs) is refused, with the reason, as before.
    """
    name = v.check_choice("Loss", name, tuple(LOSSES))
    acts = list(network.activations)
    wanted = LOSSES[name].output_activation
    if wanted is not None and ACTIVATIONS[wanted].coupled_loss == name:
        acts[-1] = wanted
    elif ACTIVATIONS[acts[-1]].coupled_loss not in (None, name):
        acts[-1] = DEFAULT_ACTIVATION
    return network.with_options(activations=tuple(acts), loss=name)


def said_pairing(old: Network, new: Network) -> str | None:
    """The sentence that says a change of activation or loss brought its partner, or None."""
    if old.loss != new.loss and old.activations[-1] != new.activations[-1]:
        return f"The output layer is now {new.activations[-1]}, scored by {new.loss}."
    return None


def with_options_of(parameters: Network, options: Network) -> Network:
    """The parameters of ``parameters`` under every option of ``options`` (its bias mode too)."""
    return with_bias_mode(parameters, options.bias_mode).with_options(**options_of(options))


def random_like(network: Network, sizes: Sequence[int], seed: int, **options: object) -> Network:
    """New random weights of ``sizes`` from ``seed``, with ``network``'s options (``options`` override).

    When the number of layers changes and no activations are given, every
    layer takes the output layer's activation.
    """
    settings = options_of(network)
    settings.update(options)
    if len(settings["activations"]) != len(sizes) - 1:  # type: ignore[arg-type]
        output = settings["activations"][-1]  # type: ignore[index]
        # a softmax output stays on the output layer; the hidden layers take sigmoid
        hidden = DEFAULT_ACTIVATION if ACTIVATIONS[output].coupled_loss else output
        settings["activations"] = (hidden,) * (len(sizes) - 2) + (output,)
    return random_network(sizes, seed=seed, bias_mode=network.bias_mode, **settings)


def check_hidden(network: Network, hidden: Sequence[object]) -> tuple[int, ...]:
    """The layer sizes with ``hidden`` between ``network``'s input and output layers, checked."""
    if isinstance(hidden, str):  # "23" would otherwise be read as two layers, 2 and 3
        raise v.InputError("Hidden layers", f"give a list of layer sizes, such as [3] (got {v.quote(hidden)})")
    hidden = v.as_list("Hidden layers", hidden)
    if len(hidden) > v.MAX_LAYERS - 2:
        raise v.InputError("Hidden layers", f"at most {v.MAX_LAYERS - 2} hidden layers")
    for n in hidden:
        # said plainly: check_sizes' message lists every rule at once
        if isinstance(n, (int, np.integer)) and not isinstance(n, bool) and n > v.MAX_NEURONS:
            raise v.InputError("Hidden layers", f"at most {v.MAX_NEURONS} neurons in a layer")
    return v.check_sizes((network.sizes[0], *hidden, network.sizes[-1]), "Hidden layers")


def with_hidden(network: Network, hidden: Sequence[object], seed: int) -> Network:
    """``network`` with other hidden layers and new random weights from ``seed``.

    Hidden layer l keeps its activation; a new one copies the last hidden
    layer's (sigmoid if there was none).  The output layer keeps its own.
    """
    sizes = check_hidden(network, hidden)
    acts = network.activations[:-1]
    fallback = acts[-1] if acts else DEFAULT_ACTIVATION
    hidden_acts = [acts[l] if l < len(acts) else fallback for l in range(len(sizes) - 2)]
    return random_like(network, sizes, seed, activations=(*hidden_acts, network.activations[-1]))


def said_hidden(old: Network, new: Network, seed: int) -> str:
    """What :func:`with_hidden` changed, in a sentence."""
    return f"The network is now {shape(new.sizes)} (was {shape(old.sizes)}), with new random weights (seed {seed})."


def said_bias_mode(mode: str) -> str:
    """What :func:`with_bias_mode` did to the biases, in a sentence."""
    if mode == "per-neuron":
        return "Each neuron now has its own bias, starting at its layer's shared value."
    return "Each layer now shares one bias: the mean of its neurons' biases."


# ------------------------------------------------------- hidden-layer edits
def _hidden_layer(hidden: Sequence[int], layer: object) -> tuple[list[int], int]:
    """The hidden sizes as a list, and hidden layer ``layer`` (from 1) as an index into it."""
    sizes = list(hidden)
    if not sizes:
        raise v.InputError("Hidden layer", "there is no hidden layer: add one first")
    k = v.parse_whole("Hidden layer", layer, 1, len(sizes), f"choose a hidden layer from 1 to {len(sizes)}")
    return sizes, k - 1


def add_neuron(hidden: Sequence[int], layer: object) -> list[int]:
    """One more neuron in hidden layer ``layer`` (from 1); the limit is checked by :func:`check_hidden`."""
    sizes, k = _hidden_layer(hidden, layer)
    sizes[k] += 1
    return sizes


def remove_neuron(hidden: Sequence[int], layer: object) -> list[int]:
    """One neuron fewer in hidden layer ``layer``; its last neuron removes the layer."""
    sizes, k = _hidden_layer(hidden, layer)
    sizes[k] -= 1
    return [n for n in sizes if n]


def add_layer(hidden: Sequence[int]) -> list[int]:
    """A new hidden layer before the outputs, as wide as the last hidden layer (or 2)."""
    return [*hidden, hidden[-1] if hidden else 2]


def remove_layer(hidden: Sequence[int]) -> list[int]:
    """Without the last hidden layer."""
    if not hidden:
        raise v.InputError("Hidden layers", "there is no hidden layer to remove")
    return list(hidden[:-1])


# ------------------------------------------------------------------ datasets
def fit_to_data(network: Network, data: Dataset, seed: int) -> tuple[Network, str]:
    """A network for ``data``, and what changed, in sentences.

    The input and output layers take ``data``'s sizes; the hidden layers
    stay.  The seed's dataset on a 2-2-2 network brings back the seed's
    weights; other new sizes get random weights from ``seed``; the same
    sizes keep the weights.  Refused (an InputError) when the network's loss
    cannot take ``data``'s targets.
    """
    sizes = fit_sizes(data, network.sizes)
    if data.name == "seed" and sizes == (2, 2, 2):
        fitted = with_bias_mode(seed_network(**options_of(network)), network.bias_mode)
        weights = "the worked example's weights"
    elif sizes != network.sizes:
        fitted, weights = random_like(network, sizes, seed), f"new random weights (seed {seed})"
    else:
        fitted, weights = network.copy(), "the same weights"
    fitted.check_data(data.inputs, data.targets)  # bce refuses targets outside [0, 1]
    return fitted, _said_dataset(data, network, fitted, weights)


def _said_dataset(data: Dataset, old: Network, new: Network, weights: str) -> str:
    text = (
        f"Dataset {data.name}: {count(data.examples, 'example')}, {count(data.n_inputs, 'input')}, "
        f"{count(data.n_outputs, 'target')}."
    )
    pairs = (("input", old.sizes[0], new.sizes[0]), ("output", old.sizes[-1], new.sizes[-1]))
    changes = [f"{what} layer {a} -> {b} neurons" for what, a, b in pairs if a != b]
    if changes:
        text += f" Changed: {', '.join(changes)}; the network is {shape(new.sizes)}"
    else:
        text += f" The network stays {shape(new.sizes)}"
    return text + f", with {weights}."
