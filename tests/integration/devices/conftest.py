"""Fixtures for the devices suite: a till core in training mode, and a way to make a sale on it."""

from __future__ import annotations

import pytest

from pos_app.testing.plugin import ensure_open_shift
from pos_app.core import AppCore
from pos_app.testing.plugin import training_settings
from pos_app.testing.staff import log_in

from tests.integration.payments.helpers import VISA, confirm_as_browser


@pytest.fixture
def make_core(tmp_path):
    """make_core(**settings) -> a started AppCore over a fresh training data folder; stopped after."""
    cores: list[AppCore] = []

    def make(**overrides) -> AppCore:
        core = AppCore(training_settings(tmp_path / f"data-{len(cores)}", **overrides)).start()
        cores.append(core)
        log_in(core.open())
        ensure_open_shift(core.local.store, core.settings)  # a till sells only within an open shift
        return core

    yield make
    for core in cores:
        core.stop()


def sell(core: AppCore, sku: str = "item1", qty: int = 2):
    """A card sale as the card page makes it: prepare, the customer pays in the sandbox, finalize."""
    core.local.carts.add(sku, qty)
    checkout = core.payments.checkout
    prepared = checkout.prepare()
    paid = confirm_as_browser(core.payments, prepared.client_secret, VISA)
    assert paid.get("status") == "succeeded", paid
    return checkout.finalize(prepared.payment_intent)
