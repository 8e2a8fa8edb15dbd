"""The panel's own widgets: the accessible slider, the status line, the keyboard passage, the steady pointer.

Their front-end code lives in explorer/panel/static/; each widget sends the
page exactly that file.  The slider's refusals of bad values are fuzzed in
tests/topics/test_fuzz.py; here, its rules one by one.
"""

from __future__ import annotations

import math
from pathlib import Path

import pytest

import explorer.panel
from explorer.panel.controls import KeyboardPassage, Slider, StatusLine, SteadyPointer, round_stops

STATIC = Path(explorer.panel.__file__).parent / "static"


@pytest.mark.parametrize(
    "widget, esm, css",
    [
        (Slider, "slider.js", "slider.css"),
        (StatusLine, "status-line.js", "status-line.css"),
        (KeyboardPassage, "keyboard-passage.js", None),
        (SteadyPointer, "steady-pointer.js", None),
    ],
)
def test_the_front_end_code_is_the_static_files(widget, esm, css):
    w = widget()
    assert w._esm == (STATIC / esm).read_text() and "export default { render }" in w._esm
    if css:
        assert w._css == (STATIC / css).read_text()


def test_the_slider_takes_values_in_its_range_and_keeps_the_last_good_one():
    slider = Slider(label="Rate", min=0.001, max=10.0, log=True, value=0.5)
    slider.value = 2.0
    assert slider.value == 2.0 and slider.error == ""
    slider.value = 11.0
    assert slider.value == 2.0 and slider.error.startswith("Rate: choose a value from 0.001 to 10")
    slider.value = math.nan
    assert slider.value == 2.0 and "kept 2" in slider.error
    slider.value = 10.0
    assert slider.value == 10.0 and slider.error == ""


def test_the_slider_puts_a_refused_page_value_back_on_the_page():
    slider = Slider(label="Step", min=0, max=53, value=3)
    sent = []
    slider.send_state = lambda key=None: sent.append(key)
    slider.set_state({"value": "abc"})
    assert slider.value == 3 and "got 'abc'" in slider.error and sent[-1] == "value"


def test_the_status_line_holds_text_and_its_kind():
    line = StatusLine()
    assert (line.value, line.kind) == ("", "info")
    line.kind, line.value = "error", "Learning rate: enter a positive number"
    assert line.get_state()["kind"] == "error" and line.get_state()["value"].startswith("Learning rate")


def test_the_keyboard_passage_names_every_plot():
    labels = KeyboardPassage().plot_labels
    assert set(labels) == {"bp-plot-curve", "bp-plot-boundary", "bp-plot-sweep"} and all(labels.values())


# ------------------------------------------------------------ races with the page
def test_fast_key_presses_are_not_put_back_by_late_kernel_echoes():
    # three ArrowLeft presses faster than the kernel answers used to end one notch short:
    # the echo of the first press moved the handle back before the third
    import json
    import shutil
    import subprocess

    node = shutil.which("node")
    if node is None:
        pytest.skip("node is not installed")
    here = Path(__file__).parent
    script = here / "js" / "slider_race.mjs"
    module = Path(explorer.panel.__file__).parent / "static" / "slider.js"
    done = subprocess.run([node, str(script), str(module)], capture_output=True, text=True, timeout=60, check=True)
    result = json.loads(done.stdout)
    assert result["committed"] == [4, 3, 2]
    assert float(result["shownAfterEcho"]) == 3 and float(result["shown"]) == 2
    assert result["sent"] == [{"event": "ready"}]


def test_a_view_that_starts_late_is_sent_the_whole_current_state():
    slider = Slider(label="Step", min=0, max=10, step=1, value=3, whole=True)
    sent = []
    slider.send_state = lambda key=None: sent.append(key)
    slider._on_front_end(slider, {"event": "ready"}, [])
    slider._on_front_end(slider, {"event": "other"}, [])
    slider._on_front_end(slider, "ready", [])
    assert sent == [None]  # every synced trait, once


def test_round_stops_are_a_1_1_5_2_3_5_7_sequence_over_the_range():
    stops = round_stops(0.001, 10.0)
    assert stops[:7] == [0.001, 0.0015, 0.002, 0.003, 0.005, 0.007, 0.01]
    assert stops[-8:] == [0.7, 1.0, 1.5, 2.0, 3.0, 5.0, 7.0, 10.0]
    assert 0.5 in stops and 0.512861384 not in stops
    assert stops == sorted(stops) and len(stops) == len(set(stops)) == 4 * 6 + 1


def test_the_learning_rate_slider_stops_at_round_rates_and_still_takes_any_value_in_range():
    from explorer.panel.explorer import Explorer  # noqa: PLC0415 (the whole panel, for its slider)

    slider = Explorer().training.lr_slider
    assert slider.stops == round_stops(0.001, 10.0)
    slider.value = 0.512861384  # typed into the text field: not a stop, still taken
    assert slider.value == 0.512861384 and slider.error == ""


def test_the_steady_pointer_moves_the_page_only_as_far_as_the_layout_moved_the_button():
    """What it must not do: undo a scroll (the person's, or the page's own scroll anchoring)."""
    esm = SteadyPointer()._esm
    assert '".bp-panel button"' in esm and ".jp-WindowedPanel-outer" in esm
    assert "MutationObserver" in esm and "ResizeObserver" in esm
    # a move counts only where the control's place in the page changed, and the page is
    # scrolled by the distance from where it was last seen, never further
    assert "top + scrolled(scroller) - placed" in esm and "const by = top - seen" in esm
    for ends in ('"wheel"', '"touchstart"', '"keydown"'):
        assert ends in esm
