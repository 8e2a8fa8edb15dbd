"""Shared fixtures: the seed's 2-2-2 example, written out here from the seed's text.

The numbers are typed in again rather than imported from ``explorer.engine.presets``,
so that a changed preset is caught by the tests instead of silently followed.
"""

from __future__ import annotations

import numpy as np
import pytest

from explorer.engine.network import Network

SEED_WEIGHTS = (
    [[0.15, 0.20], [0.25, 0.30]],  # w1 w2 -> h1, w3 w4 -> h2
    [[0.40, 0.45], [0.50, 0.55]],
)  # w5 w6 -> o1, w7 w8 -> o2
SEED_BIASES = (0.35, 0.60)  # b1, b2


def _read_only(values) -> np.ndarray:
    array = np.array(values, dtype=float)
    array.flags.writeable = False  # shared by every test: nothing may change it
    return array


@pytest.fixture(scope="session")
def seed_inputs() -> np.ndarray:
    """i1, i2."""
    return _read_only([0.05, 0.10])


@pytest.fixture(scope="session")
def seed_targets() -> np.ndarray:
    """Targets for o1, o2."""
    return _read_only([0.01, 0.99])


@pytest.fixture(scope="session")
def make_seed_network():
    """``make_seed_network(order="seed", ...)``: the seed's network with options."""

    def make(**options) -> Network:
        settings = dict(activations="sigmoid", loss="squared", learning_rate=0.5)
        settings.update(options)
        return Network([np.array(w) for w in SEED_WEIGHTS], list(SEED_BIASES), **settings)

    return make


@pytest.fixture
def seed_net(make_seed_network) -> Network:
    """The seed's network in textbook order."""
    return make_seed_network()


@pytest.fixture
def cli(capsys):
    """``cli("steps", "--lr", "0.1") -> (exit code, stdout, stderr)``, run in-process.

    argparse's own errors raise SystemExit; its code is returned like main's.
    """
    from explorer.serve.cli import main

    def run(*argv: str) -> tuple[int, str, str]:
        try:
            code = main(list(argv))
        except SystemExit as exit_:
            code = exit_.code
        out, err = capsys.readouterr()
        return code, out, err

    return run
