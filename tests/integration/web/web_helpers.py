"""Helpers for the endpoint tests: an authenticated test client, the endpoint wired as AppCore wires it."""

from __future__ import annotations

import secrets
from dataclasses import dataclass

from flask import Flask

from pos_app.devices import CashDrawer
from pos_app.config import Settings
from pos_app.contexts import LocalContext
from pos_app.core import open_session
from pos_app.payments.checkout import CheckoutService
from pos_app.payments.stripe_gateway import StripeGateway
from pos_app.testing.plugin import ensure_open_shift
from pos_app.testing.staff import DEMO_PINS, log_in
from pos_app.domain.people import Role
from pos_app.store import CartService, Store, open_store
from pos_app.web import create_app

# Paying as Stripe.js would, with the publishable key and the client secret only (the payments
# suite's helper); re-exported for this suite.
from tests.integration.payments.helpers import confirm_as_browser  # noqa: F401

TOKEN = "test-token-" + "x" * 32
ENDPOINT = "http://127.0.0.1:48123"
AUTH = {"Authorization": f"Bearer {TOKEN}"}
SUCCEEDS = "4242424242424242"
DECLINED = "4000000000000002"
#: This run's keys for the suite's in-memory sandbox (random per run, as a real one's per data folder).
SANDBOX_KEYS = (f"sk_test_web{secrets.token_hex(24)}", f"pk_test_web{secrets.token_hex(24)}")
SECRET_KEYS = (SANDBOX_KEYS[0],)


class ApiClient:
    """Flask's test client with the endpoint's own Host and the token, unless a test says otherwise."""

    def __init__(self, flask_client, base_url: str = ENDPOINT, token: str | None = TOKEN) -> None:
        self.raw = flask_client
        self.base_url = base_url
        self.token = token
        self.responses = []  # every answer, so a test can check none carries a secret

    def request(self, method: str, path: str, *, json_body=None, headers=None, auth=True, **kw):
        all_headers = {}
        if auth and self.token:
            all_headers["Authorization"] = f"Bearer {self.token}"
        all_headers.update(headers or {})
        if json_body is not None:
            kw["json"] = json_body
        response = self.raw.open(path, method=method, base_url=kw.pop("base_url", self.base_url),
                                 headers=all_headers, **kw)
        response.get_data()  # buffer it, then release static files' handles
        response.close()
        self.responses.append(response)
        return response

    def get(self, path, **kw):
        return self.request("GET", path, **kw)

    def post(self, path, json_body=None, **kw):
        return self.request("POST", path, json_body=json_body, **kw)

    def put(self, path, json_body=None, **kw):
        return self.request("PUT", path, json_body=json_body, **kw)

    def delete(self, path, **kw):
        return self.request("DELETE", path, **kw)


@dataclass(frozen=True)
class EndpointServices:
    """What AppCore builds the endpoint over (a LocalContext and the checkout), and the gateway
    and sandbox URL a test pays with: the endpoint suite's `services`."""

    local: LocalContext
    checkout: CheckoutService
    gateway: StripeGateway
    sandbox_url: str | None

    @property
    def store(self) -> Store:
        return self.local.store

    @property
    def carts(self) -> CartService:
        return self.local.carts

    @property
    def publishable_key(self) -> str:
        return self.gateway.publishable_key


def build_services(settings: Settings, api_base: str, sandbox_url: str | None, *,
                   open_shift: bool = True, user: str | None = "manager") -> EndpointServices:
    """Wired as AppCore wires them, with the gateway pointed at api_base (and a shift open, float 0,
    unless open_shift=False: a till sells only within an open shift), the demo `user` logged in
    (None: no one)."""
    store = open_store(settings.database_path, settings.pricing, seed_demo=True)
    if open_shift:
        ensure_open_shift(store, settings)
    gateway = StripeGateway(*SANDBOX_KEYS, api_base=api_base, max_network_retries=0)
    local = LocalContext(settings, store, CashDrawer(store.drawer))
    open_session(local)
    if not settings.training and user is not None:  # a test-mode till has no demo users: its first manager
        local.session.staff.add("Demo Manager", Role.MANAGER, DEMO_PINS["manager"], by=None, demo=True)
    log_in(local, user)
    return EndpointServices(local, CheckoutService(store, gateway, settings, session=local.session), gateway,
                            sandbox_url)


def endpoint_app(services: EndpointServices, config: dict) -> Flask:
    """create_app() over `services`, as AppCore calls it."""
    return create_app(services.local, services.checkout, config, sandbox_url=services.sandbox_url)
