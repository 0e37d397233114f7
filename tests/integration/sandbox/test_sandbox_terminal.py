"""Stripe Terminal in the sandbox: locations, simulated readers, reader actions and the simulated tap,
over real HTTP with stripe-python as the till uses it."""

from __future__ import annotations

import pytest
import stripe

from pos_app.sandbox import SandboxState, create_sandbox_app
from pos_app.sandbox.faults import FaultControl

from .sandbox_helpers import TEST_SECRET_KEY

ADDRESS = {"line1": "1 Main St", "city": "Springfield", "state": "IL", "postal_code": "62701",
           "country": "US"}


@pytest.fixture
def faults(server) -> FaultControl:
    return FaultControl(server.url, TEST_SECRET_KEY)


@pytest.fixture
def location(api):
    return api.terminal.locations.create(params={"display_name": "Front shop", "address": ADDRESS})


@pytest.fixture
def reader(api, location):
    return api.terminal.readers.create(params={"registration_code": "simulated-wpe",
                                               "label": "Till 1", "location": location.id})


def present_intent(api, amount=1000, currency="usd", **extra):
    params = {"amount": amount, "currency": currency, "payment_method_types": ["card_present"],
              **extra}
    return api.payment_intents.create(params=params)


def tap(api, reader_id, number="4242424242424242", **extra):
    return api.test_helpers.terminal.readers.present_payment_method(
        reader_id, params={"type": "card_present", "card_present": {"number": number}, **extra})


def start(api, reader, pi, **config):
    params = {"payment_intent": pi.id}
    if config:
        params["process_config"] = config
    return api.terminal.readers.process_payment_intent(reader.id, params=params)


# ------------------------------------------------------------------------- setup objects


def test_location_has_stripes_shape_and_lists(api, location):
    assert location.object == "terminal.location" and location.id.startswith("tml_")
    assert location.display_name == "Front shop" and location.address.city == "Springfield"
    assert location.livemode is False and location.metadata.to_dict() == {}
    assert [loc.id for loc in api.terminal.locations.list().data] == [location.id]
    assert api.terminal.locations.retrieve(location.id).id == location.id


def test_simulated_codes_make_simulated_readers(api, location):
    wpe = api.terminal.readers.create(params={"registration_code": "simulated-wpe",
                                              "label": "A", "location": location.id})
    s700 = api.terminal.readers.create(params={"registration_code": "simulated-s700",
                                               "label": "B", "location": location.id})
    assert (wpe.device_type, s700.device_type) == ("simulated_wisepos_e", "simulated_stripe_s700")
    assert wpe.object == "terminal.reader" and wpe.id.startswith("tmr_")
    assert wpe.status == "online" and wpe.action is None and wpe.location == location.id
    assert wpe.serial_number and wpe.serial_number != s700.serial_number
    listed = api.terminal.readers.list(params={"location": location.id}).data
    assert [r.label for r in listed] == ["B", "A"]  # newest first


def test_any_other_registration_code_is_refused(api, location):
    with pytest.raises(stripe.InvalidRequestError) as info:
        api.terminal.readers.create(params={"registration_code": "sepia-cerulean-aqua",
                                            "label": "X", "location": location.id})
    assert info.value.http_status == 400 and info.value.param == "registration_code"


def test_unknown_reader_is_404(api):
    with pytest.raises(stripe.InvalidRequestError) as info:
        api.terminal.readers.retrieve("tmr_nope")
    assert info.value.http_status == 404 and info.value.code == "resource_missing"


def test_readers_survive_a_restart(tmp_path, clock):
    state = SandboxState(tmp_path / "sandbox.sqlite3", clock=clock)
    wire = create_sandbox_app(state).test_client()
    auth = {"Authorization": f"Bearer {state.keys.secret}"}
    loc = wire.post("/v1/terminal/locations", headers=auth, data={
        "display_name": "Shop", **{f"address[{k}]": v for k, v in ADDRESS.items()}}).json
    made = wire.post("/v1/terminal/readers", headers=auth, data={
        "registration_code": "simulated-s700", "label": "Till", "location": loc["id"]}).json
    state.close()
    again = SandboxState(tmp_path / "sandbox.sqlite3", clock=clock)
    wire = create_sandbox_app(again).test_client()
    got = wire.get(f"/v1/terminal/readers/{made['id']}", headers=auth).json
    assert (got["label"], got["device_type"]) == ("Till", "simulated_stripe_s700")


