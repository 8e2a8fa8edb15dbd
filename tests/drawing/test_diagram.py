"""The SVG diagram, read back with xml.etree the way a browser would see it.

Label boxes are estimated as the layout estimates them (font size x 0.6 per
character, 1.2 x font size tall, centred on the text's y), from the font
sizes the diagram publishes; the screenshots in the commit show the real
rendering agrees.
"""

from __future__ import annotations

import copy
import re
import statistics
import time
import xml.etree.ElementTree as ET

import numpy as np
import pytest

from explorer.drawing.diagram import element_ids, render
from explorer.engine.network import Network
from explorer.engine.presets import SEED_INPUTS, SEED_TARGETS, random_data, random_network, seed_network
from explorer.lesson.walkthrough import walkthrough
from tests.helpers.svg import (
    NS,
    classes,
    final_state,
    gradients_only,
    groups,
    label,
    overlaps,
    parse,
    state_at,
    text_of,
)


# ---------------------------------------------------------------- helpers
def step_index(wt, symbol: str) -> int:
    return next(i for i, s in enumerate(wt.steps) if s.symbol == symbol)


def seed_svg(**kwargs) -> str:
    return render(seed_network(), SEED_INPUTS, SEED_TARGETS, **kwargs)


@pytest.fixture(scope="module")
def seed_walk():
    return walkthrough(seed_network(), SEED_INPUTS, SEED_TARGETS)


# ------------------------------------------------------------ the seed net
def test_seed_has_every_neuron_bias_unit_and_weight():
    root = parse(seed_svg())
    g = groups(root)
    for name in ("i1", "i2", "h1", "h2", "o1", "o2"):
        assert g[name].find(NS + "circle") is not None
        assert g[name].find(NS + "text").text == name
        assert "bp-node" in classes(g[name])
    for unit, value in (("b1", "0.35"), ("b2", "0.6")):
        assert "bp-bias" in classes(g[unit])
        assert g[unit].find(NS + "rect") is not None
        assert f"{unit} = {value}" in text_of(g[unit])
        assert "1" in text_of(g[unit]).split(" | ")  # the unit's constant output
    weights = dict(w1=0.15, w2=0.2, w3=0.25, w4=0.3, w5=0.4, w6=0.45, w7=0.5, w8=0.55)
    for w, value in weights.items():
        assert "bp-edge" in classes(g[w])
        assert g[w].find(NS + "line") is not None
        assert text_of(label(root, w)) == f"{w} = {value}"
    for e in ("E_o1", "E_o2", "E_total"):
        assert "bp-error" in classes(g[e])
    # inputs always shown, targets beside their error nodes, unknowns as "?"
    assert "0.05" in text_of(g["i1"]) and "0.1" in text_of(g["i2"])
    assert "target 0.01" in text_of(g["E_o1"]) and "target 0.99" in text_of(g["E_o2"])
    assert text_of(g["h1"]) == "h1 | net ? | out ?"
    assert text_of(g["E_total"]) == "E_total | ?"


def test_seed_weights_connect_the_right_neurons():
    """w1 runs from i1 to h1, w2 from i2 to h1, w5 from h1 to o1 (the seed's figure)."""
    root = parse(seed_svg())
    g = groups(root)

    def centre(name):
        c = g[name].find(NS + "circle")
        return float(c.get("cx")), float(c.get("cy"))

    for w, a, b in (
        ("w1", "i1", "h1"),
        ("w2", "i2", "h1"),
        ("w3", "i1", "h2"),
        ("w5", "h1", "o1"),
        ("w7", "h1", "o2"),
        ("w8", "h2", "o2"),
    ):
        line = g[w].find(NS + "line")
        (ax, ay), (bx, by) = centre(a), centre(b)
        x1, y1, x2, y2 = (float(line.get(k)) for k in ("x1", "y1", "x2", "y2"))
        assert np.hypot(x1 - ax, y1 - ay) == pytest.approx(20, abs=0.2)  # starts on a's circle
        assert np.hypot(x2 - bx, y2 - by) == pytest.approx(20, abs=0.2)  # ends on b's circle
        # and its label sits on the line
        t = label(root, w).find(NS + "text")
        lx, ly = float(t.get("x")), float(t.get("y"))
        assert abs((bx - ax) * (ly - ay) - (by - ay) * (lx - ax)) / np.hypot(bx - ax, by - ay) < 0.5


