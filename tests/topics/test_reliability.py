"""Faults found by driving the panel, the session and the CLI with odd input, each pinned down.

One test per fault: sliders given NaN, divergence that must stay on show,
edits and the end-of-run redraw during training, ``close()`` during a run,
and the interface faults a browser showed (Pace, "1 iteration", the curve's
ticks, the learning-rate field, the step label and edit table while
training, the last frame of a run's curve).  The broad sweep of bad values
is in test_fuzz.py.
"""

from __future__ import annotations

import asyncio
import json
import math
import re
import signal
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import numpy as np
import pytest

from explorer.engine.presets import seed_network
from explorer.engine.validation import InputError
from explorer.lesson.session import Session
from explorer.panel.explorer import Explorer

pytestmark = pytest.mark.filterwarnings("ignore:Passing unrecognized arguments:DeprecationWarning")
ROOT = Path(__file__).resolve().parents[2]
SVG = "{http://www.w3.org/2000/svg}"


@pytest.fixture
def panel() -> Explorer:
    return Explorer()


def diverging_panel() -> Explorer:
    """Linear neurons with bias updates at rate 10: E_total is inf after a few iterations."""
    net = seed_network(activations="linear", learning_rate=10, update_biases=True)
    panel = Explorer(network=net, inputs=(0.05, 0.10), targets=(0.01, 0.99))
    panel.training.pace.value = math.inf
    panel.training.iterations_field.value = "2000"
    return panel


def notice(panel: Explorer) -> str:
    root = ET.fromstring(panel.stepping.diagram.value)
    texts = [" ".join(g.itertext()) for g in root.iter(SVG + "g") if g.get("data-id") == "notice"]
    return texts[0] if texts else ""


# ------------------------------------------------------------------ sliders


def test_nan_on_the_learning_rate_slider_is_refused_and_the_slider_keeps_the_rate(panel):
    panel.training.lr_slider.value = float("nan")
    assert panel.training.lr_slider.value == 0.5 == panel.session.learning_rate
    assert "Learning rate" in panel.training.lr_slider.error and "0.001 to 10" in panel.training.lr_slider.error
    panel.training.lr_slider.value = 2.0
    assert panel.session.learning_rate == 2.0 and panel.training.lr_slider.error == ""


@pytest.mark.parametrize("bad", [None, "abc", [1, 2], 1e9, -3])
def test_the_step_slider_refuses_what_the_page_cannot_mean_and_puts_its_value_back(panel, bad):
    panel.session.go_to(2)
    sent = []
    panel.stepping.step_slider.send_state = lambda key=None: sent.append(key)
    panel.stepping.step_slider.set_state({"value": bad})
    assert panel.stepping.step_slider.value == 2 and panel.session.step == 2
    assert panel.stepping.step_slider.error.startswith("Step: choose a value from 0 to 53")
    assert "Unexpected" not in panel.message.value
    assert "value" in sent  # the page is told the kept value


def test_the_learning_rate_slider_refuses_out_of_range_values_instead_of_clamping(panel):
    panel.training.lr_slider.value = 100
    assert panel.session.learning_rate == 0.5 and "(got 100)" in panel.training.lr_slider.error


# --------------------------------------------------------------- divergence


def test_divergence_stays_on_show_until_the_weights_are_reset():
    panel = diverging_panel()
    panel.training.train_button.click()
    s = panel.session
    at = s.diverged_at
    assert at is not None and 0 < at == s.iteration
    for act in (
        panel.stepping.next_button.click,
        panel.stepping.finish_button.click,
        panel.stepping.reset_iteration_button.click,
        panel.curve_view.keep_button.click,
        lambda: setattr(panel.curve_view.log_scale, "value", True),
    ):
        act()
        assert s.diverged_at == at
        assert f"iteration {at:,}" in notice(panel), act
        assert f"not finite since iteration {at:,}" in panel.training.counter.value
        assert (
            panel.curve_view.curve.divergence.get_visible() and panel.curve_view.curve.divergence.get_xdata()[0] == at
        )
    panel.training.train_button.click()  # training on cannot help: said, and nothing trains
    assert "Reset weights" in panel.message.value and s.iteration == at
    panel.training.reset_weights_button.click()
    assert s.diverged_at is None and notice(panel) == "" and "not finite" not in panel.training.counter.value
    assert not panel.curve_view.curve.divergence.get_visible()


