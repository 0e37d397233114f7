"""Where the stripe_live suite points: real Stripe test mode from the environment, never live mode.

STRIPE_TEST_SECRET_KEY / STRIPE_TEST_PUBLISHABLE_KEY: test-mode keys (sk_test_/rk_test_, pk_test_).
STRIPE_TEST_API_BASE: optional; another Stripe-compatible server (the project's own check runs the
suite against the training sandbox this way, since CI has no network).
"""

from __future__ import annotations

import os
import uuid
from dataclasses import dataclass, field
from pathlib import Path

import pytest
import stripe

from collections.abc import Callable

from pos_app.config import Settings
from pos_app.payments.checkout import CheckoutService
from pos_app.payments.stripe_gateway import STRIPE_API_VERSION, StripeGateway
from pos_app.store import Store, open_store

SKIP_REASON = "set STRIPE_TEST_SECRET_KEY and STRIPE_TEST_PUBLISHABLE_KEY to run against Stripe test mode"
#: Unique per run, so a rerun never meets this run's idempotency keys or metadata.
RUN_ID = uuid.uuid4().hex[:12]


@dataclass(frozen=True)
class LiveTarget:
    secret_key: str = field(repr=False)
    publishable_key: str
    api_base: str


def target_or_skip() -> LiveTarget:
    """The target from the environment; skips the calling module when the keys are not set, and
    refuses (a collection error) any key that is not a test-mode key."""
    secret = os.environ.get("STRIPE_TEST_SECRET_KEY", "").strip()
    publishable = os.environ.get("STRIPE_TEST_PUBLISHABLE_KEY", "").strip()
    if not secret or not publishable:
        pytest.skip(SKIP_REASON, allow_module_level=True)
    if "_live_" in secret or "_live_" in publishable:
        pytest.fail("refusing to run the stripe_live suite with a LIVE Stripe key: it makes real charges "
                    "and refunds. Use your test-mode keys (sk_test_..., pk_test_...).", pytrace=False)
    if not secret.startswith(("sk_test_", "rk_test_")) or not publishable.startswith("pk_test_"):
        pytest.fail("STRIPE_TEST_SECRET_KEY must look like sk_test_... (or rk_test_...) and "
                    "STRIPE_TEST_PUBLISHABLE_KEY like pk_test_...", pytrace=False)
    api_base = os.environ.get("STRIPE_TEST_API_BASE", "").strip().rstrip("/") or stripe.DEFAULT_API_BASE
    return LiveTarget(secret, publishable, api_base)


def key(name: str) -> str:
    return f"pos-app-live-{RUN_ID}-{name}"


def gateway(target: LiveTarget, **options) -> StripeGateway:
    return StripeGateway(target.secret_key, target.publishable_key, api_base=target.api_base, **options)


def client(target: LiveTarget) -> stripe.StripeClient:
    """For what the till never does itself (list refunds); the till's calls go through the gateway."""
    return stripe.StripeClient(target.secret_key, base_addresses={"api": target.api_base},
                               max_network_retries=2, stripe_version=STRIPE_API_VERSION)


class LiveTill:
    """A store over a database file and a CheckoutService over the target; another LiveTill on
    the same data_dir is the till after a restart (optionally with another HTTP client)."""

    def __init__(self, target: LiveTarget, data_dir: Path, **gateway_options) -> None:
        self.settings = Settings(data_dir=data_dir, currency="usd", terminal_id=f"live-{RUN_ID}")
        self.store: Store = open_store(self.settings.database_path, self.settings.pricing, seed_demo=True)
        self.gateway = gateway(target, **gateway_options)
        self.checkout = CheckoutService(self.store, self.gateway, self.settings)

    @property
    def carts(self):
        return self.store.carts

    def close(self) -> None:
        self.store.close()


class ReplyDroppingClient(stripe.RequestsClient):
    """A fault at the HTTP client, for real Stripe (whose replies the project can't drop otherwise;
    against the sandbox the tests use its fault surface): each request really goes to the server;
    for the ones `should_drop(method, url)` picks, the reply is thrown away and APIConnectionError
    raised, as when the network fails after the request reached Stripe. `drops` limits how many."""

    def __init__(self, should_drop: Callable[[str, str], bool], drops: int = 1) -> None:
        super().__init__(timeout=30)
        self.should_drop, self.drops_left = should_drop, drops

    def request(self, method, url, headers, post_data=None):
        response = super().request(method, url, headers, post_data)
        if self.drops_left and self.should_drop(method.upper(), url):
            self.drops_left -= 1
            raise stripe.APIConnectionError("the reply was lost (injected test fault)", should_retry=True)
        return response


def confirm_target(target: LiveTarget, pi_id: str, payment_method: str):
    """confirm_server_side for the live target (its URL and secret key)."""
    from types import SimpleNamespace

    from tests.integration.payments.helpers import confirm_server_side
    return confirm_server_side(SimpleNamespace(url=target.api_base, secret_key=target.secret_key), pi_id,
                               payment_method)
