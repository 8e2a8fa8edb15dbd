"""The walkthrough's steps in blocks, each worked out only when a step of it is asked for.

An iteration of the largest network the panel allows, with 64 examples in
batch mode, has about 90,000 steps; a student sees one at a time.  So the
steps are planned, not made: a :class:`Block` is a run of steps of one phase
(a layer's forward pass, one neuron's chain rule, one parameter's batch mean,
a layer's updates) whose length is known from the network's shape alone.
:class:`Steps` is the sequence of all of them: its length and the index where
each phase starts are sums of block lengths; a step's block is built (by the
phase modules, exactly as an eager walkthrough would) the first time one of
its steps is read.

The diagram needs the values of every step done, not their formulas:
:meth:`Steps.values_until` reads them from the engine's arrays for whole
blocks (:func:`block_values`) and builds only the block the current step is in.
"""

from __future__ import annotations

import bisect
import itertools
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from . import backward_steps as bw
from . import batch_steps as bt
from . import forward_steps as fw
from . import update_steps as up
from .softmax_steps import is_softmax_layer, jacobian
from .steps import Iteration, Step

Values = dict[tuple[str, str], float]


@dataclass(frozen=True)
class Block:
    """``count`` steps of ``phase``: ``kind`` and ``where`` (layer, neuron, ...) say which."""

    phase: str
    kind: str
    count: int
    where: tuple[int, ...] = ()


def plan(it: Iteration, batch: int) -> list[Block]:
    """Every block of an iteration, in the walkthrough's order; ``batch`` = examples averaged (0: online)."""
    net = it.network
    sizes, L = net.sizes, len(net.weights)
    updated, shared = net.update_biases, net.bias_mode == "shared"
    blocks = [Block("forward", "forward", 2 * sizes[l + 1], (l,)) for l in range(L)]
    blocks.append(Block("error", "error", sizes[-1] + 1))
    blocks.append(Block("backward", "output", sizes[-1]))
    softmax = is_softmax_layer(it, L - 1)
    for l in reversed(range(L)):
        for k in range(sizes[l + 1]):
            # the deltas above, shown before the first neuron's paths (a softmax output's had their own steps)
            deltas_above = sizes[l + 2] if l < L - 1 and k == 0 and not (softmax and l == L - 2) else 0
            paths = 0 if l == L - 1 else 2 * sizes[l + 2] + 1 + deltas_above
            own_bias = 2 if updated and not shared else 0
            # a softmax output: its Jacobian's column (n entries) and its delta, for its one slope
            jacobian = sizes[-1] if softmax and l == L - 1 else 0
            blocks.append(Block("backward", "neuron", paths + 1 + jacobian + 2 * sizes[l] + own_bias, (l, k)))
        if updated and shared:
            blocks.append(Block("backward", "shared_bias", 1, (l,)))
    if batch:
        for l in reversed(range(L)):
            weights = itertools.product(range(sizes[l + 1]), range(sizes[l]))
            blocks += [Block("backward", "weight_mean", batch + 1, (l, k, j)) for k, j in weights]
            biases = (1 if shared else sizes[l + 1]) if updated else 0
            blocks += [Block("backward", "bias_mean", batch + 1, (l, k)) for k in range(biases)]
    for l in reversed(range(L)):
        biases = (1 if shared else sizes[l + 1]) if updated else 0
        blocks.append(Block("update", "update", sizes[l + 1] * sizes[l] + biases, (l,)))
    return blocks


