"""Opening the edit table of the largest network the panel allows, kernel side: time and messages.

    .venv/bin/python benchmarks/edit_table.py [--repeat 3] [--sizes 16,16,16,16,16,16] [--examples 64]

The panel is built headless as the notebook arranges it (a large network's
table closed) and the table is opened with its button, as a person does:

* the first time: every field is made (1,317 for the largest network);
* after an iteration trained while it was closed: every field rewritten;
* after one neuron fewer while it was closed: the fields relabelled for the
  new keys, and rewritten.

Each message is JSON-encoded as the kernel's session would (benchmarks/panel.py's
comm) and counted: a field's opening, and each update of its state.  Printed,
never asserted on.
"""

from __future__ import annotations

import argparse
import statistics
import time

from handlers import EXAMPLES, SIZES, build_largest
from panel import JsonComm


def opening(panel, before=None) -> tuple[float, int, int]:
    """(ms, messages, bytes) of opening the closed table, after ``before(panel)`` (untimed)."""
    panel.edit_toggle.value = False
    if before is not None:
        before(panel)
    messages, sent = JsonComm.messages, JsonComm.sent_bytes
    start = time.perf_counter()
    panel.edit_toggle.value = True
    ms = (time.perf_counter() - start) * 1e3
    return ms, JsonComm.messages - messages, JsonComm.sent_bytes - sent


OPENINGS = {
    "first opening (fields made)": None,
    "after an iteration trained (rewritten)": lambda panel: panel.session.train(1),
    "after one neuron fewer (relabelled)": lambda panel: panel.session.remove_neuron(1),
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3, help="panels built, each opened in every way")
    parser.add_argument("--sizes", default=",".join(map(str, SIZES)))
    parser.add_argument("--examples", type=int, default=EXAMPLES)
    args = parser.parse_args()
    sizes = tuple(int(n) for n in args.sizes.split(","))
    figures = {name: [] for name in OPENINGS}
    fields = 0
    for _ in range(args.repeat):
        panel = build_largest(sizes, args.examples)
        assert not panel.edit_toggle.value, "the largest network's table opens closed"
        for name, before in OPENINGS.items():
            figures[name].append(opening(panel, before))
            if before is None:  # the largest network's own table
                fields = len(panel.editing.fields)
    print(f"edit table of a {'-'.join(map(str, sizes))} network ({fields:,} fields), median of {args.repeat}:")
    for name, runs in figures.items():
        ms, messages, sent = (statistics.median(run[i] for run in runs) for i in range(3))
        print(f"  {name:<40s} {ms:8.1f} ms  {messages:6,.0f} messages  {sent / 1e6:6.2f} MB")


if __name__ == "__main__":
    main()
