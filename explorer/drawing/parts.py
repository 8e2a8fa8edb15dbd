"""The diagram's parts: every link, label and node, drawn from one :class:`Scene`.

Each part is a ``<g>`` whose ``data-id`` is the walkthrough's name for it and
whose classes say whether it is lit (``bp-active``) or dimmed (``bp-dim``);
:mod:`explorer.drawing.diagram` stacks them into one ``<svg>``, lines under
nodes under labels.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Iterable, Mapping
from typing import NamedTuple

import numpy as np

from explorer.engine.naming import Names
from explorer.engine.network import Network

from .assembly import Layout
from .marks import (
    error_box,
    exact,
    label_chip,
    line,
    param_tooltip,
    px,
    shorten,
    sign_class,
    state_class,
    stroke_width,
    tooltip,
)
from .sizes import CHAR_WIDTH, LINE_HEIGHT, PAD, UNIT, R, label_size, value_text


class Scene(NamedTuple):
    """What every part of one drawing reads."""

    network: Network
    nm: Names
    shared: bool
    lay: Layout
    x: np.ndarray  # the example's inputs, shape (n_0,)
    t: np.ndarray  # ... and targets, shape (n_L,)
    values: Mapping[tuple[str, str], float]
    updated: Mapping[str, float]
    active: frozenset[str]  # the highlighted ids
    biggest: float  # the largest finite |parameter| shown: line widths scale with it
    prefix: str  # before every id


def scene(
    network: Network,
    lay: Layout,
    inputs: object,
    targets: object,
    values: Mapping[tuple[str, str], float],
    updated: Mapping[str, float],
    highlight: Iterable[str],
    prefix: str,
) -> Scene:
    """What the parts of one drawing read, the example checked (one row of ``inputs``, ``targets``)."""
    x, t = network.check_data(inputs, targets)
    shared = network.bias_mode == "shared"
    active = frozenset(highlight)
    return Scene(
        network,
        network.names,
        shared,
        lay,
        x[0],
        t[0],
        values,
        updated,
        active,
        biggest_parameter(network, updated),
        prefix,
    )


def biggest_parameter(network: Network, updated: Mapping[str, float]) -> float:
    """The largest finite |value| among the parameters and their updates (0 if none)."""
    biggest = 0.0
    for array in (*network.weights, *network.biases, np.fromiter(updated.values(), float, len(updated))):
        magnitudes = np.abs(array[np.isfinite(array)])
        if magnitudes.size:
            biggest = max(biggest, float(magnitudes.max()))
    return biggest


def _group(s: Scene, kind: str, eid: str, body: str, state: str, extra: str = "") -> str:
    """One node or connection: a ``<g>`` with its id, its data-id and its classes."""
    return f'<g id="{s.prefix}{eid}" data-id="{eid}" class="{kind}{extra}{state}">{body}</g>'


def _layer_word(l: int, L: int) -> str:
    """What layer ``l`` of ``L`` is called in a tooltip."""
    if l == L:
        return "output layer"
    return "hidden layer" if L == 2 else f"hidden layer {l}"


# -------------------------------------------------------------------- links
#: Each weight's drawn line and label, by everything they are drawn from, for the last
#: :data:`KEPT_LAYOUTS` layouts drawn: a step click changes a handful of the largest network's
#: 1,280 weights (what is lit, a gradient, an update), and formatting the rest again was most
#: of a redraw.  A layout is known by its geometry, not its labels' places: in the presenter
#: each step places its few labels on a layout of its own (level CURRENT), and those steps
#: share one store, a weight's place for its label being part of what it is kept by.  Several
#: are kept for panels of other shapes in one kernel, or a shape left and come back to.
_drawn_weights: OrderedDict[tuple, dict] = OrderedDict()
KEPT_LAYOUTS = 4
_MAX_DRAWN = 50_000


def _drawn_for(s: Scene) -> dict:
    """The pieces drawn on this layout's geometry, the most recently drawn layout last."""
    lay = s.lay
    geometry = (lay.level, lay.shows, lay.ty, lay.neurons, s.nm.neurons, s.shared)
    drawn = _drawn_weights.pop(geometry, None)
    if drawn is None or len(drawn) > _MAX_DRAWN:
        drawn = {}
    _drawn_weights[geometry] = drawn
    while len(_drawn_weights) > KEPT_LAYOUTS:
        _drawn_weights.popitem(last=False)
    return drawn


