"""The quiz: how long checking an answer takes, against redrawing the step it answers.

    .venv/bin/python benchmarks/quiz.py [--repeat 5]

For every step of one iteration (the seed's 2-2-2 network and a 4-8-8-4
one): a wrong answer that matches no mistake (the slowest check: every
classic mistake is worked out by the engine for the step, and none
matches), a right answer, and bad text, each against one render of the
diagram for that network, measured in the same run.

A benchmark, not a test: it prints figures and ratios and asserts nothing.
"""

from __future__ import annotations

import argparse
import statistics
import time

from explorer.drawing import diagram
from explorer.engine.presets import random_data, random_network
from explorer.lesson.quiz import Quiz
from explorer.lesson.session import Session


def best(action, repeat: int) -> float:
    """The fastest of ``repeat`` runs, in ms (the least disturbed by other work on the machine)."""
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        action()
        times.append(time.perf_counter() - start)
    return 1000 * min(times)


def per_step(session: Session, repeat: int) -> dict[str, list[float]]:
    """ms per check, by kind of answer, over every step of the iteration."""
    quiz = Quiz(session)
    quiz.active = True
    times: dict[str, list[float]] = {"wrong (no mistake matches)": [], "right": [], "bad text": []}
    for step in session.walk.steps:
        session.next_step()
        # a fresh, unused wrong value each time: the same wrong answer again is no new attempt
        answers = {
            "wrong (no mistake matches)": lambda: quiz.check(repr(123.456 + time.perf_counter())),
            "right": lambda: quiz.check(f"{step.value:.6g}"),
            "bad text": lambda: quiz.check("abc"),
        }
        for kind in ("bad text", "wrong (no mistake matches)", "right"):
            if kind == "right":  # answering closes the step: once, after the others
                times[kind].append(best(answers[kind], 1))
            else:
                times[kind].append(best(answers[kind], repeat))
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    repeat = parser.parse_args().repeat
    wide = random_network((4, 8, 8, 4), seed=2, update_biases=True)
    x, t = random_data(wide)
    print("check of one answer              steps  median ms    max ms  median vs 1 diagram")
    for name, make in (("seed 2-2-2", Session), ("4-8-8-4", lambda: Session(wide, x, t))):
        session = make()
        svg_ms = best(lambda: diagram.render(session.network, session.inputs[0], session.targets[0]), repeat)
        for kind, ms in per_step(session, repeat).items():
            median = statistics.median(ms)
            print(
                f"{name:10} {kind:26} {len(ms):4}  {median:9.2f}  {max(ms):8.2f}  "
                f"{median / svg_ms:9.2f}x  ({svg_ms:.2f} ms)"
            )


if __name__ == "__main__":
    main()
