"""A step's formula taken apart: its sides at the top-level ``=``, a long side's terms.

A step's ``latex`` reads ``lhs = ... = result``.  The handout sets each part
on a row of its own (and blanks the result in a quiz); the panel's presenter
layout sets the formula on two aligned lines.  Both split here, the same way:
only at an ``=`` outside every brace, so ``\\frac{x = 1}{2}`` or
``a_{x=1}`` stay whole.
"""

from __future__ import annotations


def split_equation(latex: str) -> list[str]:
    """``"a = b + c = 3"`` -> ``["a", "b + c", "3"]``: split at top-level ``=`` only."""
    parts, depth, start = [], 0, 0
    for i, char in enumerate(latex):
        depth += {"{": 1, "}": -1}.get(char, 0)
        if char == "=" and depth == 0:
            parts.append(latex[start:i].strip())
            start = i + 1
    parts.append(latex[start:].strip())
    return parts


def split_terms(latex: str, operator: str = "+") -> list[str]:
    """``"a + \\frac{b + c}{d} + e"`` -> ``["a", "+ \\frac{b + c}{d}", "+ e"]``: top-level sums only.

    ``operator=r"\\cdot"`` splits a top-level product the same way, before each ``\\cdot``.
    """
    terms, depth, start = [], 0, 0
    spaced = f" {operator} "
    for i, char in enumerate(latex):
        depth += {"{": 1, "}": -1, "(": 1, ")": -1, "[": 1, "]": -1}.get(char, 0)
        if depth == 0 and latex.startswith(spaced, i) and i > start:
            terms.append(latex[start:i].strip())
            start = i + 1
    terms.append(latex[start:].strip())
    return terms


def two_lines(latex: str) -> str:
    """A formula ``a = b = c = d`` as two aligned lines, ``a = b`` over ``= c = d``.

    A formula with a single ``=`` stays on one line.  The projector's large
    type would otherwise need more than a screen's width for net_o1 or
    dE_total/dw5.
    """
    parts = split_equation(latex)
    if len(parts) < 3:
        return latex
    return rf"\begin{{aligned}}{parts[0]} &= {parts[1]} \\ &= {' = '.join(parts[2:])}\end{{aligned}}"
