"""Gradients by central differences, which know nothing of the chain rule, and the tolerance they are held to."""

from __future__ import annotations

import numpy as np

from explorer.engine.network import Network

H = 1e-6
# h = 1e-6 leaves ~1e-10 of rounding noise in a difference quotient of an O(1)
# error, and ~h^2 = 1e-12 of truncation error: a wrong derivative (a missing
# factor, a transposed matrix) is off by far more than this.
RTOL, ATOL = 1e-5, 1e-8
# ReLU is not differentiable at 0: keep every net input this far from the kink.
RELU_MARGIN = 1e-3


def central_differences(network: Network, inputs, targets) -> tuple[list, list]:
    """d(mean E_total)/d(every weight and bias) by central differences (network restored)."""

    def error() -> float:
        return network.forward(inputs, targets).total_error

    return difference_quotients(network.weights, error), difference_quotients(network.biases, error)


def difference_quotients(arrays, error) -> list:
    """d error() / d(every entry of ``arrays``) by central differences, each entry restored after."""
    result = []
    for p in arrays:
        g = np.zeros_like(p)
        for index in np.ndindex(p.shape):
            old = p[index]
            p[index] = old + H
            up = error()
            p[index] = old - H
            down = error()
            p[index] = old
            g[index] = (up - down) / ((old + H) - (old - H))  # the step as represented, not 2H
        result.append(g)
    return result


def assert_gradients_match(gradients, numerical_w, numerical_b) -> None:
    for l, (g, n) in enumerate(zip(gradients.weights, numerical_w)):
        np.testing.assert_allclose(g, n, rtol=RTOL, atol=ATOL, err_msg=f"weights[{l}]")
    for l, (g, n) in enumerate(zip(gradients.biases, numerical_b)):
        np.testing.assert_allclose(g, n, rtol=RTOL, atol=ATOL, err_msg=f"biases[{l}]")
