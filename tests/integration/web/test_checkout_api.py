"""Payments over the endpoint: create the intent, pay at the sandbox as a browser would, finalize."""

from __future__ import annotations

import pytest

from pos_app.domain.item import Item
from pos_app.domain.money import Money

from tests.integration.web.web_helpers import (DECLINED, ENDPOINT, SUCCEEDS, TOKEN, ApiClient, build_services,
                                               confirm_as_browser, endpoint_app)


@pytest.fixture
def cart(api, skus):
    return api.post("/cart", {"items": {skus[0]: {"qty": 2}, skus[1]: {"qty": 1}}}).get_json()


def pay(services, payment: dict, card: str = SUCCEEDS) -> dict:
    return confirm_as_browser(services, payment["client_secret"], card)


def test_create_payment_intent_charges_the_cart_total_in_the_store_currency(api, cart):
    response = api.post("/create-payment-intent", {"amount": 1, "currency": "eur", "items": {}})
    assert response.status_code == 200
    payment = response.get_json()
    assert payment["amount"] == cart["total"]
    assert payment["currency"] == "usd"
    assert payment["payment_intent"].startswith("pi_")
    assert payment["client_secret"].startswith(payment["payment_intent"] + "_secret_")
    assert payment["publishable_key"].startswith("pk_test_")
    assert payment["cart_uuid"] == cart["uuid"]


def test_the_same_cart_revision_always_answers_the_same_intent(api, cart):
    first = api.post("/create-payment-intent").get_json()
    again = api.post("/create-payment-intent").get_json()
    assert again == first
    api.post("/checkout/abandon")
    after_cancel = api.post("/create-payment-intent").get_json()
    assert after_cancel["payment_intent"] == first["payment_intent"]


def test_a_changed_cart_gets_a_new_intent(api, cart, skus):
    first = api.post("/create-payment-intent").get_json()
    api.post("/checkout/abandon")
    api.put(f"/cart/items/{skus[2]}", {"qty": 1})
    second = api.post("/create-payment-intent").get_json()
    assert second["payment_intent"] != first["payment_intent"]
    assert second["amount"] > first["amount"]


def test_an_empty_cart_cannot_be_charged(api):
    before = api.get("/cart").get_json()
    response = api.post("/create-payment-intent")
    assert response.status_code == 400
    assert "empty" in response.get_json()["error"]["message"]
    assert api.get("/cart").get_json() == before


def test_an_amount_below_the_card_minimum_is_refused(api, services):
    services.store.catalogue.upsert([Item("sweet", "Sweet", Money(10, "usd"))])
    api.put("/cart/items/sweet", {"qty": 1})
    response = api.post("/create-payment-intent")
    assert response.status_code == 400
    assert "smallest" in response.get_json()["error"]["message"]
    assert api.get("/cart").get_json()["frozen"] is False


def test_cart_changes_answer_409_while_a_payment_is_in_flight(api, cart, skus):
    api.post("/create-payment-intent")
    frozen = api.get("/cart").get_json()
    assert frozen["frozen"] is True
    for response in (api.post("/cart", {"items": {}}),
                     api.put(f"/cart/items/{skus[0]}", {"qty": 9}),
                     api.delete(f"/cart/items/{skus[0]}")):
        assert response.status_code == 409
        assert "payment" in response.get_json()["error"]["message"]
    assert api.get("/cart").get_json() == frozen
    api.post("/checkout/abandon")
    assert api.put(f"/cart/items/{skus[0]}", {"qty": 9}).status_code == 200


def test_the_whole_sale(api, services, cart):
    payment = api.post("/create-payment-intent").get_json()
    paid = pay(services, payment)
    assert paid["status"] == "succeeded"

    response = api.post("/checkout/complete", {"payment_intent": payment["payment_intent"]})
    assert response.status_code == 200
    order = response.get_json()["order"]
    assert order["payment_intent"] == payment["payment_intent"]
    assert order["amount"] == order["total"] == cart["total"]
    assert order["currency"] == "usd"
    assert {l["sku"]: l["qty"] for l in order["lines"]} == {s: i["qty"] for s, i in cart["items"].items()}
    assert order["card_last4"] == "4242"

    after = api.get("/cart").get_json()
    assert after["items"] == {} and after["uuid"] != cart["uuid"] and after["frozen"] is False

    again = api.post("/checkout/complete", {"payment_intent": payment["payment_intent"]})
    assert again.status_code == 200
    assert again.get_json()["order"]["number"] == order["number"]

    orders = api.get("/orders").get_json()["orders"]
    assert [o["number"] for o in orders] == [order["number"]]
    assert orders[0]["payment_intent"] == payment["payment_intent"]
    assert orders[0]["time"].endswith("Z")


