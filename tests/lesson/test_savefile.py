"""Saved sessions: a round trip reproduces the panel exactly; a bad file changes nothing.

The panel's state is compared as a snapshot of everything it shows: the
session's numbers, the diagram's SVG, the formula, the counters, every field,
the curve's lines (data, labels, colours) and the log scale.
"""

from __future__ import annotations

import base64
import datetime
import json
import re

import numpy as np
import pytest

from explorer.engine.network import Network
from explorer.engine.presets import random_data, random_network
from explorer.engine.validation import InputError
from explorer.lesson import savefile
from explorer.lesson.session import Session
from explorer.panel.explorer import Explorer

pytestmark = pytest.mark.filterwarnings("ignore:Passing unrecognized arguments:DeprecationWarning")


def snapshot(e: Explorer) -> dict:
    """Everything the panel shows, with its id prefix taken out of the diagram."""
    s = e.session
    lines = [
        (
            line.get_label(),
            line.get_color(),
            np.asarray(line.get_xdata(), float).tolist(),
            np.asarray(line.get_ydata(), float).tolist(),
        )
        for line in e.curve_view.curve.ax.lines
    ]
    return {
        "network": s.network.to_dict(),
        "learning_rate": s.network.learning_rate,
        "initial": s.initial.parameters(),
        "inputs": s.inputs.tolist(),
        "targets": s.targets.tolist(),
        "example": s.example,
        "step": s.step,
        "iteration": s.iteration,
        "errors": s.errors.values.tolist(),
        "diagram": e.stepping.diagram.value.replace(e.stepping._prefix, "PREFIX-"),
        "views": [
            e.editing.title.value,
            e.stepping.phases.value,
            e.stepping.position.value,
            e.stepping.equation.value,
            e.stepping.meaning.value,
            e.stepping.check.value,
            e.stepping.step_log.value,
            e.training.counter.value,
            e.training.lr_text.value,
            e.editing.order.value,
            e.editing.update_biases.value,
            e.stepping.step_slider.value,
            e.stepping.step_slider.max,
            e.training.lr_slider.value,
        ],
        "fields": {key: field.value for key, field in e.editing.fields.items()},
        "curve": lines,
        "log_scale": (e.curve_view.log_scale.value, e.curve_view.curve.ax.get_yscale()),
        "ylim": e.curve_view.curve.ax.get_ylim(),
        "xlim": e.curve_view.curve.ax.get_xlim(),
    }


def busy_explorer() -> Explorer:
    """A seed panel mid-way: trained, a curve kept, options changed, steps done, a weight edited."""
    e = Explorer()
    e.training.iterations_field.value = "40"
    e.training.train_button.click()
    e.curve_view.keep_button.click()
    e.training.lr_text.value = "0.8"
    e.editing.update_biases.value = True
    e.editing.fields["p:w3"].value = "0.31"
    e.training.train_button.click()
    e.curve_view.keep_button.click()
    e.curve_view.log_scale.value = True
    for _ in range(7):
        e.stepping.next_button.click()
    return e


@pytest.fixture
def busy():
    return busy_explorer()


# ------------------------------------------------------------------ round trips
def test_round_trip_into_a_new_panel(busy, tmp_path):
    path = tmp_path / "session.json"
    busy.save(path)
    fresh = Explorer()
    fresh.load(path)
    assert snapshot(fresh) == snapshot(busy)
    assert json.loads(path.read_text())["version"] == savefile.VERSION


def test_round_trip_into_the_same_panel_after_it_moved_on(busy, tmp_path):
    path = tmp_path / "session.json"
    before = snapshot(busy)
    busy.save(path)
    busy.training.train_button.click()
    busy.curve_view.clear_button.click()
    busy.editing.order.value = "seed"
    busy.curve_view.log_scale.value = False
    assert snapshot(busy) != before
    busy.load(path)
    assert snapshot(busy) == before


def test_the_loaded_panel_goes_on_exactly_like_the_saved_one(busy, tmp_path):
    path = tmp_path / "session.json"
    busy.save(path)
    other = Explorer()
    other.load(path)
    for e in (busy, other):
        e.stepping.finish_button.click()
        e.stepping.next_button.click()  # applies the update: the next iteration starts
        e.training.train_button.click()
        e.training.reset_weights_button.click()  # back to the saved initial parameters
    assert snapshot(other) == snapshot(busy)