def weight_links(s: Scene) -> tuple[list[str], list[str]]:
    """Each weight's line and its label, layer pair by layer pair in naming order."""
    lines, labels = [], []
    nm, anchors = s.nm, s.lay.anchors
    drawn = _drawn_for(s)
    for l, W in enumerate(s.network.weights):
        values = W.tolist()  # floats at once: an array's element access costs more than a list's
        for k, row in enumerate(nm.weights[l]):
            for j, w in enumerate(row):
                old = values[k][j]
                new = s.updated.get(w)
                grad = s.values.get(("gradient", w))
                state = state_class(w, s.active)
                key = (s.prefix, w, old, new, grad, state, s.biggest, anchors.get(w))
                pieces = drawn.get(key)
                if pieces is None or 0.0 in (old, new, grad):  # -0.0 == 0.0, but each is written as it is
                    pieces = drawn[key] = _weight_pieces(s, l, k, j, w, old, new, grad, state)
                lines.append(pieces[0])
                labels.append(pieces[1])
    return lines, labels


def _weight_pieces(
    s: Scene, l: int, k: int, j: int, w: str, old: float, new: float | None, grad: float | None, state: str
) -> tuple[str, str]:
    """Weight ``w``'s line (from neuron j of layer l to neuron k above) and its label."""
    nm = s.nm
    shown = old if new is None else float(new)
    xj, yj = s.lay.neurons[l][j]
    xk, yk = s.lay.neurons[l + 1][k]
    title = param_tooltip(w, old, grad, new, f"weight from {nm.neurons[l][j]} to {nm.neurons[l + 1][k]}")
    ends = shorten(xj, yj, xk, yk, R, R)
    body = title + line(*ends, stroke_width(shown, s.biggest), state == " bp-active")
    return (
        _group(s, "bp-edge", w, body, state, " " + sign_class(shown)),
        _edge_label(s, w, title, state, old, new, grad),
    )


def bias_links(s: Scene) -> tuple[list[str], list[str]]:
    """Each bias unit's dashed lines to its layer; with one bias per neuron, their labels too."""
    lines, labels = [], []
    nm = s.nm
    for l, unit in enumerate(nm.bias_units):
        ux, uy = s.lay.units[l]
        layer_names = nm.neurons[l + 1]
        any_neuron = any(n in s.active for n in layer_names)
        for k, (xk, yk) in enumerate(s.lay.neurons[l + 1]):
            old = float(s.network.biases[l][0 if s.shared else k])
            pname = nm.biases[l][k]
            new = s.updated.get(pname)
            shown = old if new is None else float(new)
            if s.shared:  # the value is written on the unit: its links have no label
                eid = f"{unit}-{layer_names[k]}"
                state = state_class(eid, s.active, unit in s.active and (layer_names[k] in s.active or not any_neuron))
                grad = s.values.get(("gradient", unit))
                title = param_tooltip(unit, old, grad, new, f"bias into {layer_names[k]}, times the unit's 1")
            else:
                eid = pname
                state = state_class(pname, s.active)
                grad = s.values.get(("gradient", pname))
                title = param_tooltip(pname, old, grad, new, f"bias of {layer_names[k]}, times the unit's 1")
                labels.append(_edge_label(s, pname, title, state, old, new, grad))
            ends = shorten(ux, uy, xk, yk, UNIT / 2 + 2, R)
            body = title + line(*ends, stroke_width(shown, s.biggest), state == " bp-active")
            lines.append(_group(s, "bp-edge bp-bias-edge", eid, body, state, " " + sign_class(shown)))
    return lines, labels


