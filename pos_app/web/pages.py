"""The endpoint's two pages: /checkout (the card form) and /display (the customer's screen).

/checkout is embedded in the till's payment dialog; /display is the customer-facing second
screen. Both are server-rendered; their JS and CSS are static files
under resources/web/static, and their data sits in a JSON block, so the CSP forbids inline script.
"""

from __future__ import annotations

from flask import Blueprint, current_app, redirect, render_template, request
from werkzeug.exceptions import Unauthorized

from pos_app.domain.money import Money, currency_digits, format_money
from pos_app import i18n
from pos_app.i18n import N_, _
from pos_app.payments.outcome_messages import page_messages
from pos_app.web import context
from pos_app.web.security import TOKEN_QUERY, set_token_cookie, token_matches

bp = Blueprint("pages", __name__)

#: The scripts' own words (checkout.js, display.js): handed to the page in the till's language, in the
#: JSON block "page-texts", keyed by the English text the script writes (which it shows when a text is missing).
PAGE_TEXTS = (
    N_("The card form could not load (Stripe.js is unreachable). Check the connection and try again."),
    N_("Enter the card number, expiry date and CVC."), N_("Payment cancelled"),
    N_("Nothing was charged. The cart can be changed again."), N_("The card needs extra authentication. Try again."),
    N_("The payment is processing. Check the order history before trying again."),
    N_("The payment was not completed. Try again or use another card."), N_("Paid"), N_("Order"),
    N_("Thank you!"), N_("Please follow the instructions to pay"), N_("Reconnecting…"),
)


@bp.app_context_processor
def page_texts() -> dict:
    """Every page's template gets its scripts' texts ({} in English: the scripts' own words)."""
    return {"page_texts": {text: _(text) for text in PAGE_TEXTS} if i18n.translating() else {}}


def _swap_token_for_cookie():
    """?token=... -> 303 to the same path without it, with the HttpOnly cookie set."""
    if not token_matches(request.args.get(TOKEN_QUERY)):
        raise Unauthorized("a valid token is required")
    response = redirect(request.path, code=303)
    set_token_cookie(response)
    return response


def _money(amount: int, currency: str) -> str:
    return format_money(Money(amount, currency), context.local().settings.locale)


@bp.get("/checkout")
def checkout_page():
    if TOKEN_QUERY in request.args:
        return _swap_token_for_cookie()
    settings = context.local().settings
    payment = context.checkout().current_payment()
    common = {"mode": settings.mode, "shop_name": settings.shop_name,
              "stripe_js_url": current_app.config["STRIPE_JS_URL"]}
    if payment is None:
        return render_template("checkout.html", payment=None, **common)
    currency = payment.currency
    lines = [{"sku": l["sku"], "name": l["name"], "qty": l["qty"],
              "unit_price": _money(l["unit_price"], currency), "line_total": _money(l["line_total"], currency)}
             for l in payment.lines]
    amount_text = _money(payment.amount, currency)
    config = {
        "publishableKey": payment.publishable_key,
        "clientSecret": payment.client_secret,
        "paymentIntent": payment.payment_intent,
        "amount": payment.amount,
        "currency": currency,
        "amountText": amount_text,
        "completeUrl": "/checkout/complete",
        "abandonUrl": "/checkout/abandon",
        "messages": page_messages(),  # the cashier's words per outcome; Stripe's message is never shown
    }
    return render_template(
        "checkout.html", payment=payment, lines=lines, amount_text=amount_text,
        subtotal_text=_money(payment.subtotal, currency), tax_text=_money(payment.tax, currency),
        config=config, **common)


@bp.get("/display")
def display_page():
    if TOKEN_QUERY in request.args:
        return _swap_token_for_cookie()
    settings = context.local().settings
    config = {"cartUrl": "/cart", "currency": settings.currency, "digits": currency_digits(settings.currency),
              "locale": settings.locale.replace("_", "-"), "pollMs": 1000}
    return render_template("display.html", config=config, shop_name=settings.shop_name, mode=settings.mode)
