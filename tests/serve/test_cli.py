"""``python -m explorer steps | train``: what it prints, and that every option takes effect.

The JSON document is checked against the engine recomputed from the JSON's
own description of the network, so a CLI that described one network and
computed another would fail.
"""

from __future__ import annotations

import io
import json
import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from explorer.engine.network import Network
from explorer.engine.presets import random_data, random_network
from explorer.engine.training import train

ROOT = Path(__file__).resolve().parents[2]
PHASES = ("forward", "error", "backward", "update")


def steps_json(cli, *options: str) -> dict:
    code, out, err = cli("steps", "--format", "json", *options)
    assert (code, err) == (0, "")
    return json.loads(out)  # one JSON object, nothing around it


def network_from(document: dict) -> Network:
    n = document["network"]
    return Network(
        [np.array(w) for w in n["weights"]],
        [np.array(b) for b in n["biases"]],
        activations=n["activations"],
        loss=n["loss"],
        bias_mode=n["biases_mode"],
        update_biases=n["update_biases"],
        learning_rate=document["learning_rate"],
        order=n["order"],
        weight_decay=n["weight_decay"],
        momentum=n["momentum"],
    )


def assert_agrees_with_engine(document: dict) -> Network:
    """Recompute the iteration with the engine from the JSON's network; all must match."""
    network = network_from(document)
    x, t = np.array(document["inputs"]), np.array(document["targets"])
    fw = network.forward(x, t)
    gradients = network.backward(x, t, fw)
    after = network.copy()
    after.update(gradients)
    for l in range(len(network.weights)):
        assert np.array_equal(document["gradients"]["weights"][l], gradients.weights[l])
        assert np.array_equal(document["after"]["weights"][l], after.weights[l])
        assert np.array_equal(document["after"]["biases"][l], after.biases[l])
        if network.update_biases:
            assert np.array_equal(document["gradients"]["biases"][l], gradients.biases[l])
    assert document["after"]["E_total"] == after.forward(x, t).total_error

    values = {s["symbol"]: s["value"] for s in document["steps"]}
    nm = network.names
    expected = {"E_total": fw.total_error}
    for l, neurons in enumerate(nm.neurons[1:]):
        for k, neuron in enumerate(neurons):
            expected[f"net_{neuron}"] = fw.nets[l][k]
            expected[f"out_{neuron}"] = fw.outs[l + 1][k]
        for k, row in enumerate(nm.weights[l]):
            for j, w in enumerate(row):
                expected[f"dE_total/d{w}"] = gradients.weights[l][k, j]
                expected[f"{w}+"] = after.weights[l][k, j]
    for k, o in enumerate(nm.neurons[-1]):
        expected[f"E_{o}"] = fw.errors[k]
    wrong = {s: (values.get(s), e) for s, e in expected.items() if values.get(s) != e}
    assert not wrong
    return network


# ------------------------------------------------------------------------------ JSON


def test_json_document_shape(cli):
    document = steps_json(cli)
    assert {"network", "inputs", "targets", "learning_rate", "steps", "gradients", "after"} <= set(document)
    net = document["network"]
    assert net["layers"] == [2, 2, 2]
    assert net["activations"] == ["sigmoid", "sigmoid"] and net["loss"] == "squared"
    # one matrix per layer, rows = receiving neuron: w1 w2 feed h1
    assert net["weights"] == [[[0.15, 0.2], [0.25, 0.3]], [[0.4, 0.45], [0.5, 0.55]]]
    assert net["biases"] == [[0.35], [0.6]]
    assert document["inputs"] == [0.05, 0.1] and document["targets"] == [0.01, 0.99]
    assert document["learning_rate"] == 0.5
    for step in document["steps"]:
        assert {"phase", "symbol", "value", "latex", "meaning"} <= set(step)
        assert step["phase"] in PHASES and step["latex"] and step["meaning"]
        assert isinstance(step["value"], float)
    assert [s["symbol"] for s in document["steps"]][:2] == ["net_h1", "out_h1"]
    gradients = document["gradients"]
    assert [np.shape(g) for g in gradients["weights"]] == [(2, 2), (2, 2)]
    assert [np.shape(g) for g in gradients["biases"]] == [(1,), (1,)]
    assert [np.shape(w) for w in document["after"]["weights"]] == [(2, 2), (2, 2)]
    assert document["after"]["weights"][1][0][0] == pytest.approx(0.35891648, abs=1e-8)
    assert document["after"]["E_total"] == pytest.approx(0.291027774, abs=1e-9)


