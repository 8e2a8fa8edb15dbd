"""Serving: the command line, the classroom page (Voila), its kernels and the notebook files.

The top layer: it may import every layer below.
"""
