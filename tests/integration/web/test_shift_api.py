"""The cash office over HTTP: open, status, X, paid in/out, drop, the blind close; bad input changes nothing."""

from __future__ import annotations

import pytest

from pos_app.domain.money import Money
from pos_app.store import DrawerReason
from tests.integration.cash_office.shop import record_sale
from tests.integration.web.web_helpers import build_services


@pytest.fixture
def services(settings, sandbox):
    """These tests open and close their shifts themselves: the till starts without one."""
    services = build_services(settings, sandbox.url, sandbox.url, open_shift=False)
    yield services
    services.store.close()


def test_a_shift_over_http_from_the_float_to_the_z(api, services):
    assert api.get("/shift").get_json() == {"shift": None, "counting": False}
    opened = api.post("/shift/open", {"float": 10_000})
    assert opened.status_code == 200 and opened.get_json()["shift"]["number"] == 1
    shift = services.store.shifts.current("till-1")
    record_sale(services.store, shift.id, 4_230, cash_part=4_230, tendered=5_000)
    paid_in = api.post("/shift/paid-in", {"amount": 500, "reason": "change from the safe"})
    assert paid_in.get_json()["movement"] == {"kind": "paid_in", "amount": 500, "currency": "usd",
                                              "reason": "change from the safe",
                                              "created_at": paid_in.get_json()["movement"]["created_at"]}
    assert api.post("/shift/paid-out", {"amount": 300, "reason": "milk"}).status_code == 200
    assert api.post("/shift/drop", {"amount": 4_000}).status_code == 200
    x = api.get("/shift/x").get_json()["report"]
    assert (x["kind"], x["expected_cash"], x["counted_cash"], x["over_short"]) == ("X", 10_430, None, None)
    z = api.post("/shift/close", {"counted": 10_400}).get_json()["report"]
    assert (z["kind"], z["expected_cash"], z["counted_cash"], z["over_short"]) == ("Z", 10_430, 10_400, -30)
    assert z["tenders"]["cash"]["over_short"] == -30 and z["tenders"]["card"]["expected"] == 0
    assert api.get("/shifts/1/report").get_json()["report"] == z
    assert api.get("/shift").get_json()["shift"] is None
    assert [o.reason for o in services.store.drawer.for_shift(shift.id)] == [
        DrawerReason.FLOAT, DrawerReason.PAID_IN, DrawerReason.PAID_OUT, DrawerReason.DROP, DrawerReason.COUNT]


@pytest.mark.parametrize(("path", "body", "status", "message"), [
    ("/shift/paid-in", {"amount": 500, "reason": "x"}, 409, "no shift is open"),
    ("/shift/close", {"counted": 0}, 409, "no shift is open"),
])
def test_steps_without_an_open_shift_are_409(api, path, body, status, message):
    response = api.post(path, body)
    assert response.status_code == status and message in response.get_json()["error"]["message"]


@pytest.mark.parametrize(("path", "body", "status", "message"), [
    ("/shift/open", {"float": 100}, 409, "already open"),
    ("/shift/paid-out", {"amount": 500}, 400, "give a reason"),
    ("/shift/paid-out", {"amount": 500, "reason": 7}, 400, '"reason" must be text'),
    ("/shift/paid-in", {"amount": "5.00", "reason": "x"}, 400, '"amount" must be a whole number'),
    ("/shift/paid-in", {"amount": 2.5, "reason": "x"}, 400, '"amount" must be a whole number'),
    ("/shift/paid-in", {"amount": True, "reason": "x"}, 400, '"amount" must be a whole number'),
    ("/shift/paid-in", {"amount": 0, "reason": "x"}, 400, "more than zero"),
    ("/shift/drop", {"amount": -1}, 400, '"amount" must be a whole number'),
    ("/shift/drop", {"amount": 10 ** 13}, 400, '"amount" must be a whole number'),
    ("/shift/close", {}, 400, '"counted" must be a whole number'),
    ("/shift/close", {"counted": None}, 400, '"counted" must be a whole number'),
])
def test_bad_input_is_a_4xx_naming_what_is_wrong_and_changes_nothing(api, services, path, body, status, message):
    api.post("/shift/open", {"float": 1_000})
    shift = services.store.shifts.current("till-1")
    openings = len(services.store.drawer.for_shift(shift.id))
    response = api.post(path, body)
    assert response.status_code == status, response.get_json()
    assert message in response.get_json()["error"]["message"]
    assert services.store.cash.for_shift(shift.id) == [] and services.store.shifts.current("till-1") == shift
    assert len(services.store.drawer.for_shift(shift.id)) == openings


def test_the_x_is_refused_while_a_blind_count_is_under_way(api, services):
    api.post("/shift/open", {"float": 1_000})
    count = services.local.shifts.start_count()  # the window's close dialog asked for the count
    refused = api.get("/shift/x")
    assert refused.status_code == 409 and "blind count" in refused.get_json()["error"]["message"]
    assert api.get("/shift").get_json()["counting"] is True
    assert api.post("/shift/close", {"counted": 1_000}).status_code == 409  # the window's count is the one
    count.close(Money(1_000, "usd"))
    assert api.get("/shifts/1/report").get_json()["report"]["over_short"] == 0


def test_a_count_another_process_started_is_seen_here_and_nothing_moves_cash_until_it_ends(api, services, settings,
                                                                                           skus):
    from pos_app.cash_office import ShiftService
    from pos_app.devices import CashDrawer
    from pos_app.store import open_store
    api.post("/shift/open", {"float": 1_000})
    with open_store(settings.database_path, settings.pricing) as other:  # e.g. the till's window, restarted
        count = ShiftService(other, CashDrawer(other.drawer), "till-1", "usd").start_count()
        status = api.get("/shift").get_json()
        assert status["counting"] is True and "expected_cash" not in str(status)
        for refused in (api.get("/shift/x"), api.get("/shifts/1/report"),
                        api.post("/shift/paid-in", {"amount": 100, "reason": "change"}),
                        api.post("/shift/drop", {"amount": 100})):
            assert refused.status_code == 409 and "blind count" in refused.get_json()["error"]["message"]
        api.post("/cart", {"items": {skus[0]: {"qty": 1}}})
        cash = api.post("/tenders/cash", {})
        assert cash.status_code == 409 and "blind count" in cash.get_json()["error"]["message"]
        count.cancel()
    assert api.get("/shift").get_json()["counting"] is False
    assert api.get("/shift/x").get_json()["report"]["expected_cash"] == 1_000
    assert api.post("/tenders/cash", {}).status_code == 200


def test_unknown_shift_numbers_are_404_and_not_json_is_400(api):
    assert api.get("/shifts/3/report").status_code == 404
    assert api.get("/shifts/99999999999999999999/report").status_code == 404
    assert api.post("/shift/open", data="float=5", headers={"Content-Type": "text/plain"}).status_code == 400
