"""Fixtures of the shop tests: the sandbox a shop's tills share, as they would share one Stripe account."""

from __future__ import annotations

import pytest

from pos_app.sandbox import SandboxServer, SandboxState


@pytest.fixture
def sandbox_state(tmp_path) -> SandboxState:
    return SandboxState(tmp_path / "shop-sandbox.json")


@pytest.fixture
def sandbox_server(sandbox_state):
    server = SandboxServer(sandbox_state)
    server.start()
    yield server
    server.stop()


@pytest.fixture
def sandbox_refunds(sandbox_state):
    """The refunds the sandbox made for a PaymentIntent (what 'Stripe' gave back)."""
    return lambda payment_intent: [r for r in sandbox_state.all("refund") if r["payment_intent"] == payment_intent]
