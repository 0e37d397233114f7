"""Refunds over the endpoint: an order with its tenders and what is left, refunds back to the tenders
(or in cash), per line, an Idempotency-Key that refunds once, and the refusals (400 naming the field, 409)."""

from __future__ import annotations

import pytest

from pos_app.domain import Money
from pos_app.payments import refunding
from tests.integration.web.web_helpers import SUCCEEDS, confirm_as_browser


def stripe_refunds(sandbox, payment_intent: str) -> list[dict]:
    return [r for r in sandbox.state.all("refund") if r["payment_intent"] == payment_intent]


def pay_card(api, services, amount=None) -> dict:
    part = api.post("/tenders/card", {"amount": amount}).get_json()
    assert confirm_as_browser(services, part["client_secret"], SUCCEEDS)["status"] == "succeeded"
    return api.post("/checkout/complete", {"payment_intent": part["payment_intent"]}).get_json()


@pytest.fixture
def split_order(api, services) -> str:
    """A 35.00 sale (item1 + 2 x item3): 20.00 in cash, then 15.00 on a card part. Its number."""
    api.post("/cart", {"items": {"item1": {"qty": 1}, "item3": {"qty": 2}}})
    api.post("/tenders/cash", {"tendered": 2000})
    return pay_card(api, services)["order"]["number"]


def test_an_order_shows_its_tenders_refunds_and_what_is_left_per_line(api, split_order):
    response = api.get(f"/orders/{split_order}")
    assert response.status_code == 200
    body = response.get_json()
    assert body["order"]["number"] == split_order and body["order"]["total"] == 3500
    assert [(t["type"], t["amount"]) for t in body["tenders"]] == [("cash", 2000), ("card", 1500)]
    assert body["refunds"] == [] and body["left_to_refund"] == 3500
    assert body["lines"] == [{"sku": "item1", "name": body["lines"][0]["name"], "qty": 1, "refunded": 0, "left": 1},
                             {"sku": "item3", "name": body["lines"][1]["name"], "qty": 2, "refunded": 0, "left": 2}]
    assert api.get(f"/orders/{int(split_order)}").status_code == 200  # "1" is order 000001 too


def test_a_refund_goes_back_to_the_card_part_first_then_the_cash(api, services, sandbox, split_order):
    response = api.post(f"/orders/{split_order}/refunds", {"amount": 2000})
    assert response.status_code == 200
    rows = response.get_json()["refunds"]
    card = api.get(f"/orders/{split_order}").get_json()["tenders"][1]
    assert [(r["to"], r["amount"], r["status"]) for r in rows] == [("card", 1500, "succeeded"),
                                                                   ("cash", 500, "succeeded")]
    assert rows[0]["tender"]["part"] == 2 and rows[0]["payment_intent"] == card["payment_intent"]
    assert [r["amount"] for r in stripe_refunds(sandbox, card["payment_intent"])] == [1500]
    assert response.get_json()["left_to_refund"] == 1500
    assert api.get(f"/orders/{split_order}").get_json()["left_to_refund"] == 1500


def test_a_line_refund_and_the_units_left(api, split_order):
    rows = api.post(f"/orders/{split_order}/refunds", {"lines": {"item3": 1}}).get_json()["refunds"]
    assert sum(r["amount"] for r in rows) == 1500 and rows[0]["lines"] == [{"sku": "item3", "qty": 1,
                                                                           "amount": 1500}]
    lines = api.get(f"/orders/{split_order}").get_json()["lines"]
    assert [(line["sku"], line["refunded"], line["left"]) for line in lines] == [("item1", 0, 1), ("item3", 1, 1)]
    again = api.post(f"/orders/{split_order}/refunds", {"lines": {"item3": 2}})
    assert again.status_code == 409 and "only 1 of item3" in again.get_json()["error"]["message"]


def test_a_card_sale_refunded_in_cash_on_a_managers_choice(api, services, sandbox):
    api.post("/cart", {"items": {"item1": {"qty": 1}}})
    order = pay_card(api, services)["order"]
    rows = api.post(f"/orders/{order['number']}/refunds", {"to": "cash", "reason": None}).get_json()["refunds"]
    assert [(r["to"], r["amount"], r["status"], r["reason"]) for r in rows] == [("cash", 500, "succeeded", None)]
    assert stripe_refunds(sandbox, order["payment_intent"]) == []


