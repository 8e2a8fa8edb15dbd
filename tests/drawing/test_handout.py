"""Handouts: every step with its numbers, grouped by phase, the diagrams, the summary; quiz blanks.

The HTML handout is written as well-formed XML (after its doctype), so these
tests read it with ``xml.etree`` rather than by searching strings.
"""

from __future__ import annotations

import base64
import itertools
import re
import xml.etree.ElementTree as ET

import pytest

from explorer.drawing import handout as ho
from explorer.drawing.formula import split_equation, split_terms
from explorer.engine.formatting import number, tex_number
from explorer.engine.presets import random_data, random_network
from explorer.engine.training import train
from explorer.lesson.walkthrough import PHASES, walkthrough

MATHML = "{http://www.w3.org/1998/Math/MathML}"
SVG = "{http://www.w3.org/2000/svg}"
MINUS = "\u2212"


def parse(page: str) -> ET.Element:
    doctype, document = page.split("\n", 1)
    assert doctype == "<!DOCTYPE html>"
    return ET.fromstring(document)


def math_text(element: ET.Element) -> str:
    """What a MathML element reads as: '0.74136507', '−0.217071535'."""
    return "".join(element.itertext()).replace(MINUS, "-")


def rows(step_li: ET.Element) -> list[ET.Element]:
    """The cells of a step's aligned equation: lhs, '=', part, '', '=', part, ..."""
    eq = step_li.find("div[@class='eq']")
    return list(eq)


@pytest.fixture
def seed_walk(seed_net, seed_inputs, seed_targets):
    return walkthrough(seed_net, seed_inputs, seed_targets)


def configurations():
    for act, loss, bias, update, order in itertools.product(
        ["sigmoid", "tanh", "relu", "linear"],
        ["squared", "mse", "bce"],
        ["shared", "per-neuron"],
        [False, True],
        ["textbook", "seed"],
    ):
        if loss != "bce" or act == "sigmoid":
            yield act, loss, bias, update, order


def random_walk(sizes=(2, 3, 2), seed=1, **options):
    network = random_network(sizes, seed=seed, **options)
    x, t = random_data(network, 1, seed)
    return walkthrough(network, x[0], t[0])


# ------------------------------------------------------------------ the steps' LaTeX
def test_every_step_reads_lhs_equals_dots_equals_its_result():
    """The quiz blanks the part after the last top-level '=': it must be the result, everywhere."""
    for act, loss, bias, update, order in configurations():
        walk = random_walk((2, 3, 2, 2), activations=act, loss=loss, bias_mode=bias, update_biases=update, order=order)
        for step in walk.steps:
            parts = split_equation(step.latex)
            assert len(parts) >= 2 and parts[-1] == tex_number(step.value), step.latex


def test_long_sums_wrap_between_terms_and_lose_nothing():
    walk = random_walk((16, 16, 2), seed=3)
    root = parse(ho.handout(walk))
    net = next(li for li in root.iter("li") if li.get("data-symbol") == "net_h1")
    numeric = rows(net)[5]  # lhs, =, symbolic | '', =, numbers | '', =, result
    terms = numeric.find("span[@class='terms']")
    assert terms is not None and len(terms) == 17  # 16 weighted inputs and the bias
    part = split_equation(walk.steps[0].latex)[2]
    assert math_text(numeric) == "".join(math_text(ET.fromstring(ho._math(t))) for t in split_terms(part))


# ---------------------------------------------------------------------------- html
def test_html_has_every_step_with_its_numbers_grouped_by_phase(seed_walk):
    root = parse(ho.handout(seed_walk))
    sections = root.findall(".//section[@class='phase']")
    assert [s.get("id") for s in sections] == list(PHASES)
    seen = []
    for section in sections:
        for li in section.iter("li"):
            number_ = int(li.get("id").removeprefix("step-"))
            step = seed_walk.steps[number_ - 1]
            assert step.phase == section.get("id")
            assert li.get("data-symbol") == step.symbol
            cells = rows(li)
            maths = [c.find(f".//{MATHML}math") for c in cells]
            parts = split_equation(step.latex)
            # lhs, then one '=' row per part: the last row is the result
            assert math_text(cells[-1]) == number(step.value)
            assert sum(m is not None for m in maths) == len(parts)
            assert li.find("p[@class='meaning']").text == step.meaning
            seen.append(number_)
    assert seen == list(range(1, len(seed_walk.steps) + 1))


