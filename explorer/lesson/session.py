"""The explorer's state: where the student is in the iteration, and the run so far.

One :class:`Session` is the single source of truth behind a panel.  Its traits (``step``, ``learning_rate``,
``iteration``, ``training``) are what widgets link to; every operation validates first and changes state after,
so an :class:`~explorer.engine.validation.InputError` leaves the session as it was.  No widgets here.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
import traitlets

from explorer.engine import reshape
from explorer.engine import validation as v
from explorer.engine.datasets import choose, identify
from explorer.engine.error_history import ErrorHistory
from explorer.engine.history import History
from explorer.engine.network import Network
from explorer.engine.options import BIAS_MODES, ORDERS, check_order_and_rule
from explorer.engine.presets import problem
from explorer.engine.training import MODES, check_order_and_mode
from explorer.engine.validation import check_seed

from .walkthrough import PHASES, Walkthrough, walkthrough_checked


class Session(traitlets.HasTraits):
    """A network, its example(s), the current iteration's walkthrough and the run's errors.

    ``step`` counts the walkthrough steps done (0 = none yet, ``len(walk)`` = the update has been worked out).
    The network only changes when the next iteration starts, or by training, editing or resetting.

    ``iteration`` is the iteration shown (the network after that many iterations); ``trained`` how far the
    run has gone.  Any iteration up to ``trained`` can be opened again (:meth:`go_to_iteration`): its
    parameters come from :class:`~explorer.engine.history.History` checkpoints.
    """

    step = traitlets.Int(0)
    iteration = traitlets.Int(0)
    learning_rate = traitlets.Float(0.5)
    training = traitlets.Bool(False)
    #: which examples: a name of explorer.engine.datasets ("table" for examples of one's own)
    dataset = traitlets.Unicode("seed")
    #: "online" (one update per example, the walkthrough's examples take turns) or "batch"
    mode = traitlets.Unicode("online")
    #: the seed "Random weights" last used
    seed = traitlets.Int(0)
    #: the iteration at which E_total stopped being finite (None while finite), until reset or edited back
    diverged_at = traitlets.Int(None, allow_none=True)
    #: bumped whenever the network, example or options change (views redraw)
    revision = traitlets.Int(0)

    def __init__(self, network: Network | None = None, inputs: object = None, targets: object = None):
        super().__init__()
        network, self.inputs, self.targets = problem(network, inputs, targets)  # the seed's by default
        self.initial, self.network = network.copy(), network.copy()
        self.learning_rate = network.learning_rate
        self.example = 0
        self.dataset = identify(self.inputs, self.targets)
        self.errors = ErrorHistory(self.dataset_error())
        self.history = History(self.network, self.inputs, self.targets)
        self._note_divergence(self.errors.values[0])
        self._walk: Walkthrough | None = None

    # ------------------------------------------------------------ queries
    @property
    def walk(self) -> Walkthrough:
        """The current iteration's steps, worked out when first asked for (not once per edit)."""
        if self._walk is None:
            self._walk = walkthrough_checked(self.network, self.inputs, self.targets, self.example, self.mode)
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
        return self.walk.done_values(self.step if count is None else count)

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
        elif self.mode == "online" and self.example > 0:
            self._open(self.iteration, self.example - 1, finished=True)
        elif self.iteration > self.history.first:
            last = self.inputs.shape[0] - 1 if self.mode == "online" else self.example
            self._open(self.iteration - 1, last, finished=True)

    def go_to_iteration(self, iteration: object) -> None:
        """Open the walkthrough of an iteration already trained (1 = the first), at its start."""
        number = v.parse_whole("Iteration", iteration, self.history.first + 1, self.trained + 1)
        self._open(number - 1, 0 if self.mode == "online" else self.example, finished=False)

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
        self.step = v.parse_whole("step", step, 0, len(self.walk), f"choose a step from 0 to {len(self.walk)}")

    def start_next_iteration(self) -> None:
        """Apply the worked-out update (to one example; a pass ends after the last).

        In batch mode one update is the whole pass; the example shown stays.
        """
        self.network = self.walk.after
        if self.mode == "online":
            self.example = (self.example + 1) % self.inputs.shape[0]
        if self.mode == "batch" or self.example == 0:
            if self.iteration == self.trained:  # new ground, not a look back at the run
                self.errors.extend([self.dataset_error()])
                self.history.record(self.iteration + 1, self.network)
            self.iteration += 1
            self._note_divergence(self.errors.values[self.iteration])
        self._restart()

    # ------------------------------------------------------------ training
    def train(self, iterations: int) -> int | None:
        """Train from the start of the current pass; returns the divergence iteration, if any.

        From an earlier iteration than the run's last, the run goes on from there and
        what came after is forgotten; the history keeps the checkpoints due on the way.
        """
        iterations = v.check_iterations(iterations)
        self._forget_after(self.iteration)
        run = self.history.train(self.network, self.iteration, iterations, self.inputs, self.targets, self.mode)
        self.network, errors, diverged = run
        self.errors.extend(errors)
        self.iteration += len(errors)
        if self.mode == "online":
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
        inputs = self.inputs.copy()
        inputs[self.example, index] = v.parse_number(self.network.names.neurons[0][index], text)
        self._set_data(inputs, self.targets)

    def set_target(self, index: int, text: object) -> None:
        index = v.parse_whole("target index", index, 0, self.network.sizes[-1] - 1)
        targets = self.targets.copy()
        targets[self.example, index] = v.parse_number(f"target {self.network.names.neurons[-1][index]}", text)
        self._set_data(self.inputs, targets)

    def set_learning_rate(self, text: object) -> None:
        rate = v.parse_learning_rate(text, "Learning rate")
        self._replace(self.network.with_options(learning_rate=rate), keep_step=True)
        self.learning_rate = rate

    def set_update_rule(self, weight_decay: object = None, momentum: object = None) -> None:
        """Weight decay lambda and/or momentum mu (None: as it is); a change restarts as a new rate does."""
        self._replace(self.network.with_update_rule(weight_decay, momentum), keep_step=True)

    def set_order(self, order: str) -> None:
        order = v.check_choice("Update order", order, ORDERS)
        check_order_and_mode(order, self.mode, "Update order")
        check_order_and_rule(order, self.network.weight_decay, self.network.momentum, "Update order")
        self._replace(self.network.with_options(order=order))

    def set_update_biases(self, on: bool) -> None:
        on = v.check_bool("Update biases", on)
        self._replace(self.network.with_options(update_biases=on))

    def set_mode(self, mode: str) -> None:
        """Online (one update per example) or batch (one update per pass, the mean gradient)."""
        mode = v.check_choice("Mode", mode, MODES)
        check_order_and_mode(self.network.order, mode, "Mode")
        self.mode = mode
        self._edited()  # the run goes on in the other mode: a new segment of the history
        self._restart()

    def set_example(self, example: int) -> None:
        """Show example ``example`` (from 0) in the walkthrough; the iteration's steps restart."""
        m = self.inputs.shape[0]
        self.example = v.parse_whole("Example", example, 0, m - 1, f"choose an example from 1 to {m}")
        self._edited()  # online, the pass goes on from this example
        self._restart()

    # -------------------------------------------------------- architecture
    def set_activation(self, layer: int, name: str) -> str | None:
        """Activation of layer ``layer`` (1 = the first after the inputs); the weights stay (see :meth:`_reoption`)."""
        return self._reoption(reshape.with_activation(self.network, layer, name))

    def set_loss(self, name: str) -> str | None:
        """The loss; bce is refused, with the reason, unless the outputs are sigmoid (see :meth:`_reoption`)."""
        return self._reoption(reshape.with_loss(self.network, name))

    def _reoption(self, network: Network) -> str | None:
        """Take ``network``'s options; softmax outputs and cce come as a pair: returns the sentence saying so."""
        old, self.network = self.network, self._checked(network)
        # another loss is another quantity: a new curve and history, from the weights as they are
        self._fresh_run() if network.loss != old.loss else self._replace(network)
        return reshape.said_pairing(old, network)

    def set_bias_mode(self, mode: str) -> str:
        """One bias per layer (shared, the seed's) or one per neuron; returns what changed."""
        mode = v.check_choice("Biases", mode, BIAS_MODES)
        self._replace(reshape.with_bias_mode(self.network, mode))
        return reshape.said_bias_mode(mode)

    def set_hidden(self, sizes: Sequence[object]) -> str:
        """Hidden layer sizes (may be none); new random weights from ``seed``: a new run."""
        old = self.network
        self._new_run(reshape.with_hidden(old, sizes, self.seed))
        return reshape.said_hidden(old, self.network, self.seed)

    def hidden_sizes(self) -> tuple[int, ...]:
        return self.network.sizes[1:-1]

    def add_neuron(self, layer: int) -> str:
        """One more neuron in hidden layer ``layer`` (from 1)."""
        return self.set_hidden(reshape.add_neuron(self.hidden_sizes(), layer))

    def remove_neuron(self, layer: int) -> str:
        """One neuron fewer in hidden layer ``layer``; its last neuron removes the layer."""
        return self.set_hidden(reshape.remove_neuron(self.hidden_sizes(), layer))

    def add_layer(self) -> str:
        """A new hidden layer before the outputs, as wide as the last hidden layer (or 2)."""
        return self.set_hidden(reshape.add_layer(self.hidden_sizes()))

    def remove_layer(self) -> str:
        """The last hidden layer goes."""
        return self.set_hidden(reshape.remove_layer(self.hidden_sizes()))

    def set_seed(self, seed: object) -> None:
        """The seed for the next random weights (Random weights, a new shape); the network stays."""
        self.seed = check_seed(seed)

    def randomize(self, seed: object) -> None:
        """New random weights of the same shape and options, reproducible from ``seed``: a new run."""
        seed = check_seed(seed)
        network = reshape.random_like(self.network, self.network.sizes, seed)
        self.seed = seed
        self._new_run(network)

    def set_dataset(self, name: str, table: str | None = None, n_inputs: object = None) -> str:
        """Learn other examples; the input and output layers adapt.  Returns what changed.

        ``table`` (text, one example a line) and ``n_inputs`` are for ``name="table"``.
        The seed's dataset on a 2-2-2 network brings back the seed's weights.
        """
        data = choose(name, table, self.inputs.shape[1] if n_inputs is None else n_inputs)
        network, said = reshape.fit_to_data(self.network, data, self.seed)
        self.inputs, self.targets, self.dataset = data.inputs, data.targets, data.name
        self._new_run(network)
        return said

    def reset_weights(self) -> None:
        """Back to exactly the initial parameters (options as they are now); a new run."""
        self.network = reshape.with_options_of(self.initial, self.network)
        self._fresh_run()

    def _checked(self, network: Network) -> Network:
        network.check_data(self.inputs, self.targets)
        return network

    def _new_run(self, network: Network) -> None:
        """Start over from ``network``: it becomes what Reset weights returns to."""
        self.network, self.initial = network.copy(), network.copy()
        self._fresh_run()

    def _fresh_run(self) -> None:
        """Iteration 0 of a new run from the network as it is: new errors, a new history."""
        self.example = 0
        self.errors = ErrorHistory(self.dataset_error())
        self.history = History(self.network, self.inputs, self.targets, mode=self.mode)
        with self.hold_trait_notifications():
            self.iteration = 0
            self.diverged_at = None
            self._note_divergence(self.errors.values[0])
            self._restart()

    def restore(self, other: Session) -> None:
        """Take over every piece of ``other``'s state as one change (a loaded file).

        ``other`` is built and checked in full first, so a file that is refused never gets here and this
        session is never left half-changed.
        """
        self.initial, self.network = other.initial.copy(), other.network.copy()
        self.inputs, self.targets = other.inputs.copy(), other.targets.copy()
        self.example, self.dataset, self.mode, self.seed = other.example, other.dataset, other.mode, other.seed
        self.errors = ErrorHistory.from_values(other.errors.values)
        # the file holds the network shown, not those before it: the history starts there
        self.history = History(self.network, self.inputs, self.targets, start=other.iteration, mode=self.mode)
        self._walk = None
        with self.hold_trait_notifications():
            self.learning_rate = other.learning_rate
            self.iteration = other.iteration
            self.step = other.step
            # where the history first stops being finite, if the network is still diverged
            finite = math.isfinite(self.dataset_error())
            self.diverged_at = None if finite else self.errors.first_not_finite(self.iteration)
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
        self.history.edit(self.iteration, self.network, self.inputs, self.targets, self.mode)

    def _forget_after(self, iteration: int) -> None:
        self.errors.truncate(iteration + 1)
        self.history.truncate(iteration)

    def _open(self, iteration: int, example: int, finished: bool) -> None:
        """Show ``example`` of ``iteration`` again, with the parameters it had then."""
        network = self.history.network_at(iteration)
        if self.mode == "online":  # one update per earlier example of the pass
            for before in range(example):
                network = walkthrough_checked(network, self.inputs, self.targets, before, "online").after
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
