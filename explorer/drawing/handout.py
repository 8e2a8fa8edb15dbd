"""A handout: one iteration worked out step by step, for paper or a course page.

Two formats from the same walkthrough:

``html``      one self-contained page: the mathematics as MathML (typeset by
              the browser itself, no script, no font, no request), the
              network diagram as inline SVG at the end of each phase, and
              print rules for A4: steps in two columns, never split; each
              diagram on a landscape page, its text at 8 pt or more
              (:func:`print_scale`); a phase starts a new page only when
              less than half of the current one is left.
``markdown``  ``$...$`` / ``$$...$$`` LaTeX, ready for a course page; the
              diagrams as SVG images inside the file (data URIs).

``quiz=True`` leaves each result blank and puts the answers, the diagrams
and the summary in an answer key at the end.

Only the steps' ``phase``, ``symbol``, ``value``, ``latex``, ``meaning`` and ``key``
are used: a step's ``latex`` reads ``lhs = ... = result`` (split by
:mod:`explorer.drawing.formula`), and the quiz variant blanks the part after
the last top-level ``=``.  The page's style is ``static/handout.css``.

Why MathML from ``latex2mathml``: every current browser typesets MathML
Core, so the page needs nothing but itself, and the formulas stay text
(selectable, searchable, read aloud); matplotlib's mathtext knows neither
``\\tfrac`` nor ``\\big|``, and a converter of our own would be code to keep.
latex2mathml handles every construct the walkthrough writes (the tests run
it over every activation, loss, bias mode and order).
"""

from __future__ import annotations

import base64
import functools
import html
import re
from pathlib import Path

from latex2mathml.converter import convert as _latex_to_mathml

from explorer.engine.formatting import number
from explorer.lesson.walkthrough import PHASES, Step, Walkthrough

from . import diagram, matrix_tex
from .formula import split_equation, split_terms
from .layout import layout
from .sizes import FONT_SIZES

FORMATS = ("html", "markdown")
TITLES = {"forward": "Forward pass", "error": "Error", "backward": "Backward pass", "update": "Update"}
INTRO = {
    "forward": "Each neuron adds up its weighted inputs and its bias (net), then squashes the sum (out).",
    "error": "Each output is compared with its target; the errors add up to E_total.",
    "backward": "The chain rule, one factor at a time: how much E_total changes with each weight.",
    "update": "Each weight takes a step against its gradient, scaled by the learning rate eta.",
}
#: What the diagram shows once a phase is done.
CAPTIONS = {
    "forward": "The network after the forward pass: every net input and output.",
    "error": "After the error: E_total for this example.",
    "backward": "After the backward pass: the gradient beside each weight.",
    "update": "After the update: each new weight beside the old one.",
}


def handout(walk: Walkthrough, fmt: str = "html", quiz: bool = False) -> str:
    """The iteration ``walk`` as a handout in ``fmt`` (``"html"`` or ``"markdown"``).

    Parameters
    ----------
    walk : Walkthrough
        One iteration (``explorer.lesson.walkthrough(...)``); never changed.
    fmt : {"html", "markdown"}
    quiz : bool
        Blanks for the results, with an answer key at the end.

    Returns
    -------
    str
        A whole HTML document, or a Markdown text.
    """
    if fmt not in FORMATS:
        raise ValueError(f"format: choose one of {', '.join(FORMATS)} (got {fmt!r})")
    return _html(walk, quiz) if fmt == "html" else _markdown(walk, quiz)


# ------------------------------------------------------------------ shared
def _by_phase(walk: Walkthrough) -> list[tuple[str, list[tuple[int, Step]]]]:
    """(phase, [(step number from 1, step)]) for each phase that has steps, in order."""
    numbered = list(enumerate(walk.steps, start=1))
    groups = [(p, [(i, s) for i, s in numbered if s.phase == p]) for p in PHASES]
    return [(p, steps) for p, steps in groups if steps]


#: A diagram's printed width: an A4 landscape page less its margins (271 mm), in CSS px.
PRINT_WIDTH = 1024.0
#: The smallest text a printed diagram may have, in points (a CSS px is 0.75 pt).
PRINT_PT = 8.0
TEXT_SCALES = (1.0, 1.25, 1.5, 1.75, 2.0, 2.5, 3.0)