# ------------------------------------------------------------------------------ payments


def test_intent_with_card_present_and_manual_capture_is_accepted(api):
    pi = present_intent(api, capture_method="manual")
    assert pi.payment_method_types == ["card_present"] and pi.capture_method == "manual"
    assert "card_present" in pi.payment_method_options


def test_interac_is_for_cad_only(api):
    with pytest.raises(stripe.InvalidRequestError) as info:
        present_intent(api, payment_method_types=["card_present", "interac_present"])
    assert info.value.param == "payment_method_types"
    cad = present_intent(api, currency="cad", payment_method_types=["card_present", "interac_present"])
    assert cad.payment_method_types == ["card_present", "interac_present"]


def test_approved_tap_succeeds_and_the_charge_shows_the_card(api, reader):
    pi = present_intent(api)
    started = start(api, reader, pi, enable_customer_cancellation=True)
    assert started.action.type == "process_payment_intent"
    assert started.action.status == "in_progress"
    assert started.action.process_payment_intent.payment_intent == pi.id
    done = tap(api, reader.id)
    assert done.action.status == "succeeded" and done.action.failure_code is None
    paid = api.payment_intents.retrieve(pi.id, params={"expand": ["latest_charge"]})
    assert paid.status == "succeeded" and paid.amount_received == 1000
    details = paid.latest_charge.payment_method_details
    assert details.type == "card_present"
    assert (details.card_present.brand, details.card_present.last4) == ("visa", "4242")


DECLINES = [("4000000000000002", "card_declined", "generic_decline"),
            ("4000000000009995", "card_declined", "insufficient_funds"),
            ("4000000000009987", "card_declined", "lost_card"),
            ("4000000000009979", "card_declined", "stolen_card"),
            ("4000000000000069", "expired_card", "expired_card"),
            ("4000000000000119", "processing_error", "processing_error")]


@pytest.mark.parametrize(("number", "code", "decline_code"), DECLINES)
def test_declined_tap_fails_the_action_and_reopens_the_intent(api, reader, number, code,
                                                              decline_code):
    pi = present_intent(api)
    start(api, reader, pi)
    done = tap(api, reader.id, number)
    assert (done.action.status, done.action.failure_code) == ("failed", code)
    after = api.payment_intents.retrieve(pi.id)
    assert after.status == "requires_payment_method"
    assert after.last_payment_error.decline_code == decline_code
    start(api, reader, pi)  # the same PaymentIntent may be tried with another card
    assert tap(api, reader.id).action.status == "succeeded"


def test_tip_with_manual_capture_is_authorized_then_captured(api, reader):
    pi = present_intent(api, capture_method="manual")
    start(api, reader, pi, tipping={"amount_eligible": 1000})
    tap(api, reader.id, amount_tip=150)
    held = api.payment_intents.retrieve(pi.id)
    assert held.status == "requires_capture"
    assert (held.amount, held.amount_capturable, held.amount_details.tip.amount) == (1150, 1150, 150)
    captured = api.payment_intents.capture(pi.id, params={"amount_to_capture": 1150})
    assert captured.status == "succeeded" and captured.amount_received == 1150


def test_skip_tipping_ignores_a_tip(api, reader):
    pi = present_intent(api)
    start(api, reader, pi, skip_tipping=True)
    tap(api, reader.id, amount_tip=150)
    assert api.payment_intents.retrieve(pi.id).amount == 1000


def test_declined_tap_drops_the_tip(api, reader):
    pi = present_intent(api, capture_method="manual")
    start(api, reader, pi)
    tap(api, reader.id, "4000000000000002", amount_tip=150)
    assert api.payment_intents.retrieve(pi.id).amount == 1000


def test_a_keyed_card_intent_cannot_go_to_the_reader(api, reader):
    pi = api.payment_intents.create(params={"amount": 1000, "currency": "usd",
                                            "payment_method_types": ["card"]})
    with pytest.raises(stripe.InvalidRequestError) as info:
        start(api, reader, pi)
    assert info.value.code == "payment_intent_invalid_parameter"


def test_a_paid_intent_cannot_be_processed_again(api, reader):
    pi = present_intent(api)
    start(api, reader, pi)
    tap(api, reader.id)
    with pytest.raises(stripe.InvalidRequestError) as info:
        start(api, reader, pi)
    assert info.value.code == "payment_intent_unexpected_state"


