"""Command line: ``python -m explorer steps | train | handout | app | notebooks``.

``steps`` prints the walkthrough of one iteration (text, markdown or JSON),
``handout`` writes it as a printable page (HTML) or for a course page (Markdown),
``train`` prints the error at checkpoints and the final outputs, ``app``
serves the classroom page, ``notebooks DIR`` copies the teaching notebooks
out.  Bad arguments exit with status 2 and one line naming the argument and
what it accepts; never a traceback.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import time
from typing import Sequence, TextIO

import numpy as np

from . import validation as v
from .formatting import number
from .functions import ACTIVATIONS, LOSSES
from .handout import FORMATS, handout
from .network import BIAS_MODES, ORDERS, Network
from .presets import SEED_INPUTS, SEED_TARGETS, random_data, random_network, seed_network
from .training import MODES, TrainingResult, train
from .walkthrough import PHASES, walkthrough

#: A run longer than this reports its progress on stderr, about once a second.
PROGRESS_SECONDS = 1.0
#: Exit status after Ctrl-C, as a shell reports a process ended by SIGINT.
INTERRUPTED = 130
# argparse takes "-1,2" for an option (it only knows "-1" and "-.5" as numbers)
_NEGATIVE_VALUE = re.compile(r"-\.?\d")
_VALUE_OPTIONS = ("--inputs", "--targets", "--lr", "--layers", "--seed", "--iterations")


class OneLineParser(argparse.ArgumentParser):
    """argparse, but a bad argument is one line on stderr (no usage block), exit 2."""

    def error(self, message: str) -> None:
        self.exit(2, f"{self.prog}: error: {message}\n")


def _values(field: str):
    def parse(text: str) -> list[float]:
        parts = [p for p in text.split(",")]
        return [v.parse_number(field, p) for p in parts]
    return parse


def build_parser() -> argparse.ArgumentParser:
    parser = OneLineParser(prog="python -m explorer",
                     description="Backprop Explorer: backpropagation one derivative at a time.")
    commands = parser.add_subparsers(dest="command", required=True, parser_class=OneLineParser)

    def network_options(p: argparse.ArgumentParser) -> None:
        p.add_argument("--layers", help="layer sizes, e.g. 2,3,2 (default: the seed's 2,2,2 network)")
        p.add_argument("--seed", default="0", help="random seed for --layers weights (default 0)")
        p.add_argument("--activation", default="sigmoid", help=f"one of {', '.join(ACTIVATIONS)}")
        p.add_argument("--loss", default="squared",
                       help="; ".join(f"{name}: {loss.description}" for name, loss in LOSSES.items()))
        p.add_argument("--biases", default="shared", help="shared (one per layer, the seed's) or per-neuron")
        p.add_argument("--update-biases", action="store_true", help="train the biases too")
        p.add_argument("--lr", default="0.5", help="learning rate eta (default 0.5)")
        p.add_argument("--order", default="textbook", help="textbook (default) or seed")
        p.add_argument("--inputs", help="comma-separated inputs (default 0.05,0.10 or random)")
        p.add_argument("--targets", help="comma-separated targets (default 0.01,0.99 or random)")

    steps = commands.add_parser("steps", help="print every step of one training iteration")
    network_options(steps)
    steps.add_argument("--format", default="text", help="text, markdown or json")

    training = commands.add_parser("train", help="train and print the error at checkpoints")
    network_options(training)
    training.add_argument("--iterations", default="10000", help="number of iterations (default 10000)")
    training.add_argument("--mode", default="online", help="online (default) or batch")

    sheet = commands.add_parser("handout", help="write one iteration as a handout (HTML or Markdown)")
    network_options(sheet)
    sheet.add_argument("--format", default="html", help="html (default: one self-contained page) or markdown")
    sheet.add_argument("--quiz", action="store_true", help="blanks for the results, answer key at the end")
    sheet.add_argument("-o", "--output", help="file to write (default: standard output)")

    commands.add_parser("app", help="serve the classroom page (see python -m explorer app --help)",
                        add_help=False)
    commands.add_parser("notebooks", help="copy the teaching notebooks into DIR (see "
                        "python -m explorer notebooks --help)", add_help=False)
    return parser


def _problem(args: argparse.Namespace) -> tuple[Network, np.ndarray, np.ndarray]:
    """The network, inputs and targets the arguments describe (validated)."""
    options = dict(
        activations=v.check_choice("--activation", args.activation, tuple(ACTIVATIONS)),
        loss=v.check_choice("--loss", args.loss, tuple(LOSSES)),
        update_biases=args.update_biases,
        learning_rate=v.parse_learning_rate(args.lr, "--lr"),
        order=v.check_choice("--order", args.order, ORDERS),
    )
    bias_mode = v.check_choice("--biases", args.biases, BIAS_MODES)
    seed = v.parse_whole("--seed", args.seed, 0, v.MAX_SEED)
    if args.layers is None:
        network = seed_network(bias_mode="shared", **options)
        if bias_mode == "per-neuron":
            network = Network(network.weights, [np.repeat(b, n) for b, n in zip(network.biases, (2, 2))],
                              bias_mode="per-neuron", **options)
        inputs, targets = np.array(SEED_INPUTS), np.array(SEED_TARGETS)
    else:
        try:
            sizes = v.parse_layers(args.layers)
        except v.InputError as error:
            raise v.InputError("--layers", error.message) from None
        network = random_network(sizes, seed=seed, bias_mode=bias_mode, **options)
        data = random_data(network, 1, seed)
        inputs, targets = data[0][0], data[1][0]
    if args.inputs is not None:
        inputs = v.check_vector("--inputs", _values("--inputs")(args.inputs), network.sizes[0])
    if args.targets is not None:
        targets = v.check_vector("--targets", _values("--targets")(args.targets), network.sizes[-1])
    x, t = network.check_data(inputs, targets)
    return network, x[0], t[0]


def _steps(args: argparse.Namespace) -> str:
    fmt = v.check_choice("--format", args.format, ("text", "markdown", "json"))
    network, x, t = _problem(args)
    walk = walkthrough(network, x, t)
    if fmt == "json":
        document = {
            "network": network.to_dict(),
            "inputs": x.tolist(),
            "targets": t.tolist(),
            "learning_rate": network.learning_rate,
            "order": network.order,
            "steps": [step.to_dict() for step in walk.steps],
            "gradients": {"weights": [g.tolist() for g in walk.gradients.weights],
                          "biases": [g.tolist() for g in walk.gradients.biases]},
            "after": {"weights": [w.tolist() for w in walk.after.weights],
                      "biases": [b.tolist() for b in walk.after.biases],
                      "E_total": walk.error_after},
        }
        return json.dumps(document, indent=2)
    lines = [f"{network!r}", f"inputs {', '.join(map(number, x))}; targets {', '.join(map(number, t))}", ""]
    for phase in PHASES:
        phase_steps = [s for s in walk.steps if s.phase == phase]
        if not phase_steps:
            continue
        if fmt == "markdown":
            lines += [f"## {phase.capitalize()}", "", "| # | symbol | value | formula |", "|---|---|---|---|"]
            lines += [f"| {walk.steps.index(s) + 1} | `{s.symbol}` | {number(s.value)} | ${s.latex}$ |"
                      for s in phase_steps]
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
    checkpoints = sorted({0, 1, *[10 ** k for k in range(1, 8)], iterations})
    for i in checkpoints:
        if i <= result.iterations:
            lines.append(f"{i:>10,d}  {number(float(result.errors[i]))}")
    if result.diverged_at is not None:
        lines.append(f"diverged at iteration {result.diverged_at}: the learning rate is too large")
    else:
        outputs = result.network.forward(x).output
        lines.append("outputs   " + ", ".join(f"{o}: {number(float(y))} (target {number(float(tt))})"
                                             for o, y, tt in zip(network.names.neurons[-1], outputs, t)))
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


def train_reporting(network: Network, inputs: np.ndarray, targets: np.ndarray, iterations: int,
                    mode: str, progress: Progress) -> TrainingResult:
    """:func:`~explorer.training.train` in chunks of about a quarter second, reporting between them.

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


