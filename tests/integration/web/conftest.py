"""Fixtures for the endpoint suite: a real store in a temporary folder, the real training sandbox
and the real CheckoutService, with the endpoint driven through Flask's test client."""

from __future__ import annotations

import pytest

from pos_app.config import Settings
from pos_app.sandbox import SandboxServer, SandboxState

from tests.integration.web.web_helpers import ENDPOINT, SANDBOX_KEYS, TOKEN, ApiClient, build_services, endpoint_app


@pytest.fixture(scope="session")
def sandbox():
    """One in-memory sandbox for the suite (stopping a werkzeug server takes ~0.5 s)."""
    server = SandboxServer(SandboxState(keys=SANDBOX_KEYS))
    server.start()
    yield server
    server.stop()


@pytest.fixture
def settings(tmp_path) -> Settings:
    return Settings(data_dir=tmp_path)


@pytest.fixture
def services(settings, sandbox):
    services = build_services(settings, sandbox.url, sandbox.url)
    yield services
    services.store.close()


@pytest.fixture
def app(services):
    return endpoint_app(services, {"TOKEN": TOKEN, "ENDPOINT_URL": ENDPOINT})


@pytest.fixture
def api(app) -> ApiClient:
    return ApiClient(app.test_client())


@pytest.fixture
def skus(services) -> list[str]:
    """A few catalogue skus, cheapest first."""
    items = sorted(services.store.catalogue.search("", limit=100), key=lambda i: (i.price.amount, i.sku))
    return [i.sku for i in items if i.price.amount > 0][:5]


@pytest.fixture
def cashier(services):
    """The demo cashier logged in at the till (the routes act as the person at the till)."""
    services.local.session.staff.ensure_demo_users()
    services.local.session.login("0000")


@pytest.fixture
def sale(api):
    """item1 (5.00) + 2 x item3 (15.00): 35.00."""
    return api.post("/cart", {"items": {"item1": {"qty": 1}, "item3": {"qty": 2}}}).get_json()
