"""The full-screen button: its front end is the static file; the presenter has one, the notebook none.

What it does (the panel alone on the screen, the keys still stepping, the
page as it was afterwards) is tested in a real browser in every client
(tests/browser/test_presenter.py, and the layout audit's full-screen states).
"""

from __future__ import annotations

from pathlib import Path

import pytest

import explorer.panel
from explorer.panel.explorer import Explorer
from explorer.panel.full_screen import FullScreen
from explorer.panel.keys import PresenterKeys
from tests.helpers.panel import walk_widgets

STATIC = Path(explorer.panel.__file__).parent / "static"

pytestmark = pytest.mark.filterwarnings("ignore:Passing unrecognized arguments:DeprecationWarning")


def test_the_front_end_code_and_style_are_the_static_files():
    button = FullScreen()
    assert button._esm == (STATIC / "full-screen.js").read_text()
    assert button._css == (STATIC / "full-screen.css").read_text()
    # the panel itself goes full screen, and the label follows the page's state whatever changed it (Esc)
    assert "panel.requestFullscreen(" in button._esm and "document.exitFullscreen()" in button._esm
    assert '"fullscreenchange"' in button._esm


def test_the_f_key_presses_the_presenters_button():
    keys = PresenterKeys()._esm
    assert '"f", "F"' in keys and ".bp-full-screen-button" in keys and "button.click()" in keys


@pytest.mark.parametrize(("layout", "count"), [("presenter", 1), ("notebook", 0)])
def test_only_the_presenter_has_a_full_screen_button(layout, count):
    assert sum(isinstance(w, FullScreen) for w in walk_widgets(Explorer(layout=layout))) == count


def test_the_page_measures_the_screen_while_the_panel_fills_it():
    fit = (STATIC / "fit.js").read_text()
    assert "document.fullscreenElement === panel" in fit and '"fullscreenchange", update' in fit