def test_a_payment_that_has_not_succeeded_is_not_finalized(api, services, cart):
    payment = api.post("/create-payment-intent").get_json()
    unpaid = api.post("/checkout/complete", {"payment_intent": payment["payment_intent"]})
    assert unpaid.status_code == 409

    declined = pay(services, payment, DECLINED)
    assert declined["error"]["decline_code"] == "generic_decline"
    refused = api.post("/checkout/complete", {"payment_intent": payment["payment_intent"]})
    assert refused.status_code == 409
    assert api.get("/cart").get_json()["items"] == cart["items"]
    assert api.get("/orders").get_json()["orders"] == []

    assert pay(services, payment)["status"] == "succeeded"  # the same intent, another card
    assert api.post("/checkout/complete", {"payment_intent": payment["payment_intent"]}).status_code == 200


def test_an_intent_of_another_till_is_refused(api, cart):
    response = api.post("/checkout/complete", {"payment_intent": "pi_notours123"})
    assert response.status_code == 409
    assert api.get("/cart").get_json()["items"] == cart["items"]


@pytest.mark.parametrize("body", [{}, {"payment_intent": 5}, {"payment_intent": "ch_123"},
                                  {"payment_intent": "pi_1 OR 1=1"}, {"payment_intent": None}])
def test_complete_needs_a_payment_intent_id(api, body):
    response = api.post("/checkout/complete", body)
    assert response.status_code == 400
    assert "payment_intent" in response.get_json()["error"]["message"]


def test_abandon_unfreezes_the_cart(api, cart):
    api.post("/create-payment-intent")
    response = api.post("/checkout/abandon")
    assert response.status_code == 200
    body = response.get_json()
    assert body["abandoned"] is True and body["order"] is None
    assert body["cart"]["frozen"] is False and body["cart"]["uuid"] == cart["uuid"]
    assert api.post("/checkout/abandon").status_code == 200  # nothing in flight: still fine


def test_abandoning_a_paid_cart_records_the_sale(api, services, cart):
    payment = api.post("/create-payment-intent").get_json()
    pay(services, payment)
    body = api.post("/checkout/abandon").get_json()
    assert body["abandoned"] is False
    assert body["order"]["payment_intent"] == payment["payment_intent"]
    assert body["cart"]["items"] == {}


def test_orders_are_listed_recent_first(api, services, skus):
    numbers = []
    for sku in skus[2:4]:
        api.post("/cart", {"items": {sku: {"qty": 1}}})
        payment = api.post("/create-payment-intent").get_json()
        pay(services, payment)
        numbers.append(api.post("/checkout/complete", {"payment_intent": payment["payment_intent"]})
                       .get_json()["order"]["number"])
    listed = api.get("/orders").get_json()["orders"]
    assert [o["number"] for o in listed] == numbers[::-1]
    assert [o["number"] for o in api.get("/orders?limit=1").get_json()["orders"]] == numbers[-1:]
    for bad in ("0", "201", "x", "-1"):
        assert api.get(f"/orders?limit={bad}").status_code == 400


def test_an_unreachable_gateway_answers_503(settings, sandbox):
    # The real gateway pointed at a closed port: the adapter maps the connection error.
    services = build_services(settings, "http://127.0.0.1:9", sandbox.url)
    try:
        api = ApiClient(endpoint_app(services, {"TOKEN": TOKEN, "ENDPOINT_URL": ENDPOINT}).test_client())
        api.put(f"/cart/items/{services.store.catalogue.search('', limit=1)[0].sku}", {"qty": 1})
        response = api.post("/create-payment-intent")
        assert response.status_code == 503
        assert "reach" in response.get_json()["error"]["message"]
    finally:
        services.store.close()


@pytest.mark.parametrize("clear", ["post-empty", "delete-lines"])
def test_clearing_over_http_voids_the_cart_and_cancels_its_payment_at_once(api, services, cart, skus, sandbox,
                                                                          clear):
    payment = api.post("/create-payment-intent").get_json()
    api.post("/checkout/abandon")
    if clear == "post-empty":
        api.post("/cart", {"items": {}})
    else:
        api.delete(f"/cart/items/{skus[0]}")
        api.delete(f"/cart/items/{skus[1]}")
    # Cancelled by the clearing request itself: customer 1 can't pay the old form any more.
    assert "error" in pay(services, payment)
    assert services.store.ledger.by_intent(payment["payment_intent"]).status == "canceled"
    fresh = api.get("/cart").get_json()
    assert fresh["items"] == {} and fresh["uuid"] != cart["uuid"]
