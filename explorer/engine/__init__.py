"""The engine: networks, their activations and losses, training, data and number parsing.

The lowest layer: it imports numpy and nothing else of the package's.
"""
