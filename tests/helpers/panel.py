"""Reading a headless panel: its SVG groups, its log, and snapshots of its whole state."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import numpy as np

from explorer.panel.explorer import Explorer

SVG = "{http://www.w3.org/2000/svg}"


def svg_groups(svg: str) -> tuple[dict[str, ET.Element], dict[str, ET.Element]]:
    """(groups by data-id, connection labels by data-for)."""
    root = ET.fromstring(svg)
    assert root.tag == SVG + "svg"
    groups, labels = {}, {}
    for g in root.iter(SVG + "g"):
        if g.get("data-id"):
            assert g.get("data-id") not in groups, "duplicate data-id"
            groups[g.get("data-id")] = g
        if g.get("data-for"):
            labels[g.get("data-for")] = g
    return groups, labels


def classes(element: ET.Element) -> set[str]:
    return set((element.get("class") or "").split())


def active_ids(svg: str) -> set[str]:
    groups, _ = svg_groups(svg)
    return {i for i, g in groups.items() if "bp-active" in classes(g)}


def walk_widgets(widget):
    """``widget`` and every widget inside it, depth first."""
    yield widget
    for child in getattr(widget, "children", ()):
        yield from walk_widgets(child)


def log_items(panel: Explorer) -> list[tuple[str, set[str]]]:
    root = ET.fromstring(panel.stepping.step_log.value)
    return [(li.text, classes(li)) for li in root.iter("li")]


def snapshot(panel: Explorer) -> dict:
    s = panel.session
    return {
        "arrays": [a.copy() for a in s.network.weights + s.network.biases],
        "inputs": s.inputs.copy(),
        "targets": s.targets.copy(),
        "step": s.step,
        "walk": s.walk,
        "svg": panel.stepping.diagram.value,
        "equation": panel.stepping.equation.value,
        "lr": (s.learning_rate, panel.training.lr_slider.value),
        "errors": s.errors.values.copy(),
    }


def assert_unchanged(before: dict, panel: Explorer) -> None:
    after = snapshot(panel)
    assert len(before["arrays"]) == len(after["arrays"])
    for a, b in zip(before["arrays"], after["arrays"]):
        assert np.array_equal(a, b)
    for key in ("inputs", "targets", "errors"):
        assert np.array_equal(before[key], after[key]), key
    for key in ("step", "svg", "equation", "lr"):
        assert before[key] == after[key], key
    assert before["walk"] is after["walk"]