def test_a_keyed_card_cannot_pay_a_card_present_intent(api):
    pi = present_intent(api)
    with pytest.raises(stripe.InvalidRequestError) as info:
        api.payment_intents.confirm(pi.id, params={"payment_method": "pm_card_visa"})
    assert info.value.code == "payment_intent_incompatible_payment_method"


def test_a_reader_with_an_action_in_progress_is_busy(api, reader):
    start(api, reader, present_intent(api))
    with pytest.raises(stripe.InvalidRequestError) as info:
        start(api, reader, present_intent(api))
    assert info.value.code == "terminal_reader_busy"


def test_cancel_action_fails_the_action_and_frees_the_reader(api, reader):
    pi = present_intent(api)
    start(api, reader, pi)
    canceled = api.terminal.readers.cancel_action(reader.id)
    assert (canceled.action.status, canceled.action.failure_code) == ("failed", "canceled")
    assert api.payment_intents.retrieve(pi.id).status == "requires_payment_method"
    start(api, reader, pi)  # free again


def test_present_without_an_action_is_refused(api, reader):
    with pytest.raises(stripe.InvalidRequestError):
        tap(api, reader.id)


def test_set_reader_display_shows_the_cart(api, reader):
    shown = api.terminal.readers.set_reader_display(reader.id, params={
        "type": "cart", "cart": {"currency": "usd", "tax": 80, "total": 1080, "line_items": [
            {"description": "Coffee", "amount": 500, "quantity": 2}]}})
    assert shown.action.type == "set_reader_display" and shown.action.status == "succeeded"
    cart = shown.action.set_reader_display.cart
    assert (cart.total, cart.tax, cart.line_items[0].description) == (1080, 80, "Coffee")
    start(api, reader, present_intent(api))  # a display doesn't keep the reader busy


def test_interac_is_refunded_on_the_reader(api, reader):
    pi = present_intent(api, currency="cad", payment_method_types=["card_present", "interac_present"],
                        capture_method="automatic")
    start(api, reader, pi)
    api.test_helpers.terminal.readers.present_payment_method(reader.id,
                                                             params={"type": "interac_present"})
    paid = api.payment_intents.retrieve(pi.id, params={"expand": ["latest_charge"]})
    assert paid.status == "succeeded"
    assert paid.latest_charge.payment_method_details.type == "interac_present"
    waiting = api.terminal.readers.refund_payment(reader.id, params={"payment_intent": pi.id,
                                                                     "amount": 400})
    assert (waiting.action.type, waiting.action.status) == ("refund_payment", "in_progress")
    assert api.refunds.list(params={"payment_intent": pi.id}).data == []  # not until the tap
    done = api.test_helpers.terminal.readers.present_payment_method(
        reader.id, params={"type": "interac_present"})
    assert done.action.status == "succeeded"
    [refund] = api.refunds.list(params={"payment_intent": pi.id}).data
    assert refund.amount == 400 and done.action.refund_payment.refund == refund.id


def test_interac_with_manual_capture_is_refused(api):
    with pytest.raises(stripe.InvalidRequestError) as info:
        present_intent(api, currency="cad", capture_method="manual",
                       payment_method_types=["card_present", "interac_present"])
    assert info.value.param == "capture_method"


def test_manual_preferred_captures_cards_later_and_interac_at_once(api, reader):
    options = {"card_present": {"capture_method": "manual_preferred"}}
    types = ["card_present", "interac_present"]
    card = present_intent(api, currency="cad", payment_method_types=types,
                          payment_method_options=options)
    start(api, reader, card)
    tap(api, reader.id)
    assert api.payment_intents.retrieve(card.id).status == "requires_capture"
    interac = present_intent(api, currency="cad", payment_method_types=types,
                             payment_method_options=options)
    start(api, reader, interac)
    api.test_helpers.terminal.readers.present_payment_method(reader.id,
                                                             params={"type": "interac_present"})
    assert api.payment_intents.retrieve(interac.id).status == "succeeded"