def test_forward_values_appear_on_the_neurons(seed_walk):
    values, updated, _ = state_at(seed_walk, step_index(seed_walk, "out_h1"))
    g = groups(parse(seed_svg(values=values, updated=updated)))
    assert text_of(g["h1"]) == "h1 | net 0.3775 | out 0.593269992"
    assert text_of(g["h2"]) == "h2 | net ? | out ?"
    values, _, _ = state_at(seed_walk, step_index(seed_walk, "E_total"))
    g = groups(parse(seed_svg(values=values)))
    assert text_of(g["o1"]) == "o1 | net 1.105905967 | out 0.75136507"
    assert "0.274811083" in text_of(g["E_o1"])
    assert text_of(g["E_total"]) == "E_total | 0.298371109"


def test_gradient_shown_small_beside_its_weight(seed_walk):
    values, _, _ = state_at(seed_walk, step_index(seed_walk, "dE_total/dw5"))
    root = parse(seed_svg(values=values))
    lines = label(root, "w5").findall(NS + "text")
    assert "".join(lines[0].itertext()) == "w5 = 0.4"
    assert "".join(lines[1].itertext()) == "∂E/∂w5 = 0.082167041"
    assert "bp-l2" in classes(lines[1])  # the small, secondary line
    assert text_of(label(root, "w6")) == "w6 = 0.45"  # not computed yet


def test_updated_weight_shows_new_and_old_value():
    root = parse(seed_svg(updated={"w5": 0.35891648}))
    first, second = label(root, "w5").findall(NS + "text")
    assert "".join(first.itertext()) == "w5 = 0.35891648"
    assert "".join(second.itertext()) == "was 0.4"
    (old,) = [t for t in second.iter(NS + "tspan") if "bp-old" in classes(t)]
    assert old.text == "0.4"  # struck through by its class
    assert re.search(r"\.bp-old\{[^}]*line-through", _style(root))
    title = groups(root)["w5"].find(NS + "title").text
    assert "w5 = 0.4 (weight from h1 to o1)" in title and "w5+ = 0.35891648" in title
    assert text_of(label(root, "w6")) == "w6 = 0.45"


def test_highlight_marks_exactly_the_steps_elements(seed_walk):
    step = seed_walk.steps[step_index(seed_walk, "dE_total/dw5")]
    assert set(step.elements) == {"w5", "h1", "o1", "E_o1"}
    root = parse(seed_svg(highlight=step.elements))
    g = groups(root)
    active = {eid for eid, el in g.items() if "bp-active" in classes(el)}
    # the link from o1 to its error node lights up with its two ends
    assert active == set(step.elements) | {"o1-E_o1"}
    for eid, el in g.items():
        assert ("bp-dim" in classes(el)) == (eid not in active)
    assert "bp-active" in classes(label(root, "w5")) and "bp-dim" in classes(label(root, "w6"))
    # nothing highlighted: nothing dimmed either
    plain = groups(parse(seed_svg()))
    assert not any(classes(el) & {"bp-active", "bp-dim"} for el in plain.values())


def test_shared_bias_unit_lights_only_the_links_of_the_step(seed_walk):
    step = seed_walk.steps[step_index(seed_walk, "net_h1")]
    g = groups(parse(seed_svg(highlight=step.elements)))
    assert "bp-active" in classes(g["b1"]) and "bp-active" in classes(g["b1-h1"])
    assert "bp-dim" in classes(g["b1-h2"])
    # "b1" alone (its update) lights the unit and all of its links
    g = groups(parse(seed_svg(highlight=["b1"])))
    assert {"b1", "b1-h1", "b1-h2"} <= {e for e, el in g.items() if "bp-active" in classes(el)}


