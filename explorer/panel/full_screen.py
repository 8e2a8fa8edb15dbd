"""Full screen: the presenter layout alone on the screen, in any client.

In JupyterLab and Notebook 7 the menus, the toolbar, the tabs and the status
bar take about 150 px of a 1280 x 720 projector, and the browser's own bars
take more on the classroom page; what is left gives the diagram too little
height for 14 px text once a layer has three or four neurons.  This button
(or the F key, see :mod:`explorer.panel.keys`) shows the panel alone on the
whole screen with the browser's Fullscreen API, as slides are shown; Esc or
the button again brings the page back as it was.  Nothing goes to the kernel:
the page measures the new room itself (:mod:`explorer.panel.fit`).
"""

from __future__ import annotations

from pathlib import Path

import anywidget

STATIC = Path(__file__).parent / "static"


class FullScreen(anywidget.AnyWidget):
    """A button that shows the panel it is in alone on the screen, and back."""

    _esm = STATIC / "full-screen.js"
    _css = STATIC / "full-screen.css"
