"""Command line: ``python -m explorer steps | train | handout | app | notebooks | lite``.

``steps`` prints the walkthrough of one iteration (text, markdown or JSON),
``handout`` writes it as a printable page (HTML) or for a course page (Markdown),
``train`` prints the error at checkpoints and the final outputs, ``app``
serves the classroom page, ``notebooks DIR`` copies the teaching notebooks
out, ``lite OUTDIR`` builds the static site.  Bad arguments exit with status 2
and one line naming the argument and what it accepts; never a traceback.
"""

from __future__ import annotations

import argparse
import contextlib
import importlib.util
import json
import sys
import time
from collections.abc import Sequence
from typing import TextIO

import numpy as np

from explorer.drawing.handout import FORMATS, handout
from explorer.engine import datasets, paths
from explorer.engine import validation as v
from explorer.engine.datasets import DESCRIPTIONS, NAMES, Dataset, accuracy, check_fits, dataset, parse_table
from explorer.engine.formatting import number
from explorer.engine.functions import ACTIVATIONS, ELEMENTWISE, LOSSES
from explorer.engine.network import Network
from explorer.engine.options import BIAS_MODES, ORDERS, check_order_and_rule
from explorer.engine.presets import SEED_INPUTS, SEED_TARGETS, random_data, random_network, seed_network
from explorer.engine.training import MODES, TrainingResult, train
from explorer.lesson.walkthrough import PHASES, walkthrough

from .arguments import OneLineParser, interrupted, negative_values_joined

#: A run longer than this reports its progress on stderr, about once a second.
PROGRESS_SECONDS = 1.0
#: Exit status after Ctrl-C, as a shell reports a process ended by SIGINT.
# argparse takes "-1,2" for an option (it only knows "-1" and "-.5" as numbers)
#: options whose value may start with a minus sign (``--inputs -1,2``)
VALUE_OPTIONS = ("--inputs", "--targets", "--lr", "--layers", "--seed", "--iterations", "--weight-decay", "--momentum")
_OUTPUT_HELP = "the output layer's activation, if not --activation's (softmax: with --loss cce, its default)"


def _values(field: str):
    def parse(text: str) -> list[float]:
        parts = [p for p in text.split(",")]
        return [v.parse_number(field, p) for p in parts]

    return parse


def build_parser() -> argparse.ArgumentParser:
    parser = OneLineParser(
        prog="python -m explorer", description="Backprop Explorer: backpropagation one derivative at a time."
    )
    commands = parser.add_subparsers(dest="command", required=True, parser_class=OneLineParser)

    def network_options(p: argparse.ArgumentParser) -> None:
        p.add_argument("--layers", help="layer sizes, e.g. 2,3,2 (default: the seed's 2,2,2 network)")
        p.add_argument("--seed", default="0", help="random seed for --layers weights (default 0)")
        p.add_argument("--activation", default="sigmoid", help=f"one of {', '.join(ELEMENTWISE)}")
        p.add_argument("--output-activation", help=_OUTPUT_HELP)
        p.add_argument(
            "--loss", default="squared", help="; ".join(f"{name}: {loss.description}" for name, loss in LOSSES.items())
        )
        p.add_argument("--biases", default="shared", help="shared (one per layer, the seed's) or per-neuron")
        p.add_argument("--update-biases", action="store_true", help="train the biases too")
        p.add_argument("--lr", default="0.5", help="learning rate eta (default 0.5)")
        p.add_argument("--order", default="textbook", help="textbook (default) or seed")
        p.add_argument("--weight-decay", default="0", help="L2 weight decay lambda on the weights, 0 to 1 (default 0)")
        p.add_argument("--momentum", default="0", help="momentum mu, from 0 up to (not including) 1 (default 0)")
        p.add_argument("--inputs", help="comma-separated inputs (default 0.05,0.10 or random)")
        p.add_argument("--targets", help="comma-separated targets (default 0.01,0.99 or random)")
        p.add_argument(
            "--dataset",
            help="; ".join(f"{name}: {text}" for name, text in DESCRIPTIONS.items())
            + " (default: the seed's example, or a random one with --layers)",
        )
        p.add_argument(
            "--table",
            help="with --dataset table: a file of comma- or tab-separated rows, "
            "inputs then targets (as many inputs and targets as --layers has)",
        )

    steps = commands.add_parser("steps", help="print every step of one training iteration")
    network_options(steps)
    steps.add_argument("--format", default="text", help="text, markdown or json")
    steps.add_argument("--example", default="1", help="which example of the dataset to step through (default 1)")

    training = commands.add_parser("train", help="train and print the error at checkpoints")
    network_options(training)
    training.add_argument("--iterations", default="10000", help="number of iterations (default 10000)")
    training.add_argument("--mode", default="online", help="online (default) or batch")

    sheet = commands.add_parser("handout", help="write one iteration as a handout (HTML or Markdown)")
    network_options(sheet)
    sheet.add_argument("--format", default="html", help="html (default: one self-contained page) or markdown")
    sheet.add_argument("--quiz", action="store_true", help="blanks for the results, answer key at the end")
    sheet.add_argument("-o", "--output", help="file to write (default: standard output)")
    sheet.add_argument("--example", default="1", help="which example of the dataset to work through (default 1)")

    commands.add_parser("app", help="serve the classroom page (see python -m explorer app --help)", add_help=False)
    commands.add_parser(
        "notebooks",
        help="copy the teaching notebooks into DIR (see python -m explorer notebooks --help)",
        add_help=False,
    )
    commands.add_parser(
        "lite", help="build the static site, Python in the browser (see python -m explorer lite --help)", add_help=False
    )
    return parser


