"""The panel's views: each builds its widgets, renders them from the session, and handles them.

Every view is built from the session, the message line and the runner, and
nothing else; :class:`~explorer.panel.explorer.Explorer` composes them and
:mod:`explorer.panel.layouts` arranges their widgets.  A view changes the
session in a line or two; one observer redraws it when the session changes.
One view never reaches another: a run is stopped through the runner, and
what one view changes, the others see in the session.

- :mod:`.stepping`: the diagram, the formula, the step buttons and slider,
  the iteration shown, the presenter keys (and the quiz row, :mod:`.quiz`);
- :mod:`.training`: Train, Play, Stop, the pace, the counter, the learning rate;
- :mod:`.curve`: the error curve and its options, the decision boundary;
- :mod:`.editing`: the table of every number, the update order and biases;
- :mod:`.dataset`, :mod:`.architecture`, :mod:`.sweep`: the problem and the learning-rate sweep;
- :mod:`.files`: the handout, Save and Load.
"""