def printed_pt(sizes: tuple[int, ...], bias_mode: str, scale: float) -> float:
    """The smallest text of a diagram at text ``scale``, printed :data:`PRINT_WIDTH` wide, in points."""
    lay = layout(sizes, bias_mode, scale)
    # the second line of a connection label (the smallest class) shows at the full level only
    smallest = min(v for k, v in FONT_SIZES.items() if k != "bp-l2" or lay.level == "full")
    return smallest * scale * min(1.0, PRINT_WIDTH / lay.width) * 0.75


def print_scale(sizes: tuple[int, ...], bias_mode: str) -> float:
    """The smallest text scale whose printed diagram has no text under :data:`PRINT_PT`.

    A network too large for that gets the scale that prints its text largest.
    """
    sizes = tuple(sizes)
    fits = [s for s in TEXT_SCALES if printed_pt(sizes, bias_mode, s) >= PRINT_PT]
    return fits[0] if fits else max(TEXT_SCALES, key=lambda s: printed_pt(sizes, bias_mode, s))


def _diagram_after(walk: Walkthrough, last: int, prefix: str) -> str:
    """The diagram with the values of steps 1..``last`` (0: the problem as given), sized for print."""
    done = walk.steps[:last]
    values = {s.key: s.value for s in done}
    updated = {s.parameter: s.value for s in done if s.quantity == "update"}
    net = walk.network
    scale = print_scale(net.sizes, net.bias_mode)
    return diagram.render(net, walk.inputs, walk.targets, values, updated, (), id_prefix=prefix, text_scale=scale)


def _problem_lines(walk: Walkthrough) -> list[str]:
    """The network and its example, as plain sentences."""
    net = walk.network
    names = net.names
    inputs = ", ".join(f"{n} = {number(float(x))}" for n, x in zip(names.neurons[0], walk.inputs))
    targets = ", ".join(f"target_{n} = {number(float(t))}" for n, t in zip(names.neurons[-1], walk.targets))
    biases = f"{'one bias per layer' if net.bias_mode == 'shared' else 'one bias per neuron'}, " + (
        "updated too" if net.update_biases else "kept fixed"
    )
    order = (
        "textbook order: every gradient uses the weights before the update"
        if net.order == "textbook"
        else "the worked example's order: hidden-layer gradients use the already-updated outer weights"
    )
    return [
        f"A {'-'.join(map(str, net.sizes))} network of {', '.join(dict.fromkeys(net.activations))} neurons, "
        f"{net.loss} error, {biases}; learning rate eta = {number(net.learning_rate)}; {order}.",
        f"Inputs {inputs}; targets {targets}.",
        "Weights and biases: " + ", ".join(f"{k} = {number(v)}" for k, v in net.parameters().items()) + ".",
        *_rule_lines(walk),
    ]


def _rule_lines(walk: Walkthrough) -> list[str]:
    """The update rule when it is not plain gradient descent, with the velocities it goes on from."""
    net = walk.network
    parts = []
    if net.weight_decay:
        parts.append(f"weight decay lambda = {number(net.weight_decay)} on the weights (not the biases)")
    if net.momentum:
        velocities = net.flat_state()[len(net.flat_parameters()) :]
        listed = ", ".join(f"v_{k} = {number(float(x))}" for k, x in zip(net.parameters(), velocities))
        parts.append(f"momentum mu = {number(net.momentum)}, velocities before this update {listed}")
    return ["Update rule: " + "; ".join(parts) + "."] if parts else []


def _summary(walk: Walkthrough) -> list[tuple[str, str]]:
    before, after = walk.error_before, walk.error_after
    change = after - before
    relative = f" ({change / before:+.2%})" if before else ""
    over = f", mean over the batch of {len(walk.batch_inputs)}" if walk.mode == "batch" else ""
    return [
        (f"E_total before this iteration{over}", number(before)),
        (f"E_total after the update{over}", number(after)),
        ("Change", f"{number(change)}{relative}"),
    ]


# -------------------------------------------------------------------- html
#: The page's style: A4 print rules included.
_CSS = (Path(__file__).parent / "static" / "handout.css").read_text(encoding="utf-8")