def _problem(args: argparse.Namespace) -> tuple[Network, np.ndarray, np.ndarray]:
    """The network and its examples, inputs (m, n_0) and targets (m, n_L), the arguments describe."""
    loss = v.check_choice("--loss", args.loss, tuple(LOSSES))
    options = dict(
        activations=v.check_choice("--activation", args.activation, tuple(ACTIVATIONS)),
        loss=loss,
        update_biases=args.update_biases,
        learning_rate=v.parse_learning_rate(args.lr, "--lr"),
        order=v.check_choice("--order", args.order, ORDERS),
        weight_decay=v.parse_weight_decay(args.weight_decay, "--weight-decay"),
        momentum=v.parse_momentum(args.momentum, "--momentum"),
    )
    check_order_and_rule(options["order"], options["weight_decay"], options["momentum"], "--order")
    bias_mode = v.check_choice("--biases", args.biases, BIAS_MODES)
    seed = v.parse_whole("--seed", args.seed, 0, v.MAX_SEED)
    sizes = None
    if args.layers is not None:
        try:
            sizes = v.parse_layers(args.layers)
        except v.InputError as error:
            raise v.InputError("--layers", error.message) from None
    data = _dataset(args, sizes)
    output = args.output_activation or ("softmax" if loss == "cce" else options["activations"])
    output = v.check_choice("--output-activation", output, tuple(ACTIVATIONS))
    if sizes is None and (data is None or data.name == "seed"):
        options["activations"] = (options["activations"], output)
        network = seed_network(bias_mode="shared", **options)
        if bias_mode == "per-neuron":
            network = Network(
                network.weights,
                [np.repeat(b, n) for b, n in zip(network.biases, (2, 2))],
                bias_mode="per-neuron",
                **options,
            )
        inputs, targets = np.array(SEED_INPUTS), np.array(SEED_TARGETS)
    else:
        # a gate or a table without --layers gets the seed's hidden layer of 2
        sizes = sizes or (data.n_inputs, 2, data.n_outputs)
        if data is not None:
            check_fits(data, sizes, "--layers")
        options["activations"] = (options["activations"],) * (len(sizes) - 2) + (output,)
        network = random_network(sizes, seed=seed, bias_mode=bias_mode, **options)
        inputs, targets = random_data(network, 1, seed)
    if data is not None:
        inputs, targets = data.inputs, data.targets
    elif args.inputs is not None or args.targets is not None:
        if args.inputs is not None:
            inputs = v.check_vector("--inputs", _values("--inputs")(args.inputs), network.sizes[0])
        if args.targets is not None:
            targets = v.check_vector("--targets", _values("--targets")(args.targets), network.sizes[-1])
    return (network, *network.check_data(inputs, targets))


