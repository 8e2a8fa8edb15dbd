"""The page's theme, light or dark, told to the kernel so the plots' ink follows it.

The diagram is SVG and takes its colours from JupyterLab's CSS variables by
itself; the plots are images drawn in the kernel, so their text, ticks and
spines must be drawn in the theme's ink (:data:`explorer.drawing.axes.INK`).
One invisible anywidget reads JupyterLab's ``data-jp-theme-light`` marker on
the page's body, and watches it: switching the theme redraws the plots.
"""

from __future__ import annotations

from pathlib import Path

import anywidget
import traitlets


class PageTheme(anywidget.AnyWidget):
    """Invisible: ``theme`` is ``"dark"`` on a page in a dark JupyterLab theme, else ``"light"``."""

    _esm = Path(__file__).parent / "static" / "page-theme.js"
    theme = traitlets.Unicode("light").tag(sync=True)
