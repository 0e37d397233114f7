"""Receipt: what a paper receipt says, built from an Order and the shop's settings.

The receipt printer renders this (escpos_receipt.py); it holds text and minor units only, so
rendering needs neither the store nor the settings. The tenders part is data: one
ReceiptTender per tender, and the change given, so a sale paid by several tenders prints
them all (tenders_of() is the one place that reads them off the order).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime

from pos_app.config import TRAINING, Settings
from pos_app.domain import Money, Order, format_money
from pos_app.domain.order import OrderLine, card_brand_name
from pos_app.domain.tenders import TenderKind
from pos_app.i18n import _
from pos_app.store.tenders import Tender


@dataclass(frozen=True)
class ReceiptLine:
    name: str
    qty: int
    unit_price: str  # formatted, e.g. "$4.50"
    amount: str  # its gross (before discounts)
    terms: tuple[tuple[str, str], ...] = ()  # its override and discount rows: ("Discount: dented", "-$0.30")


@dataclass(frozen=True)
class ReceiptTender:
    label: str  # "Visa **** 4242", "Cash"
    amount: str
    reference: str = ""  # the PaymentIntent of a card tender, printed small under it


@dataclass(frozen=True)
class Receipt:
    shop_name: str
    shop_address: tuple[str, ...]
    number: str  # the order number
    when: str  # "2024-05-01 14:03"
    terminal_id: str
    lines: tuple[ReceiptLine, ...]
    subtotal: str
    taxes: tuple[tuple[str, str], ...]  # ("Tax 8.25%", "$0.74"), one per rate
    total: str
    tenders: tuple[ReceiptTender, ...]
    change: str | None = None  # the change given, when a cash tender was more than due
    training: bool = False
    copy: bool = False  # a reprint
    order_discount: tuple[str, str] | None = None  # ("10% off the sale: staff", "-$1.90")
    discount_total: str | None = None  # every discount together, when there is any


def receipt_for(order: Order, settings: Settings, *, tenders: Sequence[Tender] = (), copy: bool = False) -> Receipt:
    """The receipt of a paid order as the shop prints it."""
    def money(amount: int) -> str:
        return printable(format_money(Money(amount, order.currency), settings.locale))

    taxes = tuple((tax_label(rate), money(tax)) for rate, tax in order.tax_by_rate) or (
        (_("Tax"), money(order.tax)),)
    return Receipt(
        shop_name=settings.shop_name, shop_address=tuple(settings.shop_address.splitlines()), number=order.number,
        when=datetime.fromtimestamp(order.created_at).strftime("%Y-%m-%d %H:%M"), terminal_id=settings.terminal_id,
        lines=tuple(ReceiptLine(line.name, line.qty, money(line.unit_price), money(line.gross), line_terms(line, money))
                    for line in order.lines),
        subtotal=money(order.subtotal), taxes=taxes, total=money(order.total),
        tenders=tenders_of(order, money, tenders), change=_change(tenders, money),
        training=settings.mode == TRAINING, copy=copy, order_discount=order_discount_row(order, money),
        discount_total=money(-order.discount) if order.discount else None)


def tax_label(rate: int) -> str:
    """'Tax 8.25%' for a rate in hundredths of a percent (825)."""
    return _("Tax {rate}%").format(rate=f"{rate / 100:g}")


def discount_label(kind: str, value: int, reason: str, money: Callable[[int], str], whole_sale: bool = False) -> str:
    """'10% off: dented' or '$1.00 off the sale: regular' (one wording for the screen and the paper)."""
    size = f"{value / 100:g}%" if kind == "percent" else money(value)
    if whole_sale:
        return _("{size} off the sale: {reason}").format(size=size, reason=reason)
    return _("{size} off: {reason}").format(size=size, reason=reason)


def line_terms(line: OrderLine, money: Callable[[int], str]) -> tuple[tuple[str, str], ...]:
    """The rows under a sold line: its override (with the price it replaced) and its own discount."""
    rows = []
    if line.list_price is not None:
        rows.append((_("Price was {price}: {reason}").format(
            price=money(line.list_price), reason=line.override_reason), ""))
    if line.line_discount:
        rows.append((_("Discount: {reason}").format(reason=line.discount_reason), money(-line.line_discount)))
    return tuple(rows)


def order_discount_row(order: Order, money: Callable[[int], str]) -> tuple[str, str] | None:
    d = order.order_discount
    if d is None or not d.amount:
        return None
    return discount_label(d.kind, d.value, d.reason, money, whole_sale=True), money(-d.amount)


def tenders_of(order: Order, money: Callable[[int], str], tenders: Sequence[Tender] = ()) -> tuple[ReceiptTender, ...]:
    """The sale's tenders as receipt lines: each paid tender (cash as handed over, card parts with their
    PaymentIntent), or, for a sale paid wholly by one card, that card for the whole total."""
    paid = [t for t in tenders if t.paid]
    if not paid:
        return (ReceiptTender(_card_label(order.card_brand, order.card_last4), money(order.total),
                              order.payment_intent or ""),)
    lines = []
    for t in paid:
        if t.kind == TenderKind.CASH:
            lines.append(ReceiptTender(_("Cash"), money(t.tendered or t.amount)))
            continue
        lines.append(ReceiptTender(_card_label(t.card_brand, t.card_last4), money(t.amount), t.payment_intent or ""))
        if t.tip:  # added on the reader: charged with the card part, not part of the sale
            lines.append(ReceiptTender(_("Tip"), money(t.tip)))
    return tuple(lines)


def _card_label(brand_code: str | None, last4: str | None) -> str:
    brand = _(card_brand_name(brand_code))
    return f"{brand} **** {last4}" if last4 else brand


def _change(tenders: Sequence[Tender], money: Callable[[int], str]) -> str | None:
    change = sum(t.change or 0 for t in tenders if t.paid and t.kind == TenderKind.CASH)
    return money(change) if change else None


def printable(text: str) -> str:
    """Babel's no-break spaces as plain ones: receipt printers' code pages may not have them."""
    return text.replace("\u00a0", " ").replace("\u202f", " ")
