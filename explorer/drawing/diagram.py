"""The network diagram: one standalone SVG drawn from a network and the values shown so far.

``render`` is pure and cheap: the geometry of a shape (node positions, where
each connection's label sits) comes from :mod:`explorer.drawing.layout`,
worked out once per shape and cached; a redraw only formats numbers and
joins strings.  The pieces (lines, label chips, tooltips) are in
:mod:`explorer.drawing.marks`, the stylesheet in ``static/diagram.css``.

Identifiers.  Every node and connection is a ``<g>`` whose ``data-id`` is
the name the walkthrough uses (``i1``, ``h1``, ``w5``, ``b1``, ``b_h1``,
``E_o1``, ``E_total``) and whose ``id`` is the same name behind a prefix,
so two diagrams can share a page.  Connections that have no name of their
own are named by their ends: ``b1-h1`` (a shared bias unit to its neuron),
``o1-E_o1`` and ``E_o1-E_total`` (the error links).  Labels of connections
live in a layer drawn above every line (``data-for="w5"``), so no line ever
crosses a label.

Highlighting.  Ids in ``highlight`` get the class ``bp-active``; everything
else is ``bp-dim`` while something is highlighted.  A link without a name of
its own lights up with its ends: ``o1-E_o1`` when both ``o1`` and ``E_o1``
are highlighted; a shared bias unit's link ``b1-h1`` when ``b1`` is and
``h1`` is too (or no neuron of that layer is, as when ``b1`` is updated).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from functools import lru_cache
from pathlib import Path
from types import MappingProxyType
from xml.sax.saxutils import escape

from explorer.engine.network import Network

from .assembly import Layout
from .current_step import with_labels_for
from .layout import layout
from .marks import legend, px
from .parts import Scene, bias_links, bias_units, error_links, error_nodes, neurons, scene, weight_links
from .sizes import CHAR_WIDTH, CURRENT, LEVELS, MARGIN, PRESENTER_FLOOR, PRESENTER_ROOM, SHORT_CHARS, VALUE_CHARS

_EMPTY: Mapping[str, float] = MappingProxyType({})

#: Height of the warning line under the network, when there is one, and its font size.
_NOTICE_H = 26
_NOTICE_FS = 13.0

_STYLE = (Path(__file__).parent / "static" / "diagram.css").read_text(encoding="utf-8")


@lru_cache(maxsize=16)
def _style(scale: float) -> str:
    """The stylesheet with every font size times ``scale``."""
    return re.sub(r"font-size:(\d+(?:\.\d+)?)px", lambda m: f"font-size:{float(m[1]) * scale:.4g}px", _STYLE)


def render(
    network: Network,
    inputs: object,
    targets: object,
    values: Mapping[tuple[str, str], float] = _EMPTY,
    updated: Mapping[str, float] = _EMPTY,
    highlight: Iterable[str] = (),
    *,
    width: int | None = None,
    id_prefix: str = "bp-",
    text_scale: float = 1.0,
    detail: str = "full",
    notice: str = "",
    room: tuple[float, float] | None = None,
) -> str:
    """The network as a standalone ``<svg>`` string.

    Parameters
    ----------
    network : Network
        Drawn with its current weights and biases; never changed.
    inputs, targets : sequences of floats, shapes (n_0,) and (n_L,)
        One example: inputs beside the input neurons, targets beside the error nodes.
    values : mapping of ``Step.key`` -> value
        What has been computed so far, by (quantity, neuron or parameter): ``("net", "h1")``,
        ``("out", "h1")``, ``("error", "o1")``, ``("total_error", "")``, ``("gradient", "w5")``,
        ``("d_out", "h1")``, ``("slope", "h1")``; anything absent shows as ``?``.
    updated : mapping of parameter name -> new value
        New values of weights and biases (``{"w5": 0.35891648}``), shown beside the old ones.
    highlight : iterable of str
        Diagram ids to emphasise (a step's ``elements``), see :func:`element_ids`.
    width : int, optional
        Largest width in px the diagram scales up to (default: its natural width).
    id_prefix : str
        Put before every ``id`` so several diagrams can share one page.
    text_scale : float
        Text this many times :data:`~explorer.drawing.sizes.FONT_SIZES` (1 to 3), the layout made
        for it: labels keep apart, the viewBox grows less than the text.
    detail : ``"full"``, ``"compact"`` or ``"names"``
        The most a connection label may show: its value and a second line (the gradient, or the
        old value once updated), the value only, or the name only.  Crowded shapes get less.
    notice : str
        A line of warning under the network (e.g. that E_total is no longer finite); plain text.
    room : (width, height), optional
        The px it is shown in: all labels fit it at 1:1, or only the current step's are drawn.

    Returns
    -------
    str
        An ``<svg>`` element: no scripts, no external resources, colours from JupyterLab's theme.
    """
    if not 1.0 <= text_scale <= 3.0 or detail not in LEVELS:
        raise ValueError(f"text_scale must be 1 to 3 and detail one of {LEVELS}, got {text_scale!r} and {detail!r}")
    lay = _laid_out(network, float(text_scale), detail, room, highlight := tuple(highlight))
    s = scene(network, lay, inputs, targets, values, updated, highlight, id_prefix)
    weight_lines, weight_labels = weight_links(s)
    bias_lines, bias_labels = bias_links(s)
    edges = [*weight_lines, *bias_lines, *error_links(s)]
    nodes = [*bias_units(s), *neurons(s), *error_nodes(s)]
    return _svg(s, edges, nodes, [*weight_labels, *bias_labels], notice, width, room)


def _laid_out(network: Network, scale: float, detail: str, room, highlight: tuple) -> Layout:
    """The shape's layout; at level CURRENT, with anchors for the labels of the connections highlighted."""
    lay = _room_layout(network.sizes, network.bias_mode, scale, detail, room)
    if lay.level == CURRENT:
        lay = with_labels_for(lay, network.sizes, network.bias_mode, frozenset(highlight))
    return lay


def _room_layout(sizes: tuple[int, ...], bias_mode: str, scale: float, detail: str, room) -> Layout:
    """Laid out for ``room``, unless the presenter's usual layout reads well enough there.

    The usual layout (for :data:`PRESENTER_ROOM`) is kept where its smallest text, scaled to
    ``room``, is :data:`PRESENTER_FLOOR` px or more, or larger than the layout for ``room``
    makes it: a room a little smaller than the usual one would otherwise lose the labels of
    every step but the current one for no gain.  Both are cached per shape and room.
    """
    if room is None:
        return layout(sizes, bias_mode, scale, detail)
    usual, chars = _values_that_fit(sizes, bias_mode, scale, detail)
    room = (float(room[0]), float(room[1]))
    if _reads(usual, room) >= PRESENTER_FLOOR:
        return usual
    return max((usual, layout(sizes, bias_mode, scale, detail, room, chars)), key=lambda lay: _reads(lay, room))


def _reads(lay: Layout, room: tuple[float, float]) -> float:
    """The values' px, the smallest text, once the diagram is scaled to ``room``."""
    return lay.ty.val * min(room[0] / lay.width, room[1] / lay.height)


def _values_that_fit(sizes: tuple[int, ...], bias_mode: str, scale: float, detail: str) -> tuple[Layout, int]:
    """The usual layout (for :data:`PRESENTER_ROOM`) and the characters its values take.

    Values are whole, unless the shape's current-step layout reads under 14 px with them (two
    hidden layers of four): then shortened (:data:`SHORT_CHARS`, 4 significant digits), the
    tooltips keeping them whole, in the usual room and in any other.  The seed and the shapes
    that fit keep the textbook's nine decimals wherever they are shown.
    """
    whole = layout(sizes, bias_mode, scale, detail, PRESENTER_ROOM)
    if whole.level != CURRENT or _reads(whole, PRESENTER_ROOM) >= PRESENTER_FLOOR:
        return whole, VALUE_CHARS
    return layout(sizes, bias_mode, scale, detail, PRESENTER_ROOM, SHORT_CHARS), SHORT_CHARS


def _room_attribute(room) -> str:
    return "" if room is None else f' data-room="{float(room[0]):g} {float(room[1]):g}"'


# ------------------------------------------------------- legend and the rest
def _captions(lay: Layout) -> str:
    """The layers' names along the bottom."""
    return "".join(
        f'<text class="bp-cap" x="{px(cx)}" y="{px(lay.caption_y)}">{text}</text>' for cx, text in lay.captions
    )


def _notice(lay: Layout, notice: str) -> str:
    """The warning line under the network, squeezed to fit if it is wider than the diagram."""
    if not notice:
        return ""
    room = lay.width - 2 * MARGIN
    fit = (
        f' textLength="{px(room)}" lengthAdjust="spacingAndGlyphs"'
        if len(notice) * _NOTICE_FS * lay.ty.scale * CHAR_WIDTH > room
        else ""
    )
    return (
        f'<g class="bp-notice" data-id="notice"><text x="{px(lay.width / 2)}" '
        f'y="{px(lay.height + _NOTICE_H * lay.ty.scale / 2 - 4)}"{fit}>{escape(notice)}</text></g>'
    )


def _svg(s: Scene, edges: list[str], nodes: list[str], labels: list[str], notice: str, width: int | None, room) -> str:
    """The whole ``<svg>``: title, style, background, then lines, nodes and labels, legend on top.

    Drawn for a ``room``, it says which (``data-room="1100 260"``): a page that measured the
    room can tell when the diagram drawn for it has arrived.
    """
    lay, p = s.lay, s.prefix
    max_width = lay.width if width is None else int(width)
    height = lay.height + (round(_NOTICE_H * lay.ty.scale) if notice else 0)
    shape = "-".join(map(str, s.network.sizes))
    return "".join(
        (
            f'<svg xmlns="http://www.w3.org/2000/svg" class="bp-diagram" id="{p}diagram" '
            f'viewBox="0 0 {lay.width} {height}" width="100%" style="max-width:{max_width}px" '
            f'role="img" aria-labelledby="{p}diagram-title"{_room_attribute(room)}>',
            f'<title id="{p}diagram-title">Network {shape}: neurons, weights and errors'
            f"{'. ' + escape(notice) if notice else ''}</title>",
            "<style>",
            _style(lay.ty.scale),
            "</style>",
            f'<rect class="bp-bg" width="{lay.width}" height="{height}" rx="8"/>',
            '<g class="bp-edges">',
            *edges,
            "</g>",
            '<g class="bp-nodes">',
            *nodes,
            "</g>",
            '<g class="bp-labels">',
            *labels,
            "</g>",
            _captions(lay),
            legend(*lay.legend, lay.ty.scale, lay.ty.legend_wrap),
            _notice(lay, notice),
            "</svg>",
        )
    )


def element_ids(network: Network) -> set[str]:
    """Every ``data-id`` the diagram of ``network`` contains."""
    nm = network.names
    shared = network.bias_mode == "shared"
    ids: set[str] = set()
    for layer in nm.neurons:
        ids.update(layer)
    for layer in nm.weights:
        for row in layer:
            ids.update(row)
    for l, unit in enumerate(nm.bias_units):
        ids.add(unit)
        if shared:
            ids.update(f"{unit}-{n}" for n in nm.neurons[l + 1])
        else:
            ids.update(nm.biases[l])
    for o in nm.neurons[-1]:
        ids.update((f"E_{o}", f"{o}-E_{o}", f"E_{o}-E_total"))
    ids.add("E_total")
    return ids
