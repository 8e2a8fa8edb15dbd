"""The table of mistakes the quiz recognises, and the record of one."""

from __future__ import annotations

import dataclasses

import pytest

from explorer.lesson.known_mistakes import MISTAKES, Mistake


def test_a_mistake_is_named_from_the_table_and_frozen():
    mistake = Mistake("sign", -0.082167041, "The error's slope is out - target.")
    assert mistake.name == "the sign flipped" == MISTAKES["sign"]
    with pytest.raises(dataclasses.FrozenInstanceError):
        mistake.value = 0.0


def test_every_name_is_distinct_and_reads_in_a_sentence():
    names = list(MISTAKES.values())
    assert len(set(names)) == len(names)
    # the quiz says "Not quite: <name>." so a name starts in lower case and has no full stop
    assert all(name[0].islower() and not name.endswith(".") for name in names)