def error_links(s: Scene) -> list[str]:
    """The links from each output to its error node and on to E_total; each lights up with both ends."""
    lines = []
    ty = s.lay.ty
    total_x, total_y = s.lay.total
    for k, o in enumerate(s.nm.neurons[-1]):
        eid = f"E_{o}"
        ex, ey = s.lay.errors[k]
        ox, oy = s.lay.neurons[-1][k]
        for a, b, ends in (
            ((o, eid), (f"out_{o}", eid), (ox + R, oy, ex - ty.e_w / 2, ey)),
            ((eid, "E_total"), (eid, "E_total"), (ex + ty.e_w / 2, ey, total_x - ty.e_w / 2, total_y)),
        ):
            link = f"{a[0]}-{a[1]}"
            state = state_class(link, s.active, a[0] in s.active and a[1] in s.active)
            body = tooltip([f"{b[0]} -> {b[1]}"]) + line(*ends, "1.5", state == " bp-active")
            lines.append(_group(s, "bp-edge bp-link", link, body, state))
    return lines


# ------------------------------------------------------------------- labels
def _edge_label(s: Scene, eid: str, title: str, state: str, old: float, new: float | None, grad: float | None) -> str:
    """A connection's label, in the layer above every line, lit and dimmed with its connection.

    Empty when the diagram labels only the current step's connections and this is not one.
    """
    if eid not in s.lay.anchors:
        return ""
    ax, ay = s.lay.anchors[eid]
    level = s.lay.shows or s.lay.level
    return (
        f'<g class="bp-edge-label{state}" data-for="{eid}">{title}'
        f"{label_chip(level, eid, old, new, grad, ax, ay, s.lay.ty)}</g>"
    )


# -------------------------------------------------------------------- nodes
def bias_units(s: Scene) -> list[str]:
    """Each layer's bias unit: a square that always outputs 1; a shared bias's value sits above it."""
    nodes = []
    for l, unit in enumerate(s.nm.bias_units):
        ux, uy = s.lay.units[l]
        ty = s.lay.ty
        h = UNIT / 2
        what = f"bias unit of the {_layer_word(l + 1, len(s.network.weights))}, its output is always 1"
        text_y = uy - h - PAD
        if s.shared:  # the value sits on the unit, with room for two lines even among names only
            unit_level = s.lay.shows or (s.lay.level if s.lay.level != "names" else "compact")
            old = float(s.network.biases[l][0])
            new, grad = s.updated.get(unit), s.values.get(("gradient", unit))
            title = param_tooltip(unit, old, grad, new, what)
            text = label_chip(unit_level, unit, old, new, grad, ux, text_y - label_size(unit, unit_level, ty)[2], ty)
            lit = unit in s.active
        else:
            title = tooltip([f"{unit}: {what}"])
            y = px(text_y - ty.l1 * LINE_HEIGHT / 2 - 1)
            text = f'<text class="bp-l1 bp-halo" x="{px(ux)}" y="{y}">{unit}</text>'
            lit = unit in s.active or any(b in s.active for b in s.nm.biases[l])
        body = (
            title + f'<rect class="bp-unit" x="{px(ux - h)}" y="{px(uy - h)}" width="{px(UNIT)}" '
            f'height="{px(UNIT)}" rx="7"/><text class="bp-one" x="{px(ux)}" y="{px(uy)}">1</text>' + text
        )
        nodes.append(_group(s, "bp-bias", unit, body, state_class(unit, s.active, lit)))
    return nodes


