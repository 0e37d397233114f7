"""Stripe-Version: the sandbox answers in the version it imitates and refuses the ones it cannot."""

from __future__ import annotations

import pytest
import stripe

from pos_app.sandbox.versions import PINNED

from .sandbox_helpers import SECRET_AUTH


def test_the_pinned_version_is_what_stripe_python_sends_and_the_gateway_pins():
    """Fails when stripe-python is upgraded or the gateway's pin moves: then re-check the shapes
    and move the sandbox's pin with them."""
    from pos_app.payments.stripe_gateway import STRIPE_API_VERSION
    assert PINNED == stripe.api_version == STRIPE_API_VERSION == "2026-10-28.endive"


def test_stripe_python_requests_are_answered_in_its_version(api):
    pi = api.payment_intents.create(params={"amount": 1000, "currency": "usd"})
    assert pi.last_response.headers["Stripe-Version"] == PINNED


@pytest.mark.parametrize("version", [None, PINNED, "2026-09-30.endive"])
def test_accepted_versions(wire, version):
    headers = {**SECRET_AUTH, **({"Stripe-Version": version} if version else {})}
    response = wire.get("/v1/payment_intents", headers=headers)
    assert response.status_code == 200
    assert response.headers["Stripe-Version"] == (version or PINNED)


def test_an_unknown_version_is_stripes_400(wire):
    response = wire.get("/v1/payment_intents", headers={**SECRET_AUTH, "Stripe-Version": "2099-01-01.zeta"})
    assert response.status_code == 400
    assert response.json["error"] == {"type": "invalid_request_error",
                                      "message": "Invalid Stripe API version: 2099-01-01.zeta"}


def test_an_older_major_release_is_refused_not_answered_in_the_wrong_shape(wire):
    response = wire.get("/v1/payment_intents", headers={**SECRET_AUTH, "Stripe-Version": "2025-03-31.basil"})
    assert response.status_code == 400
    assert PINNED in response.json["error"]["message"]


def test_stripe_python_pinned_to_an_unknown_version_gets_invalid_request(server):
    from .sandbox_helpers import TEST_SECRET_KEY
    client = stripe.StripeClient(TEST_SECRET_KEY, base_addresses={"api": server.url},
                                 stripe_version="2019-02-19", max_network_retries=0)
    with pytest.raises(stripe.InvalidRequestError, match="Invalid Stripe API version"):
        client.v1.payment_intents.list()
