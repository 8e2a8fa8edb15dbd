"""The panel's views: each builds its widgets, renders them from the session, and handles them.

:class:`~explorer.panel.explorer.Explorer` composes them and arranges their widgets
(the notebook or the presenter layout).  A view changes the session in a
line or two and redraws from it; one view reaches another only through the
panel (``self.panel.training.stop()``).

- :mod:`.stepping`: the diagram, the formula, the step buttons and slider,
  the iteration shown, the presenter keys;
- :mod:`.training`: Train, Play, Stop, the pace, the counter, the learning rate;
- :mod:`.curve`: the error curve and its options, the decision boundary;
- :mod:`.editing`: the table of every number, the update order and biases.
"""

from .curve import CurveView
from .editing import EditingView
from .stepping import SteppingView
from .training import TrainingView

__all__ = ["CurveView", "EditingView", "SteppingView", "TrainingView"]
