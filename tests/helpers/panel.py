"""Reading a headless panel: its SVG groups, its log, and snapshots of its whole state."""

from __future__ import annotations

import asyncio
import re
import time
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


STEPS = 53


#: as the panel prints them: nine decimals, trailing zeros dropped (the seed rounds some further)
FORWARD = [
    ("net_h1", "h1", "net", "0.3775"),
    ("out_h1", "h1", "out", "0.593269992"),
    ("net_h2", "h2", "net", "0.3925"),
    ("out_h2", "h2", "out", "0.596884378"),
    ("net_o1", "o1", "net", "1.105905967"),
    ("out_o1", "o1", "out", "0.75136507"),
    ("net_o2", "o2", "net", "1.224921404"),
    ("out_o2", "o2", "out", "0.772928465"),
]


SEED_WEIGHTS = [np.array([[0.15, 0.20], [0.25, 0.30]]), np.array([[0.40, 0.45], [0.50, 0.55]])]


WATCH, FAST = 2000.0, float("inf")


#: a seed known to learn XOR on 2-3-1 (final E_total about 0.0005 after 10,000 iterations at eta 0.5)
LEARNING_SEED = 5


def shown(element: ET.Element) -> str:
    """The visible text of a group (its <text> elements, not its tooltip)."""
    return " ".join(" ".join("".join(t.itertext()).split()) for t in element.iter(SVG + "text"))


def lit(elements, network) -> set[str]:
    """The ids a step's elements light up: themselves, plus the links between lit ends.

    The diagram's rule (diagram.py docstring): an error link lights with both
    ends; a shared bias unit's link to a neuron with the unit and that neuron,
    or with the unit alone when no neuron of the layer is lit.
    """
    on = set(elements)
    ids = set(on)
    nm = network.names
    for o in nm.neurons[-1]:
        if o in on and f"E_{o}" in on:
            ids.add(f"{o}-E_{o}")
        if f"E_{o}" in on and "E_total" in on:
            ids.add(f"E_{o}-E_total")
    for l, unit in enumerate(nm.bias_units):
        layer = nm.neurons[l + 1]
        if unit in on:
            any_neuron = any(n in on for n in layer)
            ids.update(f"{unit}-{n}" for n in layer if n in on or not any_neuron)
    return ids


def phase_marks(panel: Explorer) -> dict[str, set[str]]:
    root = ET.fromstring(panel.stepping.phases.value)
    return {span.text: classes(span) for span in root.iter("span")}


def close(value: float, printed: str) -> bool:
    decimals = len(printed.split(".")[1]) if "." in printed else 0
    return abs(value - float(printed)) <= 10.0**-decimals + 1e-12


def click(button, times: int = 1) -> None:
    for _ in range(times):
        button.click()


async def until(condition, timeout: float = 3.0) -> None:
    """Yield to the loop until ``condition()`` holds (or fail after ``timeout`` s)."""
    deadline = time.perf_counter() + timeout
    while not condition():
        assert time.perf_counter() < deadline, "timed out"
        await asyncio.sleep(0.01)


def label_text(svg: str, name: str) -> str:
    root = ET.fromstring(svg)
    group = next(g for g in root.iter(SVG + "g") if g.get("data-for") == name)
    return " ".join("".join(t.itertext()) for t in group.iter(SVG + "text"))


def xor_panel(seed: int = LEARNING_SEED) -> Explorer:
    panel = Explorer()
    panel.architecture.seed.value = str(seed)
    panel.dataset_view.choice.value = "xor"
    return panel


def neuron_button(panel: Explorer, layer: int, sign: int):
    plus, minus = panel.architecture._neuron_buttons[layer - 1]
    return plus if sign > 0 else minus


def panel_number(value: float) -> str:
    from explorer.engine.formatting import tex_term

    return tex_term(value)


def latex_of(value: str) -> str:
    """The formula shown, as ``$$latex$$`` (its pieces joined); any other text as it is."""
    piece = r'<span class="bp-piece bp-(?:lhs|middle|result)">\$\\displaystyle (.*?)(?: \{\})?\$</span>'
    found = re.findall(piece, value)
    return f"$${' '.join(found)}$$" if found else value
