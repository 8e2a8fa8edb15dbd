"""One test per class of fault found in the panel's controls: refusals during a run, values set from Python,
accepted text shown in the panel's own form, and closing while background work runs."""

from __future__ import annotations

import asyncio
import math

import pytest

from explorer.panel.explorer import Explorer

pytestmark = pytest.mark.filterwarnings("ignore:Passing unrecognized arguments:DeprecationWarning")


@pytest.fixture
def panel():
    p = Explorer()
    yield p
    p.close()


def refuse_during_a_run(panel: Explorer, refuse) -> None:
    """Start a long run, make ``refuse`` happen mid-run, check the run went on, then stop it."""
    panel.training.iterations_field.value = "1000000"

    async def scenario():
        panel.training.train_button.click()
        await asyncio.sleep(0.3)
        before = panel.session.iteration
        refuse()
        await asyncio.sleep(0.3)
        assert panel.session.training and not panel.runner._run.stopped, "the refusal stopped the run"
        assert panel.session.iteration > before
        panel.training.stop_button.click()
        await panel.runner.training_task

    asyncio.run(scenario())


# ------------------------------------------------ 8: a refusal never stops a run
def test_refused_text_in_the_iteration_field_leaves_the_run_going(panel):
    def refuse():
        panel.stepping.iteration_field.value = "abc"
        assert "abc" in panel.stepping.iteration_message.value

    refuse_during_a_run(panel, refuse)


def test_a_refused_activation_leaves_the_run_going(panel):
    panel.architecture.loss.value = "bce"  # cross-entropy: the outputs must stay sigmoid
    assert panel.session.network.loss == "bce"

    def refuse():
        panel.architecture.activations[-1].value = "tanh"
        assert panel.message.kind == "error" and "sigmoid" in panel.message.value
        assert panel.architecture.activations[-1].value == "sigmoid"  # the control shows the session again

    refuse_during_a_run(panel, refuse)


def test_a_refused_table_leaves_the_run_going(panel):
    def refuse():
        panel.dataset_view.table.value = "1,2,abc"
        panel.dataset_view._on_use_table()
        assert "abc" in panel.dataset_view.table_message.value

    refuse_during_a_run(panel, refuse)


# --------------------------------------------------- 9: values set from Python
@pytest.mark.parametrize("value", [None, math.nan, math.inf, -1.0, 100.0])
def test_the_learning_rate_slider_refuses_bad_values_from_python(panel, value):
    panel.training.lr_slider.value = value
    assert panel.training.lr_slider.value == 0.5 and panel.session.learning_rate == 0.5
    assert "Learning rate: choose a value" in panel.training.lr_slider.error


@pytest.mark.parametrize("value", [None, 2.5, 0.999999, math.nan, -1, 10_000])
def test_the_step_slider_refuses_none_and_non_integers_from_python(panel, value):
    panel.stepping.next_button.click()
    panel.stepping.step_slider.value = value
    assert panel.stepping.step_slider.value == 1 and panel.session.step == 1
    assert panel.stepping.step_slider.error.startswith("Step: choose a value from 0 to 53, a whole number")
    assert panel.message.kind != "error"  # refused beside the slider, no "Unexpected error"
    panel.stepping.step_slider.value = 3
    assert panel.session.step == 3 and panel.stepping.step_slider.error == ""


# ------------------------------------------ 10: accepted text in the panel's form
@pytest.mark.parametrize("typed, shown", [("-0", "0"), ("+0.25", "0.25"), (" 1e-1 ", "0.1"), ("\u22120.5", "-0.5")])
def test_accepted_text_after_a_refusal_is_shown_as_the_panel_writes_numbers(panel, typed, shown):
    w1 = panel.editing.fields["p:w1"]
    w1.value = "abc"
    w1.value = typed
    assert w1.value == shown and "bp-invalid" not in w1._dom_classes
    rate = "+0.25" if typed == "+0.25" else "0.25"
    panel.training.lr_text.value = "abc"
    panel.training.lr_text.value = rate
    assert panel.training.lr_text.value == "0.25" and panel.training.lr_message.value == ""


# ------------------------------------------------------------- 15: close()
def test_close_during_a_sweep_stops_its_worker_before_it_returns(panel):
    drawn = []
    panel.sweep.show = drawn.append  # what would draw into the panel

    async def scenario():
        panel.sweep.iterations.value = "3000"
        panel.sweep.run_button.click()
        await asyncio.sleep(0.05)  # the worker thread is training the rates now
        assert not panel.runner.sweep_future.done()
        panel.close()
        assert panel.runner.sweep_future.done()  # no thread of the panel runs past close()
        await asyncio.sleep(0.3)

    asyncio.run(scenario())
    assert drawn == []