def _dataset(args: argparse.Namespace, sizes: tuple[int, ...] | None) -> Dataset | None:
    """The --dataset (None without it); a table is read from --table's file, every cell checked."""
    if args.dataset is None:
        if args.table is not None:
            raise v.InputError("--table", "goes with --dataset table")
        return None
    name = v.check_choice("--dataset", args.dataset, NAMES)
    for option in ("inputs", "targets"):
        if getattr(args, option) is not None and name != "seed":
            raise v.InputError(
                f"--{option}", f"the {name} dataset has its own examples: use --dataset table for examples of your own"
            )
    if name != "table":
        if args.table is not None:
            raise v.InputError("--table", "goes with --dataset table")
        return dataset(name)
    if args.table is None:
        raise v.InputError("--table", "--dataset table needs --table FILE (rows of inputs then targets)")
    try:
        with open(args.table, "rb") as file:
            data = file.read(datasets.MAX_TABLE_BYTES + 1)  # one byte more: a longer file is refused by its size
    except OSError as error:
        raise v.InputError("--table", f"cannot read {args.table!r} ({error.strerror or error})") from None
    text = datasets.table_text(data, "--table")
    sizes = sizes or (2, 2, 2)
    return parse_table(text, sizes[0], sizes[-1], "--table")


def _example(args: argparse.Namespace, inputs: np.ndarray) -> int:
    """--example as an index from 0, checked against the number of examples."""
    m = inputs.shape[0]
    return v.parse_whole("--example", args.example, 1, m, f"choose an example from 1 to {m}") - 1


def _steps(args: argparse.Namespace) -> str:
    fmt = v.check_choice("--format", args.format, ("text", "markdown", "json"))
    network, inputs, targets = _problem(args)
    example = _example(args, inputs)
    walk = walkthrough(network, inputs, targets, example)
    x, t = inputs[example], targets[example]
    if fmt == "json":
        document = {
            "network": network.to_dict(),
            "inputs": x.tolist(),
            "targets": t.tolist(),
            "example": example + 1,
            "examples": inputs.shape[0],
            "learning_rate": network.learning_rate,
            "order": network.order,
            "steps": [step.to_dict() for step in walk.steps],
            "gradients": {
                "weights": [g.tolist() for g in walk.gradients.weights],
                "biases": [g.tolist() for g in walk.gradients.biases],
            },
            "after": {
                "weights": [w.tolist() for w in walk.after.weights],
                "biases": [b.tolist() for b in walk.after.biases],
                "E_total": walk.error_after,
            },
        }
        return json.dumps(document, indent=2)
    which = f"example {example + 1} of {inputs.shape[0]}: " if inputs.shape[0] > 1 else ""
    lines = [f"{network!r}", f"{which}inputs {', '.join(map(number, x))}; targets {', '.join(map(number, t))}", ""]
    for phase in PHASES:
        phase_steps = [s for s in walk.steps if s.phase == phase]
        if not phase_steps:
            continue
        if fmt == "markdown":
            lines += [f"## {phase.capitalize()}", "", "| # | symbol | value | formula |", "|---|---|---|---|"]
            lines += [
                f"| {walk.steps.index(s) + 1} | `{s.symbol}` | {number(s.value)} | ${s.latex}$ |" for s in phase_steps
            ]
        else:
            lines.append(f"{phase.upper()}")
            lines += [f"  {walk.steps.index(s) + 1:3d}. {s.text():<40s} {s.meaning}" for s in phase_steps]
        lines.append("")
    lines.append(f"E_total after this update: {number(walk.error_after)}")
    return "\n".join(lines)


def _train(args: argparse.Namespace) -> str:
    iterations = v.check_iterations(args.iterations, "--iterations")
    mode = v.check_choice("--mode", args.mode, MODES)
    network, x, t = _problem(args)
    result = train_reporting(network, x, t, iterations, mode, Progress(sys.stderr, iterations))
    lines = [f"{network!r}", f"{'iteration':>10s}  E_total"]
    checkpoints = sorted({0, 1, *[10**k for k in range(1, 8)], iterations})
    for i in checkpoints:
        if i <= result.iterations:
            lines.append(f"{i:>10,d}  {number(float(result.errors[i]))}")
    if result.diverged_at is not None:
        lines.append(f"diverged at iteration {result.diverged_at}: the learning rate is too large")
        return "\n".join(lines)
    outputs = result.network.forward(x).output
    if network.activations[-1] == "softmax":
        lines.append(f"accuracy  {accuracy(outputs, t):.0%} of {len(x)} examples classified right")
    names = network.names.neurons
    for e, (xe, ye, te) in enumerate(zip(x, outputs, t)):
        where = (
            "outputs   "
            if len(x) == 1
            else f"example {e + 1} ({', '.join(f'{i} {number(float(c))}' for i, c in zip(names[0], xe))}): "
        )
        lines.append(
            where
            + ", ".join(f"{o}: {number(float(y))} (target {number(float(tt))})" for o, y, tt in zip(names[-1], ye, te))
        )
    return "\n".join(lines)


