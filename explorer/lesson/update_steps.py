"""The update phase of the walkthrough: each new value, w5+ = w5 - eta * dE_total/dw5.

The values are the engine's :meth:`~explorer.engine.network.Network.update`
(the walkthrough's "after" network); the formulas show the gradient it used,
and the update rule's extra terms when they are on::

    weight decay   w+ = w - eta (dE_total/dw + lambda w)          (weights only)
    momentum       v+ = mu v - eta dE_total/dw,   w+ = w + v+

With both at 0 the formula is the seed's, character for character.
"""

from __future__ import annotations

from explorer.engine.formatting import number, tex_name, tex_number, tex_symbol, tex_term
from explorer.engine.network import Gradients, Network

from .steps import Iteration


def update_steps(it: Iteration, g: Gradients) -> None:
    """Each parameter's new value, as Network.update left it in the "after" network."""
    for l in reversed(range(len(it.network.weights))):
        update_layer_steps(it, g, l)


def rule_formulas(
    network: Network, name: str, old: float, gradient: float, velocity: float, weight: bool = True
) -> list[str]:
    """The right-hand sides of ``name+ = ...``: the rule in symbols, then in numbers.

    ``velocity`` is the parameter's velocity before the update (used under
    momentum only); a weight is decayed, a bias (``weight=False``) is not.
    """
    o = network.options
    eta, lam, mu = tex_number(o.learning_rate), o.weight_decay if weight else 0.0, o.momentum
    symbol, g_tex = tex_name(name), tex_symbol(f"dE_total/d{name}")
    if lam:
        step_symbols = rf"\eta \left({g_tex} + \lambda {symbol}\right)"
        step_numbers = rf"{eta} \left({tex_term(gradient)} + {tex_number(lam)} \cdot {tex_term(old)}\right)"
    else:
        step_symbols, step_numbers = rf"\eta \cdot {g_tex}", rf"{eta} \cdot {tex_term(gradient)}"
    if not mu:
        return [f"{symbol} - {step_symbols}", f"{tex_term(old)} - {step_numbers}"]
    v = rf"v_{{{symbol}}}"
    return [
        rf"{symbol} + {v}^{{+}}",
        rf"{symbol} + \left(\mu {v} - {step_symbols}\right)",
        rf"{tex_term(old)} + \left({tex_number(mu)} \cdot {tex_term(velocity)} - {step_numbers}\right)",
    ]


def rule_meaning(network: Network, name: str, new_velocity: float, plain: str, weight: bool = True) -> str:
    """What the step says: ``plain`` for gradient descent, then each extra term of the rule."""
    o = network.options
    parts = [plain]
    if o.weight_decay and weight:
        parts.append(f"Weight decay lambda = {number(o.weight_decay)} adds lambda {name} to the gradient.")
    if o.momentum:
        parts.append(
            f"Momentum mu = {number(o.momentum)}: the velocity v_{name}+ = mu v_{name} - eta (gradient) "
            f"= {number(new_velocity)} carries on the steps before, and {name} moves by it."
        )
    return " ".join(parts)


def update_layer_steps(it: Iteration, g: Gradients, l: int) -> None:
    """The new weights into layer l + 1, then its new biases (when they are updated)."""
    network, nm, after = it.network, it.nm, it.after
    eta = network.learning_rate
    before, moved = network.velocities(), after.velocities()
    for k, row in enumerate(nm.weights[l]):
        for j, w in enumerate(row):
            it.add(
                "update",
                "update",
                f"{w}+",
                after.weights[l][k, j],
                rule_formulas(network, w, network.weights[l][k, j], g.weights[l][k, j], before.weights[l][k, j]),
                rule_meaning(
                    network,
                    w,
                    moved.weights[l][k, j],
                    f"Step {w} against its gradient, scaled by the learning rate eta = {number(eta)}.",
                ),
                [w],
                parameter=w,
                layer=l + 1,
            )
    if network.update_biases:
        for k, bias in enumerate(dict.fromkeys(nm.biases[l])):
            it.add(
                "update",
                "update",
                f"{bias}+",
                after.biases[l][k],
                rule_formulas(network, bias, network.biases[l][k], g.biases[l][k], before.biases[l][k], weight=False),
                rule_meaning(
                    network, bias, moved.biases[l][k], f"Step the bias {bias} against its gradient.", weight=False
                ),
                [nm.bias_units[l], bias],
                parameter=bias,
                layer=l + 1,
            )
