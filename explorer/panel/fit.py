"""Fit: the presenter layout sized to the screen it is seen on, not to the window.

``100vh`` is the window's height, but in JupyterLab and Notebook 7 the notebook
scrolls inside a panel shorter than the window (menus, toolbar and status bar
take the rest), so a layout sized by ``100vh`` overflows there.  This invisible
anywidget measures the height the panel is seen through (the notebook's
scrolling panel, else the window), follows it with a resize observer, and hands
it to the style sheet as ``--bp-view-h``; the widths follow from CSS container
queries on the panel itself (``presenter.css``).  It also keeps the formula's
result in view: when the formula's box is too small for it, smaller type (down
to the floor) and then a ``\\cdots`` in place of the working.
"""

from __future__ import annotations

from pathlib import Path

import anywidget


class Fit(anywidget.AnyWidget):
    """Invisible; see the module's docstring."""

    _esm = Path(__file__).parent / "static" / "fit.js"
