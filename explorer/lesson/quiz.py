"""Predict, then reveal: the quiz's state and rules, without widgets.

In quiz mode each step of the iteration is a question: its formula shows
the numbers but not the result, the student types a value and checks it, or
reveals it.  A :class:`Quiz` follows one :class:`~explorer.lesson.session.Session`
and holds what the panel needs to know:

* which steps of this iteration were answered right, revealed, or shown
  with the quiz off, and how many wrong answers each took;
* whether the current step is still open (its result hidden, the diagram
  without its value, Next step refused);
* the precision (significant figures, 3 to 6) and the score per phase.

A checked answer is right when it agrees with the step's value to the
chosen number of significant figures; a right answer with too few digits is
told so and not counted; a wrong one is compared with what each classic
mistake gives for this step (:mod:`explorer.lesson.mistakes`), else it earns a
hint.  Text that is not a number is explained and changes nothing.  A step
scores a point when its first counted answer is right; the score starts
again with every new walkthrough (the next iteration, an edit, training).
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

import traitlets

from explorer.engine import validation as v
from explorer.engine.formatting import number
from explorer.engine.validation import InputError

from . import mistakes as m
from .hints import hint
from .session import Session
from .walkthrough import PHASES, Step

PRECISIONS = (3, 4, 5, 6)
DEFAULT_PRECISION = 4
FIELD = "Your answer"
ACCEPTED = "type the step's result as a number, such as 0.7514 or -8.217e-2"
#: Mistakes are recognised from this many significant figures (fewer match too much by chance).
MIN_DIAGNOSIS_FIGURES = 3
#: "Right, to 2 significant figures" at least: 0.4 is not a rounding of 0.3589 worth praising.
MIN_IMPRECISE_DIGITS = 2


@dataclass(frozen=True)
class Answer:
    """A typed answer: its value and how many significant digits were written."""

    value: float
    digits: int


def parse_answer(text: object) -> Answer:
    """The number in ``text``, or :class:`InputError` naming the field and what it takes.

    Read by the package's one parser for typed numbers
    (:func:`explorer.engine.validation.parse_real`): ``0.7514``, ``-8.217e-2``,
    ``.5`` and a copied minus sign are numbers; ``inf``, ``nan``, letters,
    sums, ``1e-400`` and an empty field are not.  A number given in code
    (not text) counts as written to every digit.
    """
    value = v.parse_real(FIELD, text, -math.inf, math.inf, ACCEPTED)
    if not isinstance(text, str):
        return Answer(value, 17)
    mantissa = re.split("[eE]", text.strip())[0].lstrip("+-\u2212").replace(".", "")
    return Answer(value, len(mantissa.lstrip("0")) or 1)


@dataclass(frozen=True)
class Feedback:
    """What a check or a reveal says.

    ``kind``: ``right``, ``imprecise`` (right to fewer figures than asked),
    ``mistake`` (a classic one, in ``mistakes``), ``wrong`` (none known:
    a hint), ``revealed``, ``refused`` (not a number) or ``closed`` (nothing
    to answer now).
    """

    kind: str
    text: str
    mistakes: tuple[m.Mistake, ...] = ()


@dataclass(frozen=True)
class Outcome:
    """How one step of the iteration went: ``right`` or ``revealed``, after ``wrong`` wrong answers."""

    phase: str
    status: str
    wrong: int = 0

    @property
    def scored(self) -> bool:
        return self.status == "right" and self.wrong == 0


class Quiz(traitlets.HasTraits):
    """The quiz over one session's iterations.

    ``active`` switches quiz mode on and off; ``precision`` is the number of
    significant figures an answer needs; ``revision`` is bumped whenever
    anything a view shows changes (a check, a reveal, a new iteration).
    """

    active = traitlets.Bool(False)
    precision = traitlets.Int(DEFAULT_PRECISION)
    revision = traitlets.Int(0)

    def __init__(self, session: Session):
        super().__init__()
        self.session = session
        self.restart(quietly=True)
        session.observe(self._on_new_walk, names="revision")
        session.observe(self._on_step, names="step")

    @traitlets.validate("precision")
    def _check_precision(self, proposal: dict) -> int:
        value = proposal["value"]
        if value not in PRECISIONS:
            raise InputError(
                "Precision", f"choose {', '.join(map(str, PRECISIONS))} significant figures (got {value!r})"
            )
        return value

    @traitlets.observe("active")
    def _on_active(self, change: dict) -> None:
        # the steps seen with the quiz off are no questions; what was answered stays answered
        self.shown |= {i for i in range(self.session.step) if i not in self.outcomes}
        self.feedback = None
        self.revision += 1

    # ------------------------------------------------------------- queries
    @property
    def index(self) -> int | None:
        """Index of the step shown now in the walkthrough, or None before the first."""
        return self.session.step - 1 if self.session.step else None

    @property
    def step(self) -> Step | None:
        return self.session.current

    def done(self, index: int) -> bool:
        """Whether step ``index`` was answered right, revealed, or shown with the quiz off."""
        return index in self.shown or index in self.outcomes

    def is_open(self, index: int | None = None) -> bool:
        """Whether step ``index`` (default: the current one) is a question still unanswered."""
        index = self.index if index is None else index
        return self.active and index is not None and not self.done(index)

    @property
    def reachable(self) -> int:
        """The furthest ``session.step`` the student may go to (``len(walk) + 1``: the next iteration)."""
        count = len(self.session.walk)
        if not self.active:
            return count + 1
        return next((i for i in range(count) if not self.done(i)), count) + 1

    def allow(self, step: int, control: str = "Next step") -> None:
        """Raise :class:`InputError` if the student may not go to ``step`` yet."""
        if step > self.reachable:
            raise InputError(control, "answer this step first, or press Reveal")

    def allow_jump(self, control: str) -> None:
        """Raise :class:`InputError` in quiz mode: steps cannot be skipped there."""
        if self.active:
            raise InputError(control, "in quiz mode the steps come one at a time: use Next step")

    def highlighted(self) -> bool:
        """Whether the diagram may show the current step's quantities (not open, or a hint was given)."""
        return not self.is_open() or self.index in self.hinted

    def score(self) -> dict[str, tuple[int, int]]:
        """(points, steps done) per phase with a step done (not counting steps shown before the quiz)."""
        result: dict[str, tuple[int, int]] = {}
        for outcome in self.outcomes.values():
            points, done = result.get(outcome.phase, (0, 0))
            result[outcome.phase] = (points + outcome.scored, done + 1)
        return {p: result[p] for p in PHASES if p in result}

    def score_text(self) -> str:
        """``forward 7/8, error 3/3, backward 15/20; iteration 25/31``."""
        score = self.score()
        if not score:
            return "No steps answered yet in this iteration."
        points = sum(p for p, _ in score.values())
        done = sum(d for _, d in score.values())
        phases = ", ".join(f"{phase} {p}/{d}" for phase, (p, d) in score.items())
        return f"{phases}; iteration {points}/{done}"

    # ------------------------------------------------------------- actions
    def check(self, text: object) -> Feedback:
        """Judge ``text`` as the answer to the current step; see the module's rules."""
        step, index = self.step, self.index
        if not self.active or step is None:
            return self._say(
                Feedback(
                    "closed",
                    "Press Next step for the first question."
                    if self.active
                    else "Switch the quiz on to answer the steps.",
                )
            )
        if self.done(index):
            outcome = self.outcomes.get(index)
            return self._say(
                Feedback("closed", f"This step is already {_done_words(outcome)}: press Next step for the next one.")
            )
        try:
            answer = parse_answer(text)
        except InputError as error:
            return self._say(Feedback("refused", f"{error} Nothing was counted."))
        return self._say(self._judge(step, index, answer))

    def reveal(self) -> Feedback:
        """Show the current step's result; it then counts as done, without a point."""
        step, index = self.step, self.index
        if not self.is_open():
            return self._say(Feedback("closed", "There is no open question to reveal."))
        self.outcomes[index] = Outcome(step.phase, "revealed", len(self._wrong.get(index, ())))
        return self._say(Feedback("revealed", f"Revealed: {step.symbol} = {number(step.value)}."))

    def restart(self, quietly: bool = False) -> None:
        """Forget this iteration's answers; the steps already on screen count as shown.

        ``quietly``: without bumping ``revision`` (the session's own change redraws the views).
        """
        #: steps seen with the quiz off or before it began (no questions, no score)
        self.shown: set[int] = set(range(self.session.step))
        self.outcomes: dict[int, Outcome] = {}
        #: wrong answers given per step so far (the same one again is no new attempt)
        self._wrong: dict[int, set[float]] = {}
        self.hinted: set[int] = set()
        self.feedback: Feedback | None = None
        if not quietly:
            self.revision += 1

    # ------------------------------------------------------------ internals
    def _judge(self, step: Step, index: int, answer: Answer) -> Feedback:
        """Right; a classic mistake to the figures asked; right to fewer figures; a mistake to
        the figures given; or wrong, with a hint, in that order."""
        figures = self.precision
        if m.agrees(answer.value, step.value, figures):
            self.outcomes[index] = Outcome(step.phase, "right", len(self._wrong.get(index, ())))
            return Feedback("right", f"Right: {step.symbol} = {number(step.value)}.")
        known = m.mistakes(self.session.walk, step)
        found = tuple(x for x in known if m.agrees(answer.value, x.value, figures))
        if not found and MIN_IMPRECISE_DIGITS <= answer.digits < figures:
            if m.agrees(answer.value, step.value, answer.digits):
                return Feedback("imprecise", f"Right, to {answer.digits} significant figures; give {figures}.")
            at = max(answer.digits, MIN_DIAGNOSIS_FIGURES)
            found = tuple(x for x in known if m.agrees(answer.value, x.value, at))
        self._wrong.setdefault(index, set()).add(answer.value)  # the same answer again: no new attempt
        if found:
            also = [x.name for x in found[1:] if x.name != found[0].name]
            text = f"Not quite: {found[0].name}. {found[0].explanation}"
            if also:
                text += f" (The same number comes from {' or '.join(dict.fromkeys(also))}.)"
            return Feedback("mistake", text, found)
        self.hinted.add(index)
        return Feedback(
            "wrong",
            f"Not right, and not one of the usual slips. "
            f"{hint(step, self.session.walk.network)} Try again, or press Reveal.",
        )

    def _say(self, feedback: Feedback) -> Feedback:
        self.feedback = feedback
        self.revision += 1
        return feedback

    # the session's own notifications redraw the views: these only keep the state right
    def _on_new_walk(self, _change: dict) -> None:
        self.restart(quietly=True)

    def _on_step(self, _change: dict) -> None:
        self.feedback = None  # it spoke of another step


def _done_words(outcome: Outcome | None) -> str:
    return {"right": "answered", "revealed": "revealed"}.get(outcome.status, "shown") if outcome else "shown"
