"""The presenter's fitting widget: its front end is the static file, which measures the right thing.

What the layout then looks like in each client is measured in a real browser
(tests/browser/test_layout_audit.py).
"""

from __future__ import annotations

from pathlib import Path

import explorer.panel
from explorer.panel.fit import ROOM_STEP, Fit

STATIC = Path(explorer.panel.__file__).parent / "static"


def test_the_front_end_code_is_the_static_file():
    esm = Fit()._esm
    assert esm == (STATIC / "fit.js").read_text()
    # the notebook's own scrolling panel in Lab and Notebook 7, else the window
    assert ".jp-WindowedPanel-outer" in esm and "window.innerHeight" in esm
    assert "--bp-view-h" in esm and "ResizeObserver" in esm


def test_each_squeeze_of_the_formula_has_its_rule_in_the_style_sheet():
    css = (STATIC / "presenter.css").read_text()
    for level in ("bp-smaller", "bp-elide", "bp-elide-all"):
        assert level in Fit()._esm and f".{level}" in css


def test_the_diagram_box_is_reported_in_steps_once_settled():
    esm = Fit()._esm
    assert '"room_step"' in esm and 'model.set("room"' in esm and "setTimeout(reportRoom" in esm
    assert ".bp-diagram-box" in esm
    fit = Fit()
    assert fit.room == () and fit.room_step == ROOM_STEP  # nothing measured yet: the usual room
    fit.room = [1100, 280]  # the page sends a JSON list
    assert fit.room == (1100, 280)


def test_the_diagram_box_is_sized_by_the_style_sheet_not_by_the_svg():
    """What keeps a redraw from changing the room it was drawn for, and so from another report."""
    css = (STATIC / "presenter.css").read_text()
    assert ".bp-main > .bp-diagram-box { flex: 1 1 0; min-height: 0;" in css
    assert "svg.bp-diagram { width: 100%; height: 100%;" in css
