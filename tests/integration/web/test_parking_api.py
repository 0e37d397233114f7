"""Parked sales over the endpoint: park, list, recall, the wire shapes and every refusal's status."""

from __future__ import annotations


def test_park_list_and_recall(api, cashier, sale):
    response = api.post("/cart/park", {"label": "table 4"})
    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    parked = body["parked"]
    assert (parked["label"], parked["uuid"], parked["lines"], parked["line_count"], parked["total"]) == (
        "table 4", sale["uuid"], {"item1": 1, "item3": 2}, 2, 3500)
    assert parked["currency"] == "usd" and parked["parked_by"] == "Demo Cashier" and parked["parked_at"] > 0
    assert body["cart"]["items"] == {} and body["cart"]["uuid"] != sale["uuid"]
    assert api.get("/cart").get_json()["items"] == {}

    api.post("/cart", {"items": {"item2": {"qty": 1}}})
    second = api.post("/cart/park", {}).get_json()["parked"]
    assert second["label"].startswith("Parked ")
    listed = api.get("/parked").get_json()["parked"]
    assert [p["id"] for p in listed] == [second["id"], parked["id"]]  # newest first (ids break the tie)

    recalled = api.post(f"/parked/{parked['id']}/recall")
    assert recalled.status_code == 200
    cart = recalled.get_json()
    assert (cart["uuid"], cart["total"], set(cart["items"])) == (sale["uuid"], 3500, {"item1", "item3"})
    assert [p["id"] for p in api.get("/parked").get_json()["parked"]] == [second["id"]]


def test_parking_cancels_the_open_intent_in_the_request(api, services, cashier, sale):
    intent = api.post("/create-payment-intent", {}).get_json()["payment_intent"]
    assert api.post("/cart/park", {}).status_code == 409  # the card form may be showing: not now
    services.checkout.abandon()
    assert api.post("/cart/park", {}).status_code == 200
    assert services.gateway.retrieve_intent(intent).status == "canceled"


def test_refusals(api, services, cashier, sale):
    bad = api.post("/cart/park", {"label": 4})
    assert bad.status_code == 400 and '"label"' in bad.get_json()["error"]["message"]
    long = api.post("/cart/park", {"label": "x" * 41})
    assert long.status_code == 400 and "label" in long.get_json()["error"]["message"]
    parked = api.post("/cart/park", {}).get_json()["parked"]
    empty = api.post("/cart/park", {})
    assert empty.status_code == 409 and "nothing to park" in empty.get_json()["error"]["message"]
    assert api.post("/parked/999/recall").status_code == 404
    assert api.post("/parked/abc/recall").status_code == 404
    api.post("/cart", {"items": {"item2": {"qty": 1}}})
    over = api.post(f"/parked/{parked['id']}/recall")
    assert over.status_code == 409 and "park or clear" in over.get_json()["error"]["message"]


def test_nobody_logged_in_is_401(api, services, sale):
    services.local.session.logout()  # the endpoint's fixtures log the demo manager in
    response = api.post("/cart/park", {})
    assert response.status_code == 401 and response.get_json()["error"]["code"] == "login_required"
    assert api.post("/parked/1/recall").get_json()["error"]["code"] == "login_required"
