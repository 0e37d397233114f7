"""Log-in over HTTP and the manager's gates of every route that moves money without a sale.

The endpoint acts as the till's session user: a cashier here gets 403 approval_required (naming
the action) for a manager's action, and the same request with "manager_pin" goes through, its
approval journalled with both names; with no one logged in, selling answers 401 login_required.
Each gate is the service's (the window and the tester kit go through the same), so each test
here fails when its gate is deleted.
"""

from __future__ import annotations

import pytest

from pos_app.testing.staff import DEMO_PINS

from tests.integration.web.web_helpers import ENDPOINT, TOKEN, ApiClient, build_services, endpoint_app

MANAGER, CASHIER = DEMO_PINS["manager"], DEMO_PINS["cashier"]


@pytest.fixture
def services(settings, sandbox):
    """The till with the demo cashier logged in (the suite's default is the manager)."""
    services = build_services(settings, sandbox.url, sandbox.url, user="cashier")
    yield services
    services.store.close()


@pytest.fixture
def api(services) -> ApiClient:
    return ApiClient(endpoint_app(services, {"TOKEN": TOKEN, "ENDPOINT_URL": ENDPOINT}).test_client())


def refused(response, action: str) -> None:
    body = response.get_json()
    assert response.status_code == 403, body
    assert body["error"]["code"] == "approval_required" and body["error"]["action"] == action, body
    assert "manager's PIN is needed" in body["error"]["message"]


def ok(response) -> dict:
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def approvals(services) -> list[dict]:
    return [e.payload for e in services.store.journal.entries() if e.type == "approval"]


def cash_sale(api) -> dict:
    ok(api.post("/cart", {"items": {"item1": {"qty": 2}}}))
    return ok(api.post("/tenders/cash", {}))["order"]


def test_login_logout_and_who_is_at_the_till(api):
    assert ok(api.get("/session")) == {"user": {"name": "Demo Cashier", "role": "cashier"}}
    answer = ok(api.post("/session/login", {"pin": MANAGER}))
    assert answer == {"user": {"name": "Demo Manager", "role": "manager"}}  # never the PIN
    wrong = api.post("/session/login", {"pin": "9999"})
    assert wrong.status_code == 403 and wrong.get_json()["error"]["code"] == "pin_refused"
    assert api.post("/session/login", {"pin": 1234}).status_code == 400
    assert ok(api.post("/session/logout")) == {"user": None}
    assert ok(api.get("/session")) == {"user": None}


def test_selling_needs_someone_logged_in(api):
    ok(api.post("/cart", {"items": {"item1": {"qty": 1}}}))
    ok(api.post("/session/logout"))
    for response in (api.post("/cart", {"items": {"item1": {"qty": 2}}}), api.put("/cart/items/item2", {"qty": 1}),
                     api.post("/create-payment-intent"), api.post("/tenders/card", {}),
                     api.post("/tenders/cash", {})):
        body = response.get_json()
        assert response.status_code == 401 and body["error"]["code"] == "login_required", body
    ok(api.post("/session/login", {"pin": CASHIER}))
    assert ok(api.get("/cart"))["items"]["item1"]["qty"] == 1  # the sale waited, as it was


def test_clearing_a_cart_that_has_lines_is_a_managers_action(api, services):
    ok(api.post("/cart", {"items": {"item1": {"qty": 1}, "item2": {"qty": 1}}}))
    refused(api.post("/cart", {"items": {}}), "clear_cart")
    assert ok(api.get("/cart"))["items"] != {}
    ok(api.delete("/cart/items/item2"))  # taking a line back is selling
    cleared = ok(api.post("/cart", {"items": {}, "manager_pin": MANAGER}))
    assert cleared["items"] == {}
    assert approvals(services) == [{"action": "clear_cart", "manager": "Demo Manager", "for": "Demo Cashier",
                                    "lines": 1}]


def test_a_wrong_or_a_cashiers_pin_approves_nothing(api):
    ok(api.post("/cart", {"items": {"item1": {"qty": 1}}}))
    for pin in ("9999", CASHIER):
        response = api.post("/cart", {"items": {}, "manager_pin": pin})
        assert response.status_code == 403 and response.get_json()["error"]["code"] == "pin_refused"
    assert api.post("/cart", {"items": {}, "manager_pin": 1234}).status_code == 400
    assert ok(api.get("/cart"))["items"] != {}


def test_voiding_money_taken_is_a_managers_void(api, services):
    ok(api.post("/cart", {"items": {"item1": {"qty": 2}}}))
    ok(api.post("/tenders/cash", {"tendered": 100}))  # part of it in cash
    refused(api.post("/tenders/void"), "void_sale")
    assert ok(api.get("/tenders"))["paid"] == 100
    assert ok(api.post("/tenders/void", {"manager_pin": MANAGER}))["paid"] == 0
    assert approvals(services)[-1] == {"action": "void_sale", "manager": "Demo Manager", "for": "Demo Cashier",
                                       "paid": 100}


def test_a_refund_is_a_managers_action(api, services):
    order = cash_sale(api)
    path = f"/orders/{order['number']}/refunds"
    refused(api.post(path, {"amount": 100}), "refund")
    refused(api.post(path, {"amount": 100, "to": "cash"}), "refund")
    refund = ok(api.post(path, {"amount": 100, "manager_pin": MANAGER}))
    assert [r["status"] for r in refund["refunds"]] == ["succeeded"]
    assert approvals(services)[-1] == {"action": "refund", "manager": "Demo Manager", "for": "Demo Cashier",
                                       "order": order["number"], "amount": 100, "to_cash": False}


def test_no_sale_is_a_managers_action(api, services):
    refused(api.post("/drawer/no-sale"), "no_sale")
    assert ok(api.get("/drawer/openings"))["openings"] == []
    assert ok(api.post("/drawer/no-sale", {"manager_pin": MANAGER}))["opening"]["reason"] == "no_sale"


def test_closing_the_shift_is_a_managers_action(api):
    refused(api.post("/shift/close", {"counted": 0}), "close_shift")
    assert ok(api.get("/shift"))["shift"]["open"]
    assert ok(api.post("/shift/close", {"counted": 0, "manager_pin": MANAGER}))["report"]["kind"] == "Z"


def test_a_manager_needs_no_approval(api, services):
    ok(api.post("/session/login", {"pin": MANAGER}))
    order = cash_sale(api)
    ok(api.post(f"/orders/{order['number']}/refunds", {"amount": 100}))
    ok(api.post("/drawer/no-sale"))
    assert approvals(services) == []
