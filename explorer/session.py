"""The explorer's state: where the student is in the iteration, and the run so far.

One :class:`Session` is the single source of truth behind a panel.  Its
traits (``step``, ``learning_rate``, ``iteration``, ``training``) are what
widgets link to; every operation validates first and changes state after,
so an :class:`~explorer.validation.InputError` leaves the session exactly
as it was.  No widgets here: the session works, and is tested, on its own.
"""

from __future__ import annotations

import math

import numpy as np
import traitlets

from . import validation as v
from .history import History
from .network import ORDERS, Network
from .presets import SEED_INPUTS, SEED_TARGETS, seed_network
from .training import train
from .walkthrough import PHASES, Walkthrough, walkthrough

#: The learning-rate slider's range (log scale).
LEARNING_RATE_LIMITS = (0.001, 10.0)


class ErrorHistory:
    """E_total after 0, 1, 2, ... iterations, in a buffer that grows by doubling."""

    def __init__(self, first: float):
        self._data = np.empty(1024)
        self._data[0] = first
        self._size = 1

    def extend(self, values: np.ndarray) -> None:
        values = np.asarray(values, dtype=float)
        needed = self._size + len(values)
        if needed > len(self._data):
            grown = np.empty(max(needed, 2 * len(self._data)))
            grown[: self._size] = self._data[: self._size]
            self._data = grown
        self._data[self._size:needed] = values
        self._size = needed

    @property
    def values(self) -> np.ndarray:
        """A read-only view of the recorded errors."""
        view = self._data[: self._size]
        view.flags.writeable = False
        return view

    def __len__(self) -> int:
        return self._size

    def truncate(self, size: int) -> None:
        """Keep the first ``size`` errors (a run resumed from an earlier iteration)."""
        self._size = max(1, min(self._size, size))