def neurons(s: Scene) -> list[str]:
    """Each neuron's circle and name: an input with its value, the others with net and out below."""
    nodes = []
    L = len(s.network.weights)
    for l, layer in enumerate(s.nm.neurons):
        for j, name in enumerate(layer):
            cx, cy = s.lay.neurons[l][j]
            circle = f'<circle cx="{px(cx)}" cy="{px(cy)}" r="{px(R)}"/>'
            label = f'<text class="bp-name" x="{px(cx)}" y="{px(cy)}">{name}</text>'
            if l == 0:
                tip = [f"{name} = {exact(s.x[j])} (input)"]
                extra = (
                    f'<text class="bp-val bp-end bp-halo" x="{px(cx - R - 6)}" y="{px(cy)}">'
                    f'<tspan class="bp-v">{value_text(float(s.x[j]), s.lay.ty.chars)}</tspan></text>'
                )
                kind = "bp-node bp-input"
            else:
                facts, extra = _neuron_values(s, name, cx, cy)
                tip = [f"{name}: {_layer_word(l, L)} neuron, activation {s.network.activations[l - 1]}", *facts]
                kind = "bp-node bp-output" if l == L else "bp-node bp-hidden"
            nodes.append(_group(s, kind, name, tooltip(tip) + circle + label + extra, state_class(name, s.active)))
    return nodes


def _neuron_values(s: Scene, name: str, cx: float, cy: float) -> tuple[list[str], str]:
    """A neuron's known values for its tooltip, and its net and out lines under the circle."""
    facts, parts = [], []
    val = s.lay.ty.val
    top = cy + R + 1
    y_text = top + val * LINE_HEIGHT / 2
    widest = 0
    for q in ("net", "out"):
        v = s.values.get((q, name))
        if v is None:
            shown, chars = '<tspan class="bp-q">?</tspan>', 1
        else:
            text = value_text(v, s.lay.ty.chars)
            shown, chars = f'<tspan class="bp-v">{text}</tspan>', len(text)
            facts.append(f"{q}_{name} = {exact(v)}")
        widest = max(widest, len(q) + 1 + chars)
        parts.append(f'<text class="bp-val bp-halo" x="{px(cx)}" y="{px(y_text)}">{q} {shown}</text>')
        y_text += val * LINE_HEIGHT
    for sym, key in ((f"dE_total/dout_{name}", ("d_out", name)), (f"dout_{name}/dnet_{name}", ("slope", name))):
        if key in s.values:
            facts.append(f"{sym} = {exact(s.values[key])}")
    # on a chip, as a connection's label is: a line leaving the neuron downwards runs under the
    # values, never through them
    w = val * CHAR_WIDTH * widest + 6
    chip = (
        f'<rect class="bp-chip bp-val-chip" x="{px(cx - w / 2)}" y="{px(top)}" width="{px(w)}" '
        f'height="{px(2 * val * LINE_HEIGHT)}" rx="4"/>'
    )
    return facts, chip + "".join(parts)


def error_nodes(s: Scene) -> list[str]:
    """Each output's error box with its target below, then E_total's box."""
    nodes = []
    ty = s.lay.ty
    for k, o in enumerate(s.nm.neurons[-1]):
        eid = f"E_{o}"
        ex, ey = s.lay.errors[k]
        v = s.values.get(("error", o))
        tip = [f"{eid}: error of {o} ({s.network.loss} loss)", f"target_{o} = {exact(s.t[k])}"]
        if v is not None:
            tip.append(f"{eid} = {exact(v)}")
        target = (
            f'<text class="bp-val bp-halo" x="{px(ex)}" y="{px(ey + ty.e_h / 2 + ty.val * LINE_HEIGHT / 2 + 3)}">'
            f'target <tspan class="bp-v">{value_text(float(s.t[k]), ty.chars)}</tspan></text>'
        )
        body = tooltip(tip) + error_box(eid, v, ex, ey, ty) + target
        nodes.append(_group(s, "bp-error", eid, body, state_class(eid, s.active)))
    v = s.values.get(("total_error", ""))
    tip = ["E_total: the sum of the output errors"]
    if v is not None:
        tip.append(f"E_total = {exact(v)}")
    body = tooltip(tip) + error_box("E_total", v, *s.lay.total, ty)
    nodes.append(_group(s, "bp-error bp-total", "E_total", body, state_class("E_total", s.active)))
    return nodes
