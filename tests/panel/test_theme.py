"""The page's theme widget: its front end is the static file; a dark page turns every plot's ink dark-theme.

That the front end reads JupyterLab's theme is checked in a real browser
(tests/browser/test_panel.py, the dark-theme test).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from matplotlib.colors import to_hex

import explorer.panel
from explorer.drawing.axes import INK
from explorer.panel.theme import PageTheme

STATIC = Path(explorer.panel.__file__).parent / "static"


def _inks(panel) -> set[str]:
    """The colours of every plot's tick labels."""
    axes = (panel.curve_view.curve.ax, panel.curve_view.boundary.ax, panel.sweep.plot.ax)
    return {to_hex(t.get_color()) for ax in axes for t in ax.get_xticklabels() + ax.get_yticklabels()}


def test_the_front_end_code_is_the_static_file():
    esm = PageTheme()._esm
    assert esm == (STATIC / "page-theme.js").read_text()
    assert "jpThemeLight" in esm and "save_changes" in esm


def test_light_until_the_page_says_otherwise(panel):
    assert panel.page_theme.theme == "light"
    assert panel.page_theme in panel.children
    assert _inks(panel) == {INK["light"]}


@pytest.mark.parametrize("layout", ["notebook", "presenter"])
def test_a_dark_page_gives_every_plot_the_dark_ink_and_back(layout, request):
    panel = request.getfixturevalue("panel" if layout == "notebook" else "presenter")
    panel.page_theme.theme = "dark"
    assert _inks(panel) == {INK["dark"]}
    panel.page_theme.theme = "light"
    assert _inks(panel) == {INK["light"]}
