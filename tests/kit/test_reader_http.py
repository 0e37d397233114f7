"""POST /tenders/reader, GET /tenders/reader, POST /tenders/reader/cancel: the reader over the local endpoint."""

from __future__ import annotations

import pytest

from pos_app.payments.readers import reader_gateway
from pos_app.sandbox.faults import FaultControl
from tests.kit.http_calls import call

pytestmark = pytest.mark.pos_settings(reader=True)


def tap(core, number="4242424242424242"):
    reader_gateway(core.payments.gateway).present_payment_method(core.settings.reader_id, number=number)


def test_an_http_client_charges_on_the_reader_and_polls_until_the_sale_is_recorded(pos_app):
    call(pos_app, "POST", "/cart", {"items": {"item1": {"qty": 1}}})
    status, started = call(pos_app, "POST", "/tenders/reader", {})
    assert status == 200 and started["outcome"] == "waiting" and started["amount"] == 500
    assert call(pos_app, "GET", "/tenders/reader")[1]["outcome"] == "waiting"
    tap(pos_app)
    status, done = call(pos_app, "GET", "/tenders/reader")
    assert status == 200 and done["outcome"] == "approved" and done["order"]["total"] == 500
    assert call(pos_app, "GET", "/tenders")[1]["tenders"] == []  # the next sale, empty
    assert call(pos_app, "GET", "/tenders/reader")[0] == 409  # nothing on the reader now


def test_a_decline_and_a_cancel_over_http(pos_app):
    call(pos_app, "POST", "/cart", {"items": {"item1": {"qty": 1}}})
    call(pos_app, "POST", "/tenders/reader", {})
    tap(pos_app, "4000000000000002")
    declined = call(pos_app, "GET", "/tenders/reader")[1]
    assert declined["outcome"] == "declined" and declined["message"].startswith("Declined:")
    assert call(pos_app, "POST", "/tenders/reader", {"amount": 200})[1]["amount"] == 200
    assert call(pos_app, "POST", "/tenders/reader", {})[0] == 409  # one payment on the reader at a time
    assert call(pos_app, "POST", "/tenders/reader/cancel")[1]["outcome"] == "cancelled"


def test_a_reader_offline_answers_409_with_the_reason(pos_app):
    call(pos_app, "POST", "/cart", {"items": {"item1": {"qty": 1}}})
    faults = FaultControl(pos_app.sandbox_url, pos_app.sandbox_secret_key)
    faults.reader_offline(times=1)
    status, answer = call(pos_app, "POST", "/tenders/reader", {})
    assert status == 409 and "offline" in answer["error"]["message"]
    faults.clear()
