"""A step's formula taken apart: its sides at the top-level ``=``, a long side's terms.

A step's ``latex`` reads ``lhs = ... = result``.  The handout sets each part
on a row of its own (and blanks the result in a quiz); the panel's presenter
layout sets it in pieces a line may break between.  Both split here, the same way:
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


def pieces(latex: str) -> list[tuple[str, str]]:
    """A formula in pieces a line may break between, each ending with the operator after it.

    ``"y = a + b = 1 + 2 = 3"`` -> ``[("lhs", "y ="), ("middle", "a +"), ("middle", "b ="),
    ("middle", "1 +"), ("middle", "2 ="), ("result", "3")]``.  A sum breaks
    after its ``+``; a term holding a fraction also after each ``\\cdot`` (the
    chain rule's products).  The kind says which side a piece is from: the
    left-hand side, the working in the middle, or the result.
    """
    parts = split_equation(latex)
    out: list[tuple[str, str]] = []
    for p, part in enumerate(parts):
        kind = "lhs" if p == 0 else "result" if p == len(parts) - 1 else "middle"
        terms: list[str] = []
        for term in split_terms(part):
            terms += split_terms(term, r"\cdot") if r"\frac" in term else [term]
        for t, term in enumerate(terms):
            operator, _, rest = term.partition(" ")
            if t and operator in ("+", r"\cdot") and rest:
                kind_before, before = out[-1]
                out[-1] = (kind_before, f"{before} {operator}")
                term = rest
            out.append((kind, term))
        if p < len(parts) - 1:
            out[-1] = (out[-1][0], f"{out[-1][1]} =")
    return out
