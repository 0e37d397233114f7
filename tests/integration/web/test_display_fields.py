"""GET /cart's customer-display fields: what is paid and left while tenders are live, then the cash
and the change of the sale just completed until the next sale starts, read from the store."""

from __future__ import annotations

import contextlib

import pytest

from tests.integration.web.web_helpers import (
    ENDPOINT, SUCCEEDS, TOKEN, ApiClient, build_services, confirm_as_browser, endpoint_app,
)

SEED_FIELDS = {"items", "uuid", "currency", "subtotal", "tax", "total", "frozen", "in_doubt"}


@pytest.fixture
def sale(api):
    """A 35.00 sale (item1 + 2 x item3)."""
    return api.post("/cart", {"items": {"item1": {"qty": 1}, "item3": {"qty": 2}}}).get_json()


def test_a_cart_without_tenders_has_only_the_seed_fields(api, sale):
    assert set(api.get("/cart").get_json()) == SEED_FIELDS
    assert set(api.post("/cart", {"items": {}}).get_json()) == SEED_FIELDS  # a void: no last sale either
    assert set(api.get("/cart").get_json()) == SEED_FIELDS


def test_paid_and_left_to_pay_while_the_tenders_are_live(api, sale):
    api.post("/tenders/cash", {"tendered": 1000})
    cart = api.get("/cart").get_json()
    assert set(cart) >= SEED_FIELDS and cart["frozen"]
    assert cart["tenders"] == {"paid": 1000, "remaining": 2500, "cash_due": 2500}
    assert "last_sale" not in cart
    api.post("/tenders/void", {})
    assert "tenders" not in api.get("/cart").get_json()  # voided: nothing paid any more


def test_the_change_shows_until_a_line_is_added(api, sale):
    api.post("/tenders/cash", {"tendered": 1000})
    done = api.post("/tenders/cash", {"tendered": 5000}).get_json()
    cart = api.get("/cart").get_json()
    assert cart["items"] == {} and "tenders" not in cart
    assert cart["last_sale"] == {"number": done["order"]["number"], "total": 3500, "tendered": 6000,
                                 "change": 2500, "currency": "usd"}
    api.put("/cart/items/item1", {"qty": 1})
    assert "last_sale" not in api.get("/cart").get_json()
    api.delete("/cart/items/item1")  # emptied again: a void, and the sale before it is no longer shown
    assert "last_sale" not in api.get("/cart").get_json()


def test_a_sale_paid_by_card_parts_only_shows_no_change(api, services, sale):
    for amount in (1000, None):
        part = api.post("/tenders/card", {} if amount is None else {"amount": amount}).get_json()
        confirm_as_browser(services, part["client_secret"], SUCCEEDS)
        api.post("/checkout/complete", {"payment_intent": part["payment_intent"]})
    cart = api.get("/cart").get_json()
    assert cart["items"] == {} and "last_sale" not in cart and "tenders" not in cart


def test_card_then_cash_shows_the_cash_and_its_change(api, services, sale):
    part = api.post("/tenders/card", {"amount": 1500}).get_json()
    confirm_as_browser(services, part["client_secret"], SUCCEEDS)
    api.post("/checkout/complete", {"payment_intent": part["payment_intent"]})
    assert api.get("/cart").get_json()["tenders"] == {"paid": 1500, "remaining": 2000, "cash_due": 2000}
    api.post("/tenders/cash", {"tendered": 5000})
    last = api.get("/cart").get_json()["last_sale"]
    assert (last["total"], last["tendered"], last["change"]) == (3500, 5000, 3000)


@contextlib.contextmanager
def restarted(settings, sandbox):
    """The till started again over the same data folder (its shift still open)."""
    services = build_services(settings, sandbox.url, sandbox.url, open_shift=False)
    try:
        yield ApiClient(endpoint_app(services, {"TOKEN": TOKEN, "ENDPOINT_URL": ENDPOINT}).test_client())
    finally:
        services.store.close()


def test_the_display_fields_survive_a_restart(api, services, settings, sandbox, sale):
    """They come from the stored tenders, not from the process that took them."""
    api.post("/tenders/cash", {"tendered": 1000})
    services.store.close()  # closing twice is harmless (sqlite3 and the turn file allow it)
    with restarted(settings, sandbox) as again:
        assert again.get("/cart").get_json()["tenders"] == {"paid": 1000, "remaining": 2500, "cash_due": 2500}
        again.post("/tenders/cash", {"tendered": 3000})
    with restarted(settings, sandbox) as third:
        assert third.get("/cart").get_json()["last_sale"]["change"] == 500
