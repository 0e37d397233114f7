"""The gateway's reader operations (ReaderGateway) through stripe-python against the real sandbox:
register, sale, each decline, cancels, offline/busy/timeout faults, tip and capture, Interac
refund on the reader, the cart display, and the errors mapped to ours."""

from __future__ import annotations

import pytest

from pos_app.domain.statuses import PaymentStatus
from pos_app.payments.gateway import AuthenticationFailed, IntentNotFound, InvalidPayment
from pos_app.payments.readers import (ActionStatus, DisplayLine, ReaderBusy, ReaderError,
                                      ReaderGateway, ReaderOffline, ReaderStatus)
from pos_app.payments.stripe_gateway import StripeGateway
from pos_app.sandbox.faults import FaultControl

ADDRESS = {"line1": "1 Main St", "city": "Springfield", "state": "IL", "postal_code": "62701",
           "country": "US"}


@pytest.fixture
def faults(server):
    control = FaultControl(server.url, server.secret_key)
    yield control
    control.clear()


@pytest.fixture
def reader(gateway):
    location = gateway.create_location(display_name="Front shop", address=ADDRESS)
    return gateway.register_reader(registration_code="simulated-wpe", label="Till 1",
                                   location=location.id)


_keys = iter(range(1_000_000))


def key(name: str) -> str:
    return f"{name}-{next(_keys)}"


def sale(gateway, reader, amount=1250, currency="usd", manual_capture=False, tipping=False):
    intent = gateway.create_reader_intent(amount=amount, currency=currency, idempotency_key=key("pi"),
                                          metadata={"cart_uuid": "c1"}, description="sale",
                                          manual_capture=manual_capture)
    started = gateway.process_payment_intent(reader.id, intent.id, tipping=tipping,
                                             idempotency_key=key("process"))
    return intent, started


def test_stripe_gateway_is_a_reader_gateway(gateway):
    assert isinstance(gateway, ReaderGateway)


def test_register_and_list(gateway, reader):
    assert reader.id.startswith("tmr_") and reader.device_type == "simulated_wisepos_e"
    assert reader.status is ReaderStatus.ONLINE and reader.label == "Till 1" and not reader.busy
    assert reader.id in [r.id for r in gateway.list_readers(location=reader.location)]
    assert reader.location in [loc.id for loc in gateway.list_locations()]
    assert gateway.retrieve_reader(reader.id) == reader


def test_a_wrong_registration_code_is_a_reader_error(gateway, reader):
    with pytest.raises(InvalidPayment) as info:
        gateway.register_reader(registration_code="nope-nope", label="X", location=reader.location)
    assert "registration code" in info.value.message


def test_unknown_reader_is_a_reader_error(gateway):
    with pytest.raises(ReaderError):
        gateway.retrieve_reader("tmr_missing")


def test_approved_sale_reports_the_card(gateway, reader):
    intent, started = sale(gateway, reader)
    assert intent.payment_method_types == ("card_present",) and intent.amount == 1250
    assert started.busy and started.action.payment_intent == intent.id
    done = gateway.present_payment_method(reader.id)
    assert done.action.status is ActionStatus.SUCCEEDED and not done.busy
    paid = gateway.retrieve_intent(intent.id)
    assert paid.status is PaymentStatus.SUCCEEDED and paid.amount_received == 1250
    assert (paid.card_brand, paid.card_last4, paid.payment_method_type) == ("visa", "4242",
                                                                            "card_present")


@pytest.mark.parametrize(("number", "code", "decline_code"), [
    ("4000000000000002", "card_declined", "generic_decline"),
    ("4000000000009995", "card_declined", "insufficient_funds"),
    ("4000000000009987", "card_declined", "lost_card"),
    ("4000000000009979", "card_declined", "stolen_card"),
    ("4000000000000069", "expired_card", "expired_card"),
    ("4000000000000119", "processing_error", "processing_error"),
])
def test_each_decline(gateway, reader, number, code, decline_code):
    intent, _ = sale(gateway, reader)
    done = gateway.present_payment_method(reader.id, number=number)
    assert (done.action.status, done.action.failure_code) == (ActionStatus.FAILED, code)
    assert done.action.failure_message
    after = gateway.retrieve_intent(intent.id)
    assert after.status is PaymentStatus.REQUIRES_PAYMENT_METHOD
    assert after.last_error_code == decline_code


def test_cancel_on_the_till(gateway, reader):
    intent, _ = sale(gateway, reader)
    canceled = gateway.cancel_reader_action(reader.id)
    assert canceled.action.status is ActionStatus.FAILED and not canceled.busy
    assert gateway.retrieve_intent(intent.id).status is PaymentStatus.REQUIRES_PAYMENT_METHOD


def test_customer_cancels_on_the_reader(gateway, reader, faults):
    faults.customer_cancel(reader.id)
    sale(gateway, reader)
    seen = gateway.retrieve_reader(reader.id)
    assert (seen.action.status, seen.action.failure_code) == (ActionStatus.FAILED,
                                                             "customer_canceled")


def test_offline_reader(gateway, reader, faults):
    faults.reader_offline(reader.id, duration_ms=60_000)
    assert gateway.retrieve_reader(reader.id).status is ReaderStatus.OFFLINE
    with pytest.raises(ReaderOffline) as info:
        sale(gateway, reader)
    assert info.value.code == "terminal_reader_offline" and "offline" in info.value.message


def test_busy_reader(gateway, reader):
    sale(gateway, reader)
    with pytest.raises(ReaderBusy) as info:
        sale(gateway, reader)
    assert info.value.code == "terminal_reader_busy"


def test_busy_fault(gateway, reader, faults):
    faults.reader_busy(reader.id)
    with pytest.raises(ReaderBusy):
        gateway.set_reader_display(reader.id, lines=[], tax=0, total=100, currency="usd")


