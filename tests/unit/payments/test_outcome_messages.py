"""The cashier's message for each payment outcome: every decline code Stripe documents has its own
(none falls through to the fallback), the most specific key wins, and no Stripe developer text."""

from __future__ import annotations

import gettext

import pytest

from pos_app import i18n
from pos_app.payments import outcome_messages as om

# docs.stripe.com/declines/codes (the decline_code of a card_error)
STRIPE_DECLINE_CODES = (
    "authentication_required approve_with_id call_issuer card_not_supported card_velocity_exceeded "
    "currency_not_supported do_not_honor do_not_try_again duplicate_transaction expired_card fraudulent "
    "generic_decline incorrect_number incorrect_cvc incorrect_pin incorrect_zip insufficient_funds "
    "invalid_account invalid_amount invalid_cvc invalid_expiry_month invalid_expiry_year invalid_number "
    "invalid_pin issuer_not_available lost_card merchant_blacklist new_account_information_available "
    "no_action_taken not_permitted offline_pin_required online_or_offline_pin_required pickup_card "
    "pin_try_exceeded processing_error reenter_transaction restricted_card revocation_of_all_authorizations "
    "revocation_of_authorization security_violation service_not_allowed stolen_card stop_payment_order "
    "testmode_decline transaction_not_allowed try_again_later withdrawal_count_exceeded").split()


@pytest.mark.parametrize("decline_code", STRIPE_DECLINE_CODES)
def test_every_documented_decline_code_has_a_message_of_its_own(decline_code):
    assert decline_code in om.OUTCOMES
    assert om.outcome_message(decline_code, "card_declined", "card_error") != om.FALLBACK


def test_lost_stolen_and_fraud_read_as_a_plain_decline():
    for code in ("lost_card", "stolen_card", "fraudulent", "pickup_card", "merchant_blacklist"):
        assert om.outcome_message(code, "card_declined") == om.DECLINED


def test_the_most_specific_key_wins_and_unknown_ones_fall_back():
    assert om.outcome_message("insufficient_funds", "card_declined", "card_error") == om.NO_FUNDS
    assert om.outcome_message(None, "expired_card", "card_error") == om.EXPIRED
    assert om.outcome_message("", "", "api_connection_error") == om.NO_CONNECTION
    assert om.outcome_message(None, "payment_intent_authentication_failure") == om.NOT_AUTHENTICATED
    assert om.outcome_message("processing_error") == om.TRY_AGAIN
    assert om.outcome_message("something_new", "also_new", "card_error") == om.FALLBACK
    assert om.outcome_message() == om.FALLBACK


def test_no_message_is_stripe_developer_text():
    for text in {*om.OUTCOMES.values(), om.FALLBACK}:
        assert "PaymentMethod" not in text and "payment_method" not in text and "_" not in text


class _Upper(gettext.NullTranslations):
    def gettext(self, message):
        return message.upper()


def test_messages_go_through_the_translation(monkeypatch):
    monkeypatch.setattr(i18n, "_active", _Upper())  # a stand-in catalogue: every text in capitals
    assert om.outcome_message("lost_card") == om.DECLINED.upper()
    table = om.page_messages()
    assert table["insufficient_funds"] == om.NO_FUNDS.upper() and table["_default"] == om.FALLBACK.upper()
    assert set(table) == {*om.OUTCOMES, "_default"}
