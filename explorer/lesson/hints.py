"""What a step's formula combines, by name: the hint for a student who is stuck."""

from __future__ import annotations

from explorer.engine.functions import ACTIVATIONS
from explorer.engine.network import Network

from .reruns import is_mean, neuron_of, position
from .steps import Step


def operands(step: Step, network: Network) -> list[str]:
    """The quantities ``step``'s formula combines, by name (for a hint): ``["w1", "i1", ...]``."""
    nm, q, l, n = network.names, step.quantity, step.layer, step.neuron
    L = len(network.weights)
    if ACTIVATIONS[network.activations[-1]].coupled_loss is not None:
        softmax = _softmax_operands(step, network)
        if softmax is not None:
            return softmax

    def value_name(layer: int, j: int) -> str:
        return nm.neurons[0][j] if layer == 0 else f"out_{nm.neurons[layer][j]}"

    if q == "net":
        k = nm.neurons[l].index(n)
        pairs = [(w, value_name(l - 1, j)) for j, w in enumerate(nm.weights[l - 1][k])]
        return [x for pair in pairs for x in pair] + [nm.biases[l - 1][k]]
    if q == "out":
        return [f"net_{n}"]
    if q == "error" or (q == "d_out" and l == L):
        return [f"target_{n}", f"out_{n}"]
    if q == "total_error":
        return [f"E_{o}" for o in nm.neurons[-1]]
    if q == "d_out":
        return [f"dE_{v}/dout_{n}" if l + 1 == L else f"dE_total/dout_{n} via {v}" for v in nm.neurons[l + 1]]
    if q == "slope":
        tex = ACTIVATIONS[network.activations[l - 1]].tex_slope
        return [f"{kind}_{n}" for kind in ("net", "out") if "{" + kind + "}" in tex]
    if q == "delta":
        return [f"dE_{n}/dout_{n}" if l == L else f"dE_total/dout_{n}", f"dout_{n}/dnet_{n}"]
    if q == "weight_above":
        w = nm.weights[l][nm.neurons[l + 1].index(step.via)][nm.neurons[l].index(n)]
        return [w + "+" if network.order == "seed" else w]
    if q == "path":
        v = step.via
        return [f"dE_{v}/dnet_{v}" if l + 1 == L else f"dE_total/dnet_{v}", f"dnet_{v}/dout_{n}"]
    kind, pl, _pk, pj = position(nm, step.parameter)
    if q == "input":
        return [value_name(pl, pj)] if kind == "w" else []
    if is_mean(step):
        m = int(step.symbol.rsplit("(mean of ", 1)[1].rstrip(")"))
        return [f"dE^({e})/d{step.parameter}" for e in range(1, m + 1)]
    if q == "example_gradient":
        n = neuron_of(network, step)
        neurons = (n,) if n else nm.neurons[l]
        return [f"dE/dnet_{x}" for x in neurons] + ([value_name(pl, pj)] if kind == "w" else [])
    if q == "gradient":
        neurons = (n,) if n else nm.neurons[l]
        return [f"{s}" for x in neurons for s in (f"dE_total/dout_{x}", f"dout_{x}/dnet_{x}")] + (
            [f"dnet_{n}/d{step.parameter}"] if kind == "w" else []
        )
    if q == "update":
        return [step.parameter, "eta", f"dE_total/d{step.parameter}"]
    return []


def _softmax_operands(step: Step, network: Network) -> list[str] | None:
    """The operands of a step a softmax output layer changes; None for the others."""
    nm, q, l, n = network.names, step.quantity, step.layer, step.neuron
    L, outputs = len(network.weights), network.names.neurons[-1]
    if l == L and q == "out":
        return [f"net_{o}" for o in outputs]
    if q == "cross_slope":
        return [f"out_{step.via}", f"out_{n}"]
    if l == L and q == "delta":
        return [f"dE_total/dout_{o}" for o in outputs] + [f"dout_{o}/dnet_{n}" for o in outputs]
    if l == L - 1 and q == "path":
        return [f"dE_total/dnet_{step.via}", f"dnet_{step.via}/dout_{n}"]
    if l == L - 1 and q == "d_out":
        return [f"dE_total/dout_{n} via {v}" for v in outputs]
    if l == L and q == "gradient" and not is_mean(step):
        kind, _pl, _pk, _pj = position(nm, step.parameter)
        neurons = (n,) if n else outputs
        return [f"dE_total/dnet_{x}" for x in neurons] + ([f"dnet_{n}/d{step.parameter}"] if kind == "w" else [])
    return None


def hint(step: Step, network: Network) -> str:
    """Which quantities the step's formula uses, for a student who is stuck."""
    used = operands(step, network)
    if not used:
        return f"{step.symbol} is read straight off the network."
    listed = ", ".join(used[:-1]) + (" and " if len(used) > 1 else "") + used[-1]
    return f"The formula uses {listed}: they are highlighted on the diagram."
