"""Tenders over the endpoint: cash with change, a card part's PaymentIntent, the sale's tenders, bad input."""

from __future__ import annotations

import pytest

from tests.integration.web.web_helpers import SUCCEEDS, confirm_as_browser


@pytest.fixture
def sale(api):
    """A 35.00 sale (item1 + 2 x item3)."""
    return api.post("/cart", {"items": {"item1": {"qty": 1}, "item3": {"qty": 2}}}).get_json()


def test_cash_then_a_card_part_pays_the_sale(api, services, sale):
    response = api.post("/tenders/cash", {"tendered": 2000})
    assert response.status_code == 200
    body = response.get_json()
    assert (body["change"], body["remaining"], body["order"]) == (0, 1500, None)
    assert body["tender"]["type"] == "cash" and body["tender"]["amount"] == 2000
    assert api.post("/cart", {"items": {}}).status_code == 409  # frozen by the tender

    part = api.post("/tenders/card", {}).get_json()
    assert part["amount"] == 1500 and part["client_secret"].startswith(part["payment_intent"])
    assert services.store.ledger.by_intent(part["payment_intent"]).idempotency_key == f"{sale['uuid']}.part2"
    now = api.get("/tenders").get_json()
    assert (now["total"], now["paid"], now["remaining"]) == (3500, 2000, 1500)
    assert [(t["type"], t["status"]) for t in now["tenders"]] == [("cash", "succeeded"), ("card", "pending")]

    assert confirm_as_browser(services, part["client_secret"], SUCCEEDS)["status"] == "succeeded"
    done = api.post("/checkout/complete", {"payment_intent": part["payment_intent"]}).get_json()
    assert done["order"]["total"] == 3500 and done["order"]["payment_intent"] is None
    assert api.get("/tenders").get_json()["tenders"] == []  # a new cart


def test_a_card_part_that_leaves_some_due_is_reported_as_a_part(api, services, sale):
    part = api.post("/tenders/card", {"amount": 1000}).get_json()
    confirm_as_browser(services, part["client_secret"], SUCCEEDS)
    done = api.post("/checkout/complete", {"payment_intent": part["payment_intent"]}).get_json()
    assert done["order"] is None and done["remaining"] == 2500 and done["tender"]["status"] == "succeeded"
    change = api.post("/tenders/cash", {"tendered": 5000}).get_json()
    assert change["change"] == 2500 and change["order"]["total"] == 3500


def test_exact_cash_returns_no_change_and_the_order(api, sale):
    body = api.post("/tenders/cash", {}).get_json()
    assert body["change"] == 0 and body["order"]["total"] == 3500 and body["tender"]["tendered"] == 3500


@pytest.mark.parametrize("body", [{"tendered": -1}, {"tendered": 0}, {"tendered": 10.5}, {"tendered": True},
                                  {"tendered": "20"}, {"tendered": 10**12}, {"amount": 100}])
def test_bad_cash_is_refused_and_nothing_changes(api, services, sale, body):
    response = api.post("/tenders/cash", body)
    assert response.status_code == 400 and "message" in response.get_json()["error"]
    assert api.get("/tenders").get_json()["tenders"] == []
    assert not services.store.carts.snapshot().frozen


def test_a_card_part_above_what_is_left_is_refused(api, services, sale):
    response = api.post("/tenders/card", {"amount": 3501})
    assert response.status_code == 409 and "left to pay" in response.get_json()["error"]["message"]
    assert services.store.ledger.all() == [] and not services.store.carts.snapshot().frozen


def test_void_gives_the_tenders_back(api, services, sale):
    api.post("/tenders/cash", {"tendered": 1000})
    body = api.post("/tenders/void").get_json()
    assert [t["status"] for t in body["tenders"]] == ["voided"] and body["paid"] == 0
    assert api.post("/cart", {"items": {}}).status_code == 200


def test_no_tender_without_an_open_shift(api, services, sale):
    shift = services.store.shifts.current(services.local.settings.terminal_id)
    services.store.shifts.close(shift.id, 0, "{}")
    for path in ("/tenders/cash", "/tenders/card", "/create-payment-intent"):
        response = api.post(path, {})
        assert response.status_code == 409 and "open a shift first" in response.get_json()["error"]["message"]


def test_a_retried_cash_tender_with_its_idempotency_key_is_taken_once(api, services, sale):
    """A client that lost the answer (a timeout) and sends the same request again with the same
    Idempotency-Key gets the first answer back: the cash is recorded once, not twice."""
    key = {"Idempotency-Key": "cash-7f3a"}
    first = api.post("/tenders/cash", {"tendered": 1000}, headers=key)
    again = api.post("/tenders/cash", {"tendered": 1000}, headers=key)
    assert first.status_code == again.status_code == 200
    assert again.get_json()["tender"] == first.get_json()["tender"] and again.get_json()["remaining"] == 2500
    shift = services.store.shifts.current(services.local.settings.terminal_id)
    assert [r.movement.amount for r in services.store.cash.for_shift(shift.id)] == [1000]  # once
    other = api.post("/tenders/cash", {"tendered": 500}, headers=key)  # the same key, another request
    assert other.status_code == 400 and "Idempotency-Key" in other.get_json()["error"]["message"]
    assert api.get("/tenders").get_json()["paid"] == 1000
    done = api.post("/tenders/cash", {}, headers={"Idempotency-Key": "cash-7f3b"}).get_json()
    assert done["order"] is not None  # a new key is a new tender: it pays the rest
    replay = api.post("/tenders/cash", {}, headers={"Idempotency-Key": "cash-7f3b"}).get_json()
    assert replay["tender"] == done["tender"] and replay["order"]["number"] == done["order"]["number"]
    assert api.post("/tenders/cash", {"tendered": 1}, headers={"Idempotency-Key": "x" * 256}).status_code == 400