def _negative_values_joined(argv: list[str]) -> list[str]:
    """``--inputs -1,2`` -> ``--inputs=-1,2``, which argparse reads as a value."""
    joined: list[str] = []
    for arg in argv:
        if joined and joined[-1] in _VALUE_OPTIONS and _NEGATIVE_VALUE.match(arg):
            joined[-1] = f"{joined[-1]}={arg}"
        else:
            joined.append(arg)
    return joined


def _handout(args: argparse.Namespace) -> str:
    fmt = v.check_choice("--format", args.format, FORMATS)
    network, x, t = _problem(args)
    text = handout(walkthrough(network, x, t), fmt, quiz=args.quiz)
    if args.output is None:
        return text.rstrip("\n")
    try:
        with open(args.output, "w", encoding="utf-8") as file:
            file.write(text)
    except OSError as error:
        raise v.InputError("-o", f"cannot write {v.quote(args.output)} ({error.strerror or error})") from None
    return f"wrote {args.output}"


COMMANDS = {"steps": _steps, "train": _train, "handout": _handout}


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv[:1] == ["app"]:
        from .app import main as app_main  # Voila is only needed here
        return app_main(argv[1:])
    if argv[:1] == ["notebooks"]:
        from .notebook_files import main as notebooks_main
        return notebooks_main(argv[1:])
    parser = build_parser()
    args = parser.parse_args(_negative_values_joined(argv))
    try:
        output = COMMANDS[args.command](args)
    except v.InputError as error:
        print(f"python -m explorer {args.command}: error: {error}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        # on a terminal, start a fresh line after the echoed ^C or a progress line
        newline = "\n" if sys.stderr.isatty() else ""
        print(f"{newline}python -m explorer {args.command}: interrupted", file=sys.stderr)
        return INTERRUPTED
    try:
        print(output)
    except BrokenPipeError:  # e.g. piped into head
        pass
    return 0
