"""PaymentIntents through stripe-python: create, retrieve, update, confirm, cancel, list."""

from __future__ import annotations

import pytest
import stripe


PI_FIELDS = {"id", "object", "amount", "amount_capturable", "amount_received", "currency",
             "status", "client_secret", "payment_method", "payment_method_types",
             "capture_method", "confirmation_method", "created", "livemode", "metadata",
             "description", "last_payment_error", "next_action", "latest_charge",
             "cancellation_reason", "canceled_at", "receipt_email"}


def new_pi(api, **params):
    return api.payment_intents.create(params={"amount": 1234, "currency": "usd", **params})


def test_create_has_stripes_shape(api, clock):
    pi = new_pi(api, metadata={"cart_uuid": "c1"}, description="Till 1")
    assert set(pi.to_dict()) >= PI_FIELDS
    assert pi.object == "payment_intent" and pi.id.startswith("pi_")
    assert pi.client_secret.startswith(f"{pi.id}_secret_")
    assert (pi.status, pi.amount, pi.currency) == ("requires_payment_method", 1234, "usd")
    assert pi.amount_received == 0 and pi.livemode is False
    assert pi.created == clock.now
    assert pi.payment_method_types == ["card"] and pi.capture_method == "automatic"
    assert pi.metadata.to_dict() == {"cart_uuid": "c1"} and pi.description == "Till 1"


def test_retrieve_returns_the_same_object(api):
    pi = new_pi(api)
    again = api.payment_intents.retrieve(pi.id)
    assert again.id == pi.id and again.client_secret == pi.client_secret


def test_create_with_payment_method_requires_confirmation(api):
    pi = new_pi(api, payment_method="pm_card_visa")
    assert pi.status == "requires_confirmation"
    assert pi.payment_method.startswith("pm_") and pi.payment_method != "pm_card_visa"


def test_confirm_succeeds_and_creates_a_charge(api):
    pi = new_pi(api)
    pi = api.payment_intents.confirm(pi.id, params={"payment_method": "pm_card_visa",
                                                    "expand": ["latest_charge"]})
    assert pi.status == "succeeded"
    assert pi.amount_received == 1234
    charge = pi.latest_charge
    assert charge.id.startswith("ch_") and charge.status == "succeeded" and charge.paid
    assert charge.payment_intent == pi.id
    card = charge.payment_method_details.card
    assert (card.brand, card.last4, card.exp_month) == ("visa", "4242", 12)
    assert charge.amount_refunded == 0 and charge.refunded is False


def test_create_with_confirm_true(api):
    pi = new_pi(api, confirm=True, payment_method_data={"type": "card", "card": {"token": "tok_mastercard"}},
                expand=["payment_method"])
    assert pi.status == "succeeded"
    assert pi.payment_method.card.brand == "mastercard"


def test_confirm_uses_the_attached_payment_method(api):
    pi = new_pi(api, payment_method="pm_card_mastercard")
    assert api.payment_intents.confirm(pi.id).status == "succeeded"


def test_confirm_without_payment_method_is_400(api):
    pi = new_pi(api)
    with pytest.raises(stripe.InvalidRequestError) as excinfo:
        api.payment_intents.confirm(pi.id)
    assert excinfo.value.http_status == 400


def test_failed_attempt_returns_to_requires_payment_method_and_can_be_retried(api):
    pi = new_pi(api)
    with pytest.raises(stripe.CardError) as excinfo:
        api.payment_intents.confirm(pi.id, params={"payment_method": "pm_card_chargeDeclined"})
    assert excinfo.value.error.payment_intent.id == pi.id
    failed = api.payment_intents.retrieve(pi.id)
    assert failed.status == "requires_payment_method"
    assert failed.last_payment_error.code == "card_declined"
    assert failed.last_payment_error.decline_code == "generic_decline"
    assert failed.payment_method is None
    retried = api.payment_intents.confirm(pi.id, params={"payment_method": "pm_card_visa"})
    assert retried.status == "succeeded" and retried.last_payment_error is None


def test_succeeded_refuses_a_second_confirm(api):
    pi = new_pi(api, confirm=True, payment_method="pm_card_visa")
    with pytest.raises(stripe.InvalidRequestError) as excinfo:
        api.payment_intents.confirm(pi.id, params={"payment_method": "pm_card_visa"})
    assert excinfo.value.code == "payment_intent_unexpected_state"


def test_update_amount_metadata_and_description(api):
    pi = new_pi(api, metadata={"keep": "1", "drop": "2"})
    pi = api.payment_intents.update(pi.id, params={
        "amount": 2000, "metadata": {"drop": "", "new": "3"}, "description": "changed"})
    assert pi.amount == 2000
    assert pi.metadata.to_dict() == {"keep": "1", "new": "3"}
    assert pi.description == "changed"
    assert api.payment_intents.retrieve(pi.id).amount == 2000