class Session(traitlets.HasTraits):
    """A network, its example(s), the current iteration's walkthrough and the run's errors.

    ``step`` counts the walkthrough steps done (0 = none yet, ``len(walk)`` =
    the update has been worked out).  The network only changes when the
    next iteration starts, or by training, editing or resetting.

    ``iteration`` is the iteration shown (the network after that many
    iterations); ``trained`` how far the run has gone.  Any iteration up to
    ``trained`` can be opened again (:meth:`go_to_iteration`): its
    parameters come from :class:`~explorer.history.History` checkpoints.
    """

    step = traitlets.Int(0)
    iteration = traitlets.Int(0)
    learning_rate = traitlets.Float(0.5)
    training = traitlets.Bool(False)
    #: the iteration at which E_total stopped being finite; None while it is
    #: finite.  Kept until the weights are reset or edited back to finite.
    diverged_at = traitlets.Int(None, allow_none=True)
    #: bumped whenever the network, example or options change (views redraw)
    revision = traitlets.Int(0)

    def __init__(self, network: Network | None = None, inputs: object = None, targets: object = None):
        super().__init__()
        if network is not None and not isinstance(network, Network):
            raise v.InputError("network", f"give a Network, such as seed_network() (got {v.quote(network)})")
        if network is None:
            network = seed_network()
            inputs = SEED_INPUTS if inputs is None else inputs
            targets = SEED_TARGETS if targets is None else targets
        elif inputs is None or targets is None:
            raise v.InputError("inputs", "give the inputs and targets for your network")
        self.inputs, self.targets = network.check_data(inputs, targets)
        self.initial = network.copy()
        self.network = network.copy()
        self.learning_rate = network.learning_rate
        self.example = 0
        self.errors = ErrorHistory(self.dataset_error())
        self.history = History(self.network, self.inputs, self.targets)
        self._note_divergence(self.errors.values[0])
        self._walk: Walkthrough | None = None

    # ------------------------------------------------------------ queries
    @property
    def walk(self) -> Walkthrough:
        """The current iteration's steps, worked out when first asked for.

        Lazy because training replaces the network chunk after chunk, and
        only the network shown at the end (or at a redraw) needs its steps.
        """
        if self._walk is None:
            self._walk = walkthrough(self.network, self.inputs, self.targets, self.example)
        return self._walk

    @property
    def current(self):
        """The step last done, or None before the first."""
        return self.walk.steps[self.step - 1] if self.step else None

    @property
    def phase(self) -> str | None:
        return self.current.phase if self.current else None

    @property
    def trained(self) -> int:
        """Iterations of the run so far (``iteration`` is smaller when looking back)."""
        return len(self.errors) - 1

    @property
    def finished(self) -> bool:
        return self.step == len(self.walk)

    def dataset_error(self, network: Network | None = None) -> float:
        return (network or self.network).forward(self.inputs, self.targets).total_error

    def done_values(self, count: int | None = None) -> tuple[dict[tuple[str, str], float], dict[str, float]]:
        """(values of the steps done by ``Step.key``, new values of parameters updated so far).

        ``count`` limits them to the first ``count`` steps (default: every step done).
        """
        done = self.walk.steps[: self.step if count is None else count]
        values = {s.key: s.value for s in done}
        updated = {s.parameter: s.value for s in done if s.quantity == "update"}
        return values, updated

    # ----------------------------------------------------------- stepping
    def next_step(self) -> None:
        """One step on; past the last, the update is applied and the next iteration begins."""
        if self.finished:
            self.start_next_iteration()
        self.step += 1

    def previous_step(self) -> None:
        """One step back; from the first step, to the last step of the iteration before."""
        if self.step > 0:
            self.step -= 1
        elif self.example > 0:
            self._open(self.iteration, self.example - 1, finished=True)
        elif self.iteration > self.history.first:
            self._open(self.iteration - 1, self.inputs.shape[0] - 1, finished=True)

    def go_to_iteration(self, iteration: object) -> None:
        """Open the walkthrough of an iteration already trained (1 = the first), at its start."""
        first = self.history.first + 1
        accepted = f"enter a whole number from {first:,} to {self.trained + 1:,}"
        text = str(iteration).strip().replace(",", "").replace("_", "")
        if isinstance(iteration, bool) or not text.isdigit() or not first <= int(text) <= self.trained + 1:
            raise v.InputError("Iteration", f"{accepted} (got {iteration!r})")
        self._open(int(text) - 1, 0, finished=False)

    def next_phase(self) -> None:
        """To the first step of the next phase (the end of the update phase from there)."""
        if self.finished:
            self.start_next_iteration()
        index = PHASES.index(self.phase) + 1 if self.phase else 0
        starts = [self.walk.phase_start(p) for p in PHASES[index:]]
        starts = [s for s in starts if s < len(self.walk)]
        self.step = starts[0] + 1 if starts and self.step <= starts[0] else len(self.walk)

    def finish_iteration(self) -> None:
        self.step = len(self.walk)

    def reset_iteration(self) -> None:
        self.step = 0

    def go_to(self, step: int) -> None:
        self.step = v.parse_whole("step", step, 0, len(self.walk),
                                  f"choose a step from 0 to {len(self.walk)}")

    def start_next_iteration(self) -> None:
        """Apply the worked-out update (to one example; a pass ends after the last)."""
        self.network = self.walk.after
        self.example = (self.example + 1) % self.inputs.shape[0]
        if self.example == 0:
            if self.iteration == self.trained:  # new ground, not a look back at the run
                self.errors.extend([self.dataset_error()])
                self.history.record(self.iteration + 1, self.network)
            self.iteration += 1
            self._note_divergence(self.errors.values[self.iteration])
        self._restart()

    # ------------------------------------------------------------ training
    def train(self, iterations: int) -> int | None:
        """Train from the start of the current pass; returns the divergence iteration, if any.

        From an earlier iteration than the run's last, the run goes on from
        there and what came after is forgotten.  Training stops at each
        checkpoint the history is due, so it can record the parameters.
        """
        left = v.check_iterations(iterations)
        self._forget_after(self.iteration)
        diverged = None
        while left > 0 and diverged is None:
            chunk = min(left, self.history.next_due() - self.iteration)
            result = train(self.network, self.inputs, self.targets, chunk, mode="online")
            self.network = result.network
            self.errors.extend(result.errors[1:])
            self.iteration += result.iterations
            self.history.record(self.iteration, self.network)
            left -= chunk
            diverged = None if result.diverged_at is None else self.iteration
        self.example = 0
        self._note_divergence(self.errors.values[-1])
        self._restart()
        return diverged

    # ------------------------------------------------------------- editing
    def set_parameter(self, name: str, text: object) -> None:
        if not isinstance(name, str) or name not in self.network.parameters():
            raise v.InputError("parameter", f"no weight or bias is called {v.quote(name)}")
        network = self.network.with_parameter(name, text)
        self._note_divergence(self.dataset_error(network))
        self._replace(network)

    def set_input(self, index: int, text: object) -> None:
        index = v.parse_whole("input index", index, 0, self.network.sizes[0] - 1)
        value = v.parse_number(self.network.names.neurons[0][index], text)
        inputs = self.inputs.copy()
        inputs[self.example, index] = value
        self._set_data(inputs, self.targets)

    def set_target(self, index: int, text: object) -> None:
        index = v.parse_whole("target index", index, 0, self.network.sizes[-1] - 1)
        name = f"target {self.network.names.neurons[-1][index]}"
        value = v.parse_number(name, text)
        targets = self.targets.copy()
        targets[self.example, index] = value
        self._set_data(self.inputs, targets)

    def set_learning_rate(self, text: object) -> None:
        low, high = LEARNING_RATE_LIMITS
        rate = v.parse_learning_rate(text, "Learning rate", low, high)
        self._replace(self.network.with_options(learning_rate=rate), keep_step=True)
        self.learning_rate = rate

    def set_order(self, order: str) -> None:
        self._replace(self.network.with_options(order=v.check_choice("Update order", order, ORDERS)))

    def set_update_biases(self, on: bool) -> None:
        if not isinstance(on, (bool, np.bool_)):
            raise v.InputError("Update biases", f"choose True or False (got {v.quote(on)})")
        self._replace(self.network.with_options(update_biases=bool(on)))

    def reset_weights(self) -> None:
        """Back to exactly the initial parameters (options as they are now); a new run."""
        self.network = self.initial.with_options(learning_rate=self.network.learning_rate,
                                                 order=self.network.order,
                                                 update_biases=self.network.update_biases)
        self.example = 0
        self.errors = ErrorHistory(self.dataset_error())
        self.history = History(self.network, self.inputs, self.targets)
        self.iteration = 0
        self._note_divergence(self.errors.values[-1])
        self._restart()

    def restore(self, other: "Session") -> None:
        """Take over every piece of ``other``'s state as one change (a loaded file).

        ``other`` is built and checked in full first, so a file that is
        refused never gets here and this session is never left half-changed.
        """
        self.initial, self.network = other.initial.copy(), other.network.copy()
        self.inputs, self.targets = other.inputs.copy(), other.targets.copy()
        self.example = other.example
        self.errors = ErrorHistory(other.errors.values[0])
        self.errors.extend(other.errors.values[1:])
        # the file holds the network shown, not those before it: the history starts there
        self.history = History(self.network, self.inputs, self.targets, start=other.iteration)
        self._walk = None
        with self.hold_trait_notifications():
            self.learning_rate = other.learning_rate
            self.iteration = other.iteration
            self.step = other.step
            # where the history first stops being finite, if the network is still diverged
            finite = np.isfinite(self.errors.values)
            self.diverged_at = (None if math.isfinite(self.dataset_error())
                                else int(np.argmin(finite)) if not finite.all() else self.iteration)
            self.revision += 1

    # ------------------------------------------------------------ internals
    def _replace(self, network: Network, keep_step: bool = False) -> None:
        self.network = network
        self._edited()
        self._restart(keep_step)

    def _set_data(self, inputs: np.ndarray, targets: np.ndarray) -> None:
        self.inputs, self.targets = self.network.check_data(inputs, targets)
        self._note_divergence(self.dataset_error())
        self._edited()
        self._restart()

    def _note_divergence(self, error: float) -> None:
        """Remember where E_total stopped being finite; forget it once it is finite again."""
        if math.isfinite(error):
            self.diverged_at = None
        elif self.diverged_at is None:
            self.diverged_at = self.iteration

    def _edited(self) -> None:
        """An edit by hand: the run goes on from here, with the new network or data."""
        self._forget_after(self.iteration)
        self.history.edit(self.iteration, self.network, self.inputs, self.targets)

    def _forget_after(self, iteration: int) -> None:
        self.errors.truncate(iteration + 1)
        self.history.truncate(iteration)

    def _open(self, iteration: int, example: int, finished: bool) -> None:
        """Show ``example`` of ``iteration`` again, with the parameters it had then."""
        network = self.history.network_at(iteration)
        for before in range(example):  # online: one update per earlier example of the pass
            network = walkthrough(network, self.inputs, self.targets, before).after
        self.network, self.example = network, example
        with self.hold_trait_notifications():
            self.iteration = iteration
            self.learning_rate = network.learning_rate
            self._note_divergence(self.errors.values[iteration])
            self._restart()
            if finished:
                self.step = len(self.walk)

    def _restart(self, keep_step: bool = False) -> None:
        """A new walkthrough (on demand); an edit restarts the iteration's steps."""
        steps_before = len(self._walk) if self._walk is not None else 0
        self._walk = None
        step = min(self.step, steps_before) if keep_step else 0
        with self.hold_trait_notifications():
            self.step = step
            self.revision += 1