def test_every_node_and_edge_has_a_full_precision_title(seed_walk):
    values, updated, _ = state_at(seed_walk, len(seed_walk.steps) - 1)
    root = parse(seed_svg(values=values, updated=updated))
    g = groups(root)
    for eid, el in g.items():
        title = el.find(NS + "title")
        assert title is not None and title.text, eid
        assert el[0] is title, f"{eid}: the title comes first"
    out_h1 = seed_walk.value("out_h1")
    assert repr(out_h1) == "0.5932699921071872"
    assert "out_h1 = 0.5932699921071872" in g["h1"].find(NS + "title").text
    assert "net_h1 = 0.3775" in g["h1"].find(NS + "title").text
    w5_grad = repr(seed_walk.value("dE_total/dw5"))
    assert f"dE_total/dw5 = {w5_grad}" in g["w5"].find(NS + "title").text
    assert f"E_total = {seed_walk.value('E_total')!r}" in g["E_total"].find(NS + "title").text
    assert "i1 = 0.05 (input)" in g["i1"].find(NS + "title").text
    # before anything is computed the title still names the weight and its ends
    assert groups(parse(seed_svg()))["w5"].find(NS + "title").text == "w5 = 0.4 (weight from h1 to o1)"


def test_colour_by_sign_and_width_by_magnitude():
    net = Network([[[0.5, -1.0], [0.25, -0.125]], [[2.0, -0.5]]], [0.1, -0.2])
    root = parse(render(net, [0.5, 0.5], [0.5]))
    g = groups(root)
    signs = {w: classes(g[w]) & {"bp-pos", "bp-neg"} for w in ("w1", "w2", "w3", "w4", "w5", "w6")}
    assert signs == {
        "w1": {"bp-pos"},
        "w2": {"bp-neg"},
        "w3": {"bp-pos"},
        "w4": {"bp-neg"},
        "w5": {"bp-pos"},
        "w6": {"bp-neg"},
    }
    style = _style(root)
    assert re.search(r"\.bp-pos line\{stroke:var\(--bp-pos\)", style)
    assert re.search(r"\.bp-neg line\{stroke:var\(--bp-neg\)", style)
    assert "--bp-pos:#0072B2" in style and "--bp-neg:#D55E00" in style  # Okabe-Ito
    width = {w: float(g[w].find(NS + "line").get("stroke-width")) for w in signs}
    by_size = sorted(width, key=lambda w: abs(net.parameters()[w]))
    assert [width[w] for w in by_size] == sorted(width.values())
    assert width["w5"] == 4.0 and width["w4"] == pytest.approx(1 + 3 * 0.125 / 2.0, abs=0.05)
    assert min(width.values()) >= 1.0


def _style(root: ET.Element) -> str:
    (style,) = root.iter(NS + "style")
    return style.text


def test_theme_variables_and_no_hard_coded_colours():
    svg = seed_svg()
    root = parse(svg)
    style = _style(root)
    for var in ("--jp-ui-font-color1", "--jp-layout-color1", "--jp-border-color1", "--jp-ui-font-family"):
        assert re.search(r"var\(" + var + r"\b", style), var
    assert re.search(r"\.bp-diagram text\{fill:var\(--bp-fg\)", style)
    assert re.search(r"--bp-fg:var\(--jp-ui-font-color1,", style)
    # every fill and stroke in the rules goes through a variable (or is none)
    for prop, value in re.findall(r"(?<![-\w])(fill|stroke):([^;}]+)", style):
        assert value.startswith("var(") or value == "none", (prop, value)
    # rules are scoped to the diagram
    for selector in re.findall(r"(?:^|})\s*([^{}]+)\{", style):
        assert ".bp-diagram" in selector, selector
    # no presentation colours or inline styles on the elements
    assert len(list(root.iter(NS + "style"))) == 1
    for el in root.iter():
        assert not {"fill", "stroke", "color"} & set(el.attrib), el.attrib
        assert "style" not in el.attrib or el is root
    assert "black" not in svg and "#000" not in svg