#: A minus sign written as an operator right after an opening tag or another operator (other than a
#: closing bracket): a sign, not a subtraction.  latex2mathml writes ``(-0.02)`` as an infix ``<mo>``,
#: which the browser spaces like a subtraction: "( - 0.02)".
_SIGN = re.compile(
    r"(<m[a-z]*(?: [^>]*)?>|<mo(?: [^>]*)?>(?!&#x00029;|&#x0005D;|&#x0007C;)[^<]*</mo>)"
    r"<mo>&#x02212;</mo><mn>([^<]+)</mn>"
)


@functools.lru_cache(maxsize=4096)  # names and factors recur from step to step
def _math(latex: str) -> str:
    """LaTeX as a MathML ``<math>`` element in display style; a negative number as one ``<mn>``."""
    mathml = _latex_to_mathml(r"\displaystyle " + latex, display="inline")
    return _SIGN.sub(r"\1<mn>&#x02212;\2</mn>", mathml)


#: Formula parts longer than this (LaTeX characters) may wrap: a printed column is ~85 mm wide.
WRAP_AFTER = 40


def pieces(part: str) -> list[str]:
    """Where a long formula part may wrap: before each ``+`` of a sum, else before each ``\\cdot``."""
    terms = split_terms(part)
    return terms if len(terms) > 1 else split_terms(part, r"\cdot")


def _html_equation(step: Step, quiz: bool) -> str:
    """lhs = part / = part / = result as aligned rows; the result blank in a quiz."""
    lhs, *rest = split_equation(step.latex)
    cells = []
    for row, part in enumerate(rest):
        if quiz and row == len(rest) - 1:
            content = '<span class="blank" role="img" aria-label="your answer"></span>'
        elif len(part) > WRAP_AFTER:
            # one <math> cannot wrap: a long sum (or product) becomes one per term, in a row that wraps
            content = '<span class="terms">' + "".join(map(_math, pieces(part))) + "</span>"
        else:
            content = _math(part)
        cells.append(f'<span>{_math(lhs) if row == 0 else ""}</span><span class="rel">=</span><span>{content}</span>')
    return f'<div class="eq">{"".join(cells)}</div>'


def _html_step(number_: int, step: Step, quiz: bool) -> str:
    return (
        f'<li class="step" id="step-{number_}" data-symbol="{html.escape(step.symbol)}">'
        f'<div class="head">Step {number_}: <b>{html.escape(step.symbol)}</b></div>'
        f"{_html_equation(step, quiz)}"
        f'<p class="meaning">{html.escape(step.meaning)}</p></li>'
    )


def _figure(svg: str, caption: str, phase: str) -> str:
    return f'<figure class="diagram" data-phase="{phase}">{svg}<figcaption>{html.escape(caption)}</figcaption></figure>'


def _html(walk: Walkthrough, quiz: bool) -> str:
    groups = _by_phase(walk)
    title = "Backpropagation, one iteration step by step" + (": exercises" if quiz else "")
    body = [f"<h1>{html.escape(title)}</h1>", '<section class="problem"><h2>The problem</h2>']
    body += [f"<p>{html.escape(line)}</p>" for line in _problem_lines(walk)]
    if quiz:
        body.append("<p>Work out every blank, in order; the answers are at the end.</p>")
        body.append(
            _figure(_diagram_after(walk, 0, "p-"), "The network as given: ? marks what you work out.", "problem")
        )
    body.append("</section>")
    for n, (phase, steps) in enumerate(groups, start=1):
        body.append(
            f'<section class="phase" id="{phase}"><h2>{n}. {TITLES[phase]}</h2>'
            f'<p class="intro">{html.escape(INTRO[phase])}</p><ol class="steps">'
        )
        body += [_html_step(i, s, quiz) for i, s in steps]
        body.append("</ol>")
        if not quiz:
            body.append(_figure(_diagram_after(walk, steps[-1][0], f"{phase}-"), CAPTIONS[phase], phase))
        body.append("</section>")
    summary = "".join(
        f'<tr><td>{html.escape(k)}</td><td class="num">{html.escape(v)}</td></tr>' for k, v in _summary(walk)
    )
    summary = f'<section class="summary" id="summary"><h2>Summary</h2><table class="summary">{summary}</table>'
    if quiz:
        body.append('<section class="key-section" id="answers"><h2>Answer key</h2><ol class="key">')
        body += [f"<li><code>{html.escape(s.symbol)}</code> = {html.escape(number(s.value))}</li>" for s in walk.steps]
        body.append("</ol>")
        body += [
            _figure(_diagram_after(walk, steps[-1][0], f"{phase}-"), CAPTIONS[phase], phase) for phase, steps in groups
        ]
        body.append(summary + "</section></section>")
    else:
        body.append(summary + "</section>")
        body.append(matrix_tex.html_section(walk, _math))
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8"/>'
        # nothing on this page may ask the network for anything
        '<meta http-equiv="Content-Security-Policy" content="default-src \'none\'; '
        "style-src 'unsafe-inline'; img-src data:\"/>"
        '<meta name="viewport" content="width=device-width, initial-scale=1"/>'
        f"<title>{html.escape(title)}</title><style>{_CSS}</style></head>"
        f"<body><main>{''.join(body)}</main></body></html>\n"
    )