def test_html_seed_figures_in_the_steps(seed_walk):
    root = parse(ho.handout(seed_walk))
    results = {li.get("data-symbol"): math_text(rows(li)[-1]) for li in root.iter("li") if li.get("data-symbol")}
    assert results["net_h1"] == "0.3775"
    assert results["out_o1"] == "0.75136507"
    assert results["E_total"] == "0.298371109"
    assert results["dE_total/dw5"] == "0.082167041"
    assert results["w5+"] == "0.35891648"
    # the substituted numbers are there too, not only the results
    dw5 = next(li for li in root.iter("li") if li.get("data-symbol") == "dE_total/dw5")
    assert math_text(rows(dw5)[-4]) == "0.74136507·0.186815602·0.593269992"


def test_html_summary_figures_textbook_and_seed_order(make_seed_network, seed_inputs, seed_targets):
    for order, after in (("textbook", "0.291027774"), ("seed", "0.291027924")):
        walk = walkthrough(make_seed_network(order=order), seed_inputs, seed_targets)
        root = parse(ho.handout(walk))
        cells = [td.text for td in root.find(".//section[@id='summary']").iter("td")]
        assert cells[:4] == ["E_total before this iteration", "0.298371109", "E_total after the update", after]


def test_html_diagram_at_the_end_of_each_phase_with_that_phases_values(seed_walk):
    root = parse(ho.handout(seed_walk))
    for section in root.findall(".//section[@class='phase']"):
        assert list(section)[-1].tag == "figure"
    figures = {f.get("data-phase"): f for f in root.iter("figure")}
    assert list(figures) == list(PHASES)
    text = {p: " ".join(f.find(f"{SVG}svg").itertext()) for p, f in figures.items()}
    assert "0.75136507" in text["forward"] and "0.298371109" not in text["forward"]
    assert "0.298371109" in text["error"]
    assert "0.082167041" in text["backward"] and "0.35891648" not in text["backward"]
    assert "0.35891648" in text["update"]
    ids = [e.get("id") for e in root.iter() if e.get("id")]
    assert len(ids) == len(set(ids)), "two diagrams share an id"


def test_html_needs_nothing_from_outside(seed_walk):
    page = ho.handout(seed_walk)
    root = parse(page)
    assert not list(root.iter("script")) and not list(root.iter("link")) and not list(root.iter("img"))
    for element in root.iter():
        for name, value in element.attrib.items():
            if name in ("src", "href") or name.endswith("}href"):
                pytest.fail(f"{element.tag} refers to {value}")
    assert "url(" not in page and "@import" not in page
    assert "default-src 'none'" in root.find(".//meta[@http-equiv='Content-Security-Policy']").get("content")


def test_html_prints_on_a4_with_steps_and_diagrams_whole(seed_walk):
    css = parse(ho.handout(seed_walk)).find(".//style").text
    page = re.search(r"@page\s*\{[^}]*size:\s*A4 landscape;\s*margin:\s*(\d+)mm (\d+)mm", css)
    assert page
    assert re.search(r"\.step\s*\{[^}]*break-inside:\s*avoid", css)
    assert re.search(r"figure\s*\{[^}]*break-inside:\s*avoid", css)
    printed = css[css.index("@media print") :]
    assert re.search(r"figure\.diagram svg\s*\{[^}]*max-height:\s*1[0-6]\dmm", printed)  # within the page
    # the diagram spans the page's printable width, the width print_scale sizes its text for
    width = 297 - 2 * int(page[2])
    assert re.search(rf"figure\.diagram\s*\{{[^}}]*width:\s*{width}mm", printed)
    assert pytest.approx(width / 25.4 * 96, abs=1) == ho.PRINT_WIDTH