def test_editing_the_weights_back_to_finite_ends_the_divergence():
    s = Session(seed_network(activations="linear", learning_rate=10, update_biases=True), (0.05, 0.10), (0.01, 0.99))
    s.train(2000)
    assert s.diverged_at is not None
    s.set_learning_rate(0.1)  # an option: the weights are as diverged as before
    assert s.diverged_at is not None
    for name in s.network.parameters():
        s.set_parameter(name, "0.1")
    assert s.diverged_at is None and math.isfinite(s.dataset_error())


# ----------------------------------------------------------------- lifecycle


def test_close_stops_training_and_releases_the_figure(panel):
    async def scenario():
        panel.training.play_training.value = True
        await asyncio.sleep(0.3)
        assert panel.session.training
        panel.close()
        closed_at = panel.session.iteration
        await asyncio.sleep(0.4)
        return closed_at

    closed_at = asyncio.run(scenario())
    assert panel.session.iteration == closed_at and not panel.session.training
    assert panel.runner.training_task.done()
    assert panel.curve_view.canvas.comm is None and panel.comm is None and panel.training.lr_slider.comm is None
    assert panel.curve_view.curve.figure.axes == []


def test_an_edit_during_training_is_applied_between_chunks_and_the_run_goes_on(panel):
    panel.training.iterations_field.value = "1000000"

    async def scenario():
        panel.training.train_button.click()
        await asyncio.sleep(0.3)
        before = panel.session.iteration
        panel.editing.fields["p:w5"].value = "0.25"
        assert panel.session.network.parameters()["w5"] == 0.25
        panel.editing.fields["p:w6"].value = "abc"  # refused: said beside the field, the run goes on
        assert "abc" in panel.editing.field_messages["p:w6"].value
        await asyncio.sleep(0.3)
        assert panel.session.training and panel.session.iteration > before
        panel.training.stop_button.click()
        await panel.runner.training_task

    asyncio.run(scenario())
    assert panel.editing.fields["p:w6"].value == "abc" and "abc" in panel.editing.field_messages["p:w6"].value
    assert "bp-invalid" in panel.editing.fields["p:w6"]._dom_classes


def test_the_end_of_run_redraw_keeps_a_refused_field_and_its_message(panel):
    panel.editing.fields["p:w5"].value = "1,5"
    panel.training.lr_text.value = "20"
    panel.training.pace.value = math.inf
    panel.training.iterations_field.value = "50"
    panel.training.train_button.click()
    assert panel.session.iteration == 50
    assert panel.editing.fields["p:w5"].value == "1,5" and "1,5" in panel.editing.field_messages["p:w5"].value
    assert panel.training.lr_text.value == "20" and "0.001 to 10" in panel.training.lr_message.value
    assert "bp-invalid" in panel.training.lr_text._dom_classes
    panel.editing.fields["p:w5"].value = "0.3"
    assert panel.editing.field_messages["p:w5"].value == "" and panel.session.network.parameters()["w5"] == 0.3


# --------------------------------------------------------- interface faults


def test_pace_fast_stays_selected(panel):
    panel.training.pace.set_state({"index": 1})  # as the page sets it
    assert (
        panel.training.pace.index == 1 and panel.training.pace.label == "fast" and panel.training.pace.value == math.inf
    )


def test_one_iteration_is_singular(panel):
    panel.stepping.finish_button.click()
    panel.stepping.next_button.click()
    assert panel.training.counter.value.startswith("1 iteration done, ")


def tick_labels(panel: Explorer) -> list[tuple[str, object]]:
    fig, ax = panel.curve_view.curve.figure, panel.curve_view.curve.ax
    renderer = fig.canvas.get_renderer()
    fig.draw(renderer)
    low, high = ax.get_xlim()
    return [
        (label.get_text(), label.get_window_extent(renderer))
        for label, x in zip(ax.get_xticklabels(), ax.get_xticks())
        if low <= x <= high
    ]


@pytest.mark.parametrize("iterations", [1, 3, 10_000, 1_000_000])
def test_the_iteration_axis_has_whole_ticks_all_inside_the_figure(panel, iterations):
    panel.curve_view.curve.show(np.linspace(0.3, 0.01, iterations + 1))
    labels = tick_labels(panel)
    assert len(labels) >= 2
    width = panel.curve_view.curve.figure.bbox.width
    for text, box in labels:
        assert re.fullmatch(r"\d+|\d+(\.\d+)?[kM]", text), f"not a whole iteration: {text!r}"
        assert box.x1 <= width - 8, f"tick {text!r} clipped at the right ({box.x1:.0f} of {width:.0f} px)"
    assert panel.curve_view.curve.ax.xaxis.get_offset_text().get_text() == ""


