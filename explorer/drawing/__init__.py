"""Drawing: the network diagram (SVG), the plots (matplotlib) and the handout.

Imports the engine and the lesson; no widget library.

The diagram, from the bottom up: ``sizes`` (text and shape sizes), ``labels``
(where the labels of one layer gap go), ``assembly`` (the gaps side by side:
where everything of one shape goes), ``current_step`` (a shape too big for
its room: only the current step labelled), ``layout`` (the search for the
layout that fits), ``marks`` (small SVG pieces), ``parts`` (links, labels,
nodes), ``diagram`` (``render``, ``element_ids``).  The plots: ``axes``
(the shared set-up), ``curves``, ``boundary``, ``sweep_plot``.  ``formula`` splits a
step's formula for ``handout`` and the presenter.  Stylesheets in ``static/``.
"""
