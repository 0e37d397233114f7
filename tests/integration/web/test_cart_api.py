"""The seed's cart API through Flask's test client over a real store."""

from __future__ import annotations

import json

import pytest

from pos_app.domain.item import Item
from pos_app.domain.money import Money


def test_a_new_install_has_an_empty_cart(api):
    response = api.get("/cart")
    assert response.status_code == 200
    assert response.mimetype == "application/json"
    body = response.get_json()
    assert body["items"] == {}
    assert body["currency"] == "usd"
    assert (body["subtotal"], body["tax"], body["total"]) == (0, 0, 0)
    assert isinstance(body["uuid"], str) and len(body["uuid"]) == 36
    assert body["frozen"] is False and body["in_doubt"] is False


def test_post_cart_replaces_lines_with_catalogue_prices(api, services, skus):
    a, b = skus[:2]
    response = api.post("/cart", {"items": {a: {"qty": 2, "price": 1}, b: {"qty": 1, "price": 999999}}})
    assert response.status_code == 200
    body = response.get_json()
    price_a = services.store.catalogue.get(a).price.amount
    price_b = services.store.catalogue.get(b).price.amount
    assert body["items"][a] == {"price": price_a, "qty": 2, "name": services.store.catalogue.get(a).name,
                                "line_total": 2 * price_a}
    assert body["items"][b]["price"] == price_b
    assert body["subtotal"] == 2 * price_a + price_b
    assert body["total"] == body["subtotal"] + body["tax"]
    assert api.get("/cart").get_json() == body

    replaced = api.post("/cart", {"items": {b: {"qty": 3}}}).get_json()
    assert list(replaced["items"]) == [b]
    assert replaced["items"][b]["qty"] == 3


def test_the_same_body_twice_keeps_the_uuid(api, skus):
    body = {"items": {skus[0]: {"qty": 2}, skus[1]: {"qty": 1}}}
    first = api.post("/cart", body).get_json()
    again = api.post("/cart", body).get_json()
    assert again["uuid"] == first["uuid"]
    changed = api.post("/cart", {"items": {skus[0]: {"qty": 3}, skus[1]: {"qty": 1}}}).get_json()
    assert changed["uuid"] != first["uuid"]


def test_a_seed_client_may_echo_the_whole_cart_back(api, skus):
    cart = api.post("/cart", {"items": {skus[0]: {"qty": 2}}}).get_json()
    echoed = api.post("/cart", cart).get_json()  # uuid, totals, prices, names: all ignored
    assert echoed["uuid"] == cart["uuid"]
    assert echoed["items"] == cart["items"]


def test_qty_zero_removes_a_line(api, skus):
    api.post("/cart", {"items": {skus[0]: {"qty": 2}, skus[1]: {"qty": 1}}})
    body = api.post("/cart", {"items": {skus[0]: {"qty": 0}, skus[1]: {"qty": 1}}}).get_json()
    assert list(body["items"]) == [skus[1]]


def test_lines_keep_the_order_they_were_added_in(api, skus):
    order = [skus[3], skus[0], skus[2]]
    for sku in order:
        api.put(f"/cart/items/{sku}", {"qty": 1})
    assert list(api.get("/cart").get_json()["items"]) == order


def test_put_sets_one_line_and_answers_that_line_and_the_totals(api, services, skus):
    first = api.put(f"/cart/items/{skus[0]}", {"qty": 4})
    assert first.status_code == 200
    body = first.get_json()
    price = services.store.catalogue.get(skus[0]).price.amount
    assert body["sku"] == skus[0]
    assert body["line"]["qty"] == 4 and body["line"]["price"] == price and body["line"]["line_total"] == 4 * price
    assert body["total"] == api.get("/cart").get_json()["total"]
    assert "items" not in body
    same = api.put(f"/cart/items/{skus[0]}", {"qty": 4}).get_json()
    assert same["uuid"] == body["uuid"]
    removed = api.put(f"/cart/items/{skus[0]}", {"qty": 0}).get_json()
    assert removed["line"] is None and removed["lines"] == 0
    assert api.get("/cart").get_json()["items"] == {}


def test_delete_removes_one_line(api, skus):
    api.post("/cart", {"items": {skus[0]: {"qty": 2}, skus[1]: {"qty": 1}}})
    response = api.delete(f"/cart/items/{skus[0]}")
    assert response.status_code == 200
    assert response.get_json()["line"] is None
    assert list(api.get("/cart").get_json()["items"]) == [skus[1]]
    before = api.get("/cart").get_json()["uuid"]
    assert api.delete(f"/cart/items/{skus[0]}").get_json()["uuid"] == before  # not in the cart: no-op


def test_a_per_line_answer_does_not_grow_with_the_cart(api, services):
    services.store.catalogue.upsert(
        Item(f"bulk-{n:04d}", f"Bulk item {n}", Money(100 + n, "usd")) for n in range(300))
    small = api.put("/cart/items/bulk-0000", {"qty": 1}).get_data()
    api.post("/cart", {"items": {f"bulk-{n:04d}": {"qty": 1} for n in range(300)}})
    large = api.put("/cart/items/bulk-0000", {"qty": 2}).get_data()
    assert len(large) - len(small) < 20  # only digits of the totals differ, never the lines


