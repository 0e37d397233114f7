"""Charges as on Stripe: a balance transaction (amount, fee, net), a receipt_url, deep expansion."""

from __future__ import annotations

import pytest
import stripe

from pos_app.sandbox.objects import stripe_fee

from .sandbox_helpers import SECRET_AUTH


def paid(api, amount=1000, **params):
    return api.payment_intents.create(params={"amount": amount, "currency": "usd", "confirm": True,
                                            "payment_method": "pm_card_visa", **params})


def test_a_charge_has_its_balance_transaction(api):
    pi = paid(api, 1000)
    charge = api.charges.retrieve(pi.latest_charge, params={"expand": ["balance_transaction"]})
    txn = charge.balance_transaction
    assert (txn.object, txn.amount, txn.currency, txn.type, txn.source) == (
        "balance_transaction", 1000, "usd", "charge", charge.id)
    assert (txn.fee, txn.net) == (59, 941)  # 2.9 % + 30
    assert txn.fee_details[0].type == "stripe_fee" and txn.fee_details[0].amount == 59
    assert api.balance_transactions.retrieve(txn.id).net == 941


@pytest.mark.parametrize("amount,currency,fee", [(1000, "usd", 59), (1017, "eur", 59),
                                                  (5000, "jpy", 145), (50, "usd", 31)])
def test_fees_are_integers_rounded_half_up(amount, currency, fee):
    assert stripe_fee(amount, currency) == fee


def test_multi_level_expansion(api):
    pi = paid(api)
    got = api.payment_intents.retrieve(pi.id, params={
        "expand": ["latest_charge.balance_transaction", "payment_method"]})
    assert got.latest_charge.object == "charge"
    assert got.latest_charge.balance_transaction.object == "balance_transaction"
    assert got.payment_method.object == "payment_method"
    listed = api.payment_intents.list(params={"expand": ["data.latest_charge.balance_transaction"]})
    assert listed.data[0].latest_charge.balance_transaction.net == 941


def test_expansion_errors(wire):
    pi = wire.post("/v1/payment_intents", headers=SECRET_AUTH, data={
        "amount": "1000", "currency": "usd", "confirm": "true", "payment_method": "pm_card_visa"}).json
    for path in ("latest_charge.nope", "a.b.c.d.e", "customer"):
        response = wire.get(f"/v1/payment_intents/{pi['id']}?expand[]={path}", headers=SECRET_AUTH)
        assert response.status_code == 400 and response.json["error"]["param"] == "expand", path
    unpaid = wire.post("/v1/payment_intents", headers=SECRET_AUTH,
                       data={"amount": "1000", "currency": "usd"}).json
    empty = wire.get(f"/v1/payment_intents/{unpaid['id']}?expand[]=latest_charge.balance_transaction",
                     headers=SECRET_AUTH)
    assert empty.status_code == 200 and empty.json["latest_charge"] is None


def test_a_refund_has_a_negative_balance_transaction(api):
    pi = paid(api)
    refund = api.refunds.create(params={"payment_intent": pi.id, "amount": 400,
                                        "expand": ["balance_transaction"]})
    txn = refund.balance_transaction
    assert (txn.amount, txn.fee, txn.net, txn.type, txn.source) == (-400, 0, -400, "refund", refund.id)


def test_receipt_url_is_a_page_with_the_payment(api, server):
    import urllib.request
    pi = paid(api, 1234)
    charge = api.charges.retrieve(pi.latest_charge)
    assert charge.receipt_url.startswith(f"{server.url}/receipts/payment/{charge.id}/")
    with urllib.request.urlopen(charge.receipt_url, timeout=10) as response:
        page = response.read().decode()
    assert "12.34 usd" in page and "4242" in page
    with pytest.raises(urllib.error.HTTPError):
        urllib.request.urlopen(charge.receipt_url[:-4] + "xxxx", timeout=10)


def test_a_declined_charge_has_no_receipt_or_balance(api):
    pi = api.payment_intents.create(params={"amount": 1000, "currency": "usd"})
    with pytest.raises(stripe.CardError) as excinfo:
        api.payment_intents.confirm(pi.id, params={"payment_method": "pm_card_chargeDeclined"})
    charge = api.charges.retrieve(excinfo.value.error.charge)
    assert charge.receipt_url is None and charge.balance_transaction is None
