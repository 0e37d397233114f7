"""Fixtures for the payments suite: a real sandbox server, the real Stripe gateway, a real store.

No mocks of the gateway: every test talks HTTP to the training sandbox through stripe-python.
"""

from __future__ import annotations

import pytest

from pos_app.config import Settings
from pos_app.payments.checkout import CheckoutService
from pos_app.payments.stripe_gateway import StripeGateway
from pos_app.sandbox import SandboxServer, SandboxState
from pos_app.sandbox.faults import FaultControl
from pos_app.store import Store, open_store
from pos_app.testing.plugin import ensure_open_shift


class Till:
    """One run of the app: a Store and a CheckoutService over its database (restartable): the till's
    SQLite file, or the shop's PostgreSQL database when settings.database_url names one."""

    def __init__(self, settings: Settings, sandbox_url: str, keys: tuple[str, str], **gateway_options) -> None:
        self.settings = settings
        self.store: Store = open_store(settings.database_location, settings.pricing, seed_demo=True,
                                       till=settings.terminal_id)  # the till its shifts are opened for
        ensure_open_shift(self.store, settings)  # a till sells only within an open shift
        self.gateway = StripeGateway(*keys, api_base=sandbox_url,
                                     **gateway_options)
        self.checkout = CheckoutService(self.store, self.gateway, settings)
        self.events: list[str] = []
        self.checkout.subscribe(self.events.append)

    @property
    def carts(self):
        return self.store.carts

    def close(self) -> None:
        self.store.close()


@pytest.fixture
def settings(tmp_path, shop_database_setting) -> Settings:
    """A till's settings on each backend (every test taking them runs twice): its own SQLite file,
    or a new shop database on the session's PostgreSQL server (the plugin's shop_database_setting)."""
    return Settings(data_dir=tmp_path, currency="usd", terminal_id="till-7", database_url=shop_database_setting)


@pytest.fixture
def sandbox_state(tmp_path) -> SandboxState:
    return SandboxState(tmp_path / "sandbox.json")


@pytest.fixture
def sandbox(sandbox_state):
    server = SandboxServer(sandbox_state)
    server.start()
    yield server
    server.stop()


@pytest.fixture
def faults(sandbox) -> FaultControl:
    """The sandbox's fault injection (docs/sandbox.md): lose a reply, answer 500, hang, go down."""
    return FaultControl(sandbox.url, sandbox.secret_key)


@pytest.fixture
def make_till(settings, sandbox):
    tills: list[Till] = []

    def make(sandbox_url: str | None = None, settings_: Settings | None = None,
             server: SandboxServer | None = None, **gateway_options) -> Till:
        # The sandbox's own keys: made once for its data folder, the same after a restart.
        server = server or sandbox
        keys = (server.secret_key, server.publishable_key)
        till = Till(settings_ or settings, sandbox_url or server.url, keys, **gateway_options)
        tills.append(till)
        return till

    yield make
    for till in tills:
        try:
            till.close()
        except Exception:  # already closed by the test (a "restart")
            pass


@pytest.fixture
def till(make_till) -> Till:
    return make_till()


@pytest.fixture
def checkout(till) -> CheckoutService:
    return till.checkout


@pytest.fixture
def clock():
    """The clocked sandbox's time: a test moves it instead of waiting (Stripe's refund test cards
    settle on it: see pos_app/sandbox/refunds.py)."""
    from .helpers import Clock
    return Clock()


@pytest.fixture
def slow_sandbox(tmp_path, clock):
    """A sandbox on `clock`, its own state file (the suite's `sandbox` runs on real time)."""
    server = SandboxServer(SandboxState(tmp_path / "sandbox-clocked.json", clock=clock))
    server.start()
    yield server
    server.stop()


@pytest.fixture(scope="module")
def server():
    """An in-memory sandbox shared by a module's gateway tests (each uses its own keys and ids)."""
    with SandboxServer(SandboxState()) as server:
        yield server


@pytest.fixture
def gateway(server) -> StripeGateway:
    """The real Stripe adapter on `server`, without retries (each error is seen as it comes)."""
    return StripeGateway(server.secret_key, server.publishable_key, api_base=server.url,
                         max_network_retries=0)
