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

It reports the diagram's box, as the page shows it, in :attr:`Fit.room`, so the
diagram is laid out for the room it really has (a notebook's panel is lower than
the classroom page's window).  The box's size is set by the style sheet alone
(the SVG scales to fit it), so a diagram redrawn for a room never changes the
room; the size is reported in steps of :data:`ROOM_STEP` px, once it has settled,
so dragging a window's edge redraws a few times, not at every pixel.
"""

from __future__ import annotations

from pathlib import Path

import anywidget
import traitlets

#: The diagram's box is reported in steps of this many CSS px (rounded down: never more than the page has).
ROOM_STEP = 20


class Fit(anywidget.AnyWidget):
    """Invisible; see the module's docstring."""

    _esm = Path(__file__).parent / "static" / "fit.js"
    #: (width, height) of the diagram's box in CSS px, to :data:`ROOM_STEP`; empty until the page measures it.
    room = traitlets.Tuple().tag(sync=True)
    room_step = traitlets.Int(ROOM_STEP).tag(sync=True)