def _contrast(a: str, b: str) -> float:
    """WCAG contrast ratio of two #rrggbb colours."""

    def luminance(colour):
        c = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
        c = [x / 12.92 if x <= 0.03928 else ((x + 0.055) / 1.055) ** 2.4 for x in c]
        return 0.2126 * c[0] + 0.7152 * c[1] + 0.0722 * c[2]

    low, high = sorted((luminance(a), luminance(b)))
    return (high + 0.05) / (low + 0.05)


def test_dimmed_and_secondary_text_keeps_4_5_to_1_on_both_themes():
    style = _style(parse(seed_svg(highlight=["h1"])))
    light = dict(re.findall(r"(--bp-[\w-]+):(#[0-9A-Fa-f]{6})", style.split("[data-jp-theme-light")[0]))
    dark = dict(light, **dict(re.findall(r"(--bp-[\w-]+):(#[0-9A-Fa-f]{6})", style.split("[data-jp-theme-light")[1])))
    # JupyterLab's backgrounds: light #ffffff; dark #111111 (layout-color1) and #212121 (layout-color2)
    for colours, backgrounds in ((light, ["#ffffff"]), (dark, ["#111111", "#212121"])):
        for var in ("--bp-fg2", "--bp-fg3", "--bp-dim-text", "--bp-new-text"):
            for background in backgrounds:
                assert _contrast(colours[var], background) >= 4.5, (var, colours[var], background)
    # dimming fades shapes only: text takes the dimmed colour, never an opacity
    assert re.search(r"\.bp-dim text,\.bp-diagram \.bp-dim tspan\{fill:var\(--bp-dim-text\)\}", style)
    for rule in re.findall(r"([^{}]*bp-dim[^{}]*)\{([^}]*)\}", style):
        selector = rule[0].split("*/")[-1]
        if "opacity" in rule[1]:
            assert "text" not in selector and "tspan" not in selector, rule


def test_text_scale_makes_text_larger_than_the_drawing_grows():
    normal, large = parse(seed_svg()), parse(seed_svg(text_scale=1.2, detail="compact"))
    width = [float(root.get("viewBox").split()[2]) for root in (normal, large)]
    assert width[1] <= width[0] * 1.06  # the layout made room by dropping second lines, not by widening
    assert "font-size:14.4px" in _style(large) and "font-size:12px" in _style(normal)
    assert not [t for t in large.iter(NS + "text") if "bp-l2" in classes(t)]  # compact: one line a label
    with pytest.raises(ValueError):
        seed_svg(text_scale=0.5)
    with pytest.raises(ValueError):
        seed_svg(detail="everything")


def test_standalone_and_scalable():
    svg = seed_svg()
    root = parse(svg)
    assert "<script" not in svg and "href" not in svg and "url(" not in svg and "@import" not in svg
    assert root.get("width") == "100%"
    x0, y0, w, h = map(float, root.get("viewBox").split())
    assert (x0, y0) == (0, 0) and 600 < w <= 1000 and h > 250
    assert root.get("style") == f"max-width:{w:g}px"
    assert parse(seed_svg(width=720)).get("style") == "max-width:720px"
    # everything drawn lies inside the view box
    for el in root.iter():
        for key in ("x", "cx", "x1", "x2"):
            if key in el.attrib:
                assert 0 <= float(el.get(key)) <= w, (el.tag, el.attrib)
        for key in ("y", "cy", "y1", "y2"):
            if key in el.attrib:
                assert 0 <= float(el.get(key)) <= h, (el.tag, el.attrib)