def test_json_agrees_with_the_engine(cli):
    assert_agrees_with_engine(steps_json(cli))


def test_json_bias_gradients_are_the_real_ones(cli):
    document = steps_json(cli)
    network = network_from(document)
    gradients = network.backward(np.array(document["inputs"]), np.array(document["targets"]))
    for l in range(2):
        assert np.array_equal(document["gradients"]["biases"][l], gradients.biases[l])


ALL_OPTIONS = [
    "--order",
    "seed",
    "--layers",
    "2,3,2",
    "--seed",
    "4",
    "--activation",
    "tanh",
    "--loss",
    "mse",
    "--biases",
    "per-neuron",
    "--update-biases",
    "--lr",
    "0.1",
]


def test_all_options_take_effect_together(cli):
    document = steps_json(cli, *ALL_OPTIONS)
    net = document["network"]
    assert net["layers"] == [2, 3, 2]
    assert net["activations"] == ["tanh", "tanh"]
    assert net["loss"] == "mse"
    assert net["biases_mode"] == "per-neuron" and [len(b) for b in net["biases"]] == [3, 2]
    assert net["update_biases"] is True
    assert net["order"] == "seed"
    assert document["learning_rate"] == 0.1
    assert [np.shape(w) for w in net["weights"]] == [(3, 2), (2, 3)]
    expected = random_network((2, 3, 2), seed=4, bias_mode="per-neuron")
    for got, want in zip(net["weights"] + net["biases"], expected.weights + expected.biases):
        assert np.array_equal(got, want)
    x, t = random_data(expected, 1, seed=4)
    assert document["inputs"] == x[0].tolist() and document["targets"] == t[0].tolist()
    symbols = {s["symbol"] for s in document["steps"]}
    assert {"b_h1+", "b_o2+", "dE_total/db_h3"} <= symbols
    network = assert_agrees_with_engine(document)
    # and the seed order was used: textbook order gives other hidden gradients
    textbook = network.with_options(order="textbook").backward(
        np.array(document["inputs"]), np.array(document["targets"])
    )
    assert not np.allclose(document["gradients"]["weights"][0], textbook.weights[0], rtol=1e-6)


@pytest.mark.parametrize(
    "option, check",
    [
        (
            ["--order", "seed"],
            lambda d: d["network"]["order"] == "seed" and d["after"]["E_total"] == pytest.approx(0.291027924, abs=1e-9),
        ),
        (
            ["--lr", "0.1"],
            lambda d: (
                d["learning_rate"] == 0.1
                and d["after"]["weights"][1][0][0] == pytest.approx(0.4 - 0.1 * 0.082167041, abs=1e-9)
            ),
        ),
        (
            ["--activation", "tanh"],
            lambda d: (
                d["network"]["activations"] == ["tanh", "tanh"]
                and d["steps"][1]["value"] == pytest.approx(np.tanh(0.3775), rel=1e-15)
            ),
        ),
        (
            ["--loss", "mse"],
            lambda d: (
                d["network"]["loss"] == "mse"
                and d["steps"][8]["symbol"] == "E_o1"
                and d["steps"][8]["value"] == pytest.approx((0.01 - 0.75136507) ** 2 / 2, rel=1e-7)
            ),
        ),
        (
            ["--biases", "per-neuron"],
            lambda d: (
                d["network"]["biases"] == [[0.35, 0.35], [0.6, 0.6]] and d["network"]["biases_mode"] == "per-neuron"
            ),
        ),
        (["--update-biases"], lambda d: d["network"]["update_biases"] is True and d["after"]["biases"][1][0] != 0.6),
        (["--layers", "3,1"], lambda d: d["network"]["layers"] == [3, 1] and len(d["inputs"]) == 3),
        (
            ["--inputs", "1,2", "--targets", "0.5,0.25"],
            lambda d: (
                d["inputs"] == [1.0, 2.0]
                and d["targets"] == [0.5, 0.25]
                and d["steps"][0]["value"] == pytest.approx(0.15 + 0.4 + 0.35)
            ),
        ),
    ],
)
def test_each_option_takes_effect(cli, option, check):
    document = steps_json(cli, *option)
    assert check(document)
    assert_agrees_with_engine(document)
    assert document != steps_json(cli)  # it changed something