def test_a_phase_starts_a_new_page_only_when_less_than_half_the_page_is_left(seed_walk):
    """Its heading may not break, and carries half a page of room that it gives back below."""
    css = parse(ho.handout(seed_walk)).find(".//style").text
    printed = css[css.index("@media print") :]
    margin = int(re.search(r"@page\s*\{[^}]*margin:\s*(\d+)mm", css)[1])
    assert re.search(r"section\.phase > h2\s*\{[^}]*break-inside:\s*avoid", printed)
    room = re.search(r"section\.phase > h2::after\s*\{[^}]*height:\s*(\d+)mm;\s*margin-bottom:\s*-(\d+)mm", printed)
    assert room and room[1] == room[2]
    assert int(room[1]) == pytest.approx((210 - 2 * margin) / 2, abs=1)  # half the landscape page's height
    assert "break-before: page" not in printed  # no phase forced onto a page of its own


@pytest.mark.parametrize("sizes", [(2, 2, 2), (2, 3, 1), (3, 4, 2), (4, 4, 4), (2, 4, 4, 1), (4, 8, 8, 4)])
def test_printed_diagrams_have_no_text_under_8_pt(sizes):
    scale = ho.print_scale(sizes, "shared")
    assert ho.printed_pt(sizes, "shared", scale) >= ho.PRINT_PT == 8.0
    assert ho.printed_pt((2, 2, 2), "shared", 1.0) < 8.0  # the size the handout used to print at: ~5.3 pt


def test_handout_diagrams_are_drawn_at_their_print_scale(seed_walk):
    scale = ho.print_scale(seed_walk.network.sizes, seed_walk.network.bias_mode)
    assert scale > 1.0
    for svg in parse(ho.handout(seed_walk)).iter(f"{SVG}svg"):
        style = svg.find(f"{SVG}style").text
        sizes = [float(v) for v in re.findall(r"font-size:(\d+(?:\.\d+)?)px", style)]
        assert min(sizes) == pytest.approx(10 * scale)  # the smallest class, bp-l2, scaled


def test_negative_numbers_carry_a_true_minus_sign_not_a_spaced_operator(seed_walk):
    page = ho.handout(seed_walk)
    assert "<mn>&#x02212;0.038098237</mn>" in page  # "(-0.038098237) * 0.55": a sign, no spaces
    assert not re.search(r"<mo[^>]*>(&#x00028;|&#x0003D;)</mo><mo>&#x02212;</mo><mn>", page)
    # a subtraction stays an operator: "(0.01 - 0.75136507)"
    assert "<mn>0.01</mn><mo>&#x02212;</mo><mn>0.75136507</mn>" in page
    assert ho._math("e^{-0.3775}").count("<mn>&#x02212;0.3775</mn>") == 1  # at the start of a group too


def test_long_products_wrap_between_factors():
    part = r"0.74136507 \cdot 0.186815602 \cdot 0.593269992"
    assert ho.pieces(part) == ["0.74136507", r"\cdot 0.186815602", r"\cdot 0.593269992"]
    assert ho.pieces("a + b \\cdot c") == ["a", "+ b \\cdot c"]  # a sum breaks at its pluses only


def test_diagram_colours_have_fallbacks_outside_jupyterlab(seed_walk):
    """Outside JupyterLab no --jp-* variable is defined: each must carry a fallback."""
    svg = ET.tostring(parse(ho.handout(seed_walk)).find(f".//{SVG}svg"), encoding="unicode")
    used = set(re.findall(r"var\((--[\w-]+)\)", svg))
    defined = set(re.findall(r"(--bp-[\w-]+):", svg))
    assert used <= defined, f"variables without a fallback: {used - defined}"


@pytest.mark.parametrize("config", list(configurations())[::5])
def test_html_for_random_networks_has_every_step(config):
    act, loss, bias, update, order = config
    walk = random_walk((3, 4, 2), activations=act, loss=loss, bias_mode=bias, update_biases=update, order=order)
    root = parse(ho.handout(walk))
    steps = [li for li in root.iter("li") if li.get("data-symbol")]
    assert [li.get("data-symbol") for li in steps] == [s.symbol for s in walk.steps]
    assert [math_text(rows(li)[-1]) for li in steps] == [number(s.value) for s in walk.steps]
    summary = [td.text for td in root.find(".//section[@id='summary']").iter("td")]
    assert summary[3] == number(walk.error_after)