def test_reader_posts_are_idempotent(api, reader):
    pi = present_intent(api)
    key = {"idempotency_key": "process-1"}
    first = api.terminal.readers.process_payment_intent(reader.id, params={"payment_intent": pi.id},
                                                        options=key)
    again = api.terminal.readers.process_payment_intent(reader.id, params={"payment_intent": pi.id},
                                                        options=key)
    assert again.last_response.headers["Idempotent-Replayed"] == "true"
    assert again.action.status == first.action.status == "in_progress"  # no terminal_reader_busy


# --------------------------------------------------------------------------------- faults


def test_offline_reader_shows_offline_and_refuses_actions(api, reader, faults):
    faults.reader_offline(reader.id, duration_ms=60_000)
    assert api.terminal.readers.retrieve(reader.id).status == "offline"
    with pytest.raises(stripe.InvalidRequestError) as info:
        start(api, reader, present_intent(api))
    assert info.value.code == "terminal_reader_offline"
    faults.clear()
    assert api.terminal.readers.retrieve(reader.id).status == "online"


def test_offline_for_a_number_of_requests(api, reader, faults):
    faults.reader_offline(reader.id, times=1)
    pi = present_intent(api)
    with pytest.raises(stripe.InvalidRequestError):
        start(api, reader, pi)
    assert start(api, reader, pi).action.status == "in_progress"


def test_busy_fault_answers_terminal_reader_busy(api, reader, faults):
    faults.reader_busy(reader.id)
    pi = present_intent(api)
    with pytest.raises(stripe.InvalidRequestError) as info:
        start(api, reader, pi)
    assert info.value.code == "terminal_reader_busy"
    assert start(api, reader, pi).action.status == "in_progress"  # once only


def test_customer_cancel_fails_the_action_at_the_next_look(api, reader, faults):
    faults.customer_cancel(reader.id)
    pi = present_intent(api)
    started = start(api, reader, pi)
    assert started.action.status == "in_progress"
    assert not [k for k in started.action.to_dict() if k.startswith("_")]  # the plan is not shown
    seen = api.terminal.readers.retrieve(reader.id)
    assert (seen.action.status, seen.action.failure_code) == ("failed", "customer_canceled")
    assert api.payment_intents.retrieve(pi.id).status == "requires_payment_method"


def test_timeout_keeps_the_action_in_progress_until_canceled(api, reader, faults):
    faults.reader_timeout(reader.id)
    pi = present_intent(api)
    start(api, reader, pi)
    assert tap(api, reader.id).action.status == "in_progress"  # the tap never arrives
    assert api.terminal.readers.retrieve(reader.id).action.status == "in_progress"
    assert api.payment_intents.retrieve(pi.id).status == "requires_payment_method"
    assert api.terminal.readers.cancel_action(reader.id).action.status == "failed"


def test_restricted_key_needs_the_terminal_permissions(server, api, reader):
    key = server.state.keys.create_restricted({"payment_intents": "write"})
    limited = stripe.StripeClient(key, base_addresses={"api": server.url}, max_network_retries=0)
    with pytest.raises(stripe.PermissionError) as info:
        limited.v1.terminal.readers.retrieve(reader.id)
    assert "rak_terminal_reader_read" in str(info.value)
    allowed = server.state.keys.create_restricted({"terminal_readers": "read"})
    ok = stripe.StripeClient(allowed, base_addresses={"api": server.url}, max_network_retries=0)
    assert ok.v1.terminal.readers.retrieve(reader.id).id == reader.id


def test_refund_on_the_reader_is_checked_before_the_reader_waits(api, reader):
    pi = present_intent(api, currency="cad", payment_method_types=["card_present", "interac_present"])
    start(api, reader, pi)
    api.test_helpers.terminal.readers.present_payment_method(reader.id,
                                                             params={"type": "interac_present"})
    with pytest.raises(stripe.InvalidRequestError) as info:
        api.terminal.readers.refund_payment(reader.id, params={"payment_intent": pi.id,
                                                               "amount": 1001})
    assert info.value.code == "amount_too_large"
    assert api.terminal.readers.retrieve(reader.id).action.type == "process_payment_intent"


def test_a_tap_after_the_intent_was_canceled_takes_no_money(api, reader):
    pi = present_intent(api)
    start(api, reader, pi)
    api.payment_intents.cancel(pi.id)
    done = tap(api, reader.id)
    assert (done.action.status, done.action.failure_code) == ("failed",
                                                              "payment_intent_unexpected_state")
    after = api.payment_intents.retrieve(pi.id)
    assert after.status == "canceled" and after.latest_charge is None