BAD_CART_BODIES = [
    pytest.param(b"not json", id="not-json"),
    pytest.param(b"[]", id="array"),
    pytest.param(b'"items"', id="string"),
    pytest.param(b"{}", id="no-items"),
    pytest.param(b'{"items": []}', id="items-array"),
    pytest.param(b'{"items": {"SKU": 2}}', id="line-not-object"),
    pytest.param(b'{"items": {"SKU": {}}}', id="qty-missing"),
    pytest.param(b'{"items": {"SKU": {"qty": true}}}', id="qty-bool"),
    pytest.param(b'{"items": {"SKU": {"qty": 2.0}}}', id="qty-float"),
    pytest.param(b'{"items": {"SKU": {"qty": "2"}}}', id="qty-string"),
    pytest.param(b'{"items": {"SKU": {"qty": null}}}', id="qty-null"),
    pytest.param(b'{"items": {"SKU": {"qty": -1}}}', id="qty-negative"),
    pytest.param(b'{"items": {"SKU": {"qty": 10000}}}', id="qty-too-large"),
    pytest.param(b'{"items": {"SKU": {"qty": NaN}}}', id="qty-nan"),
    pytest.param(b'{"items": {"SKU": {"qty": 1e400}}}', id="qty-huge-float"),
    pytest.param(b'{"items": {"no-such-sku": {"qty": 1}}}', id="unknown-sku"),
    pytest.param(b'{"items": {"SKU": {"qty": 1}, "no-such-sku": {"qty": 1}}}', id="one-unknown-sku"),
    pytest.param(b'{"items": {"SKU": {"qty": 1}}' + b"]" * 10, id="trailing-garbage"),
    pytest.param(b'[' * 20000 + b']' * 20000, id="deep-nesting"),
    pytest.param(b'\xff\xfe{}', id="not-utf8"),
]


@pytest.mark.parametrize("raw", BAD_CART_BODIES)
def test_bad_cart_bodies_answer_400_and_change_nothing(api, skus, raw):
    before = api.post("/cart", {"items": {skus[0]: {"qty": 2}}}).get_json()
    raw = raw.replace(b"SKU", skus[1].encode())
    response = api.post("/cart", data=raw, content_type="application/json")
    assert response.status_code == 400, response.get_data(as_text=True)
    assert isinstance(response.get_json()["error"]["message"], str)
    assert api.get("/cart").get_json() == before


def test_a_body_that_is_not_declared_json_is_refused(api, skus):
    before = api.get("/cart").get_json()
    body = json.dumps({"items": {skus[0]: {"qty": 1}}})
    for content_type in ("text/plain", "application/x-www-form-urlencoded", None):
        response = api.post("/cart", data=body, content_type=content_type)
        assert response.status_code == 400
        assert "application/json" in response.get_json()["error"]["message"]
    assert api.get("/cart").get_json() == before


@pytest.mark.parametrize("body", [{"qty": True}, {"qty": 1.5}, {"qty": "1"}, {"qty": -1}, {"qty": 10_000},
                                  {}, {"quantity": 1}])
def test_bad_per_line_updates_answer_400_and_change_nothing(api, skus, body):
    before = api.post("/cart", {"items": {skus[0]: {"qty": 2}}}).get_json()
    response = api.put(f"/cart/items/{skus[0]}", body)
    assert response.status_code == 400
    assert "error" in response.get_json()
    assert api.get("/cart").get_json() == before


def test_unknown_skus_in_per_line_updates_answer_400(api, skus):
    before = api.post("/cart", {"items": {skus[0]: {"qty": 2}}}).get_json()
    assert api.put("/cart/items/no-such-sku", {"qty": 1}).status_code == 400
    assert api.delete("/cart/items/no-such-sku").status_code == 400
    assert api.get("/cart").get_json() == before


def test_oversized_bodies_answer_413_and_change_nothing(api, skus):
    before = api.post("/cart", {"items": {skus[0]: {"qty": 2}}}).get_json()
    padding = "x" * (64 * 1024)
    response = api.post("/cart", {"items": {skus[0]: {"qty": 3, "note": padding}}})
    assert response.status_code == 413
    assert "64 KiB" in response.get_json()["error"]["message"]
    assert api.put(f"/cart/items/{skus[0]}", {"qty": 3, "note": padding}).status_code == 413
    assert api.post("/create-payment-intent", {"note": padding}).status_code == 413
    assert api.get("/cart").get_json() == before


def test_a_chunked_body_past_the_limit_answers_413(api, skus):
    import io
    before = api.get("/cart").get_json()
    raw = json.dumps({"items": {skus[0]: {"qty": 1, "note": "x" * 70_000}}}).encode()
    response = api.post("/cart", input_stream=io.BytesIO(raw), content_type="application/json",
                        environ_overrides={"wsgi.input_terminated": True},
                        headers={"Transfer-Encoding": "chunked"})
    assert response.status_code == 413
    assert api.get("/cart").get_json() == before


def test_a_body_just_under_the_limit_is_read(api, skus):
    body = json.dumps({"items": {skus[0]: {"qty": 1}}, "note": ""})
    body = body.replace('""', '"' + "x" * (64 * 1024 - len(body) - 2) + '"')
    assert len(body) <= 64 * 1024
    response = api.post("/cart", data=body, content_type="application/json")
    assert response.status_code == 200


def test_unknown_routes_and_methods_answer_json_errors(api):
    missing = api.get("/nope")
    assert missing.status_code == 404 and "error" in missing.get_json()
    wrong = api.request("PATCH", "/cart")
    assert wrong.status_code == 405 and "error" in wrong.get_json()
