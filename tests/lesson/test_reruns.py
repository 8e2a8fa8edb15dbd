"""The engine run again with a variant, read at a step's place: the plain run gives the walkthrough's values."""

from __future__ import annotations

import pytest

from explorer.lesson import reruns
from explorer.lesson.walkthrough import walkthrough

from .problems import every_problem, problem


@pytest.mark.parametrize("sizes,act,loss,bias_mode,update_biases,order", list(every_problem())[::7])
def test_the_plain_run_read_at_each_step_is_the_walkthroughs_value(sizes, act, loss, bias_mode, update_biases, order):
    network, x, t = problem(sizes, 1, act, loss, bias_mode, update_biases=update_biases, order=order)
    walk = walkthrough(network, x, t)
    plain = reruns.run(network, x, t)
    for step in walk.steps:
        assert reruns.read(plain, step, network) == pytest.approx(step.value, rel=1e-12, abs=1e-15), step.symbol
