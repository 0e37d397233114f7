"""Card numbers: Stripe's documented test cards, the Luhn check, brands, expiry, fingerprints.

Only test card numbers are ever accepted, so the sandbox never holds anything about a real card: a
Luhn-valid number that is not a test card is refused at tokenization as Stripe's test mode does
(card_declined / test_mode_live_card). A PaymentMethod keeps brand, last4, expiry, a fingerprint
(a salted hash) and the name of the test behaviour; never the number or the CVC.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass

from pos_app.sandbox.errors import StripeError


@dataclass(frozen=True)
class Outcome:
    """What confirming a PaymentIntent with the card does."""

    name: str
    code: str | None = None           # None = the charge succeeds
    decline_code: str | None = None
    message: str = ""
    three_d_secure: bool = False
    cvc_check: str = "pass"


SUCCEEDS = Outcome("succeeds")
THREE_D_SECURE = Outcome("three_d_secure", three_d_secure=True)


def _decline(name, code, decline_code, message, cvc_check="pass") -> Outcome:
    return Outcome(name, code=code, decline_code=decline_code, message=message, cvc_check=cvc_check)


GENERIC_DECLINE = _decline("generic_decline", "card_declined", "generic_decline",
                           "Your card was declined.")

#: number -> (brand, outcome): stripe-facts.md's table plus a few other documented success cards.
TEST_CARDS: dict[str, tuple[str, Outcome]] = {
    "4242424242424242": ("visa", SUCCEEDS),
    "4000056655665556": ("visa", SUCCEEDS),
    "5555555555554444": ("mastercard", SUCCEEDS),
    "2223003122003222": ("mastercard", SUCCEEDS),
    "5200828282828210": ("mastercard", SUCCEEDS),
    "378282246310005": ("amex", SUCCEEDS),
    "6011111111111117": ("discover", SUCCEEDS),
    "3566002020360505": ("jcb", SUCCEEDS),
    "4000000000000002": ("visa", GENERIC_DECLINE),
    "4000000000009995": ("visa", _decline("insufficient_funds", "card_declined", "insufficient_funds",
                                          "Your card has insufficient funds.")),
    "4000000000009987": ("visa", _decline("lost_card", "card_declined", "lost_card",
                                          "Your card was declined.")),
    "4000000000009979": ("visa", _decline("stolen_card", "card_declined", "stolen_card",
                                          "Your card was declined.")),
    "4000000000000069": ("visa", _decline("expired_card", "expired_card", "expired_card",
                                          "Your card has expired.")),
    "4000000000000127": ("visa", _decline("incorrect_cvc", "incorrect_cvc", "incorrect_cvc",
                                          "Your card's security code is incorrect.",
                                          cvc_check="fail")),
    "4000000000000119": ("visa", _decline("processing_error", "processing_error",
                                          "processing_error",
                                          "An error occurred while processing your card. "
                                          "Try again in a little bit.")),
    "4000002760003184": ("visa", THREE_D_SECURE),
    "4000000000003220": ("visa", THREE_D_SECURE),
}

OUTCOMES = {outcome.name: outcome for _, outcome in TEST_CARDS.values()}

#: Stripe's test PaymentMethod ids (pm_card_visa ...) -> the card number they stand for.
TEST_PAYMENT_METHODS = {
    "pm_card_visa": "4242424242424242",
    "pm_card_visa_debit": "4000056655665556",
    "pm_card_mastercard": "5555555555554444",
    "pm_card_mastercard_debit": "5200828282828210",
    "pm_card_amex": "378282246310005",
    "pm_card_chargeDeclined": "4000000000000002",
    "pm_card_chargeDeclinedInsufficientFunds": "4000000000009995",
    "pm_card_chargeDeclinedLostCard": "4000000000009987",
    "pm_card_chargeDeclinedStolenCard": "4000000000009979",
    "pm_card_chargeDeclinedExpiredCard": "4000000000000069",
    "pm_card_chargeDeclinedIncorrectCvc": "4000000000000127",
    "pm_card_chargeDeclinedProcessingError": "4000000000000119",
    "pm_card_authenticationRequired": "4000002760003184",
    "pm_card_threeDSecure2Required": "4000000000003220",
}

#: Stripe's debit test cards (the rest are credit cards).
DEBIT_CARDS = frozenset({"4000056655665556", "5200828282828210"})

#: Stripe's test tokens (card[token]=tok_visa): the same cards as the test PaymentMethods.
TEST_TOKENS = {"tok_" + name[len("pm_card_"):]: number for name, number in TEST_PAYMENT_METHODS.items()}


@dataclass(frozen=True)
class CardDetails:
    """What a PaymentMethod may keep of a card."""

    brand: str
    last4: str
    exp_month: int
    exp_year: int
    fingerprint: str
    outcome: Outcome
    cvc_provided: bool
    funding: str = "credit"


def card_error(code: str, message: str, param: str | None = None,
               decline_code: str | None = None) -> StripeError:
    return StripeError(402, "card_error", message, code=code, param=param, decline_code=decline_code)


def luhn_valid(number: str) -> bool:
    total = 0
    for i, ch in enumerate(reversed(number)):
        digit = int(ch)
        if i % 2 == 1:
            digit = digit * 2 - 9 if digit > 4 else digit * 2
        total += digit
    return total % 10 == 0


def brand_of(number: str) -> str:
    if number.startswith("4"):
        return "visa"
    if number[:2] in ("34", "37"):
        return "amex"
    if 51 <= int(number[:2]) <= 55 or 2221 <= int(number[:4]) <= 2720:
        return "mastercard"
    if number.startswith(("6011", "65")) or 644 <= int(number[:3]) <= 649:
        return "discover"
    if 3528 <= int(number[:4]) <= 3589:
        return "jcb"
    return "unknown"


def fingerprint(number: str, salt: str) -> str:
    return hashlib.sha256(f"{salt}:{number}".encode()).hexdigest()[:16]


def tokenize(number: str, exp_month: int, exp_year: int, cvc: str | None, *, today: dt.date,
             salt: str, param_prefix: str = "card") -> CardDetails:
    """Check a keyed card like Stripe does at tokenization; the number goes no further than here."""
    number = number.replace(" ", "").replace("-", "")
    if not number.isdigit() or not 12 <= len(number) <= 19:
        raise card_error("invalid_number", "Your card number is not a valid credit card number.",
                         f"{param_prefix}[number]")
    if not luhn_valid(number):
        raise card_error("incorrect_number", "Your card number is incorrect.",
                         f"{param_prefix}[number]")
    if exp_year < 100:
        exp_year += 2000
    if not 1 <= exp_month <= 12:
        raise card_error("invalid_expiry_month", "Your card's expiration month is invalid.",
                         f"{param_prefix}[exp_month]")
    if exp_year < today.year or exp_year > today.year + 50:
        raise card_error("invalid_expiry_year", "Your card's expiration year is invalid.",
                         f"{param_prefix}[exp_year]")
    if exp_year == today.year and exp_month < today.month:
        raise card_error("invalid_expiry_month", "Your card's expiration month is invalid.",
                         f"{param_prefix}[exp_month]")
    brand = brand_of(number)
    if cvc is not None:
        cvc_len = 4 if brand == "amex" else 3
        if not cvc.isdigit() or len(cvc) != cvc_len:
            raise card_error("invalid_cvc", "Your card's security code is invalid.",
                             f"{param_prefix}[cvc]")
    test_card = TEST_CARDS.get(number)
    if test_card is None:
        raise card_error("card_declined",
                         "Your card was declined. Your request was in test mode, but used a non "
                         "test (live) card. For a list of valid test cards, visit: "
                         "https://stripe.com/docs/testing.", decline_code="test_mode_live_card")
    brand, outcome = test_card
    return CardDetails(brand=brand, last4=number[-4:], exp_month=exp_month, exp_year=exp_year,
                       funding="debit" if number in DEBIT_CARDS else "credit",
                       fingerprint=fingerprint(number, salt), outcome=outcome,
                       cvc_provided=cvc is not None)