def test_defaults_are_the_seeds(cli):
    default = steps_json(cli)
    net = default["network"]
    assert (net["order"], net["update_biases"], net["biases_mode"]) == ("textbook", False, "shared")
    assert default["after"]["biases"] == [[0.35], [0.6]]


def test_same_seed_same_network_different_seed_different_network(cli):
    a = steps_json(cli, "--layers", "2,3,2", "--seed", "4")
    b = steps_json(cli, "--layers", "2,3,2", "--seed", "4")
    c = steps_json(cli, "--layers", "2,3,2", "--seed", "5")
    assert a == b
    assert a["network"]["weights"] != c["network"]["weights"]
    assert a["inputs"] != c["inputs"]


# -------------------------------------------------------------------------- markdown


def test_markdown_has_one_table_per_phase(cli):
    code, out, err = cli("steps", "--format", "markdown")
    assert (code, err) == (0, "")
    document = steps_json(cli)
    sections = re.split(r"^## ", out, flags=re.M)[1:]
    assert [s.splitlines()[0] for s in sections] == ["Forward", "Error", "Backward", "Update"]
    for phase, section in zip(PHASES, sections):
        lines = section.splitlines()
        assert lines[2] == "| # | symbol | value | formula |" and lines[3] == "|---|---|---|---|"
        rows = [line for line in lines[4:] if line.startswith("| ")]
        assert len(rows) == sum(s["phase"] == phase for s in document["steps"])
        assert all(line.count(" | ") == 3 and line.endswith("$ |") for line in rows)
    assert "| 1 | `net_h1` | 0.3775 | $" in out
    assert r"0.15 \cdot 0.05 + 0.2 \cdot 0.1 + 0.35 \cdot 1 = 0.3775$" in out


def test_text_lists_every_step(cli):
    code, out, err = cli("steps")
    assert (code, err) == (0, "")
    numbered = re.findall(r"^\s*(\d+)\. (\S+) = ", out, flags=re.M)
    document = steps_json(cli)
    assert [int(n) for n, _ in numbered] == list(range(1, len(document["steps"]) + 1))
    assert [s for _, s in numbered] == [s["symbol"] for s in document["steps"]]
    assert [line for line in out.splitlines() if line.isupper()] == ["FORWARD", "ERROR", "BACKWARD", "UPDATE"]


# ----------------------------------------------------------------------------- train


def parse_train(out: str) -> tuple[dict[int, float], dict[str, float]]:
    checkpoints = {
        int(i.replace(",", "")): float(e) for i, e in re.findall(r"^\s*(\d[\d,]*)\s+(\S+)$", out, flags=re.M)
    }
    outputs = {o: float(y) for o, y in re.findall(r"(o\d+): (\S+) \(target", out)}
    return checkpoints, outputs


@pytest.mark.parametrize(
    "iterations, expected", [("5", {0, 1, 5}), ("100", {0, 1, 10, 100}), ("250", {0, 1, 10, 100, 250})]
)
def test_train_prints_checkpoints_and_outputs(cli, make_seed_network, seed_inputs, seed_targets, iterations, expected):
    code, out, err = cli("train", "--iterations", iterations)
    assert (code, err) == (0, "")
    checkpoints, outputs = parse_train(out)
    assert set(checkpoints) == expected
    result = train(make_seed_network(), seed_inputs, seed_targets, int(iterations))
    for i, e in checkpoints.items():
        assert e == pytest.approx(result.errors[i], rel=1e-5, abs=5e-10)
    final = result.network.forward(seed_inputs).output
    assert outputs == pytest.approx({"o1": final[0], "o2": final[1]}, abs=5e-10)
    assert "(target 0.01)" in out and "(target 0.99)" in out


