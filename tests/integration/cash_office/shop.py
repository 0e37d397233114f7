"""A store, a recording drawer and a ShiftService over them, and sales written as the tenders code writes them."""

from __future__ import annotations

import time
import uuid

from pos_app.cash_office import ShiftService
from pos_app.devices import CashDrawer
from pos_app.domain import Order
from pos_app.domain.cash import CashKind, CashMovement
from pos_app.domain.money import Money

CURRENCY = "usd"


def usd(amount: int) -> Money:
    return Money(amount, CURRENCY)


class Kicks:
    """A drawer device that counts its kicks (the file printer's job in the devices helper's code)."""

    def __init__(self) -> None:
        self.count = 0

    def __call__(self) -> bool:
        self.count += 1
        return True


def shift_service(store, kicks: Kicks | None = None, terminal_id: str = "till-1") -> ShiftService:
    return ShiftService(store, CashDrawer(store.drawer, kick=kicks, device="test"), terminal_id, CURRENCY)


def record_sale(store, shift_id: int, total: int, *, cash_part: int = 0, tendered: int | None = None) -> Order:
    """An order of `total`, `cash_part` of it paid in cash (the rest by card): the cash handed over
    (`tendered`, default the exact part) and the change given back are recorded in the order's unit
    of work, the way a cash sale records them."""
    tendered = cash_part if tendered is None else tendered
    key = uuid.uuid4().hex
    order = Order(number="", created_at=int(time.time()), currency=CURRENCY, lines=(), subtotal=total, tax=0,
                  total=total, payment_intent=f"pi_{key}", cart_uuid=key)
    with store.unit_of_work() as work:
        order = work.orders.record(order)
        if tendered:
            work.cash.record(shift_id, CashMovement(CashKind.SALE, tendered), CURRENCY, order_id=order.id)
        if tendered > cash_part:
            work.cash.record(shift_id, CashMovement(CashKind.CHANGE, tendered - cash_part), CURRENCY,
                             order_id=order.id)
    return order


def record_cash_refund(store, shift_id: int, amount: int) -> None:
    with store.unit_of_work() as work:
        work.cash.record(shift_id, CashMovement(CashKind.REFUND, amount), CURRENCY, reason="returned goods")