# ---------------------------------------------------------------- markdown
def standalone_svg(svg: str) -> str:
    """The diagram as a file of its own: a fixed size (from its viewBox) instead of 100% wide.

    An SVG image with a percentage width has no size of its own, and
    viewers then draw it at a default 300 x 150.
    """
    match = re.search(r'viewBox="0 0 ([\d.]+) ([\d.]+)"', svg)
    if not match:
        return svg
    width, height = match.groups()
    return svg.replace(' width="100%"', f' width="{width}" height="{height}"', 1)


def _md_image(svg: str, caption: str) -> str:
    data = base64.b64encode(standalone_svg(svg).encode()).decode("ascii")
    return f"![{caption}](data:image/svg+xml;base64,{data})"


def _md_equation(step: Step, quiz: bool) -> str:
    lhs, *rest = split_equation(step.latex)
    if quiz:
        rest[-1] = r"\underline{\qquad\qquad}"
    if len(rest) == 1:
        return f"$${lhs} = {rest[0]}$$"
    rows = r" \\ ".join(f"&= {part}" for part in rest)
    return f"$$\\begin{{aligned}} {lhs} {rows} \\end{{aligned}}$$"


def _markdown(walk: Walkthrough, quiz: bool) -> str:
    groups = _by_phase(walk)
    title = "Backpropagation, one iteration step by step" + (": exercises" if quiz else "")
    lines = [f"# {title}", "", "## The problem", ""]
    lines += [line + "\n" for line in _problem_lines(walk)]
    if quiz:
        lines += [
            "Work out every blank, in order; the answers are at the end.",
            "",
            _md_image(_diagram_after(walk, 0, "p-"), "The network as given"),
            "",
        ]
    for n, (phase, steps) in enumerate(groups, start=1):
        lines += [f"## {n}. {TITLES[phase]}", "", f"*{INTRO[phase]}*", ""]
        for i, s in steps:
            lines += [f"**Step {i}:** `{s.symbol}`", "", _md_equation(s, quiz), "", s.meaning, ""]
        if not quiz:
            lines += [_md_image(_diagram_after(walk, steps[-1][0], f"{phase}-"), CAPTIONS[phase]), ""]
    summary = ["## Summary", "", "| | |", "|---|---|"] + [f"| {k} | {v} |" for k, v in _summary(walk)]
    if quiz:
        lines += ["## Answer key", ""]
        lines += [
            f"{i}. `{s.symbol}`: ${split_equation(s.latex)[0]} = {split_equation(s.latex)[-1]}$"
            for i, s in enumerate(walk.steps, start=1)
        ]
        lines.append("")
        for phase, steps in groups:
            lines += [_md_image(_diagram_after(walk, steps[-1][0], f"{phase}-"), CAPTIONS[phase]), ""]
        summary[0] = "### Summary"
    lines += summary
    if not quiz:
        lines += ["", *matrix_tex.markdown_section(walk)]
    return "\n".join(lines) + "\n"


def file_name(fmt: str, quiz: bool = False, stem: str = "backprop-handout") -> str:
    """``backprop-handout.html``, ``backprop-handout-quiz.md``, ..."""
    return f"{stem}{'-quiz' if quiz else ''}.{'html' if fmt == 'html' else 'md'}"


def mime_type(fmt: str) -> str:
    """The media type of a handout in ``fmt``."""
    return "text/html" if fmt == "html" else "text/markdown"
