"""The straight-line trainer: source written from the shape and options alone, compiled once per shape.

Its numbers against the numpy trainer and the oracle, for every option, are
in tests/topics/test_implementations_agree.py; here, what the generated code
is made of and when the trainer steps aside.
"""

from __future__ import annotations

import keyword
import re

import numpy as np
import pytest

from explorer.engine import compiled
from explorer.engine.compiled import source_code, train_compiled
from explorer.engine.options import Options
from explorer.engine.presets import random_data, random_network, seed_network
from explorer.engine.training import train

KINDS = ("single", "online", "batch")


def test_the_seeds_source_names_every_weight_and_compiles():
    source = source_code((2, 2, 2), compiled._shape_options(seed_network().options), "single")
    assert source.startswith("def run(params, data, eta, iterations, errors, due, keep):\n")
    # one local per weight and bias, in the engine's order: W[0] row by row, then W[1], then b
    params = "w0_0_0, w0_0_1, w0_1_0, w0_1_1, w1_0_0, w1_0_1, w1_1_0, w1_1_1, b0_0, b1_0"
    assert f"    {params}, = params\n" in source and source.endswith(f"    return [{params}]\n")
    assert "z1_0 = w0_0_0 * a0_0 + w0_0_1 * a0_1 + b0_0" in source  # net_h1 = w1 i1 + w2 i2 + b1
    assert "b0_0 = b0_0 - eta" not in source  # the seed's biases stay
    compile(source, "<test>", "exec")


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("order", ["textbook", "seed"])
def test_the_source_is_a_function_of_the_sizes_and_option_names_only(kind, order):
    options = Options(("tanh", "sigmoid"), "bce", "per-neuron", True, order, 1.0)
    source = source_code((3, 4, 2), options, kind)
    assert source == source_code((3, 4, 2), Options(("tanh", "sigmoid"), "bce", "per-neuron", True, order, 1.0), kind)
    # every name in it is a local of the form letter+digits, a parameter, a keyword or a math function
    allowed = {"run", "params", "data", "eta", "iterations", "errors", "range", "len", "append", "abs", "m", "i", "E"}
    allowed |= {"due", "keep"}
    allowed |= set(keyword.kwlist) | set(dir(__import__("math")))
    names = set(re.findall(r"[A-Za-z_][A-Za-z_0-9]*", source))
    unknown = {n for n in names if n not in allowed and not re.fullmatch(r"g?[wbzadt]\d+(_\d+)*", n)}
    assert unknown == set()


def test_the_trainer_is_compiled_once_per_shape_and_options_whatever_the_rate():
    compiled._trainer.cache_clear()
    for rate in (0.1, 0.5, 2.0):
        net = seed_network(learning_rate=rate)
        x, t = net.check_data((0.05, 0.1), (0.01, 0.99))
        train_compiled(net, x, t, 3, "online")
    info = compiled._trainer.cache_info()
    assert (info.misses, info.hits) == (1, 2)


def test_a_seed_order_batch_of_several_examples_is_left_to_numpy():
    net = random_network((2, 3, 1), seed=0, order="seed")
    x, t = random_data(net, 4, seed=0)
    assert train_compiled(net, x, t, 5, "batch") is None
    assert train_compiled(net, x[:1], t[:1], 5, "batch") is not None  # one example: one step either way


def test_a_softmax_layer_is_left_to_numpy():
    """Its outputs share one sum: there is no float form per neuron."""
    net = random_network((2, 3, 3), seed=0, activations=["sigmoid", "softmax"], loss="cce")
    x, t = random_data(net, 4, seed=0)
    assert train_compiled(net, x, t, 5, "online") is None
    forced, plain = train(net, x, t, 5, backend="compiled"), train(net, x, t, 5, backend="numpy")
    assert np.array_equal(forced.errors, plain.errors)


def test_an_arithmetic_error_in_the_floats_hands_the_run_over_to_numpy(monkeypatch):
    def overflowing(*_shape):
        def run(params, data, eta, iterations, errors, due, keep):
            errors.append(1.0)
            raise OverflowError("math range error")

        return run

    net = seed_network()
    x, t = net.check_data((0.05, 0.1), (0.01, 0.99))
    expected = train(net, x, t, 20, backend="numpy")
    monkeypatch.setattr(compiled, "_trainer", overflowing)
    assert train_compiled(net, x, t, 20, "online") is None
    again = train(net, x, t, 20, backend="auto")  # the numpy trainer takes over from the start
    np.testing.assert_array_equal(again.errors, expected.errors)


