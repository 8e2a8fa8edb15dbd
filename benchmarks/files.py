"""Handouts and saved sessions: how long they take and how big they are.

    .venv/bin/python benchmarks/files.py [--repeat 5]

1. A handout (HTML, Markdown, HTML quiz) of one iteration of the seed's
   2-2-2 network and of a 4-8-8-4 one, against the walkthrough of the same
   iteration and one diagram, measured in the same run.  "cold": nothing
   converted to MathML yet (the first export); "next": the next
   iteration's handout, whose symbolic parts were converted before.
2. Save (``savefile.dumps``, which also reads its output back) and load
   (``savefile.loads``) of a session with a history of 10,000 and of
   1,000,000 iterations, against plain ``json.dumps``/``json.loads`` of the
   same document.

A benchmark, not a test: it prints figures and ratios and asserts nothing.
"""

from __future__ import annotations

import argparse
import json
import time

import numpy as np

from explorer.drawing import diagram, handout
from explorer.engine.presets import SEED_INPUTS, SEED_TARGETS, random_data, random_network, seed_network
from explorer.lesson import savefile
from explorer.lesson.session import Session
from explorer.lesson.walkthrough import walkthrough


def best(action, repeat: int) -> float:
    """The fastest of ``repeat`` runs, in ms (the least disturbed by other work on the machine)."""
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        action()
        times.append(time.perf_counter() - start)
    return 1000 * min(times)


def handouts(repeat: int) -> None:
    print("handout of one iteration        steps  cold ms  next ms  cold vs walkthrough  vs 1 diagram   size")
    wide = random_network((4, 8, 8, 4), seed=2)
    x, t = random_data(wide)
    for name, network, inputs, targets in (
        ("seed 2-2-2", seed_network(), SEED_INPUTS, SEED_TARGETS),
        ("4-8-8-4", wide, x[0], t[0]),
    ):
        walk = walkthrough(network, inputs, targets)
        following = walkthrough(walk.after, inputs, targets)
        walk_ms = best(lambda: walkthrough(network, inputs, targets), repeat)
        svg_ms = best(lambda: diagram.render(network, inputs, targets), repeat)
        for fmt, quiz in (("html", False), ("markdown", False), ("html", True)):

            def cold():
                handout._math.cache_clear()
                handout.handout(walk, fmt, quiz=quiz)

            def following_iteration():
                handout._math.cache_clear()
                handout.handout(walk, fmt, quiz=quiz)
                start = time.perf_counter()
                handout.handout(following, fmt, quiz=quiz)
                return time.perf_counter() - start

            ms = best(cold, repeat)
            next_ms = 1000 * min(following_iteration() for _ in range(repeat))
            size = len(handout.handout(walk, fmt, quiz=quiz).encode())
            label = f"{name}, {fmt}{' quiz' if quiz else ''}"
            print(
                f"  {label:<28s} {len(walk):5d} {ms:8.1f} {next_ms:8.1f} {ms / walk_ms:14.1f}x"
                f" {ms / svg_ms:14.1f}x {size / 1024:7.0f} kB"
            )


def sessions(repeat: int) -> None:
    print("saved session                   save ms  vs json.dumps   load ms  vs json.loads   size")
    for iterations in (10_000, 999_999):
        session = Session()
        session.errors.extend(np.linspace(0.29, 0.001, iterations))
        session.iteration = iterations
        document = savefile.to_dict(session)
        save_ms = best(lambda: savefile.dumps(session), repeat)
        text = savefile.dumps(session)
        load_ms = best(lambda: savefile.loads(text), repeat)
        dump_ms = best(lambda: json.dumps(document, separators=(",", ":")), repeat)
        parse_ms = best(lambda: json.loads(text), repeat)
        print(
            f"  history of {iterations + 1:>9,d}     {save_ms:8.1f} {save_ms / dump_ms:10.1f}x"
            f" {load_ms:10.1f} {load_ms / parse_ms:10.1f}x {len(text) / 2**20:8.2f} MiB"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    handouts(args.repeat)
    sessions(max(1, args.repeat // 2))


if __name__ == "__main__":
    main()