@pytest.fixture
def later(monkeypatch):
    """Retries come later than a double click (RefundService's DOUBLE_CLICK_SECONDS): only the key says
    it is the same request."""
    monkeypatch.setattr(refunding, "DOUBLE_CLICK_SECONDS", 0)


def test_a_retried_request_with_its_idempotency_key_refunds_once(api, services, sandbox, split_order, later):
    key = {"Idempotency-Key": "refund-retry-1"}
    first = api.post(f"/orders/{split_order}/refunds", {"amount": 2000}, headers=key)
    again = api.post(f"/orders/{split_order}/refunds", {"amount": 2000}, headers=key)  # the answer was lost
    assert first.status_code == again.status_code == 200
    assert again.get_json()["refunds"] == first.get_json()["refunds"]
    order = services.store.orders.by_number(split_order)
    assert len(services.store.orders.refunds_for(order.id)) == 2 and order.refunded == 2000
    other = api.post(f"/orders/{split_order}/refunds", {"amount": 100}, headers=key)
    assert other.status_code == 400 and "another refund" in other.get_json()["error"]["message"]


def test_a_request_whose_answer_was_lost_after_it_was_made_is_answered_with_its_refund(api, services, split_order,
                                                                                       later):
    order = services.store.orders.by_number(split_order)
    made = services.checkout.refund(order.id, 700, request_key="lost-answer")  # done, the answer never came
    body = api.post(f"/orders/{split_order}/refunds", {"amount": 700},
                    headers={"Idempotency-Key": "lost-answer"}).get_json()
    assert [r["id"] for r in body["refunds"]] == [made.id]
    assert services.store.orders.get(order.id).refunded == 700


def test_refunds_that_cant_be_made_now_answer_409(api, services, split_order):
    assert api.post(f"/orders/{split_order}/refunds", {"amount": 3501}).status_code == 409
    everything = api.post(f"/orders/{split_order}/refunds", {})  # all that is left
    assert everything.status_code == 200
    # The same request again at once is a double click (RefundService): the same refund, not a second.
    assert api.post(f"/orders/{split_order}/refunds", {}).get_json() == everything.get_json()
    nothing = api.post(f"/orders/{split_order}/refunds", {"reason": None})
    assert nothing.status_code == 409 and "already refunded" in nothing.get_json()["error"]["message"]


def test_a_cash_refund_outside_an_open_shift_answers_409(api, services):
    api.post("/cart", {"items": {"item1": {"qty": 1}}})
    number = api.post("/tenders/cash", {}).get_json()["order"]["number"]
    services.local.shifts.close(Money(500, "usd"))
    response = api.post(f"/orders/{number}/refunds", {})
    assert response.status_code == 409 and "shift" in response.get_json()["error"]["message"]


@pytest.mark.parametrize(("body", "field"), [
    ({"amount": -1}, "amount"), ({"amount": 0}, "amount"), ({"amount": 1.5}, "amount"), ({"amount": True}, "amount"),
    ({"amount": "10"}, "amount"), ({"lines": []}, "lines"), ({"lines": {}}, "lines"),
    ({"lines": {"item1": 0}}, "lines"), ({"lines": {"item1": "1"}}, "lines"), ({"lines": {"nope": 1}}, "lines"),
    ({"reason": "because"}, "reason"), ({"to": "bank"}, "to"), ({"amount": 1, "surprise": 1}, "surprise"),
])
def test_bad_input_answers_400_naming_the_field_and_refunds_nothing(api, services, split_order, body, field):
    response = api.post(f"/orders/{split_order}/refunds", body)
    assert response.status_code == 400 and field in response.get_json()["error"]["message"]
    assert services.store.orders.refunds_for(services.store.orders.by_number(split_order).id) == []


def test_an_unknown_order_is_404_and_a_bad_key_400(api, split_order):
    assert api.get("/orders/999999").status_code == 404
    assert api.post("/orders/999999/refunds", {}).status_code == 404
    assert api.get("/orders/12ab").status_code == 404
    long_key = {"Idempotency-Key": "k" * 256}
    assert api.post(f"/orders/{split_order}/refunds", {}, headers=long_key).status_code == 400


def test_refunds_need_the_token_as_every_route_does(api, services, split_order):
    assert api.get(f"/orders/{split_order}", auth=False).status_code in (401, 403)
    assert api.post(f"/orders/{split_order}/refunds", {}, auth=False).status_code in (401, 403)
    assert services.store.orders.refunds_for(services.store.orders.by_number(split_order).id) == []
