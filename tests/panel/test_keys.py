"""The presenter keys' widget: its front end is the static file, and it can be switched off.

What a key does to the panel (Next step, Previous step, refusals in quiz
mode) is tested with the stepping view; which keys the page takes, in a
real browser (tests/browser/test_presenter_*.py).
"""

from __future__ import annotations

from pathlib import Path

import explorer.panel
from explorer.panel.keys import PresenterKeys

STATIC = Path(explorer.panel.__file__).parent / "static"


def test_the_front_end_code_is_the_static_file():
    esm = PresenterKeys()._esm
    assert esm == (STATIC / "presenter-keys.js").read_text()
    for key in ("PageDown", "ArrowRight", '" "', "PageUp", "ArrowLeft"):
        assert key in esm
    assert "model.send({ key })" in esm


def test_the_keys_are_on_unless_switched_off():
    keys = PresenterKeys()
    assert keys.enabled and keys.get_state()["enabled"]
    keys.enabled = False
    assert keys.get_state()["enabled"] is False
