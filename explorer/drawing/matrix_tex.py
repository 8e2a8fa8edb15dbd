"""The matrix form typeset: each line of a part as LaTeX, large matrices cut down to fit.

A line reads ``formula = numbers = result``: the vectorised formula with
names, then the same with this iteration's matrices (``pmatrix``), then the
result.  The panel sets it with MathJax (an ``HTMLMath``), the handout with
latex2mathml; both read the same LaTeX.

A matrix with more than :data:`LIMIT` rows (or columns) shows its first
rows, its last one and the one of the entry in focus, with ``\\vdots``
(``\\cdots``) where rows are left out, and says so in :func:`elided`: a 16 x 16
layer or a batch of 64 examples would not fit a screen.
"""

from __future__ import annotations

import html
from collections.abc import Callable

from explorer.engine.formatting import tex_number
from explorer.lesson.matrix_form import Line, Matrix, Part, Position, matrix_form, not_covered
from explorer.lesson.walkthrough import Walkthrough

from .formula import split_equation

#: Rows or columns a matrix shows in full; a larger one is cut down to this many, gaps included.
LIMIT = 6


def shown(n: int, focus: int | None = None, limit: int = LIMIT) -> list[int | None]:
    """The indices of ``n`` rows to show (None where a run is left out), ``focus`` always among them."""
    if n <= limit:
        return list(range(n))
    keep = set(range(limit - 2)) | {n - 1}
    if focus is not None and focus not in keep:
        keep = set(range(limit - 4)) | {focus, n - 1}
    result: list[int | None] = []
    for i in sorted(keep):
        if result and result[-1] is not None and i != result[-1] + 1:
            result.append(None)
        result.append(i)
    return result


def tex_matrix(m: Matrix, focus: tuple[int, int] | None = None, hide: bool = False, limit: int = LIMIT) -> str:
    """``m`` as a ``pmatrix``; the entry at ``focus`` boxed (its number a ``?`` when ``hide``)."""
    rows_, cols_ = m.shape
    rows = shown(rows_, focus[0] if focus else None, limit)
    cols = shown(cols_, focus[1] if focus else None, limit)

    def cell(r: int | None, c: int | None) -> str:
        if r is None:
            return r"\ddots" if c is None else r"\vdots"
        if c is None:
            return r"\cdots"
        text = tex_number(m.entries[r][c].value)
        if focus == (r, c):
            return rf"\boxed{{{'?' if hide else text}}}"
        return text

    if (rows_, cols_) == (1, 1):  # a number: no brackets
        return cell(0, 0)
    body = r" \\ ".join(" & ".join(cell(r, c) for c in cols) for r in rows)
    return rf"\begin{{pmatrix}} {body} \end{{pmatrix}}"


def elided(m: Matrix, limit: int = LIMIT) -> bool:
    return max(m.shape) > limit


def line_tex(line: Line, focus: Position | None = None, index: int = -1, hide: bool = False) -> tuple[str, str]:
    """(the formula with names, ``= numbers = result``) of line ``index`` of a part; ``focus`` boxes an entry."""
    at = focus[2:] if focus and focus[0] == index else None
    slot = focus[1] if at else -1
    matrices = line.matrices
    numbers, s = [], 0
    for term in line.terms:
        if isinstance(term, str):
            numbers.append(term)
        else:
            numbers.append(tex_matrix(term, at if s == slot else None, hide))
            s += 1
    result = tex_matrix(line.result, at if slot == len(matrices) - 1 else None, hide)
    return line.formula, f"= {' '.join(numbers)} = {result}"


def part_tex(part: Part, focus: Position | None = None, hide: bool = False) -> list[tuple[str, str]]:
    """Each line of ``part`` as :func:`line_tex` gives it."""
    return [line_tex(line, focus, i, hide) for i, line in enumerate(part.lines)]


def aligned(formula: str, numbers: str) -> str:
    """A line on two rows aligned at their ``=``: ``lhs = rhs`` over ``= numbers = result``."""
    lhs, *rhs = split_equation(formula)
    return rf"\begin{{aligned}} {lhs} &= {' = '.join(rhs)} \\ &{numbers} \end{{aligned}}"


def cut_down(part: Part, limit: int = LIMIT) -> dict[str, tuple[int, int]]:
    """The matrices of ``part`` shown in part (LaTeX symbol -> full shape): say so beside them."""
    cut: dict[str, tuple[int, int]] = {}
    for line in part.lines:
        for m in line.matrices:
            if elided(m, limit):
                cut.setdefault(m.symbol, m.shape)
    return cut


# ------------------------------------------------------------------ handout
INTRO = (
    "The same iteration a layer at a time, as the vectors and matrices of the algorithm every "
    "framework runs: layer l's weights W^(l) (row k: the weights into its neuron k), net inputs z^(l), "
    "outputs a^(l) (a^(0): the inputs), deltas delta^(l) = dE/dz^(l); (.) multiplies entry by entry."
)


def _batch_note(walk: Walkthrough) -> str:
    if walk.mode != "batch" or len(walk.batch_inputs) < 2:
        return ""
    return " Batch mode: a column per example (capital letters), and the update uses the mean gradient."


def html_section(walk: Walkthrough, math: Callable[[str], str], example: int | None = None) -> str:
    """The handout's "Matrix form" section as HTML; ``math`` turns LaTeX into MathML."""
    if not_covered(walk.network):
        return ""
    body = [
        '<section class="matrix-form" id="matrix-form"><h2>Matrix form</h2>',
        f'<p class="intro">{html.escape(INTRO + _batch_note(walk))}</p>',
    ]
    body.append('<div class="parts">')
    for part in matrix_form(walk, example):
        body.append(f'<div class="mpart"><h3>{html.escape(part.title)}</h3>')
        for formula, numbers in part_tex(part):
            body.append(f'<div class="mline">{math(formula)}<br/>{math(numbers)}</div>')
        cut = cut_down(part)
        if cut:
            names = ", ".join(f"{math(symbol)} ({r} x {c})" for symbol, (r, c) in cut.items())
            body.append(f'<p class="note">Shown in part (the dots stand for the rest): {names}.</p>')
        body.append("</div>")
    body.append("</div></section>")
    return "".join(body)


def markdown_section(walk: Walkthrough, example: int | None = None) -> list[str]:
    """The handout's "Matrix form" section as Markdown lines (``$$`` LaTeX)."""
    if not_covered(walk.network):
        return []
    lines = ["## Matrix form", "", f"*{INTRO}{_batch_note(walk)}*", ""]
    for part in matrix_form(walk, example):
        lines += [f"### {part.title}", ""]
        for formula, numbers in part_tex(part):
            lines += [f"$${aligned(formula, numbers)}$$", ""]
        cut = cut_down(part)
        if cut:
            names = ", ".join(f"${symbol}$ ({r} x {c})" for symbol, (r, c) in cut.items())
            lines += [f"Shown in part (the dots stand for the rest): {names}.", ""]
    return lines
