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
from pos_app.domain.order import card_brand_name
from pos_app.domain.tenders import TenderKind
from pos_app.store.tenders import Tender


@dataclass(frozen=True)
class ReceiptLine:
    name: str
    qty: int
    unit_price: str  # formatted, e.g. "$4.50"
    amount: str


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


def receipt_for(order: Order, settings: Settings, *, tenders: Sequence[Tender] = (), copy: bool = False) -> Receipt:
    """The receipt of a paid order as the shop prints it."""
    def money(amount: int) -> str:
        return printable(format_money(Money(amount, order.currency), settings.locale))

    taxes = tuple((f"Tax {rate / 100:g}%", money(tax)) for rate, tax in order.tax_by_rate) or (
        ("Tax", money(order.tax)),)
    return Receipt(
        shop_name=settings.shop_name, shop_address=tuple(settings.shop_address.splitlines()), number=order.number,
        when=datetime.fromtimestamp(order.created_at).strftime("%Y-%m-%d %H:%M"), terminal_id=settings.terminal_id,
        lines=tuple(ReceiptLine(line.name, line.qty, money(line.unit_price), money(line.line_total))
                    for line in order.lines),
        subtotal=money(order.subtotal), taxes=taxes, total=money(order.total),
        tenders=tenders_of(order, money, tenders), change=_change(tenders, money),
        training=settings.mode == TRAINING, copy=copy)


def tenders_of(order: Order, money: Callable[[int], str], tenders: Sequence[Tender] = ()) -> tuple[ReceiptTender, ...]:
    """The sale's tenders as receipt lines: each paid tender (cash as handed over, card parts with their
    PaymentIntent), or, for a sale paid wholly by one card, that card for the whole total."""
    paid = [t for t in tenders if t.paid]
    if not paid:
        return (ReceiptTender(_card_label(order.card_brand, order.card_last4), money(order.total),
                              order.payment_intent or ""),)
    return tuple(ReceiptTender("Cash", money(t.tendered or t.amount)) if t.kind == TenderKind.CASH
                 else ReceiptTender(_card_label(t.card_brand, t.card_last4), money(t.amount), t.payment_intent or "")
                 for t in paid)


def _card_label(brand_code: str | None, last4: str | None) -> str:
    brand = card_brand_name(brand_code)
    return f"{brand} **** {last4}" if last4 else brand


def _change(tenders: Sequence[Tender], money: Callable[[int], str]) -> str | None:
    change = sum(t.change or 0 for t in tenders if t.paid and t.kind == TenderKind.CASH)
    return money(change) if change else None


def printable(text: str) -> str:
    """Babel's no-break spaces as plain ones: receipt printers' code pages may not have them."""
    return text.replace("\u00a0", " ").replace("\u202f", " ")