def test_a_network_of_another_shape_rebuilds_the_edit_table(tmp_path):
    network = random_network((3, 4, 2), seed=5, bias_mode="per-neuron", update_biases=True)
    x, t = random_data(network, 2, 5)
    source = Explorer(network, x, t)
    source.stepping.next_phase_button.click()
    source.stepping.next_button.click()  # step into the second example's pass is not needed: one is enough
    path = tmp_path / "wide.json"
    source.save(path)
    seed_panel = Explorer()
    seed_panel.load(path)
    assert snapshot(seed_panel) == snapshot(source)
    assert set(seed_panel.editing.fields) == set(source.editing.fields)
    seed_panel.editing.fields["p:w1"].value = "0.5"  # the new fields edit the loaded network
    assert seed_panel.session.network.parameters()["w1"] == 0.5


def test_session_round_trip_keeps_every_number_exactly():
    network = random_network((2, 3, 2), seed=9, activations="tanh", loss="mse", order="seed")
    x, t = random_data(network, 3, 9)
    s = Session(network, x, t)
    s.train(25)
    s.next_step()
    s.start_next_iteration()
    s.go_to(4)
    loaded = savefile.loads(savefile.dumps(s)).session
    assert loaded.network.to_dict() == s.network.to_dict()
    assert loaded.initial.to_dict() == s.initial.to_dict()
    assert np.array_equal(loaded.inputs, s.inputs) and np.array_equal(loaded.targets, s.targets)
    assert (loaded.example, loaded.step, loaded.iteration) == (s.example, s.step, s.iteration) == (1, 4, 25)
    assert loaded.errors.values.tolist() == s.errors.values.tolist()
    assert loaded.walk.steps == s.walk.steps


# ------------------------------------------------------------- refused files
def saved_document(e: Explorer | None = None) -> dict:
    e = e or busy_explorer()
    return json.loads(savefile.dumps(e.session, e.kept_curves(), e.curve_view.log_scale.value))


def mutate(path, value):
    def change(document):
        *parents, last = path
        target = document
        for key in parents:
            target = target[key]
        if value is DELETE:
            del target[last]
        else:
            target[last] = value(target[last]) if callable(value) else value

    return change


DELETE = object()
BAD_DOCUMENTS = {
    "wrong version": (mutate(["version"], 2), "version 2"),
    "no version": (mutate(["version"], DELETE), "version null"),
    "another format": (mutate(["format"], "something else"), "not a Backprop Explorer session"),
    "a row too long": (mutate(["network", "weights", 0, 0], lambda row: row + [0.1]), "network.weights[0]"),
    "a layer too few": (mutate(["network", "weights"], lambda w: w[:1]), "network"),
    "layers disagree": (mutate(["network", "layers"], [2, 3, 2]), "network.weights[0]: expected 3 rows"),
    "too many layers": (mutate(["network", "layers"], [2] * 9), "network.layers"),
    "ragged weights": (mutate(["network", "weights", 1], [[0.1, 0.2], [0.3]]), "network"),
    "a weight as text": (mutate(["network", "weights", 0, 0, 0], "0.15"), "weights[0][0][0]: expected a number"),
    "a weight as true": (mutate(["network", "weights", 0, 0, 0], True), "expected a number"),
    "a huge weight": (mutate(["network", "weights", 0, 0, 0], 1e300), "network.weights[0]"),
    "initial of another shape": (mutate(["initial", "weights", 0], [[0.1, 0.2]]), "initial"),
    "unknown activation": (mutate(["network", "activations"], ["sigmoid", "swish"]), "activation"),
    "activations not a list": (mutate(["network", "activations"], "sigmoid"), "network.activations"),
    "unknown loss": (mutate(["network", "loss"], "hinge"), "loss"),
    "unknown order": (mutate(["network", "order"], "random"), "order"),
    "update_biases as text": (mutate(["network", "update_biases"], "yes"), "update_biases"),
    "learning rate too big": (mutate(["network", "learning_rate"], 50), "learning_rate"),
    "weight decay too big": (mutate(["network", "weight_decay"], 2), "network.weight_decay: enter a number from 0"),
    "momentum of 1": (mutate(["network", "momentum"], 1.0), "network.momentum: enter a number from 0 up to"),
    "inputs of the wrong width": (mutate(["examples", "inputs"], [[0.05, 0.1, 0.2]]), "examples.inputs"),
    "targets missing": (mutate(["examples", "targets"], DELETE), "examples.targets"),
    "step past the end": (mutate(["position", "step"], 999), "position.step"),
    "negative iteration": (mutate(["position", "iteration"], -1), "position.iteration"),
    "example out of range": (mutate(["position", "example"], 1), "position.example"),
    "step as a float": (mutate(["position", "step"], 2.0), "position.step"),
    "errors too short": (mutate(["errors"], lambda e: e[:-1]), "errors: expected"),
    "a negative error": (mutate(["errors", 0], -1.0), "errors"),
    "kept curve of unequal lists": (mutate(["curves", "kept", 0, "errors"], lambda y: y[:-1]), "curves.kept[0]"),
    "kept curve going back": (mutate(["curves", "kept", 0, "iterations"], lambda x: x[::-1]), "curves.kept[0]"),
    "too many kept curves": (mutate(["curves", "kept"], lambda k: k * 5), "curves.kept"),
    "log scale as 1": (mutate(["curves", "log_scale"], 1), "curves.log_scale"),
    "no network": (mutate(["network"], DELETE), "network: it is missing"),
}


