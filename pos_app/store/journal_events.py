"""What the journal says of each stored change: the payloads the repositories append (no rules).

Money as integers in minor units with its currency; card brand and last 4 digits at most (what a
receipt shows), never a card number, a client secret or a key.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from pos_app.domain.order import Order

if TYPE_CHECKING:
    from pos_app.store.cash_office import CashRecord, DrawerOpening, Shift
    from pos_app.store.tenders import Tender


def sale_event(order: Order) -> dict[str, object]:
    return {"order": order.number, "currency": order.currency, "subtotal": order.subtotal, "tax": order.tax,
            "total": order.total, "discount": order.discount, "cart_uuid": order.cart_uuid,
            "payment_intent": order.payment_intent, "card_brand": order.card_brand, "card_last4": order.card_last4,
            "lines": [{"sku": line.sku, "qty": line.qty, "unit_price": line.unit_price, "list_price": line.list_price,
                       "discount": line.discount, "line_total": line.line_total, "tax_rate_bp": line.tax_rate_bp}
                      for line in order.lines]}


def tender_event(tender: Tender) -> dict[str, object]:
    return {"tender": tender.id, "cart_uuid": tender.cart_uuid, "part": tender.part, "kind": tender.kind.value,
            "status": tender.status.value, "amount": tender.amount, "currency": tender.currency,
            "tendered": tender.tendered, "change": tender.change, "shift": tender.shift_id,
            **({"reader": tender.reader_id} if tender.reader_id else {})}


def cash_event(record: CashRecord) -> dict[str, object]:
    return {"shift": record.shift_id, "kind": record.movement.kind.value, "amount": record.movement.amount,
            "currency": record.currency, "reason": record.reason, "order": record.order_id,
            "reference": record.reference}


def drawer_event(opening: DrawerOpening) -> dict[str, object]:
    return {"reason": opening.reason.value, "shift": opening.shift_id, "order": opening.order_id,
            "device": opening.device, "kicked": opening.kicked}


def shift_event(shift: Shift) -> dict[str, object]:
    event: dict[str, object] = {"shift": shift.number, "currency": shift.currency, "float": shift.float_amount}
    if not shift.open:
        event["counted"] = shift.counted_cash
    return event
