"""Make real sales in training mode for the after-sale suites (history, refunds, report, CLI).

A sale goes the way the till makes it: the cart, CheckoutService.prepare, the card confirmed
with the publishable key only (as Stripe.js in the page would), then finalize.
"""

from __future__ import annotations

from pos_app.domain import Order
from tests.integration.payments.helpers import VISA, confirm_as_browser


def _page(services, sandbox_url: str) -> dict:
    """What the checkout page is given: the sandbox's URL and the till's publishable key."""
    return {"sandbox_url": sandbox_url, "publishable_key": services.publishable_key}


def sell(services, sandbox_url: str, lines: dict[str, int], card: str = VISA) -> Order:
    """Sell `lines` ({sku: qty}) through the sandbox; the recorded Order."""
    services.carts.replace(lines)
    prepared = services.checkout.prepare()
    result = confirm_as_browser(_page(services, sandbox_url), prepared.client_secret, card)
    assert result.get("status") == "succeeded", result
    return services.checkout.finalize(prepared.payment_intent)


def pay_without_order(services, sandbox_url: str, lines: dict[str, int], card: str = VISA) -> str:
    """A payment the card processor took but the till never recorded (the till died before
    finalize): the PaymentIntent id."""
    services.carts.replace(lines)
    prepared = services.checkout.prepare()
    result = confirm_as_browser(_page(services, sandbox_url), prepared.client_secret, card)
    assert result.get("status") == "succeeded", result
    return prepared.payment_intent


TAXED_ITEMS = (("wine", "House Wine", 1200, 2000), ("bread", "Sourdough Loaf", 450, 500),
               ("soap", "Olive Soap", 375, 2000))


def add_taxed_items(store) -> None:
    """Items with two tax rates (20 % and 5 %), so receipts and reports have tax by rate."""
    from pos_app.domain import Item, Money
    store.catalogue.upsert([Item(sku, name, Money(price, store.catalogue.currency), category="Taxed",
                                 tax_rate_bp=rate) for sku, name, price, rate in TAXED_ITEMS])
