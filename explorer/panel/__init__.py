"""The panel: the views, their controls and the :class:`Explorer` that arranges them.

The only layer that imports ipywidgets.  Imports the layers below it
(drawing, lesson, engine), never the serving layer above.
"""

from .explorer import Explorer

__all__ = ["Explorer"]
