"""Numbers and symbols written the way the seed writes them.

The seed prints nine decimals and drops trailing zeros (0.593269992,
0.35891648, 0.3775); very small or large values switch to scientific form.
Symbols are plain text in the seed's naming (``dE_total/dout_o1``) and become
LaTeX (``\\frac{\\partial E_{total}}{\\partial out_{o1}}``) for display.
"""

from __future__ import annotations

import math
import re

DECIMALS = 9


def count(n: int, word: str) -> str:
    """``n`` and a word that takes an s when there is not exactly one: "1 row", "5 rows"."""
    return f"{n} {word}{'s' * (n != 1)}"


def number(value: float) -> str:
    """Plain text: ``0.3775``, ``0.593269992``, ``-0.019049119``, ``3.51085e-05``."""
    if value == 0:
        return "0"
    if not math.isfinite(value):
        return "nan" if math.isnan(value) else ("inf" if value > 0 else "-inf")
    if 1e-3 <= abs(value) < 1e6:
        text = f"{value:.{DECIMALS}f}".rstrip("0").rstrip(".")
        return text
    return f"{value:.6g}"


def tex_number(value: float) -> str:
    """LaTeX form of :func:`number`: scientific notation as ``\\times 10^{k}``."""
    text = number(value)
    match = re.fullmatch(r"(-?[\d.]+)e([+-])0*(\d+)", text)
    if match:
        mantissa, sign, exponent = match.groups()
        return rf"{mantissa} \times 10^{{{'-' if sign == '-' else ''}{exponent}}}"
    if text in ("nan", "inf", "-inf"):
        return {"nan": r"\mathrm{NaN}", "inf": r"\infty", "-inf": r"-\infty"}[text]
    return text


def tex_term(value: float) -> str:
    """A number as a term in a sum or product: negatives in parentheses."""
    text = tex_number(value)
    return f"({text})" if value < 0 else text


def tex_name(name: str) -> str:
    """``out_h1`` -> ``out_{h1}``, ``w5`` -> ``w_{5}``, ``h2_1`` -> ``h2\\_1`` style names."""
    if name.startswith("E_"):
        return rf"E_{{{_sub(name[2:])}}}"
    for quantity in ("net", "out", "target"):
        if name.startswith(quantity + "_"):
            return rf"\mathit{{{quantity}}}_{{{_sub(name[len(quantity) + 1 :])}}}"
    if name.endswith("+"):
        return tex_name(name[:-1]) + "^{+}"
    if name.startswith("b_"):
        return rf"b_{{{_sub(name[2:])}}}"
    match = re.fullmatch(r"([iwb])(\d+)", name)
    if match:
        return f"{match.group(1)}_{{{match.group(2)}}}"
    return _sub(name)


def _sub(neuron: str) -> str:
    """A neuron name as a subscript: ``h2_1`` -> ``h2,1``."""
    return neuron.replace("_", ",")


def tex_symbol(symbol: str) -> str:
    """``dE_total/dout_o1`` -> a partial-derivative fraction; other names via :func:`tex_name`."""
    match = re.fullmatch(r"d(.+)/d(.+)", symbol)
    if match:
        top, bottom = match.groups()
        return rf"\frac{{\partial {tex_name(top)}}}{{\partial {tex_name(bottom)}}}"
    return tex_name(symbol)