class Progress:
    """Prints "N of M iterations" on ``stream`` about once a second, once a run is long.

    On a terminal the line is rewritten in place; elsewhere (a log file) each
    report is a line of its own.
    """

    def __init__(self, stream: TextIO, total: int):
        self.stream, self.total = stream, total
        self.started = self.last = time.perf_counter()
        self.in_place = stream.isatty()
        self.open = False  # a rewritten line is waiting for its newline

    def report(self, done: int) -> None:
        now = time.perf_counter()
        if now - self.last < PROGRESS_SECONDS:
            return
        self.last = now
        text = f"python -m explorer train: {done:,} of {self.total:,} iterations ({100 * done // self.total}%)"
        self.stream.write(f"\r{text}" if self.in_place else f"{text}\n")
        self.stream.flush()
        self.open = self.in_place

    def end(self) -> None:
        if self.open:
            self.stream.write("\n")
            self.open = False


def train_reporting(
    network: Network, inputs: np.ndarray, targets: np.ndarray, iterations: int, mode: str, progress: Progress
) -> TrainingResult:
    """:func:`~explorer.engine.training.train` in chunks of about a quarter second, reporting between them.

    Training in chunks gives exactly the parameters and errors of one call:
    each chunk starts from the network the last one returned.
    """
    curve, done, chunk, current = [], 0, 1000, network
    while True:
        tic = time.perf_counter()
        result = train(current, inputs, targets, min(chunk, iterations - done), mode=mode)
        curve.append(result.errors if not curve else result.errors[1:])
        current, done = result.network, done + result.iterations
        if result.diverged_at is not None or done >= iterations:
            break
        chunk = max(1000, int(0.25 * result.iterations / max(time.perf_counter() - tic, 1e-6)))
        progress.report(done)
    progress.end()
    errors = np.concatenate(curve)
    finite = np.isfinite(errors)
    return TrainingResult(current, errors, None if finite.all() else int(np.argmin(finite)))


def _handout(args: argparse.Namespace) -> str:
    fmt = v.check_choice("--format", args.format, FORMATS)
    network, inputs, targets = _problem(args)
    text = handout(walkthrough(network, inputs, targets, _example(args, inputs)), fmt, quiz=args.quiz)
    if args.output is None:
        return text.rstrip("\n")
    path = paths.check_path("-o", args.output)
    try:
        with open(path, "w", encoding="utf-8") as file:
            file.write(text)
    except (OSError, ValueError) as error:
        raise paths.cannot("-o", "write", path, error) from None
    return f"wrote {path}"


COMMANDS = {"steps": _steps, "train": _train, "handout": _handout}


def main(argv: Sequence[str] | None = None) -> int:
    """``python -m explorer ...``; return the exit code.  Ctrl-C at any point is one line, status 130."""
    argv = list(sys.argv[1:] if argv is None else argv)
    command = argv[0] if argv[:1] in (["app"], ["lite"], ["notebooks"]) else "explorer"
    try:
        if command == "app":
            if importlib.util.find_spec("voila") is None:  # the servers are extras
                print(
                    "python -m explorer app: Voila is not installed: pip install 'backprop-explorer[app]'",
                    file=sys.stderr,
                )
                return 1
            from .app import main as app_main  # Voila is only needed here

            return app_main(argv[1:])
        if command == "lite":
            from .lite import main as lite_main

            return lite_main(argv[1:])
        if command == "notebooks":
            from .notebook_files import main as notebooks_main

            return notebooks_main(argv[1:])
        return _run(argv)
    except KeyboardInterrupt:  # while starting, parsing or running
        return interrupted("python -m explorer" + ("" if command == "explorer" else f" {command}"))


def _run(argv: list[str]) -> int:
    parser = build_parser()
    args = parser.parse_args(negative_values_joined(argv, VALUE_OPTIONS))
    try:
        output = COMMANDS[args.command](args)
    except v.InputError as error:
        print(f"python -m explorer {args.command}: error: {error}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return interrupted(f"python -m explorer {args.command}")
    with contextlib.suppress(BrokenPipeError):  # e.g. piped into head
        print(output)
    return 0
