"""Drawing: the network diagram (SVG), the plots (matplotlib) and the handout.

Imports the engine and the lesson; no widget library.
"""
