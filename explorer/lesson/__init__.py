"""The lesson: the walkthrough's steps, the quiz and its mistakes, the student's session, saved files.

Imports the engine only; no widget library.
"""
