"""The drawer over HTTP: GET /drawer/openings and POST /drawer/no-sale, kicking a file printer."""

from __future__ import annotations

import pytest

from pos_app.config import parse_printer
from pos_app.contexts import LocalContext
from pos_app.devices import CashDrawer, open_printer
from pos_app.devices.escpos_receipt import DRAWER_KICK
from pos_app.store import DrawerReason
from pos_app.testing.staff import log_in
from pos_app.web import create_app

from tests.integration.devices.test_escpos_receipt import an_order
from tests.integration.web.web_helpers import ENDPOINT, TOKEN, ApiClient


@pytest.fixture
def printer_file(tmp_path):
    return tmp_path / "printer.bin"


@pytest.fixture
def drawer_api(services, printer_file):
    """The endpoint over a till whose drawer is kicked by a file printer, as AppCore builds it."""
    printer = open_printer(parse_printer(f"file:{printer_file}"))
    store = services.store
    local = LocalContext(services.local.settings, store, CashDrawer(store.drawer, printer.kick_drawer, printer.device),
                         printer)
    log_in(local)  # its own session (one per context): the demo manager at this till
    app = create_app(local, services.checkout, {"TOKEN": TOKEN, "ENDPOINT_URL": ENDPOINT},
                     sandbox_url=services.sandbox_url)
    return ApiClient(app.test_client()), local


def test_no_sale_kicks_the_drawer_and_is_recorded_in_the_open_shift(drawer_api, printer_file):
    api, local = drawer_api
    shift = local.store.shifts.current(local.settings.terminal_id)  # the fixture opened it (float 0)
    response = api.post("/drawer/no-sale", {})
    assert response.status_code == 200, response.get_json()
    opening = response.get_json()["opening"]
    assert {k: opening[k] for k in ("reason", "order", "shift", "kicked", "device")} == {
        "reason": "no_sale", "order": None, "shift": shift.id, "kicked": True, "device": f"file:{printer_file}"}
    assert printer_file.read_bytes() == DRAWER_KICK
    assert api.get("/drawer/openings").get_json()["openings"] == [opening]


def test_openings_list_every_reason_oldest_first_and_name_the_order(drawer_api):
    api, local = drawer_api
    order = local.store.orders.record(an_order())
    local.drawer.open(DrawerReason.FLOAT, shift_id=None)
    local.drawer.open(DrawerReason.CASH_SALE, shift_id=None, order_id=order.id)
    local.drawer.open(DrawerReason.PAID_OUT, shift_id=None)
    listed = api.get("/drawer/openings").get_json()["openings"]
    assert [(o["reason"], o["order"]) for o in listed] == [("float", None), ("cash_sale", order.number),
                                                           ("paid_out", None)]
    assert all(o["kicked"] and isinstance(o["time"], int) for o in listed)
    assert [o["reason"] for o in api.get("/drawer/openings?limit=1").get_json()["openings"]] == ["paid_out"]


@pytest.mark.parametrize("limit", ["0", "501", "x", "١٢", "9" * 5000])
def test_a_bad_limit_is_a_400_naming_it(drawer_api, limit):
    api, _ = drawer_api
    response = api.get(f"/drawer/openings?limit={limit}")
    assert response.status_code == 400 and "limit" in response.get_json()["error"]["message"]


def test_the_drawer_routes_need_the_token(drawer_api, printer_file):
    api, _ = drawer_api
    assert api.post("/drawer/no-sale", {}, auth=False).status_code == 401
    assert api.get("/drawer/openings", auth=False).status_code == 401
    assert not printer_file.exists()  # nothing was kicked
