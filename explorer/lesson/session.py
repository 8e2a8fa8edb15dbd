"""The explorer's state: where the student is in the iteration, and the run so far.

One :class:`Session` is the single source of truth behind a panel.  Its
traits (``step``, ``learning_rate``, ``iteration``, ``training``) are what
widgets link to; every operation validates first and changes state after,
so an :class:`~explorer.engine.validation.InputError` leaves the session exactly
as it was.  No widgets here: the session works, and is tested, on its own.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
import traitlets

from explorer.engine import validation as v
from explorer.engine.datasets import NAMES as DATASETS
from explorer.engine.datasets import dataset, fit_sizes, parse_table
from explorer.engine.functions import ACTIVATIONS, LOSSES
from explorer.engine.history import History
from explorer.engine.network import BIAS_MODES, ORDERS, Network
from explorer.engine.presets import SEED_INPUTS, SEED_TARGETS, random_network, seed_network
from explorer.engine.training import MODES, train

from .walkthrough import PHASES, Walkthrough, walkthrough

#: The learning-rate slider's range (log scale).


def check_seed(text: object, field: str = "Seed") -> int:
    """A whole-number seed from 0 to MAX_SEED, from text or an int."""
    return v.parse_whole(field, text, 0, v.MAX_SEED)


def identify(inputs: np.ndarray, targets: np.ndarray) -> str:
    """The name of the built-in dataset with exactly these examples, else ``"table"``."""
    for name in DATASETS[:-1]:
        data = dataset(name)
        if (
            data.inputs.shape == inputs.shape
            and data.targets.shape == targets.shape
            and np.array_equal(data.inputs, inputs)
            and np.array_equal(data.targets, targets)
        ):
            return name
    return "table"


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'s' * (n != 1)}"


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
        self._data[self._size : needed] = values
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
        self.dataset = identify(self.inputs, self.targets)
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
            self._walk = walkthrough(self.network, self.inputs, self.targets, self.example, self.mode)
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
        elif self.mode == "online" and self.example > 0:
            self._open(self.iteration, self.example - 1, finished=True)
        elif self.iteration > self.history.first:
            last = self.inputs.shape[0] - 1 if self.mode == "online" else self.example
            self._open(self.iteration - 1, last, finished=True)

    def go_to_iteration(self, iteration: object) -> None:
        """Open the walkthrough of an iteration already trained (1 = the first), at its start."""
        first = self.history.first + 1
        accepted = f"enter a whole number from {first:,} to {self.trained + 1:,}"
        text = str(iteration).strip().replace(",", "").replace("_", "")
        if isinstance(iteration, bool) or not text.isdigit() or not first <= int(text) <= self.trained + 1:
            raise v.InputError("Iteration", f"{accepted} (got {iteration!r})")
        self._open(int(text) - 1, 0 if self.mode == "online" else self.example, finished=False)

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

        From an earlier iteration than the run's last, the run goes on from
        there and what came after is forgotten.  Training stops at each
        checkpoint the history is due, so it can record the parameters.
        """
        left = v.check_iterations(iterations)
        self._forget_after(self.iteration)
        diverged = None
        while left > 0 and diverged is None:
            chunk = min(left, self.history.next_due() - self.iteration)
            result = train(self.network, self.inputs, self.targets, chunk, mode=self.mode)
            self.network = result.network
            self.errors.extend(result.errors[1:])
            self.iteration += result.iterations
            self.history.record(self.iteration, self.network)
            left -= chunk
            diverged = None if result.diverged_at is None else self.iteration
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
        rate = v.parse_learning_rate(text, "Learning rate")
        self._replace(self.network.with_options(learning_rate=rate), keep_step=True)
        self.learning_rate = rate

    def set_order(self, order: str) -> None:
        order = v.check_choice("Update order", order, ORDERS)
        if order == "seed" and self.mode == "batch":
            raise v.InputError(
                "Update order",
                "the seed's order goes with online mode (one example at a time); switch Mode to online first",
            )
        self._replace(self.network.with_options(order=order))

    def set_update_biases(self, on: bool) -> None:
        if not isinstance(on, (bool, np.bool_)):
            raise v.InputError("Update biases", f"choose True or False (got {v.quote(on)})")
        self._replace(self.network.with_options(update_biases=bool(on)))

    def set_mode(self, mode: str) -> None:
        """Online (one update per example) or batch (one update per pass, the mean gradient)."""
        mode = v.check_choice("Mode", mode, MODES)
        if mode == "batch" and self.network.order == "seed":
            raise v.InputError(
                "Mode",
                "batch mode uses the textbook order; the seed's order goes "
                "with one example at a time: choose the textbook Update order first",
            )
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
    def set_activation(self, layer: int, name: str) -> None:
        """Activation of layer ``layer`` (1 = the first after the inputs); the weights stay."""
        acts = list(self.network.activations)
        layer = v.parse_whole("Activation", layer, 1, len(acts), f"choose a layer from 1 to {len(acts)}")
        acts[layer - 1] = v.check_choice(f"Activation of layer {layer}", name, tuple(ACTIVATIONS))
        self._replace(self._checked(self.network.with_options(activations=tuple(acts))))

    def set_loss(self, name: str) -> None:
        """The loss; bce is refused, with the reason, unless the outputs are sigmoid."""
        name = v.check_choice("Loss", name, tuple(LOSSES))
        network = self._checked(self.network.with_options(loss=name))
        # another quantity: a new curve and history, from the weights as they are
        self.network = network
        self._fresh_run()

    def set_bias_mode(self, mode: str) -> str:
        """One bias per layer (shared, the seed's) or one per neuron; returns what changed."""
        mode = v.check_choice("Biases", mode, BIAS_MODES)
        self._replace(_with_bias_mode(self.network, mode))
        if mode == "per-neuron":
            return "Each neuron now has its own bias, starting at its layer's shared value."
        return "Each layer now shares one bias: the mean of its neurons' biases."

    def set_hidden(self, sizes: Sequence[object]) -> str:
        """Hidden layer sizes (may be none); new random weights from ``seed``: a new run."""
        if len(sizes) > v.MAX_LAYERS - 2:
            raise v.InputError("Hidden layers", f"at most {v.MAX_LAYERS - 2} hidden layers")
        for n in sizes:
            if isinstance(n, (int, np.integer)) and not isinstance(n, bool) and n > v.MAX_NEURONS:
                raise v.InputError("Hidden layers", f"at most {v.MAX_NEURONS} neurons in a layer")
        sizes = v.check_sizes((self.inputs.shape[1], *sizes, self.targets.shape[1]), "Hidden layers")
        old = self.network
        acts = list(old.activations[:-1])
        hidden = [acts[l] if l < len(acts) else (acts[-1] if acts else "sigmoid") for l in range(len(sizes) - 2)]
        network = self._random(sizes, self.seed, activations=(*hidden, old.activations[-1]))
        self._new_run(network)
        return (
            f"The network is now {'-'.join(map(str, sizes))} (was {'-'.join(map(str, old.sizes))}), "
            f"with new random weights (seed {self.seed})."
        )

    def hidden_sizes(self) -> tuple[int, ...]:
        return self.network.sizes[1:-1]

    def add_neuron(self, layer: int) -> str:
        """One more neuron in hidden layer ``layer`` (from 1)."""
        sizes, k = self._hidden_layer(layer)
        sizes[k] += 1
        return self.set_hidden(sizes)

    def remove_neuron(self, layer: int) -> str:
        """One neuron fewer in hidden layer ``layer``; its last neuron removes the layer."""
        sizes, k = self._hidden_layer(layer)
        sizes[k] -= 1
        return self.set_hidden([n for n in sizes if n])

    def add_layer(self) -> str:
        """A new hidden layer before the outputs, as wide as the last hidden layer (or 2)."""
        sizes = self.hidden_sizes()
        return self.set_hidden([*sizes, sizes[-1] if sizes else 2])

    def remove_layer(self) -> str:
        """The last hidden layer goes."""
        sizes = self.hidden_sizes()
        if not sizes:
            raise v.InputError("Hidden layers", "there is no hidden layer to remove")
        return self.set_hidden(sizes[:-1])

    def _hidden_layer(self, layer: int) -> tuple[list[int], int]:
        """The hidden sizes as a list, and hidden layer ``layer`` (from 1) as an index into it."""
        sizes = list(self.hidden_sizes())
        if not sizes:
            raise v.InputError("Hidden layer", "there is no hidden layer: add one first")
        k = v.parse_whole("Hidden layer", layer, 1, len(sizes), f"choose a hidden layer from 1 to {len(sizes)}")
        return sizes, k - 1

    def set_seed(self, seed: object) -> None:
        """The seed for the next random weights (Random weights, a new shape); the network stays."""
        self.seed = check_seed(seed)

    def randomize(self, seed: object) -> None:
        """New random weights of the same shape and options, reproducible from ``seed``: a new run."""
        seed = check_seed(seed)
        network = self._random(self.network.sizes, seed)
        self.seed = seed
        self._new_run(network)

    def set_dataset(self, name: str, table: str | None = None, n_inputs: object = None) -> str:
        """Learn other examples; the input and output layers adapt.  Returns what changed.

        ``table`` (text, one example a line) and ``n_inputs`` are for ``name="table"``.
        The seed's dataset on a 2-2-2 network brings back the seed's weights.
        """
        name = v.check_choice("Dataset", name, DATASETS)
        if name == "table":
            n = v.check_sizes([n_inputs if n_inputs is not None else self.inputs.shape[1], 1], "Inputs")[0]
            data = parse_table(table or "", n, field="Table")
        else:
            data = dataset(name)
        old = self.network
        sizes = fit_sizes(data, old.sizes)
        if name == "seed" and sizes == (2, 2, 2):
            network = _with_bias_mode(seed_network(**self._options(old)), old.bias_mode)
            weights = "the worked example's weights"
        elif sizes != old.sizes:
            network = self._random(sizes, self.seed)
            weights = f"new random weights (seed {self.seed})"
        else:
            network, weights = old, "the same weights"
        network.check_data(data.inputs, data.targets)  # bce refuses targets outside [0, 1]
        self.inputs, self.targets = data.inputs, data.targets
        self.dataset = name
        self._new_run(network)
        text = (
            f"Dataset {name}: {_plural(data.examples, 'example')}, {_plural(data.n_inputs, 'input')}, "
            f"{_plural(data.n_outputs, 'target')}."
        )
        changes = [
            f"{what} layer {a} -> {b} neurons"
            for what, a, b in (("input", old.sizes[0], sizes[0]), ("output", old.sizes[-1], sizes[-1]))
            if a != b
        ]
        shape = "-".join(map(str, sizes))
        return (
            text
            + (f" Changed: {', '.join(changes)}; the network is {shape}" if changes else f" The network stays {shape}")
            + f", with {weights}."
        )

    def reset_weights(self) -> None:
        """Back to exactly the initial parameters (options as they are now); a new run."""
        self.network = _with_bias_mode(self.initial, self.network.bias_mode).with_options(**self._options(self.network))
        self._fresh_run()

    @staticmethod
    def _options(network: Network) -> dict:
        """Every option but the bias mode (which changes the parameters' shapes)."""
        o = network.options
        return dict(
            activations=o.activations,
            loss=o.loss,
            update_biases=o.update_biases,
            order=o.order,
            learning_rate=o.learning_rate,
        )

    def _random(self, sizes: Sequence[int], seed: int, **options: object) -> Network:
        settings = self._options(self.network)
        settings.update(options)
        if len(settings["activations"]) != len(sizes) - 1:  # type: ignore[arg-type]
            settings["activations"] = settings["activations"][-1]  # type: ignore[index]
        return random_network(sizes, seed=seed, bias_mode=self.network.bias_mode, **settings)

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

        ``other`` is built and checked in full first, so a file that is
        refused never gets here and this session is never left half-changed.
        """
        self.initial, self.network = other.initial.copy(), other.network.copy()
        self.inputs, self.targets = other.inputs.copy(), other.targets.copy()
        self.example = other.example
        self.dataset, self.mode, self.seed = other.dataset, other.mode, other.seed
        self.errors = ErrorHistory(other.errors.values[0])
        self.errors.extend(other.errors.values[1:])
        # the file holds the network shown, not those before it: the history starts there
        self.history = History(self.network, self.inputs, self.targets, start=other.iteration, mode=self.mode)
        self._walk = None
        with self.hold_trait_notifications():
            self.learning_rate = other.learning_rate
            self.iteration = other.iteration
            self.step = other.step
            # where the history first stops being finite, if the network is still diverged
            finite = np.isfinite(self.errors.values)
            self.diverged_at = (
                None
                if math.isfinite(self.dataset_error())
                else int(np.argmin(finite))
                if not finite.all()
                else self.iteration
            )
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


def _with_bias_mode(network: Network, mode: str) -> Network:
    """``network`` with shared or per-neuron biases; going to shared takes each layer's mean."""
    if mode == network.bias_mode:
        return network.copy()
    if mode == "per-neuron":
        return network.with_options(bias_mode=mode)
    biases = [np.array([b.mean()]) for b in network.biases]
    o = network.options
    return Network(network.weights, biases, o.activations, o.loss, "shared", o.update_biases, o.learning_rate, o.order)