def test_a_refused_learning_rate_is_explained_beside_its_field(panel):
    panel.training.lr_text.value = "100"
    assert panel.session.learning_rate == 0.5 == panel.training.lr_slider.value
    assert "0.001 to 10" in panel.training.lr_message.value and "(got 100)" in panel.training.lr_message.value
    assert "bp-invalid" in panel.training.lr_text._dom_classes
    panel.training.lr_text.value = "0.25"
    assert panel.session.learning_rate == 0.25 == panel.training.lr_slider.value
    assert panel.training.lr_message.value == "" and "bp-invalid" not in panel.training.lr_text._dom_classes


def test_while_training_the_step_label_counter_and_table_show_one_iteration(panel):
    panel.training.iterations_field.value = "1000000"
    seen = []

    async def scenario():
        panel.training.train_button.click()
        for _ in range(8):
            await asyncio.sleep(0.13)
            seen.append(
                (
                    panel.stepping.position.value,
                    panel.training.counter.value,
                    panel.editing.fields["p:w5"].value,
                    panel.editing.fields["p:w5"].disabled,
                )
            )
        panel.training.stop_button.click()
        await panel.runner.training_task

    asyncio.run(scenario())
    moved = 0
    for position, counter, w5, disabled in seen:
        done = int(re.match(r"([\d,]+) iterations? done", counter).group(1).replace(",", ""))
        shown = int(re.search(r"iteration ([\d,]+)", position).group(1).replace(",", ""))
        assert shown == done + 1, (position, counter)
        moved += w5 != "0.4"
        assert disabled  # live values: typing there would be overwritten
    assert moved, "the edit table kept the old w5 all through the run"
    assert not panel.editing.fields["p:w5"].disabled


def test_the_last_frame_of_a_run_is_sent_to_the_page_unasked(panel):
    panel.curve_view.canvas.syncing_data_url = False  # as once a page has shown the canvas
    sent = []
    panel.curve_view.canvas.send = lambda content, buffers=None: sent.append(json.loads(content["data"])["type"])
    panel.training.pace.value = math.inf
    panel.training.iterations_field.value = "100"
    panel.training.train_button.click()
    assert sent and sent[-1] == "binary", sent[-5:]


# ----------------------------------------------------------------------- CLI


def test_ctrl_c_ends_a_long_run_with_one_line_and_status_130():
    proc = subprocess.Popen(
        [sys.executable, "-m", "explorer", "train", "--iterations", "10000000"],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    first = proc.stderr.readline()  # the first progress report, after about a second
    assert re.fullmatch(r"python -m explorer train: [\d,]+ of 10,000,000 iterations \(\d+%\)\n", first)
    proc.send_signal(signal.SIGINT)
    out, err = proc.communicate(timeout=30)
    assert proc.returncode == 130
    lines = [line for line in err.splitlines() if "iterations (" not in line]
    assert lines == ["python -m explorer train: interrupted"], err
    assert out == ""


def test_negative_inputs_without_an_equals_sign(cli):
    code, out, err = cli(
        "steps", "--format", "json", "--inputs", "-1,2", "--targets", "-.5,0.5", "--activation", "linear"
    )
    assert (code, err) == (0, "")
    document = json.loads(out)
    assert document["inputs"] == [-1.0, 2.0] and document["targets"] == [-0.5, 0.5]


def test_a_short_run_prints_no_progress(cli):
    code, out, err = cli("train", "--iterations", "100")
    assert (code, err) == (0, "")


def test_refused_session_calls_raise_input_error_only():
    s = Session()
    for call in (
        lambda: s.go_to(1.5),
        lambda: s.go_to("x"),
        lambda: s.go_to(None),
        lambda: s.set_input("a", 1),
        lambda: s.set_target(7, 1),
        lambda: s.set_parameter(None, 1),
        lambda: s.set_update_biases("yes"),
        lambda: s.train(10**400),
    ):
        with pytest.raises(InputError):
            call()


def test_loading_a_saved_run_into_a_diverged_panel_ends_the_divergence(tmp_path):
    saved = Explorer()
    saved.training.pace.value = math.inf
    saved.training.iterations_field.value = "50"
    saved.training.train_button.click()
    saved.save(tmp_path / "run.json")
    panel = diverging_panel()
    panel.training.train_button.click()
    assert panel.session.diverged_at is not None
    panel.load(tmp_path / "run.json")
    assert panel.session.diverged_at is None and notice(panel) == "" and panel.session.iteration == 50
    assert "not finite" not in panel.training.counter.value and not panel.curve_view.curve.divergence.get_visible()