def test_the_trained_copy_is_new_and_shaped_as_the_network():
    net = random_network((3, 4, 2), seed=1, bias_mode="per-neuron", update_biases=True)
    x, t = random_data(net, 3, seed=1)
    before = [a.copy() for a in net.weights + net.biases]
    trained, errors = train_compiled(net, x, t, 10, "online")
    assert errors.shape == (11,) and trained is not net
    assert [a.shape for a in trained.weights + trained.biases] == [a.shape for a in net.weights + net.biases]
    assert not np.array_equal(trained.biases[0], net.biases[0])
    for a, b in zip(net.weights + net.biases, before):
        np.testing.assert_array_equal(a, b)


class _Sneaky(str):
    """A name that equals a table's name but would write code if it were ever formatted into source."""

    def __format__(self, spec: str) -> str:
        return "__import__('os').system('echo owned')"

    __str__ = __repr__ = lambda self: "__import__('os')"  # noqa: E731


@pytest.mark.parametrize("kind", ["online", "batch"])
def test_what_exec_runs_comes_from_the_layer_sizes_and_the_records_table_only(monkeypatch, kind):
    # The project's rule: no exec of anything a user can influence.  Everything a user sets
    # (weights, learning rate, data, names given as look-alike text) is varied here, and the
    # source handed to compile() must be the one written from the sizes and the records alone.
    compiled._trainer.cache_clear()
    compiled_sources: list[str] = []
    real_compile = compile
    monkeypatch.setattr(
        compiled, "compile", lambda src, *a: compiled_sources.append(src) or real_compile(src, *a), raising=False
    )
    rng = np.random.default_rng(7)
    sizes = (3, 4, 2)
    names = (_Sneaky("tanh"), _Sneaky("sigmoid"))
    for trial in range(3):
        net = random_network(
            sizes,
            seed=trial,
            activations=names,
            loss=_Sneaky("bce"),
            bias_mode="per-neuron",
            update_biases=True,
            learning_rate=float(rng.uniform(0.01, 5)),
        )
        x, t = random_data(net, 3, seed=trial)
        assert train_compiled(net, x * rng.uniform(0.5, 2), t, 2, kind) is not None
    plain = Options(("tanh", "sigmoid"), "bce", "per-neuron", True, "textbook", 1.0)
    assert compiled_sources == [source_code(sizes, plain, kind)]  # compiled once, whatever the numbers
    source = compiled_sources[0]
    assert "'" not in source and '"' not in source and "import" not in source  # no literal text at all
    assert set(re.findall(r"\d+(?:\.\d+)?(?:e-?\d+)?", source)) <= {str(n) for n in range(100)} | {
        "0.0",
        "1.0",
        "0.5",
        "2.0",
    }


@pytest.mark.parametrize("kind", KINDS)
def test_under_decay_and_momentum_the_source_names_only_velocities_and_the_two_rates(kind):
    options = Options(("tanh", "sigmoid"), "squared", "per-neuron", True, "textbook", 1.0, 0.5, 0.5)
    source = source_code((3, 4, 2), options, kind)
    allowed = {"run", "params", "data", "eta", "iterations", "errors", "range", "len", "append", "abs", "m", "i", "E"}
    allowed |= {"due", "keep", "lam", "mu"} | set(keyword.kwlist) | set(dir(__import__("math")))
    names = set(re.findall(r"[A-Za-z_][A-Za-z_0-9]*", source))
    assert {n for n in names if n not in allowed and not re.fullmatch(r"[gv]?[wbzadt]\d+(_\d+)*", n)} == set()
    compile(source, "<test>", "exec")


def test_the_rule_is_compiled_once_whatever_its_rates():
    compiled._trainer.cache_clear()
    for lam, mu in ((0.01, 0.9), (0.2, 0.5), (1.0, 0.1)):
        net = seed_network(weight_decay=lam, momentum=mu)
        x, t = net.check_data((0.05, 0.1), (0.01, 0.99))
        train_compiled(net, x, t, 3, "online")
    info = compiled._trainer.cache_info()
    assert (info.misses, info.hits) == (1, 2)
