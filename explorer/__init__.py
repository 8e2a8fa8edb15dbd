"""Backprop Explorer: step through backpropagation one derivative at a time.

    >>> from explorer import Explorer
    >>> Explorer()          # the seed's 2-2-2 example, as a widget panel

The engine (``Network``, ``walkthrough``, ``train``) needs only numpy; the
panel's widget libraries are imported on first use of ``Explorer``.
"""

from explorer.engine.network import Network
from explorer.engine.presets import SEED_INPUTS, SEED_TARGETS, random_network, seed_network
from explorer.engine.training import train, train_many
from explorer.lesson.walkthrough import walkthrough

__all__ = [
    "Explorer",
    "Network",
    "SEED_INPUTS",
    "SEED_TARGETS",
    "random_network",
    "seed_network",
    "train",
    "train_many",
    "walkthrough",
]
__version__ = "0.1.0"


def __getattr__(name: str):
    if name == "Explorer":  # keeps `python -m explorer` and the engine free of ipywidgets
        from explorer.panel.explorer import Explorer

        return Explorer
    raise AttributeError(f"module 'explorer' has no attribute {name!r}")
