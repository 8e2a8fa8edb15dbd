"""The panels the panel's tests start from."""

from __future__ import annotations

import pytest

from explorer.panel.explorer import Explorer


@pytest.fixture
def panel() -> Explorer:
    return Explorer()


@pytest.fixture
def presenter() -> Explorer:
    return Explorer(layout="presenter")
