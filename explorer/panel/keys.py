"""Presenter keys: a clicker's PageDown/PageUp (or the arrow keys) step through the walkthrough.

Presenter remotes send PageDown and PageUp, some the arrow keys; a teacher
at a laptop reaches for Space.  One small anywidget listens for them on the
page and sends ``{"key": "next"}`` or ``{"key": "previous"}`` to the kernel,
where the panel runs the same handler as its buttons.

F presses the presenter's Full screen button (:mod:`explorer.panel.full_screen`),
as slide shows have it: the panel alone on the screen, and back.

Which keys are the panel's:

- the focus is inside this panel (a click on the diagram gives it the focus);
- or nothing has the focus (the classroom page just after loading, or after
  a click on empty space), and this is the first panel on the page, or the
  one shown full screen;
- and at least half of the panel (or of the visible area, for a panel taller
  than that) is in view: scrolled away to read the lesson, PageDown and
  PageUp scroll the page as usual.

They are never taken from a text field, a slider or a dropdown (the user is
typing or choosing).  Anything else focused steps: Space on a step button the
mouse left focused steps forward, it does not press that button.  Enter in
the Iteration field opens the iteration and hands the focus back to the
panel, so the clicker works again at once.  Keys outside the panel stay
JupyterLab's: the notebook has the focus there, so the second rule does not
apply.
"""

from __future__ import annotations

from pathlib import Path

import anywidget
import traitlets


class PresenterKeys(anywidget.AnyWidget):
    """Invisible: PageDown, ArrowRight and Space send ``{"key": "next"}``; PageUp and
    ArrowLeft ``{"key": "previous"}``; F shows the panel full screen, in the page alone
    (see the module's docstring for when)."""

    _esm = Path(__file__).parent / "static" / "presenter-keys.js"
    enabled = traitlets.Bool(True).tag(sync=True)