def test_timeout_fault_keeps_the_action_in_progress(gateway, reader, faults):
    faults.reader_timeout(reader.id)
    sale(gateway, reader)
    assert gateway.present_payment_method(reader.id).busy
    assert gateway.retrieve_reader(reader.id).busy
    assert not gateway.cancel_reader_action(reader.id).busy


def test_tip_then_capture(gateway, reader):
    intent, _ = sale(gateway, reader, manual_capture=True, tipping=True)
    assert intent.capture_method == "manual"
    gateway.present_payment_method(reader.id, amount_tip=200)
    held = gateway.retrieve_intent(intent.id)
    assert held.status is PaymentStatus.REQUIRES_CAPTURE
    assert (held.amount, held.amount_capturable, held.amount_tip) == (1450, 1450, 200)
    captured = gateway.capture_intent(intent.id, amount_to_capture=1450, idempotency_key=key("cap"))
    assert captured.status is PaymentStatus.SUCCEEDED and captured.amount_received == 1450


def test_no_tipping_skips_the_tip(gateway, reader):
    intent, _ = sale(gateway, reader, tipping=False)
    gateway.present_payment_method(reader.id, amount_tip=200)
    assert gateway.retrieve_intent(intent.id).amount == 1250


def test_amounts_are_converted_to_stripes_scale(gateway, reader, server):
    location = gateway.create_location(display_name="Budapest", address={**ADDRESS, "country": "HU"})
    hu = gateway.register_reader(registration_code="simulated-s700", label="HU", location=location.id)
    intent, _ = sale(gateway, hu, amount=20000, currency="huf")  # 20,000 Ft
    assert server.state.get("payment_intent", intent.id)["amount"] == 2_000_000
    assert intent.amount == 20000


def test_capture_of_an_unknown_intent(gateway):
    with pytest.raises(IntentNotFound):
        gateway.capture_intent("pi_missing", amount_to_capture=None, idempotency_key=key("cap"))


def test_interac_refund_on_the_reader(gateway, reader):
    intent, _ = sale(gateway, reader, currency="cad")
    assert intent.payment_method_types == ("card_present", "interac_present")
    gateway.present_payment_method(reader.id, interac=True, currency="cad")
    paid = gateway.retrieve_intent(intent.id)
    assert paid.status is PaymentStatus.SUCCEEDED and paid.payment_method_type == "interac_present"
    assert paid.card_brand == "interac"
    waiting = gateway.refund_on_reader(reader.id, payment_intent=intent.id, amount=500,
                                       currency="cad", idempotency_key=key("refund"))
    assert waiting.busy and waiting.action.type == "refund_payment"
    done = gateway.present_payment_method(reader.id, interac=True, currency="cad")
    assert done.action.status is ActionStatus.SUCCEEDED and done.action.refund
    assert gateway.retrieve_refund(done.action.refund).amount == 500
    assert gateway.retrieve_intent(intent.id).amount_refunded == 500


def test_cad_with_tips_captures_cards_later_and_interac_at_once(gateway, reader):
    card, _ = sale(gateway, reader, currency="cad", manual_capture=True, tipping=True)
    gateway.present_payment_method(reader.id, amount_tip=100, currency="cad")
    assert gateway.retrieve_intent(card.id).status is PaymentStatus.REQUIRES_CAPTURE
    interac, _ = sale(gateway, reader, currency="cad", manual_capture=True)
    gateway.present_payment_method(reader.id, interac=True, currency="cad")
    assert gateway.retrieve_intent(interac.id).status is PaymentStatus.SUCCEEDED


def test_cart_on_the_reader(gateway, reader, server):
    shown = gateway.set_reader_display(reader.id, lines=[
        DisplayLine(description="Coffee", quantity=2, amount=700),
        DisplayLine(description="Bagel", quantity=1, amount=300)], tax=80, total=1080,
        currency="usd")
    assert shown.action.type == "set_reader_display" and not shown.busy
    cart = server.state.get("terminal.reader", reader.id)["action"]["set_reader_display"]["cart"]
    assert (cart["total"], cart["tax"], [i["description"] for i in cart["line_items"]]) == \
        (1080, 80, ["Coffee", "Bagel"])


#: The smallest restricted key a till with a reader needs (docs/stripe.md lists it).
TILL_PERMISSIONS = {"payment_intents": "write", "payment_methods": "read", "charges": "read",
                    "refunds": "write", "terminal_readers": "write", "terminal_locations": "read"}


def test_the_tills_restricted_key_is_enough_for_a_reader_sale(server, gateway, reader):
    restricted = server.state.keys.create_restricted(TILL_PERMISSIONS)
    limited = StripeGateway(restricted, server.publishable_key, api_base=server.url, max_network_retries=0)
    assert [loc.id for loc in limited.list_locations()]
    limited.set_reader_display(reader.id, lines=[], tax=0, total=1250, currency="usd")
    intent, _ = sale(limited, reader, manual_capture=True, tipping=True)
    limited.present_payment_method(reader.id, amount_tip=100)
    limited.capture_intent(intent.id, amount_to_capture=None, idempotency_key=key("cap"))
    assert limited.retrieve_intent(intent.id).card_last4 == "4242"
    refund = limited.refund(payment_intent=intent.id, amount=None, currency="usd", reason=None,
                            idempotency_key=key("refund"))
    assert refund.amount == 1350
    fewer = server.state.keys.create_restricted({**TILL_PERMISSIONS, "terminal_readers": "read"})
    with pytest.raises(AuthenticationFailed):
        StripeGateway(fewer, server.publishable_key, api_base=server.url,
                      max_network_retries=0).cancel_reader_action(reader.id)