class Steps(Sequence):
    """The steps of one iteration, a read-only sequence whose blocks are built on first use.

    Parameters
    ----------
    it : the engine's results for the example shown (``it.steps`` stays empty)
    blocks : from :func:`plan`
    examples : each example's gradients and outputs, for the batch means (called once, if needed)
    last : the last example's gradients (what the batch blocks' values end on)
    mean : the gradients the update uses
    """

    def __init__(
        self, it: Iteration, blocks: list[Block], examples: Callable[[], Any], last: Callable[[], Any], mean: Any
    ):
        self._it, self._blocks, self._mean = it, blocks, mean
        self._examples, self._last = examples, last
        self._starts = [0, *itertools.accumulate(b.count for b in blocks)]
        self._built: dict[int, tuple[Step, ...]] = {}
        self._values: dict[int, Values] = {}
        self._memo: dict = {}
        self._prefix: tuple[int, Values] = (0, {})

    def __len__(self) -> int:
        return self._starts[-1]

    def __getitem__(self, index):  # type: ignore[override]
        if isinstance(index, slice):
            return tuple(itertools.islice(self, *index.indices(len(self))))
        if index < 0:
            index += len(self)
        if not 0 <= index < len(self):
            raise IndexError(f"step {index} of {len(self)}")
        b = bisect.bisect_right(self._starts, index) - 1
        return self.block(b)[index - self._starts[b]]

    def __iter__(self) -> Iterator[Step]:
        for b in range(len(self._blocks)):
            yield from self.block(b)

    def __eq__(self, other: object) -> bool:
        if isinstance(other, (Steps, tuple, list)):
            return len(self) == len(other) and all(a == b for a, b in zip(self, other))
        return NotImplemented

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return f"Steps({len(self):,} steps, {len(self._built):,} of {len(self._blocks):,} blocks worked out)"

    def phase_start(self, phase: str) -> int:
        """Index of the first step of ``phase`` (the number of steps if it has none)."""
        return next((self._starts[b] for b, block in enumerate(self._blocks) if block.phase == phase), len(self))

    def find(self, kind: str, where: tuple[int, ...], match: Callable[[Step], bool]) -> int | None:
        """Index of the first step ``match`` accepts in the block of this ``kind`` and ``where`` (None: none).

        Builds that block only: the matrix form's entries lead to their steps this way.
        """
        for b, block in enumerate(self._blocks):
            if block.kind == kind and block.where == where:
                return next((self._starts[b] + i for i, s in enumerate(self.block(b)) if match(s)), None)
        return None

    def block(self, b: int) -> tuple[Step, ...]:
        """The steps of block ``b``, built the first time."""
        if b not in self._built:
            it = Iteration(self._it.network, self._it.x, self._it.t, self._it.fw, self._it.g, self._it.after)
            with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
                _build(it, self._blocks[b], self._examples, self._mean)
            if len(it.steps) != self._blocks[b].count:
                raise AssertionError(f"{self._blocks[b]} made {len(it.steps)} steps")
            self._built[b] = tuple(it.steps)
        return self._built[b]

    def values_until(self, count: int) -> Values:
        """``{step.key: step.value}`` over the first ``count`` steps (later steps win), mostly without building them."""
        b = bisect.bisect_right(self._starts, count) - 1
        start, values = self._prefix
        if start > b:
            start, values = 0, {}
        values = dict(values)
        blocks = self._blocks
        with np.errstate(over="ignore", invalid="ignore", divide="ignore"):  # a diverged network: inf, nan
            for whole in range(start, b):
                if whole not in self._values:
                    self._values[whole] = block_values(self._it, blocks[whole], self._mean, self._last, self._memo)
                values.update(self._values[whole])
        self._prefix = (b, values)
        values = dict(values)
        if count > self._starts[b]:
            values.update((s.key, s.value) for s in self.block(b)[: count - self._starts[b]])
        return values


def _build(it: Iteration, block: Block, examples: Callable[[], Any], mean: Any) -> None:
    kind, where = block.kind, block.where
    if kind == "forward":
        fw.forward_layer_steps(it, *where)
    elif kind == "error":
        fw.error_steps(it)
    elif kind == "output":
        bw.output_d_out_steps(it)
    elif kind == "neuron":
        bw.neuron_steps(it, *where)
    elif kind == "shared_bias":
        bw.shared_bias_steps(it, *where)
    elif kind == "weight_mean":
        bt.weight_mean_steps(it, examples(), mean, *where)
    elif kind == "bias_mean":
        bt.bias_mean_steps(it, examples(), mean, *where)
    else:
        up.update_layer_steps(it, mean, *where)


