"""Fixtures for the stripe_live suite (the modules skip themselves when no test keys are set)."""

from __future__ import annotations

import pytest

from .live import LiveTill, target_or_skip


@pytest.fixture(scope="session")
def target():
    return target_or_skip()


@pytest.fixture
def make_till(target, tmp_path):
    tills: list[LiveTill] = []

    def make(**gateway_options) -> LiveTill:
        till = LiveTill(target, tmp_path / "pos-data", **gateway_options)
        tills.append(till)
        return till

    yield make
    for till in tills:
        till.close()
