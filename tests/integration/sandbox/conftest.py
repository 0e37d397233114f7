"""Fixtures for the sandbox suite: a fake clock, in-memory state, a live server and clients."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
import stripe

from pos_app.sandbox import SandboxState, create_sandbox_app
from pos_app.serving import LoopbackServer

from .sandbox_helpers import TEST_KEYS, TEST_PUBLISHABLE_KEY, TEST_SECRET_KEY

#: 2027-01-15T08:00:00Z: a fixed "now" so expiry and `created` checks don't depend on the date.
START = 1_800_000_000


class FakeClock:
    def __init__(self, now: float = START) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def state(clock) -> SandboxState:
    return SandboxState(clock=clock, keys=TEST_KEYS)


class _CurrentApp:
    """A WSGI app that forwards to the current test's sandbox app.

    Stopping a werkzeug server takes up to its 0.5 s poll interval, so the suite shares one
    loopback server and gives each test a fresh app over fresh state. SandboxServer itself is
    tested on its own in test_sandbox_server.py.
    """

    def __init__(self) -> None:
        self.app = None

    def __call__(self, environ, start_response):
        return self.app(environ, start_response)


@dataclass
class RunningSandbox:
    url: str
    state: SandboxState


@pytest.fixture(scope="session")
def _shared_loopback():
    current = _CurrentApp()
    server = LoopbackServer(current, name="sandbox-tests")
    server.start()
    yield server, current
    server.stop()


@pytest.fixture
def server(_shared_loopback, state):
    loopback, current = _shared_loopback
    current.app = create_sandbox_app(state)
    yield RunningSandbox(url=loopback.url, state=state)
    current.app = None


@pytest.fixture
def client(server) -> stripe.StripeClient:
    return stripe.StripeClient(TEST_SECRET_KEY, base_addresses={"api": server.url},
                               max_network_retries=0)


@pytest.fixture
def api(client):
    """The v1 services, as the app's gateway uses them."""
    return client.v1


@pytest.fixture
def browser(server):
    """The v1 services with the publishable key, as Stripe.js calls them: the only caller that may
    send raw card numbers (to tokenize them)."""
    return stripe.StripeClient(TEST_PUBLISHABLE_KEY, base_addresses={"api": server.url},
                               max_network_retries=0).v1


@pytest.fixture
def wire(state):
    """Flask's test client, for raw wire checks (headers, exact bodies, status codes)."""
    return create_sandbox_app(state).test_client()
