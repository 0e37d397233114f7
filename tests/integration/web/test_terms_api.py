"""Discounts, overrides and open prices over the endpoint: the wire shapes, the manager's 403, the sale's record."""

from __future__ import annotations


def test_a_line_discount_and_an_order_discount_show_in_the_cart(api, cashier, sale):
    body = api.post("/cart/discount", {"percent": "10", "sku": "item3", "reason": "dented"}).get_json()
    assert body["uuid"] != sale["uuid"]
    line = body["items"]["item3"]
    assert (line["gross"], line["line_total"], line["price"]) == (3000, 2700, 1500)
    assert line["discount"] == {"amount": 300, "line": 300, "order_share": 0, "kind": "percent", "value": 1000,
                                "reason": "dented"}
    assert body["items"]["item1"]["discount"] == 0 and body["items"]["item1"]["override"] is None
    response = api.post("/cart/discount", {"amount": 50, "reason": "regular"})  # 350 of 3500: at the limit
    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    assert body["order_discount"] == {"kind": "amount", "value": 50, "reason": "regular", "amount": 50}
    assert (body["gross"], body["discount"], body["subtotal"]) == (3500, 350, 3150)
    again = api.post("/cart/discount", {"amount": 50, "reason": "regular"}).get_json()
    assert again["uuid"] == body["uuid"]  # the same discount again: a no-op
    body = api.delete("/cart/discount").get_json()
    assert body["order_discount"] is None and body["discount"] == 300
    body = api.delete("/cart/lines/item3/discount").get_json()
    assert "discount" not in body and "gross" not in body["items"]["item3"]  # no terms: the seed's shape


def test_over_the_limit_the_endpoint_asks_for_a_managers_pin(api, cashier, sale):
    response = api.post("/cart/discount", {"percent": "50", "reason": "friend"})
    assert response.status_code == 403
    error = response.get_json()["error"]
    assert error["code"] == "approval_required" and error["action"] == "discount_over_limit"
    assert "manager" in error["message"]
    refused = api.post("/cart/discount", {"percent": "50", "reason": "friend", "manager_pin": "0000"})
    assert refused.status_code == 403 and refused.get_json()["error"]["code"] == "pin_refused"
    ok = api.post("/cart/discount", {"percent": "50", "reason": "friend", "manager_pin": "1234"})
    assert ok.status_code == 200 and ok.get_json()["total"] == sale["total"] // 2


def test_a_price_override_needs_a_manager_and_is_shown_on_its_line(api, cashier, sale):
    response = api.post("/cart/lines/item1/price", {"unit_price": 400, "reason": "price match"})
    assert response.status_code == 403 and response.get_json()["error"]["action"] == "override_price"
    body = api.post("/cart/lines/item1/price", {"unit_price": 400, "reason": "price match",
                                                "manager_pin": "1234"}).get_json()
    assert body["items"]["item1"]["override"] == {"unit_price": 400, "list_price": 500, "reason": "price match"}
    assert body["items"]["item1"]["price"] == 400
    body = api.delete("/cart/lines/item1/price").get_json()
    assert "override" not in body["items"]["item1"] and body["items"]["item1"]["price"] == 500


def test_bad_terms_are_refused_with_the_cart_unchanged(api, cashier, sale):
    for bad in ({"percent": 12.5, "reason": "x"}, {"percent": "10", "amount": 5, "reason": "x"},
                {"percent": "10"}, {"amount": "5", "reason": "x"}, {"percent": "10", "reason": "x", "sku": 3}):
        response = api.post("/cart/discount", bad)
        assert response.status_code == 400, bad
    assert api.post("/cart/lines/nope/price", {"unit_price": 1, "reason": "x"}).status_code == 400
    assert api.get("/cart").get_json()["uuid"] == sale["uuid"]


def test_nobody_logged_in_is_told_to_log_in(api, services, sale):
    services.local.session.logout()  # the endpoint's fixtures log the demo manager in
    response = api.post("/cart/discount", {"percent": "5", "reason": "x"})
    assert response.status_code == 401 and response.get_json()["error"]["code"] == "login_required"


def test_an_open_price_item_is_added_with_its_price_and_paid_in_cash_as_recorded(api, services, cashier):
    assert api.put("/cart/items/misc", {"qty": 1}).status_code == 400  # no price: refused
    body = api.post("/cart/open-price", {"sku": "misc", "unit_price": 725}).get_json()
    assert body["items"]["misc"]["line_total"] == 725 and body["items"]["misc"]["override"] is None
    api.post("/cart/discount", {"amount": 25, "reason": "round down"})
    done = api.post("/tenders/cash", {"tendered": 1000}).get_json()
    order = services.store.orders.by_number(done["order"]["number"])
    assert order.total == 700 and order.discount == 25 and order.order_discount.reason == "round down"
    assert order.lines[0].unit_price == 725 and order.lines[0].list_price is None
    assert api.post("/cart/discount", {"amount": 5, "reason": "x"}).status_code == 400  # the new cart is empty