@pytest.mark.parametrize("quiz", [False, True])
def test_a_softmax_network_has_every_step_and_its_jacobian(quiz):
    walk = random_walk(
        (2, 3, 3), activations=["tanh", "softmax"], loss="cce", update_biases=True, bias_mode="per-neuron"
    )
    root = parse(ho.handout(walk, quiz=quiz))
    steps = [li for li in root.iter("li") if li.get("data-symbol")]
    assert [li.get("data-symbol") for li in steps] == [s.symbol for s in walk.steps]
    assert {"dout_o2/dnet_o1", "dE_total/dnet_o1"} <= {li.get("data-symbol") for li in steps}
    if not quiz:
        assert [math_text(rows(li)[-1]) for li in steps] == [number(s.value) for s in walk.steps]
    for step in walk.steps:  # each step's last part is its result, for the quiz's blank
        assert split_equation(step.latex)[-1] == tex_number(step.value), step.symbol
    assert "out - target" in ho.handout(walk, "markdown")


# ------------------------------------------------------------------------ markdown
def test_markdown_has_every_step_in_latex_grouped_by_phase(seed_walk):
    text = ho.handout(seed_walk, "markdown")
    headings = re.findall(r"^## \d\. (.+)$", text, re.M)
    assert headings == [ho.TITLES[p] for p in PHASES]
    blocks = re.findall(r"\$\$(.+?)\$\$", text.split("## Matrix form")[0])  # the steps, before the matrix form
    assert len(blocks) == len(seed_walk.steps)
    for block, step in zip(blocks, seed_walk.steps):
        parts = split_equation(step.latex)
        for part in parts:
            assert part in block
        assert block.removesuffix(r"\end{aligned}").rstrip().endswith(parts[-1])
    assert "| E_total before this iteration | 0.298371109 |" in text
    assert "| E_total after the update | 0.291027774 |" in text


def test_markdown_diagrams_are_svg_images_of_a_fixed_size(seed_walk):
    text = ho.handout(seed_walk, "markdown")
    images = re.findall(r"!\[[^\]]*\]\(data:image/svg\+xml;base64,([A-Za-z0-9+/=]+)\)", text)
    assert len(images) == len(PHASES)
    svg = ET.fromstring(base64.b64decode(images[-1]))
    width, height = float(svg.get("width")), float(svg.get("height"))
    assert svg.get("viewBox") == f"0 0 {svg.get('width')} {svg.get('height')}" and width > 300 and height > 100
    assert "0.35891648" in " ".join(svg.itertext())


# ---------------------------------------------------------------------------- quiz
def test_quiz_html_blanks_every_result_and_keys_them_at_the_end(seed_walk):
    root = parse(ho.handout(seed_walk, quiz=True))
    main = root.find(".//main")
    steps = [li for li in main.iter("li") if li.get("data-symbol")]
    assert len(steps) == len(seed_walk.steps)
    for li, step in zip(steps, seed_walk.steps):
        last = rows(li)[-1]
        assert last.find("span[@class='blank']") is not None and last.find(f"{MATHML}math") is None
        # the formula with its numbers stays; only the result is blank
        assert number(step.value) not in " ".join(math_text(c) for c in rows(li)[:-1]).split()
    phases = root.findall(".//section[@class='phase']")
    assert [s.get("id") for s in phases] == list(PHASES)
    assert not any(s.find("figure") is not None for s in phases), "a diagram would give the answers away"
    key = root.find(".//section[@id='answers']")
    assert list(main).index(key) > list(main).index(phases[-1])
    answers = ["".join(li.itertext()) for li in key.find("ol").iter("li")]
    assert answers == [f"{s.symbol} = {number(s.value)}" for s in seed_walk.steps]
    assert [f.get("data-phase") for f in key.iter("figure")] == list(PHASES)
    assert "0.291027774" in [td.text for td in key.iter("td")]


def test_quiz_markdown_blanks_and_key(seed_walk):
    text = ho.handout(seed_walk, "markdown", quiz=True)
    body, key = text.split("## Answer key")
    assert body.count(r"\underline{\qquad\qquad}") == len(seed_walk.steps)
    blocks = re.findall(r"\$\$(.+?)\$\$", body)
    for block, step in zip(blocks, seed_walk.steps, strict=True):
        *given, blank = split_equation(block.replace(r"\end{aligned}", ""))
        assert blank.strip() == r"\underline{\qquad\qquad}" and split_equation(step.latex)[:-1][-1] in given[-1]
    assert body.count("![") == 1  # the problem's diagram, nothing worked out
    for i, step in enumerate(seed_walk.steps, start=1):
        lhs = split_equation(step.latex)[0]
        assert f"{i}. `{step.symbol}`: ${lhs} = {tex_number(step.value)}$" in key
    assert "| E_total after the update | 0.291027774 |" in key


