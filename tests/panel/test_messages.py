"""The message line: what it says, in which colour, and where a traceback goes."""

from __future__ import annotations

from explorer.panel.messages import Messages


def test_say_and_clear():
    m = Messages()
    m.say("Weights restored.")
    assert (m.line.value, m.line.kind) == ("Weights restored.", "info")
    m.say("Learning rate: enter a positive number", error=True)
    assert m.line.kind == "error"
    m.clear()
    assert m.line.value == ""


def test_an_unexpected_error_points_to_its_details():
    m = Messages()
    m.unexpected(ValueError("bad"), "Traceback (most recent call last): ...")
    assert m.line.kind == "error" and "ValueError: bad" in m.line.value and "bottom of the panel" in m.line.value
    assert m.details.outputs[-1]["text"].startswith("Traceback")
