"""Make real sales in training mode for the after-sale suites (history, refunds, report, CLI).

A sale goes the way the till makes it: the cart, CheckoutService.prepare, the card confirmed
with the publishable key only (as Stripe.js in the page would), then finalize.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from pathlib import Path

from pos_app.config import Settings
from pos_app.core import AppCore
from pos_app.domain import Order
from pos_app.testing.plugin import ensure_open_shift
from pos_app.testing.staff import log_in
from tests.integration.payments.helpers import VISA, confirm_as_browser


@contextlib.contextmanager
def training_till(data_dir: Path, database_url: str = "") -> Iterator[AppCore]:
    """A started training till on `data_dir` with the demo manager logged in; stopped afterwards
    (a test may stop it itself first: closing the day). database_url: a shop database (else SQLite)."""
    settings = Settings.load(environ={}, env_file=None).with_(data_dir=data_dir, database_url=database_url)
    core = AppCore(settings).start()
    try:
        log_in(core.open())
        yield core
    finally:
        core.stop()


def sell(core: AppCore, lines: dict[str, int], card: str = VISA) -> Order:
    """Sell `lines` ({sku: qty}) on a started core through the sandbox; the recorded Order.

    The card is confirmed as the page does, with what it is given: the payments context's sandbox
    URL and publishable key. A shift is opened (float 0) if none is: a till sells only within one."""
    prepared = _charge(core, lines)
    result = confirm_as_browser(core.start_services(), prepared.client_secret, card)
    assert result.get("status") == "succeeded", result
    order = core.start_services().checkout.finalize(prepared.payment_intent)
    assert isinstance(order, Order), order
    return order


def _charge(core: AppCore, lines: dict[str, int]):
    local = core.open()
    ensure_open_shift(local.store, local.settings)
    local.carts.replace(lines)
    return core.start_services().checkout.prepare()


def pay_without_order(core: AppCore, lines: dict[str, int], card: str = VISA) -> str:
    """A payment the card processor took but the till never recorded (the till died before
    finalize): the PaymentIntent id."""
    prepared = _charge(core, lines)
    result = confirm_as_browser(core.start_services(), prepared.client_secret, card)
    assert result.get("status") == "succeeded", result
    return prepared.payment_intent


TAXED_ITEMS = (("wine", "House Wine", 1200, 2000), ("bread", "Sourdough Loaf", 450, 500),
               ("soap", "Olive Soap", 375, 2000))


def add_taxed_items(store) -> None:
    """Items with two tax rates (20 % and 5 %), so receipts and reports have tax by rate."""
    from pos_app.domain import Item, Money
    store.catalogue.upsert([Item(sku, name, Money(price, store.catalogue.currency), category="Taxed",
                                 tax_rate_bp=rate) for sku, name, price, rate in TAXED_ITEMS])