def test_update_payment_method_moves_to_requires_confirmation(api):
    pi = new_pi(api)
    pi = api.payment_intents.update(pi.id, params={"payment_method": "pm_card_visa"})
    assert pi.status == "requires_confirmation"


def test_update_amount_of_succeeded_is_refused_but_metadata_is_fine(api):
    pi = new_pi(api, confirm=True, payment_method="pm_card_visa")
    with pytest.raises(stripe.InvalidRequestError) as excinfo:
        api.payment_intents.update(pi.id, params={"amount": 99})
    assert excinfo.value.code == "payment_intent_unexpected_state"
    assert api.payment_intents.update(pi.id, params={"metadata": {"order": "7"}}).metadata.to_dict() == {
        "order": "7"}


@pytest.mark.parametrize("setup", ["fresh", "with_pm", "requires_action"])
def test_cancel_from_open_states(api, setup):
    params = {"fresh": {}, "with_pm": {"payment_method": "pm_card_visa"},
              "requires_action": {"payment_method": "pm_card_threeDSecure2Required",
                                  "confirm": True}}[setup]
    pi = new_pi(api, **params)
    canceled = api.payment_intents.cancel(pi.id, params={"cancellation_reason": "abandoned"})
    assert canceled.status == "canceled"
    assert canceled.cancellation_reason == "abandoned"
    assert canceled.canceled_at is not None and canceled.next_action is None


def test_cancel_without_reason(api):
    canceled = api.payment_intents.cancel(new_pi(api).id)
    assert canceled.status == "canceled" and canceled.cancellation_reason is None


def test_cancel_with_unknown_reason_is_400(api):
    with pytest.raises(stripe.InvalidRequestError) as excinfo:
        api.payment_intents.cancel(new_pi(api).id, params={"cancellation_reason": "bored"})
    assert excinfo.value.param == "cancellation_reason"


def test_succeeded_refuses_cancel(api):
    pi = new_pi(api, confirm=True, payment_method="pm_card_visa")
    with pytest.raises(stripe.InvalidRequestError) as excinfo:
        api.payment_intents.cancel(pi.id)
    assert excinfo.value.http_status == 400
    assert excinfo.value.code == "payment_intent_unexpected_state"
    assert api.payment_intents.retrieve(pi.id).status == "succeeded"


def test_canceled_is_final(api):
    pi = new_pi(api)
    api.payment_intents.cancel(pi.id)
    with pytest.raises(stripe.InvalidRequestError):
        api.payment_intents.cancel(pi.id)
    with pytest.raises(stripe.InvalidRequestError):
        api.payment_intents.confirm(pi.id, params={"payment_method": "pm_card_visa"})


def test_list_is_newest_first_with_limit_and_has_more(api, clock):
    ids = []
    for _ in range(5):
        ids.append(new_pi(api).id)
        clock.advance(10)
    page = api.payment_intents.list(params={"limit": 2})
    assert [p.id for p in page.data] == ids[::-1][:2]
    assert page.has_more is True
    assert [p.id for p in page.auto_paging_iter()] == ids[::-1]


def test_list_cursors(api):
    ids = [new_pi(api).id for _ in range(5)]   # same second: creation order breaks the tie
    newest_first = ids[::-1]
    after = api.payment_intents.list(params={"limit": 2, "starting_after": newest_first[1]})
    assert [p.id for p in after.data] == newest_first[2:4] and after.has_more
    before = api.payment_intents.list(params={"limit": 2, "ending_before": newest_first[3]})
    assert [p.id for p in before.data] == newest_first[1:3] and before.has_more
    last = api.payment_intents.list(params={"limit": 10, "ending_before": newest_first[1]})
    assert [p.id for p in last.data] == newest_first[:1] and not last.has_more


def test_list_created_filters(api, clock):
    early = new_pi(api)
    clock.advance(3600)
    middle = new_pi(api)
    clock.advance(3600)
    late = new_pi(api)

    def listed(created):
        return [p.id for p in api.payment_intents.list(params={"created": created}).data]

    assert listed({"gte": middle.created}) == [late.id, middle.id]
    assert listed({"gt": middle.created}) == [late.id]
    assert listed({"lt": middle.created}) == [early.id]
    assert listed({"gte": early.created, "lte": middle.created}) == [middle.id, early.id]
    assert listed(middle.created) == [middle.id]


def test_list_limit_bounds(api):
    with pytest.raises(stripe.InvalidRequestError) as excinfo:
        api.payment_intents.list(params={"limit": 101})
    assert excinfo.value.param == "limit"


def test_list_expand_data_fields(api):
    new_pi(api, confirm=True, payment_method="pm_card_visa")
    page = api.payment_intents.list(params={"expand": ["data.latest_charge"]})
    assert page.data[0].latest_charge.object == "charge"


def test_unexpandable_field_is_400(api):
    with pytest.raises(stripe.InvalidRequestError) as excinfo:
        api.payment_intents.retrieve(new_pi(api).id, params={"expand": ["customer"]})
    assert excinfo.value.param == "expand"
