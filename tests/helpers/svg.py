"""Reading the diagram's SVG: its groups and texts, and text boxes laid out as a browser would.

Also the states a diagram is drawn from at a step of a walkthrough.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

from explorer.drawing import sizes

NS = "{http://www.w3.org/2000/svg}"


def parse(svg: str) -> ET.Element:
    """The ``<svg>`` root element (checked to be one)."""
    root = ET.fromstring(svg)
    assert root.tag == NS + "svg"
    return root


def groups(root: ET.Element) -> dict[str, ET.Element]:
    """data-id -> its <g> (each data-id checked to be there once)."""
    found = {}
    for g in root.iter(NS + "g"):
        if "data-id" in g.attrib:
            assert g.get("data-id") not in found, f"data-id {g.get('data-id')} twice"
            found[g.get("data-id")] = g
    return found


def label(root: ET.Element, eid: str) -> ET.Element:
    """The one label group of connection ``eid`` (``data-for``)."""
    (g,) = [g for g in root.iter(NS + "g") if g.get("data-for") == eid]
    return g


def text_of(element: ET.Element) -> str:
    """All the text drawn inside an element (titles excluded), lines joined by ' | '."""
    lines = []
    for t in element.iter(NS + "text"):
        lines.append("".join(t.itertext()))
    return " | ".join(lines)


def classes(element: ET.Element) -> set[str]:
    return set((element.get("class") or "").split())


def state_at(wt, index: int):
    """values, updated and highlight after the step ``index`` of a walkthrough."""
    done = wt.steps[: index + 1]
    values = {s.key: s.value for s in done}
    updated = {s.parameter: s.value for s in done if s.quantity == "update"}
    return values, updated, wt.steps[index].elements


def final_state(wt):
    """The state after the last step: every value, every update."""
    return state_at(wt, len(wt.steps) - 1)


def gradients_only(wt):
    """The state after the backward pass: every gradient, no update yet."""
    return state_at(wt, wt.phase_start("update") - 1)


def text_boxes(root: ET.Element, scale: float = 1.0):
    """(owner, x0, y0, x1, y1, text) for every <text>: owner is its group's id (data-id or data-for)."""
    boxes = []

    def walk(element, owner):
        for child in element:
            own = child.get("data-id") or child.get("data-for") or owner
            if child.tag == NS + "text":
                cls = classes(child)
                size = scale * next(sizes.FONT_SIZES[c] for c in cls if c in sizes.FONT_SIZES)
                content = "".join(child.itertext())
                w = size * sizes.CHAR_WIDTH * len(content)
                h = size * sizes.LINE_HEIGHT
                x, y = float(child.get("x")), float(child.get("y"))
                if "bp-end" in cls:
                    x0 = x - w
                elif "bp-key" in cls:
                    x0 = x
                else:
                    x0 = x - w / 2
                boxes.append((own, x0, y - h / 2, x0 + w, y + h / 2, content))
            else:
                walk(child, own)

    walk(root, "root")
    return boxes


def circle_boxes(root: ET.Element) -> list:
    """Each neuron's circle as a box (owner, x0, y0, x1, y1, ""), as :func:`overlaps` takes boxes."""
    boxes = []
    for g in groups(root).values():
        c = g.find(NS + "circle")
        if c is not None:
            cx, cy, r = (float(c.get(k)) for k in ("cx", "cy", "r"))
            boxes.append((g.get("data-id"), cx - r, cy - r, cx + r, cy + r, ""))
    return boxes


def overlaps(boxes_a, boxes_b=None, same_owner_ok=True):
    """Pairs of boxes that overlap (sweep over x)."""
    items = [(b, 0) for b in boxes_a] + ([(b, 1) for b in boxes_b] if boxes_b is not None else [])
    items.sort(key=lambda item: item[0][1])
    found, active = [], []
    for box, side in items:
        active = [a for a in active if a[0][3] > box[1]]
        for other, other_side in active:
            if boxes_b is not None and other_side == side:
                continue
            if same_owner_ok and other[0] == box[0]:
                continue
            if other[2] < box[4] and box[2] < other[4]:
                found.append((other, box))
        active.append((box, side))
    return found


def font_sizes(svg: str) -> list[tuple[float, str]]:
    """(font size in viewBox px, text) of every <text> drawn, the sizes read from the SVG's own stylesheet.

    A text's size is its classes' ``font-size`` (the last rule that sets one wins, as in CSS),
    else the stylesheet's ``.bp-diagram text`` size; a notice's text has its own rule.
    """
    root = parse(svg)
    style = "".join(root.find(NS + "style").itertext())
    default = float(re.search(r"\.bp-diagram text\{[^}]*font-size:([\d.]+)px", style)[1])
    by_class = {name: float(size) for name, size in re.findall(r"\.bp-diagram \.([\w-]+)\{font-size:([\d.]+)px", style)}
    notice = re.search(r"\.bp-notice text\{font-size:([\d.]+)px", style)
    found = []
    for parent in root.iter():
        for t in parent.findall(NS + "text"):
            size = default
            if notice and "bp-notice" in classes(parent):
                size = float(notice[1])
            for c in sorted(classes(t), key=lambda c: list(by_class).index(c) if c in by_class else -1):
                size = by_class.get(c, size)
            found.append((size, "".join(t.itertext())))
    return found


def smallest_px(svg: str, width_px: float, height_px: float | None = None) -> float:
    """The smallest text's size in CSS px when the SVG is shown ``width_px`` wide.

    With ``height_px`` too, the SVG is shown in a box of that size, scaled to fit it whole
    (``preserveAspectRatio`` ``meet``, the SVG's default), as the presenter shows the diagram.
    """
    root = parse(svg)
    _x, _y, vb_w, vb_h = (float(v) for v in root.get("viewBox").split())
    scale = width_px / vb_w if height_px is None else min(width_px / vb_w, height_px / vb_h)
    return min(size for size, _text in font_sizes(svg)) * scale
