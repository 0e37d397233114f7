"""What the cashier is told about a card payment that did not go through: one message per outcome.

Stripe's `message` is written for developers ("The provided PaymentMethod has failed
authentication. You can provide payment_method_data…") and may say more than a customer should
hear (lost_card, stolen_card, fraudulent: Stripe asks that these be shown as a plain decline). So
nothing shows it: the checkout page and the payment dialog look the outcome up here, by Stripe's
decline_code first, then its error code, then its error type, and show the text found (or the
fallback). The table is pure data over Stripe's documented codes (docs.stripe.com/declines/codes,
docs.stripe.com/error-codes); the page gets it as JSON (`page_messages()`), translated when the
page is rendered.
"""

from __future__ import annotations

from pos_app.i18n import N_, _

DECLINED = N_("Card declined. Ask for another card.")
NO_FUNDS = N_("Card declined: not enough funds or over its limit. Ask for another card.")
EXPIRED = N_("The card has expired or the expiry date is wrong. Check the date, or use another card.")
BAD_CVC = N_("The security code (CVC) is wrong. Key it again.")
BAD_NUMBER = N_("The card number is wrong. Key it again.")
BAD_POSTAL = N_("The postal code does not match the card. Check it, or use another card.")
NEEDS_PIN = N_("This card needs its PIN: use the card reader, or another card.")
TRY_AGAIN = N_("The card could not be processed. Try again; if it fails again, use another card.")
CALL_BANK = N_("Card declined: the customer's bank wants to hear from them. Ask for another card.")
NOT_ACCEPTED = N_("This card can't be used for this sale. Ask for another card.")
DUPLICATE = N_("Declined as a repeat of a recent payment. Check the sale history before trying again.")
NOT_AUTHENTICATED = N_("The card was not authenticated (3-D Secure). Try again, or use another card.")
INCOMPLETE = N_("The card details are incomplete: key in the number, expiry date and CVC.")
NUMBER_INCOMPLETE = N_("The card number is incomplete.")
EXPIRY_INCOMPLETE = N_("The expiry date is incomplete.")
CVC_INCOMPLETE = N_("The security code (CVC) is incomplete.")
NO_CONNECTION = N_("The card processor could not be reached. Check the connection and try again.")
PROCESSING = N_("The payment is still processing. Check the sale history before trying again.")
FALLBACK = N_("The payment did not go through. Try again, or use another card.")

#: Stripe's decline codes, error codes and error types -> the cashier's message (untranslated).
OUTCOMES: dict[str, str] = {
    # decline codes that say no more than "declined" (Stripe: never tell lost/stolen/fraud apart)
    **dict.fromkeys((
        "generic_decline", "do_not_honor", "do_not_try_again", "fraudulent", "lost_card", "stolen_card",
        "pickup_card", "merchant_blacklist", "restricted_card", "security_violation", "service_not_allowed",
        "stop_payment_order", "transaction_not_allowed", "not_permitted", "revocation_of_authorization",
        "revocation_of_all_authorizations", "no_action_taken", "new_account_information_available",
        "invalid_account", "testmode_decline", "card_declined", "invalid_amount"), DECLINED),
    **dict.fromkeys(("insufficient_funds", "card_velocity_exceeded", "withdrawal_count_exceeded"), NO_FUNDS),
    **dict.fromkeys(("expired_card", "invalid_expiry_month", "invalid_expiry_year", "invalid_expiry_year_past",
                     "invalid_expiry_month_past"), EXPIRED),
    **dict.fromkeys(("incorrect_cvc", "invalid_cvc"), BAD_CVC),
    **dict.fromkeys(("incorrect_number", "invalid_number"), BAD_NUMBER),
    **dict.fromkeys(("incorrect_zip", "incomplete_zip", "postal_code_invalid"), BAD_POSTAL),
    **dict.fromkeys(("incorrect_pin", "invalid_pin", "pin_try_exceeded", "offline_pin_required",
                     "online_or_offline_pin_required"), NEEDS_PIN),
    **dict.fromkeys(("processing_error", "try_again_later", "issuer_not_available", "reenter_transaction",
                     "approve_with_id", "api_error", "rate_limit_error", "lock_timeout"), TRY_AGAIN),
    "call_issuer": CALL_BANK,
    **dict.fromkeys(("card_not_supported", "currency_not_supported"), NOT_ACCEPTED),
    "duplicate_transaction": DUPLICATE,
    # 3-D Secure failed or was never completed
    **dict.fromkeys(("payment_intent_authentication_failure", "authentication_required",
                     "requires_action"), NOT_AUTHENTICATED),
    # the card form's own checks (Stripe.js validation_error codes)
    "incomplete_number": NUMBER_INCOMPLETE, "incomplete_expiry": EXPIRY_INCOMPLETE,
    "incomplete_cvc": CVC_INCOMPLETE, "incomplete": INCOMPLETE,
    # the network, Stripe.js itself, the page's confirm call
    **dict.fromkeys(("api_connection_error", "confirm_failed", "stripe_js_unavailable"), NO_CONNECTION),
    "processing": PROCESSING,
}


def outcome_message(decline_code: str | None = None, code: str | None = None,
                    error_type: str | None = None) -> str:
    """The cashier's message (translated) for a failed payment, most specific key first."""
    for key in (decline_code, code, error_type):
        if key and key in OUTCOMES:
            return _(OUTCOMES[key])
    return _(FALLBACK)


def page_messages() -> dict[str, str]:
    """The whole table, translated, for the checkout page's JSON config ("_default": the fallback)."""
    return {**{key: _(text) for key, text in OUTCOMES.items()}, "_default": _(FALLBACK)}