# ------------------------------------------------------------- ids and ids
def _walks():
    seed = seed_network()
    yield seed, SEED_INPUTS, SEED_TARGETS
    yield seed_network(update_biases=True), SEED_INPUTS, SEED_TARGETS
    for mode in ("shared", "per-neuron"):
        net = random_network((3, 4, 3, 2), seed=3, bias_mode=mode, update_biases=True)
        x, t = random_data(net)
        yield net, x[0], t[0]
    net = random_network((2, 3, 2), seed=4, bias_mode="per-neuron")
    x, t = random_data(net)
    yield net, x[0], t[0]


@pytest.mark.parametrize("case", range(5))
def test_every_step_element_is_in_the_diagram(case):
    net, x, t = list(_walks())[case]
    ids = element_ids(net)
    wt = walkthrough(net, x, t)
    used = {e for step in wt.steps for e in step.elements}
    assert used <= ids, used - ids
    values, updated, hl = state_at(wt, len(wt.steps) - 1)
    g = groups(parse(render(net, x, t, values, updated, hl)))
    assert set(g) == ids  # element_ids lists exactly what is drawn
    # each step's highlight lights every one of its elements
    for i in range(0, len(wt.steps), 7):
        values, updated, hl = state_at(wt, i)
        g = groups(parse(render(net, x, t, values, updated, hl)))
        assert all("bp-active" in classes(g[e]) for e in hl)


def test_ids_unique_and_prefixed():
    svg_a, svg_b = seed_svg(), seed_svg(id_prefix="right-")
    ids_a = [el.get("id") for el in parse(svg_a).iter() if "id" in el.attrib]
    ids_b = [el.get("id") for el in parse(svg_b).iter() if "id" in el.attrib]
    assert len(ids_a) == len(set(ids_a)) and len(ids_b) == len(set(ids_b))
    assert not set(ids_a) & set(ids_b)
    assert all(i.startswith("bp-") for i in ids_a) and all(i.startswith("right-") for i in ids_b)
    g = groups(parse(svg_a))
    assert g["w5"].get("id") == "bp-w5" and g["E_total"].get("id") == "bp-E_total"
    # the same data-ids on both panels, so a step highlights both alike
    assert set(groups(parse(svg_b))) == set(g)


def test_render_is_pure(seed_walk):
    net = seed_network()
    before = copy.deepcopy(net.to_dict())
    values, updated, hl = state_at(seed_walk, len(seed_walk.steps) - 1)
    values_copy, updated_copy = dict(values), dict(updated)
    first = render(net, SEED_INPUTS, SEED_TARGETS, values, updated, hl)
    second = render(net, SEED_INPUTS, SEED_TARGETS, values, updated, tuple(hl))
    assert first == second
    assert net.to_dict() == before and values == values_copy and updated == updated_copy
    assert render(net, SEED_INPUTS, SEED_TARGETS) == seed_svg()


def test_bad_data_is_refused_in_one_sentence():
    from explorer.engine.validation import InputError

    with pytest.raises(InputError, match="inputs"):
        render(seed_network(), [0.05], SEED_TARGETS)