def test_unknown_format_is_refused(seed_walk):
    with pytest.raises(ValueError, match="format"):
        ho.handout(seed_walk, "pdf")


# ----------------------------------------------------------------------------- cli
def test_cli_handout_html_to_stdout(cli):
    code, out, err = cli("handout")
    assert code == 0 and err == ""
    assert out.startswith("<!DOCTYPE html>") and "0.291027774" in out


def test_cli_handout_markdown_quiz_to_a_file(cli, tmp_path):
    target = tmp_path / "sheet.md"
    code, out, err = cli("handout", "--format", "markdown", "--quiz", "--layers", "2,3,2", "-o", str(target))
    assert (code, err) == (0, "") and out.strip() == f"wrote {target}"
    assert r"\underline{\qquad\qquad}" in target.read_text() and "## Answer key" in target.read_text()


def test_cli_handout_uses_the_network_options(cli):
    code, out, _ = cli("handout", "--order", "seed", "--format", "markdown")
    assert code == 0 and "| E_total after the update | 0.291027924 |" in out


@pytest.mark.parametrize(
    "args, field",
    [
        (["--format", "pdf"], "--format"),
        (["--lr", "abc"], "--lr"),
        (["--layers", "2,0,2"], "--layers"),
        (["--activation", "swish"], "--activation"),
        (["--inputs", "1,2,3"], "--inputs"),
        (["-o", "/nonexistent-dir/sheet.html"], "-o"),
    ],
)
def test_cli_handout_bad_options_exit_2_with_one_line(cli, args, field):
    code, out, err = cli("handout", *args)
    assert code == 2 and out == ""
    assert err.count("\n") == 1 and field in err and "Traceback" not in err


def test_a_diverged_network_still_gives_a_handout(make_seed_network, seed_inputs, seed_targets):
    """inf and nan values are written as such (\\infty, NaN), never a crash."""
    network = make_seed_network()
    network.weights[0][0, 0] = float("inf")
    walk = walkthrough(network, seed_inputs, seed_targets)
    for fmt in ho.FORMATS:
        for quiz in (False, True):
            assert ho.handout(walk, fmt, quiz=quiz)
    root = parse(ho.handout(walk))
    results = {li.get("data-symbol"): math_text(rows(li)[-1]) for li in root.iter("li") if li.get("data-symbol")}
    assert results["net_h1"] == "\u221e"


def test_the_batch_summary_compares_the_batch_mean_before_and_after():
    network = random_network((2, 2, 1), seed=1)
    X, T = random_data(network, 4, seed=1)
    walk = walkthrough(network, X, T, example=0, mode="batch")
    cells = [td.text for td in parse(ho.handout(walk)).find(".//section[@id='summary']").iter("td")]
    before = network.forward(X, T).total_error
    after = walk.after.forward(X, T).total_error
    assert cells[:4] == [
        "E_total before this iteration, mean over the batch of 4",
        number(before),
        "E_total after the update, mean over the batch of 4",
        number(after),
    ]
    assert cells[5] == f"{number(after - before)} ({(after - before) / before:+.2%})"


def test_the_update_rule_and_its_velocities_are_part_of_the_problem(make_seed_network, seed_inputs, seed_targets):
    plain = ho.handout(walkthrough(make_seed_network(), seed_inputs, seed_targets), "markdown")
    assert "Update rule" not in plain
    net = train(make_seed_network().with_options(weight_decay=0.01, momentum=0.9), seed_inputs, seed_targets, 1).network
    walk = walkthrough(net, seed_inputs, seed_targets)
    for fmt in ho.FORMATS:
        text = ho.handout(walk, fmt)
        assert "Update rule: weight decay lambda = 0.01 on the weights (not the biases); momentum mu = 0.9" in text
        assert f"v_w5 = {number(float(net.velocity.weights[1][0, 0]))}" in text and "v_b1 = 0" in text
    assert r"\mu v_{w_{5}}" in ho.handout(walk, "markdown")