def block_values(it: Iteration, block: Block, mean: Any, last: Callable[[], Any], memo: dict) -> Values:
    """``{step.key: step.value}`` of a whole block, read from the engine's arrays (no formulas made).

    The same numbers the block's steps hold (a test compares them block by
    block): later steps of a block win, as in the steps themselves.  ``memo``
    keeps what blocks of one walkthrough share.
    """
    if "names" not in memo:
        memo["names"] = it.nm
    nm, g, net = memo["names"], it.g, it.network
    kind, where = block.kind, block.where
    values: Values = {}
    if kind == "forward":
        (l,) = where
        for k, n in enumerate(nm.neurons[l + 1]):
            values[("net", n)], values[("out", n)] = float(it.fw.nets[l][k]), float(it.fw.outs[l + 1][k])
    elif kind == "error":
        values.update({("error", o): float(it.fw.errors[k]) for k, o in enumerate(nm.neurons[-1])})
        values[("total_error", "")] = it.fw.total_error
    elif kind == "output":
        values.update({("d_out", o): float(g.d_outs[-1][k]) for k, o in enumerate(nm.neurons[-1])})
    elif kind == "neuron":
        values = _neuron_values(it, *where)
    elif kind == "shared_bias":
        values[("gradient", nm.bias_units[where[0]])] = float(g.biases[where[0]][0])
    elif kind == "weight_mean":
        l, k, j = where
        # the layer's numbers as lists, once per walkthrough: there is a block per weight
        if ("weights", l) not in memo:
            memo["weights", l] = (last().weights[l].tolist(), mean.weights[l].tolist())
        example, batch = memo["weights", l]
        values[("example_gradient", nm.weights[l][k][j])], values[("gradient", nm.weights[l][k][j])] = (
            example[k][j],
            batch[k][j],
        )
    elif kind == "bias_mean":
        l, k = where
        name = list(dict.fromkeys(nm.biases[l]))[k]
        values[("example_gradient", name)], values[("gradient", name)] = (
            float(last().biases[l][k]),
            float(mean.biases[l][k]),
        )
    else:
        (l,) = where
        for row, new in zip(nm.weights[l], it.after.weights[l].tolist()):
            values.update({("update", w): value for w, value in zip(row, new)})
        if net.update_biases:
            biases = dict.fromkeys(nm.biases[l])
            values.update({("update", b): float(it.after.biases[l][k]) for k, b in enumerate(biases)})
    return values


def _neuron_values(it: Iteration, l: int, k: int) -> Values:
    """The values of :func:`~.backward_steps.neuron_steps` for neuron k of layer l + 1."""
    nm, g, net = it.nm, it.g, it.network
    h, values = nm.neurons[l + 1][k], {}
    # Python floats: the same numbers as the steps' (a float times a float is numpy's product too)
    if is_softmax_layer(it, l):
        out = it.fw.outs[l + 1]
        for j in range(len(nm.neurons[l + 1])):
            values[("slope" if j == k else "cross_slope", h)] = jacobian(out, j, k)
        values[("delta", h)] = float(g.deltas[l][k])
    elif l < len(net.weights) - 1:
        W = (it.after if net.order == "seed" else net).weights[l + 1][:, k].tolist()
        deltas = g.deltas[l + 1].tolist()
        for above, n in enumerate(nm.neurons[l + 2]):
            if k == 0 and not is_softmax_layer(it, l + 1):
                values[("delta", n)] = deltas[above]
            values[("weight_above", nm.weights[l + 1][above][k])] = W[above]
            values[("path", h)] = deltas[above] * W[above]
        values[("d_out", h)] = float(g.d_outs[l][k])
    if not is_softmax_layer(it, l):
        values[("slope", h)] = float(bw.slopes(it, l)[k])
    inputs, gradients = it.fw.outs[l].tolist(), g.weights[l][k].tolist()
    for j, w in enumerate(nm.weights[l][k]):
        values[("input", w)], values[("gradient", w)] = inputs[j], gradients[j]
    if net.update_biases and net.bias_mode != "shared":
        values[("input", nm.biases[l][k])], values[("gradient", nm.biases[l][k])] = 1.0, float(g.biases[l][k])
    return values