# ------------------------------------------------------------------ timing
def _median_ms(net, x, t, repeats=60):
    wt = walkthrough(net, x, t)
    values, updated, hl = state_at(wt, len(wt.steps) // 2)
    render(net, x, t, values, updated, hl)  # the layout is cached per shape
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        render(net, x, t, values, updated, hl)
        times.append(time.perf_counter() - start)
    return statistics.median(times) * 1000


def test_fast_enough_to_redraw_on_every_click():
    assert _median_ms(seed_network(), SEED_INPUTS, SEED_TARGETS) < 2.0
    net = random_network((8, 8, 8, 8), seed=1)
    xs, ts = random_data(net)
    assert _median_ms(net, xs[0], ts[0], repeats=15) < 15.0


def test_a_diverged_network_still_draws():
    net = seed_network(update_biases=True)
    net.weights[0] = np.array([[np.inf, 0.2], [np.nan, -np.inf]])
    svg = render(net, SEED_INPUTS, SEED_TARGETS, {("net", "h1"): np.inf, ("out", "h1"): np.nan}, {"w5": -np.inf})
    g = groups(parse(svg))
    assert "net inf" in text_of(g["h1"]) and "out nan" in text_of(g["h1"])
    assert float(g["w1"].find(NS + "line").get("stroke-width")) == 1.0
    assert float(g["w6"].find(NS + "line").get("stroke-width")) > 1.0  # still scaled by the finite ones


# ------------------------------------------------------------- in a browser
_MEASURE = """() => {
  const texts = [], spills = [];
  for (const t of document.querySelectorAll('svg.bp-diagram text')) {
    const b = t.getBBox(), g = t.closest('[data-id],[data-for]');
    texts.push([g ? (g.dataset.id || g.dataset.for) : 'root', b.x, b.y, b.x + b.width, b.y + b.height,
                t.textContent]);
  }
  for (const g of document.querySelectorAll('svg.bp-diagram [data-for]')) {
    const chip = g.querySelector('rect.bp-chip').getBBox();
    for (const t of g.querySelectorAll('text')) {
      const b = t.getBBox();
      if (b.x < chip.x - 0.5 || b.x + b.width > chip.x + chip.width + 0.5) spills.push(t.textContent);
    }
  }
  const svg = document.querySelector('svg.bp-diagram');
  const lit = svg.querySelector('g:not(.bp-dim) > .bp-name');  // dimmed names are grey
  const fill = lit ? getComputedStyle(lit).fill : null;
  return [texts, spills, fill, svg.viewBox.baseVal.width, svg.getBoundingClientRect().width];
}"""
_DARK = (
    "<style>:root{--jp-ui-font-color1:rgb(240, 240, 240);--jp-layout-color1:rgb(33, 33, 33)}</style>"
    '<body data-jp-theme-light="false">'
)


@pytest.mark.browser
def test_real_text_fits_in_chromium():
    """Chromium's own text boxes: no two overlap, every label fits its chip, the theme applies."""
    sync_api = pytest.importorskip("playwright.sync_api")
    from pathlib import Path

    chromium = Path("/usr/bin/chromium")
    if not chromium.exists():
        pytest.skip("Debian's chromium is not installed")
    cases = []
    for sizes, mode in (((2, 2, 2), "shared"), ((3, 4, 3, 2), "per-neuron"), ((8, 8, 8, 8), "shared")):
        net = (
            seed_network(update_biases=True)
            if sizes == (2, 2, 2)
            else random_network(sizes, seed=7, bias_mode=mode, update_biases=True)
        )
        x, t = (SEED_INPUTS, SEED_TARGETS) if sizes == (2, 2, 2) else (v[0] for v in random_data(net))
        wt = walkthrough(net, x, t)
        for values, updated, hl in (gradients_only(wt), final_state(wt)):
            cases.append(render(net, x, t, values, updated, hl))
            # the presenter's size: larger text, one line a label
            cases.append(render(net, x, t, values, updated, hl, text_scale=1.2, detail="compact"))
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(chromium), headless=True, args=["--no-sandbox"])
        try:
            page = browser.new_page()
            fills = []
            for svg in cases:
                page.set_content(f"<div style='width:4000px'>{svg}</div>")
                texts, spills, fill, view_width, shown_width = page.evaluate(_MEASURE)
                assert not overlaps([tuple(b) for b in texts]), overlaps([tuple(b) for b in texts])[:3]
                assert not spills
                fills.append(fill)
                assert shown_width == pytest.approx(view_width)  # max-width: natural size, no larger
            # the fallback, outside JupyterLab, wherever a name is not dimmed
            assert set(fills) - {None} == {"rgb(26, 26, 26)"}
            page.set_content(_DARK + f"<div style='width:500px'>{cases[0]}</div></body>")
            _texts, _spills, fill, view_width, shown_width = page.evaluate(_MEASURE)
            assert fill == "rgb(240, 240, 240)"  # JupyterLab's variable wins
            assert shown_width == pytest.approx(500)  # width 100%: scales down to its container
        finally:
            browser.close()