def test_train_options_take_effect(cli):
    code, out, err = cli(
        "train",
        "--iterations",
        "50",
        "--layers",
        "2,3,1",
        "--seed",
        "2",
        "--activation",
        "tanh",
        "--update-biases",
        "--lr",
        "0.2",
        "--order",
        "seed",
    )
    assert (code, err) == (0, "")
    assert out.startswith("Network(2-3-1, activation=tanh, loss=squared, biases=shared (updated), eta=0.2, order=seed)")
    network = random_network((2, 3, 1), seed=2, activations="tanh", update_biases=True, learning_rate=0.2, order="seed")
    x, t = random_data(network, 1, seed=2)
    result = train(network, x, t, 50)
    checkpoints, outputs = parse_train(out)
    assert checkpoints[50] == pytest.approx(result.errors[50], rel=1e-5)
    assert list(outputs) == ["o1"]
    assert outputs["o1"] == pytest.approx(result.network.forward(x[0]).output[0], abs=5e-10)


def test_train_reports_divergence(cli):
    code, out, err = cli("train", "--layers", "2,3,2", "--activation", "linear", "--lr", "10")
    assert (code, err) == (0, "")
    match = re.search(r"^diverged at iteration (\d+): the learning rate is too large$", out, flags=re.M)
    assert match
    network = random_network((2, 3, 2), activations="linear", learning_rate=10)
    x, t = random_data(network, 1)
    assert int(match.group(1)) == train(network, x, t, 10_000).diverged_at
    assert "outputs" not in out


def test_train_three_classes_with_softmax_outputs(cli):
    code, out, err = cli(
        "train", "--dataset", "three-class", "--layers", "2,3,3", "--loss", "cce", "--iterations", "300"
    )
    assert (code, err) == (0, "")
    assert out.startswith("Network(2-3-3, activation=sigmoid,softmax, loss=cce")
    assert "accuracy  100% of 15 examples classified right" in out
    assert "       300  0.015829868" in out
    same = cli("train", "--dataset", "three-class", "--layers", "2,3,3", "--output-activation", "softmax",
               "--loss", "cce", "--iterations", "300")  # fmt: skip
    assert same[1] == out


@pytest.mark.parametrize(
    "args, message",
    [
        (["--output-activation", "softmax"], "loss: softmax outputs are scored by categorical cross-entropy (cce)"),
        (["--loss", "cce", "--output-activation", "tanh"], "loss: categorical cross-entropy (cce) needs softmax"),
        (["--loss", "cce", "--activation", "softmax"], "activation: softmax couples a layer's outputs"),
        (["--loss", "cce", "--dataset", "xor"], "activation: softmax of a single output is always 1"),
        (["--loss", "cce", "--targets", "0.5,0.6"], "targets: categorical cross-entropy needs each example's"),
        (["--output-activation", "softmaxx"], "--output-activation: choose one of"),
    ],
)
def test_softmax_refusals_exit_2_with_one_line(cli, args, message):
    code, out, err = cli("steps", *args)
    assert (code, out) == (2, "") and message in err and err.count("\n") == 1, err