@pytest.mark.parametrize("name", list(BAD_DOCUMENTS))
def test_a_refused_document_changes_nothing(busy, tmp_path, name):
    change, expected = BAD_DOCUMENTS[name]
    document = saved_document(busy)
    change(document)
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(document))
    before = snapshot(busy)
    with pytest.raises(savefile.SaveFileError) as refused:
        busy.load(path)
    message = str(refused.value)
    assert message.startswith("session file: ") and expected in message and "\n" not in message
    assert snapshot(busy) == before


LR = '"learning_rate": 0.8'


@pytest.mark.parametrize(
    "text, expected",
    [
        (lambda good: good[: len(good) // 2], "cut short"),
        (lambda good: good[:-1], "cut short"),
        (lambda good: good.replace('"step":', '"step" ', 1), "not valid JSON"),
        (lambda good: good.replace(LR, '"learning_rate": NaN', 1), "NaN"),
        (lambda good: good.replace(LR, '"learning_rate": Infinity', 1), "Infinity"),
        (lambda good: good.replace(LR, '"learning_rate": -Infinity', 1), "-Infinity"),
        (lambda good: "[" * 100_000 + "]" * 100_000, "nested too deeply"),
        (lambda good: "[]", "not a Backprop Explorer session"),
        (lambda good: "", "cut short"),
        # a kept curve beyond a float once replaced the session, then the curve could not be drawn
        (lambda good: good.replace('"iterations": [0.0', '"iterations": [1e400', 1), "1e400"),
        (lambda good: good.replace('"errors": [', '"errors": [1e400, ', 1), "1e400"),
        (lambda good: good.replace('"seed": 0', '"seed": ' + "9" * 5000, 1), "5,000 digits"),
    ],
)
def test_malformed_text_is_refused_and_changes_nothing(busy, tmp_path, text, expected):
    good = json.dumps(saved_document(busy))
    assert LR in good and '"iterations": [0.0' in good and '"seed": 0' in good
    path = tmp_path / "bad.json"
    path.write_text(text(good))
    before = snapshot(busy)
    with pytest.raises(savefile.SaveFileError, match=re.escape(expected)):
        busy.load(path)
    assert snapshot(busy) == before


def test_nan_weights_are_refused_however_written(busy):
    good = json.dumps(saved_document(busy))
    document = json.loads(good)
    document["network"]["weights"][0][0][0] = float("nan")
    with pytest.raises(savefile.SaveFileError, match="NaN"):
        savefile.loads(json.dumps(document))  # json.dumps writes NaN: the reader must refuse it


def test_a_50_mb_file_is_refused_before_it_is_parsed(busy, tmp_path, monkeypatch):
    path = tmp_path / "big.json"
    good = json.dumps(saved_document(busy))
    with open(path, "w") as file:  # a valid session padded with spaces to 50 MB
        file.write(good)
        file.write(" " * (50 * 2**20 - len(good)))

    def no_parsing(*args, **kwargs):
        raise AssertionError("the file was parsed")

    monkeypatch.setattr(savefile.json, "loads", no_parsing)
    before = snapshot(busy)
    with pytest.raises(savefile.SaveFileError, match="52,428,800 bytes"):
        busy.load(path)
    with pytest.raises(savefile.SaveFileError, match="at most"):
        savefile.loads(path.read_bytes())
    assert snapshot(busy) == before


def test_missing_and_non_text_files(busy, tmp_path):
    with pytest.raises(savefile.SaveFileError, match="cannot read"):
        busy.load(tmp_path / "nowhere.json")
    with pytest.raises(savefile.SaveFileError, match="UTF-8"):
        savefile.loads(b"\xff\xfe{}")


def test_a_diverged_run_is_not_saved(tmp_path):
    network = Network([[[2.0]], [[2.0]]], [0.0, 0.0], activations="linear", learning_rate=5.0)
    e = Explorer(network, [[1.0]], [[3.0]])
    e.training.iterations_field.value = "200"
    e.training.train_button.click()
    assert not np.isfinite(e.session.errors.values[-1])
    with pytest.raises(InputError, match="diverged"):
        e.save(tmp_path / "s.json")
    assert not (tmp_path / "s.json").exists()
    e.files.save_button.click()
    assert "diverged" in e.message.value and e.files.save_link.value == ""


# ------------------------------------------------------------------ the panel's row
def link_data(html: str) -> tuple[str, bytes]:
    match = re.fullmatch(r'<a class="bp-download" download="([^"]+)" href="data:[^;]+;base64,([^"]+)">.*</a>', html)
    assert match, html
    return match.group(1), base64.b64decode(match.group(2))


def test_save_link_holds_the_panel_and_goes_when_the_panel_moves_on(busy):
    busy.files.save_button.click()
    name, data = link_data(busy.files.save_link.value)
    assert name == "backprop-session.json"
    fresh = Explorer()
    fresh.files.load(name, data)
    assert snapshot(fresh) == snapshot(busy)
    assert "Opened backprop-session.json" in fresh.message.value
    busy.stepping.next_button.click()
    assert busy.files.save_link.value == ""


def test_export_link_holds_the_current_iterations_handout(busy):
    from explorer.drawing.handout import handout

    busy.files.export_button.click()
    name, data = link_data(busy.files.handout_link.value)
    assert name == "backprop-handout.html" and data.decode() == handout(busy.session.walk)
    busy.files.handout_format.value = "markdown"
    assert busy.files.handout_link.value == ""  # a link never holds another format than chosen
    busy.files.quiz.value = True
    busy.files.export_button.click()
    name, data = link_data(busy.files.handout_link.value)
    assert name == "backprop-handout-quiz.md" and data.decode() == handout(busy.session.walk, "markdown", quiz=True)
    busy.editing.fields["p:w1"].value = "0.2"
    assert busy.files.handout_link.value == ""


def upload(e: Explorer, name: str, data: bytes) -> None:
    """What the front end does when a file is chosen in Load."""
    e.files.upload.value = (
        {
            "name": name,
            "type": "application/json",
            "size": len(data),
            "content": memoryview(data),
            "last_modified": datetime.datetime.now(datetime.timezone.utc),
        },
    )


def test_load_through_the_file_picker(busy):
    busy.files.save_button.click()
    _, data = link_data(busy.files.save_link.value)
    fresh = Explorer()
    upload(fresh, "mine.json", data)
    assert snapshot(fresh) == snapshot(busy)
    assert fresh.files.upload.value == ()  # ready for the same file again
    assert fresh.message.kind == "info" and "Opened mine.json" in fresh.message.value


@pytest.mark.parametrize(
    "data, expected",
    [
        (b'{"format": "backprop-explorer session", "version": 7}', "version 7"),
        (b"{", "cut short"),
        (b"not json at all", "not valid JSON"),
    ],
)
def test_a_refused_upload_says_why_and_changes_nothing(busy, data, expected):
    before = snapshot(busy)
    upload(busy, "bad.json", data)
    assert busy.message.kind == "error" and expected in busy.message.value
    assert busy.message.value.startswith("session file: ")
    assert busy.files.upload.value == ()
    assert snapshot(busy) == before


@pytest.mark.parametrize(
    "field, value, message",
    [
        ("loss", "squared", "network.loss: softmax outputs are scored by categorical cross-entropy (cce)"),
        ("activations", ["softmax", "softmax"], "offered for the output layer only (layer 1 is hidden)"),
    ],
)
def test_a_file_with_softmax_outputs_round_trips_and_a_bad_pairing_is_refused(field, value, message):
    session = Session()
    session.set_loss("cce")
    document = savefile.to_dict(session)
    again = savefile.from_dict(document).session
    assert (again.network.activations, again.network.loss) == (("sigmoid", "softmax"), "cce")
    document["network"][field] = value
    with pytest.raises(savefile.SaveFileError, match=re.escape(message)):
        savefile.from_dict(document)
