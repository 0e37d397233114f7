"""Helpers for tests that pay through the training sandbox, as the till's page would.

Reusable from other suites (web, gui): `from tests.integration.payments.helpers import ...`.
"""

from __future__ import annotations

import json
import time
import urllib.error
import urllib.parse
import urllib.request

import stripe

from pos_app.payments.stripe_gateway import STRIPE_API_VERSION, translate
from pos_app.sandbox import SandboxState

VISA = "4242424242424242"
MASTERCARD = "5555555555554444"
DECLINED = "4000000000000002"  # card_declined / generic_decline
INSUFFICIENT_FUNDS = "4000000000009995"
THREE_D_SECURE = "4000002760003184"


def browser_side(sandbox) -> tuple[str, str]:
    """The sandbox's URL and publishable key, as the till's page is given them: from a
    SandboxServer, the till's PaymentsContext (`core.payments`), or `pos-app serve`'s ready line."""
    if isinstance(sandbox, dict):
        return sandbox["sandbox_url"], sandbox["publishable_key"]
    if hasattr(sandbox, "sandbox_url"):
        return sandbox.sandbox_url, sandbox.publishable_key
    return sandbox.url, sandbox.publishable_key


def _post(url: str, fields: dict[str, str], key: str) -> dict:
    body = urllib.parse.urlencode(fields).encode()
    request = urllib.request.Request(url, data=body, method="POST",
                                     headers={"Authorization": f"Bearer {key}",
                                              "Content-Type": "application/x-www-form-urlencoded"})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return json.loads(response.read())
    except urllib.error.HTTPError as exc:  # Stripe answers errors with a JSON body (402 for declines)
        with exc:
            return json.loads(exc.read())


def confirm_as_browser(sandbox, client_secret: str, card_number: str, exp_month: int = 12,
                       exp_year: int = 2034, cvc: str = "123") -> dict:
    """What stripe.confirmCardPayment does, with the publishable key only: create a
    PaymentMethod from the card, then confirm the PaymentIntent with its client_secret.

    Returns the PaymentIntent (publishable view) or Stripe's {"error": {...}} body.
    """
    sandbox_url, key = browser_side(sandbox)
    method = _post(f"{sandbox_url}/v1/payment_methods", {
        "type": "card", "card[number]": card_number, "card[exp_month]": str(exp_month),
        "card[exp_year]": str(exp_year), "card[cvc]": cvc}, key)
    if "error" in method:
        return method
    pi_id = client_secret.split("_secret_")[0]
    return _post(f"{sandbox_url}/v1/payment_intents/{pi_id}/confirm",
                 {"payment_method": method["id"], "client_secret": client_secret}, key)


def confirm_server_side(sandbox, pi_id: str, payment_method: str = "pm_card_visa"):
    """Confirm with one of Stripe's test PaymentMethods (pm_card_visa, pm_card_chargeDeclined, ...),
    as a tester does without the card page; the till itself never confirms from Python. A stripe
    error comes back as the till's own PaymentError (translate), as the gateway would raise it.
    `sandbox`: a SandboxServer (its URL and its own secret key)."""
    client = stripe.StripeClient(sandbox.secret_key, base_addresses={"api": sandbox.url},
                                 max_network_retries=0, stripe_version=STRIPE_API_VERSION)
    try:
        return client.v1.payment_intents.confirm(pi_id, params={"payment_method": payment_method})
    except stripe.StripeError as exc:
        raise translate(exc) from None


def complete_3ds(sandbox, client_secret: str, result: str = "complete") -> dict:
    """The cashier passes (or fails) the sandbox's 3-D Secure challenge."""
    sandbox_url, key = browser_side(sandbox)
    pi_id = client_secret.split("_secret_")[0]
    return _post(f"{sandbox_url}/_sandbox/3ds/{pi_id}", {"client_secret": client_secret, "result": result},
                 key)


def sandbox_intents(state: SandboxState) -> list[dict]:
    return state.all("payment_intent")


def successful_charges(state: SandboxState, payment_intent: str | None = None) -> list[dict]:
    return [c for c in state.all("charge")
            if c["status"] == "succeeded" and payment_intent in (None, c["payment_intent"])]


def creates_intent(method: str, url: str) -> bool:
    """A request predicate (for transport hooks that hold or drop a request): POST /v1/payment_intents."""
    return method == "POST" and url.endswith("/v1/payment_intents")


def creates_refund(method: str, url: str) -> bool:
    return method == "POST" and url.endswith("/v1/refunds")


class Clock:
    """A settable clock for a sandbox (SandboxState(clock=...)): tests move time instead of waiting."""

    def __init__(self) -> None:
        self.now = time.time()

    def __call__(self) -> float:
        return self.now