def test_module_entry_point_prints_one_json_object():
    done = subprocess.run(
        [sys.executable, "-m", "explorer", "steps", "--format", "json"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert (done.returncode, done.stderr) == (0, "")
    assert json.loads(done.stdout)["network"]["layers"] == [2, 2, 2]


@pytest.mark.parametrize("mode", ["online", "batch"])
def test_training_in_chunks_is_one_training(mode):
    """``train`` reports its progress between chunks: the result is exactly one ``train`` call's."""
    from explorer.serve.cli import Progress, train_reporting

    network = random_network((2, 3, 1), seed=2)
    x, t = random_data(network, 4, seed=2)
    stream = io.StringIO()
    chunked = train_reporting(network, x, t, 3500, mode, Progress(stream, 3500))
    whole = train(network, x, t, 3500, mode=mode)
    assert np.array_equal(chunked.errors, whole.errors) and chunked.diverged_at == whole.diverged_at
    parameters = [(n.weights + n.biases) for n in (chunked.network, whole.network)]
    assert all(np.array_equal(got, want) for got, want in zip(*parameters))


def test_progress_in_a_log_is_a_line_a_report(monkeypatch):
    from explorer.serve import cli as cli_module

    clock = [0.0, 0.5, 1.5, 3.0]  # s: the start, then each report: too soon, due, due
    monkeypatch.setattr(cli_module.time, "perf_counter", lambda: clock.pop(0) if len(clock) > 1 else clock[0])
    stream = io.StringIO()  # not a terminal
    progress = cli_module.Progress(stream, 4000)
    for done in (1000, 2000, 3000):
        progress.report(done)
    progress.end()
    assert stream.getvalue() == (
        "python -m explorer train: 2,000 of 4,000 iterations (50%)\n"
        "python -m explorer train: 3,000 of 4,000 iterations (75%)\n"
    )


def test_weight_decay_and_momentum_take_effect_in_steps_train_and_handout(cli):
    document = steps_json(cli, "--weight-decay", "0.01", "--momentum", "0.9", "--update-biases")
    assert (document["network"]["weight_decay"], document["network"]["momentum"]) == (0.01, 0.9)
    assert_agrees_with_engine(document)  # the engine rebuilt from the JSON, rule and all
    w5 = next(s for s in document["steps"] if s["symbol"] == "w5+")
    assert r"\lambda w_{5}" in w5["latex"] and r"\mu v_{w_{5}}" in w5["latex"]
    assert document["after"]["weights"][1][0][0] == pytest.approx(0.4 - 0.5 * (0.082167041 + 0.01 * 0.4), abs=1e-9)

    code, out, err = cli("train", "--iterations", "300", "--momentum", "0.9", "--weight-decay", "0.001")
    assert (code, err) == (0, "")
    assert out.startswith("Network(2-2-2, activation=sigmoid, loss=squared, biases=shared, eta=0.5, order=textbook, ")
    assert out.splitlines()[0].endswith("lambda=0.001, mu=0.9)")
    network = Network(
        [[[0.15, 0.2], [0.25, 0.3]], [[0.4, 0.45], [0.5, 0.55]]], [0.35, 0.6], weight_decay=0.001, momentum=0.9
    )
    result = train(network, [0.05, 0.1], [0.01, 0.99], 300)
    checkpoints, _outputs = parse_train(out)
    assert checkpoints[100] == pytest.approx(result.errors[100], rel=1e-5)
    assert checkpoints[300] == pytest.approx(result.errors[300], rel=1e-5)
    plain = parse_train(cli("train", "--iterations", "300")[1])[0]
    assert plain[300] != checkpoints[300]

    code, out, err = cli("handout", "--format", "markdown", "--momentum", "0.5")
    assert (code, err) == (0, "") and r"\mu v_{w_{5}}" in out


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["steps", "--momentum", "1"], "--momentum: enter a number from 0 up to (not including) 1 (got 1"),
        (["train", "--momentum", "-0.5"], "--momentum: enter a number from 0 up to (not including) 1 (got -0.5)"),
        (["handout", "--weight-decay", "abc"], "--weight-decay: enter a number from 0 to 1 (got 'abc')"),
        (["steps", "--weight-decay", "2"], "--weight-decay: enter a number from 0 to 1 (got 2)"),
        (["train", "--order", "seed", "--momentum", "0.5"], "--order: the seed's order goes with plain gradient"),
    ],
)
def test_a_bad_weight_decay_or_momentum_is_one_line_naming_the_option(cli, argv, message):
    code, out, err = cli(*argv)
    assert code == 2 and out == ""
    assert err.startswith(f"python -m explorer {argv[0]}: error: {message}") and err.count("\n") == 1
