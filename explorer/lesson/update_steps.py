"""The update phase of the walkthrough: each new value, w5+ = w5 - eta * dE_total/dw5.

The values are the engine's :meth:`~explorer.engine.network.Network.update`
(the walkthrough's "after" network); the formulas show the gradient it used.
"""

from __future__ import annotations

from explorer.engine.formatting import number, tex_name, tex_number, tex_symbol, tex_term
from explorer.engine.network import Gradients

from .steps import Iteration


def update_steps(it: Iteration, g: Gradients) -> None:
    """Each parameter's new value, as Network.update left it in the "after" network."""
    for l in reversed(range(len(it.network.weights))):
        update_layer_steps(it, g, l)


def update_layer_steps(it: Iteration, g: Gradients, l: int) -> None:
    """The new weights into layer l + 1, then its new biases (when they are updated)."""
    network, nm, after = it.network, it.nm, it.after
    eta = network.learning_rate
    eta_tex = tex_number(eta)
    for k, row in enumerate(nm.weights[l]):
        for j, w in enumerate(row):
            old = network.weights[l][k, j]
            it.add(
                "update",
                "update",
                f"{w}+",
                after.weights[l][k, j],
                [
                    rf"{tex_name(w)} - \eta \cdot {tex_symbol(f'dE_total/d{w}')}",
                    rf"{tex_term(old)} - {eta_tex} \cdot {tex_term(g.weights[l][k, j])}",
                ],
                f"Step {w} against its gradient, scaled by the learning rate eta = {number(eta)}.",
                [w],
                parameter=w,
                layer=l + 1,
            )
    if network.update_biases:
        for k, bias in enumerate(dict.fromkeys(nm.biases[l])):
            old = network.biases[l][k]
            it.add(
                "update",
                "update",
                f"{bias}+",
                after.biases[l][k],
                [
                    rf"{tex_name(bias)} - \eta \cdot {tex_symbol(f'dE_total/d{bias}')}",
                    rf"{tex_term(old)} - {eta_tex} \cdot {tex_term(g.biases[l][k])}",
                ],
                f"Step the bias {bias} against its gradient.",
                [nm.bias_units[l], bias],
                parameter=bias,
                layer=l + 1,
            )
