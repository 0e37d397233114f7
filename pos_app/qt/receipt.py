"""Receipt HTML for an Order: what the dialog shows now, and what printing/PDF/history reuse later.

Qt's rich text understands a subset of HTML 4 and CSS; keep to tables, <b>, <small>, inline styles.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from html import escape

from pos_app.config import TRAINING, Settings
from pos_app.devices.receipt import line_terms, order_discount_row, tax_label
from pos_app.domain import Money, Order, format_money
from pos_app.domain.order import card_brand_name
from pos_app.domain.tenders import TenderKind
from pos_app.i18n import _
from pos_app.store import Tender


def receipt_html(order: Order, settings: Settings, mode: str, tenders: Sequence[Tender] = ()) -> str:
    """The receipt of a paid order: shop, lines, totals, amount charged, and how it was paid: the card
    and PaymentIntent id, or each tender (cash handed over and change, card parts) of a sale paid by them."""
    def plain(amount: int) -> str:
        return format_money(Money(amount, order.currency), settings.locale)

    def money(amount: int) -> str:
        return escape(plain(amount))

    when = datetime.fromtimestamp(order.created_at).strftime("%Y-%m-%d %H:%M")
    rows = "".join(
        f"<tr><td>{escape(line.name)}</td><td align='right'>{line.qty} × {money(line.unit_price)}</td>"
        f"<td align='right'>{money(line.gross)}</td></tr>" + _terms_rows(line_terms(line, plain))
        for line in order.lines)
    order_row = order_discount_row(order, plain)
    rows += _terms_rows((order_row,)) if order_row else ""
    saved = (f"<tr><td colspan='2'>{escape(_('Total discount'))}</td>"
             f"<td align='right'>{money(-order.discount)}</td></tr>"
             if order.discount else "")
    tax_rows = "".join(
        f"<tr><td colspan='2'>{escape(tax_label(rate))}</td><td align='right'>{money(tax)}</td></tr>"
        for rate, tax in order.tax_by_rate) or (
        f"<tr><td colspan='2'>{escape(_('Tax'))}</td><td align='right'>{money(order.tax)}</td></tr>")
    paid_by = _tenders_html(tenders, money) if tenders else _card_html(order)
    training = (f"<p align='center' style='color:#b45309'><b>{escape(_('TRAINING — no real money was taken'))}</b></p>"
                if mode == TRAINING else "")
    address = "<br>".join(escape(part) for part in settings.shop_address.splitlines())
    return f"""
<div>
{training}
<h2 align='center' style='margin-bottom:0'>{escape(settings.shop_name)}</h2>
<p align='center' style='margin-top:2px'><small>{address}</small></p>
<p><b>{escape(_("Receipt {number}").format(
    number=order.number))}</b><br><small>{escape(when)} · {escape(settings.terminal_id)}</small></p>
<table width='100%' cellspacing='0' cellpadding='3'>
{rows}
<tr><td colspan='3'><hr></td></tr>
<tr><td colspan='2'>{escape(_("Subtotal"))}</td><td align='right'>{money(order.subtotal)}</td></tr>
{tax_rows}
<tr><td colspan='2'><b>{escape(_("Amount charged"))}</b></td><td align='right'><b>{money(order.total)}</b></td></tr>
{saved}
</table>
{paid_by}
</div>
"""


def _terms_rows(rows: Sequence[tuple[str, str]]) -> str:
    """A sold line's override and discount (or the sale's discount), small, under it."""
    return "".join(f"<tr><td colspan='2'><small>{escape(label)}</small></td><td align='right'><small>"
                   f"{escape(amount)}</small></td></tr>" for label, amount in rows)


def _card_html(order: Order) -> str:
    brand = _(card_brand_name(order.card_brand))
    card = f"{brand} •••• {order.card_last4}" if order.card_last4 else brand
    return (f"<p>{escape(_('Paid by {card}').format(card=card))}<br><small>"
            f"{escape(_('Payment {id}').format(id=order.payment_intent or ''))}</small></p>")


def _tenders_html(tenders: Sequence[Tender], money) -> str:
    """One row per paid tender (the cash handed over and the change given; the card and its payment)."""
    rows = []
    for tender in tenders:
        if not tender.paid:
            continue
        if tender.kind == TenderKind.CASH:
            rows.append(f"<tr><td colspan='2'>{escape(_('Cash'))}</td>"
                        f"<td align='right'>{money(tender.tendered or 0)}</td></tr>")
            if tender.change:
                rows.append(f"<tr><td colspan='2'><b>{escape(_('Change'))}</b></td>"
                            f"<td align='right'><b>{money(tender.change)}"
                            f"</b></td></tr>")
            if tender.received != tender.amount:
                rows.append(f"<tr><td colspan='2'><small>{escape(_('Cash rounding'))}</small></td>"
                            f"<td align='right'><small>"
                            f"{money(tender.received - tender.amount)}</small></td></tr>")
        else:
            brand = _(card_brand_name(tender.card_brand))
            card = f"{brand} •••• {tender.card_last4}" if tender.card_last4 else brand
            rows.append(f"<tr><td colspan='2'>{escape(card)}<br><small>"
                        f"{escape(_('Payment {id}').format(id=tender.payment_intent or ''))}</small></td>"
                        f"<td align='right'>{money(tender.amount)}</td></tr>")
            if tender.tip:  # added on the reader: charged to the card with the part, not part of the sale
                rows.append(f"<tr><td colspan='2'>{escape(_('Tip'))}</td>"
                            f"<td align='right'>{money(tender.tip)}</td></tr>")
    return f"<p>{escape(_('Paid by'))}</p><table width='100%' cellspacing='0' cellpadding='3'>{''.join(rows)}</table>"
