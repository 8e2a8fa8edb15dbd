"""Ready-made networks: the seed's example, and reproducible random ones."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from . import validation as v
from .network import Network

#: The seed's training example: inputs i1, i2 and targets for o1, o2.
SEED_INPUTS = (0.05, 0.10)
SEED_TARGETS = (0.01, 0.99)


def seed_network(**options: object) -> Network:
    """The seed's 2-2-2 network: w1..w8 = .15 .20 .25 .30 .40 .45 .50 .55, b1 = .35, b2 = .60.

    Keyword options (``order``, ``learning_rate``, ``update_biases``, ...) are
    passed to :class:`~explorer.engine.network.Network`; the defaults are the seed's.
    """
    settings: dict = dict(activations="sigmoid", loss="squared", learning_rate=0.5)
    settings.update(options)
    return Network(
        weights=[[[0.15, 0.20], [0.25, 0.30]], [[0.40, 0.45], [0.50, 0.55]]], biases=[0.35, 0.60], **settings
    )


def problem(
    network: Network | None = None, inputs: object = None, targets: object = None
) -> tuple[Network, np.ndarray, np.ndarray]:
    """A network and its examples, checked: the seed's network and example unless a network is given.

    A given network needs its inputs and targets; without one, the seed's
    network takes the inputs and targets given, or the seed's.  Returns the
    network as given (not a copy) and the examples as arrays of shape (m, n_0)
    and (m, n_L).
    """
    if network is not None and not isinstance(network, Network):
        raise v.InputError("network", f"give a Network, such as seed_network() (got {v.quote(network)})")
    if network is None:
        network = seed_network()
        inputs = SEED_INPUTS if inputs is None else inputs
        targets = SEED_TARGETS if targets is None else targets
    elif inputs is None or targets is None:
        raise v.InputError("inputs", "give the inputs and targets for your network")
    return (network, *network.check_data(inputs, targets))


def random_network(sizes: Sequence[int], seed: int = 0, bias_mode: str = "shared", **options: object) -> Network:
    """A network of the given layer sizes with reproducible random parameters.

    Weights are drawn from N(0, 1/n_in) (so nets stay in the sigmoid's
    useful range), biases from N(0, 0.25); the same ``seed`` always gives the
    same network.
    """
    sizes = v.check_sizes(sizes)
    rng = np.random.default_rng(v.parse_whole("seed", seed, 0, v.MAX_SEED))
    weights = [rng.normal(0.0, 1.0 / np.sqrt(n_in), size=(n_out, n_in)) for n_in, n_out in zip(sizes[:-1], sizes[1:])]
    biases = [rng.normal(0.0, 0.5, size=1 if bias_mode == "shared" else n_out) for n_out in sizes[1:]]
    return Network(weights, biases, bias_mode=bias_mode, **options)


def random_data(network: Network, examples: int = 1, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """Reproducible inputs in [-1, 1] and targets in [0.05, 0.95] for ``network``.

    Under categorical cross-entropy each example's targets are scaled to add
    up to 1, as that loss requires.
    """
    examples = v.parse_whole("examples", examples, 1, 10_000)
    rng = np.random.default_rng(v.parse_whole("seed", seed, 0, v.MAX_SEED) + 1)
    inputs = rng.uniform(-1.0, 1.0, size=(examples, network.sizes[0]))
    targets = rng.uniform(0.05, 0.95, size=(examples, network.sizes[-1]))
    if network.loss == "cce":
        targets = targets / targets.sum(axis=1, keepdims=True)
    return inputs, targets
