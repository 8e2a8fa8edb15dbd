"""The run's error curve: a buffer that grows by doubling, read-only to its readers."""

from __future__ import annotations

import numpy as np
import pytest

from explorer.engine.error_history import ErrorHistory


def test_the_error_history_grows_and_is_read_only():
    history = ErrorHistory(1.0)
    history.extend(np.arange(3000.0))
    history.extend([])
    history.extend([5.0])
    values = history.values
    assert len(history) == 3002 and values[0] == 1.0 and values[1] == 0.0
    assert values[3000] == 2999.0 and values[-1] == 5.0
    with pytest.raises(ValueError):
        values[0] = 2.0


def test_growing_keeps_every_value_across_each_doubling():
    history = ErrorHistory(0.0)
    expected = [0.0]
    for size in (1023, 1, 1, 2046, 5000):  # fills the first buffer exactly, then spills over
        chunk = np.arange(len(expected), len(expected) + size, dtype=float)
        history.extend(chunk)
        expected.extend(chunk.tolist())
        np.testing.assert_array_equal(history.values, expected)
    assert len(history) == len(expected) == 8072


def test_truncate_keeps_a_prefix_and_never_the_first_value_less():
    history = ErrorHistory.from_values(np.array([4.0, 3.0, 2.0, 1.0]))
    history.truncate(10)  # longer than the history: nothing goes
    assert history.values.tolist() == [4.0, 3.0, 2.0, 1.0]
    history.truncate(2)
    assert history.values.tolist() == [4.0, 3.0]
    history.truncate(0)  # iteration 0's error always stays
    assert history.values.tolist() == [4.0]
    history.extend([0.5])  # a run resumed from there writes over what was forgotten
    assert history.values.tolist() == [4.0, 0.5]


def test_from_values_copies():
    values = np.array([2.0, 1.0, np.inf])
    history = ErrorHistory.from_values(values)
    values[0] = 99.0
    assert history.values.tolist() == [2.0, 1.0, np.inf]


def test_first_not_finite_finds_where_the_run_diverged():
    assert ErrorHistory.from_values(np.array([1.0, 2.0])).first_not_finite() is None
    assert ErrorHistory.from_values(np.array([1.0, 2.0])).first_not_finite(default=7) == 7
    assert ErrorHistory.from_values(np.array([1.0, 1e300, np.inf, np.nan])).first_not_finite(default=7) == 2
    assert ErrorHistory(np.nan).first_not_finite() == 0


def test_repr_says_how_long_and_where_it_ended():
    history = ErrorHistory(0.298371109)
    history.extend([0.291027774])
    assert repr(history) == "ErrorHistory(2 values, last 0.291028)"
