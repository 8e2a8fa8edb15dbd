"""The panel: the views, their controls, the runner and the :class:`~explorer.panel.explorer.Explorer`
that composes and arranges them.

The only layer that imports ipywidgets.  Imports the layers below it
(drawing, lesson, engine), never the serving layer above.
"""
