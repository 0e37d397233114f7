"""The journal end to end: each sale, tender, refund, cash movement, drawer opening and shift close is an
entry written with its change, the chain verifies, and the Z names its own entry."""

from __future__ import annotations

import pytest

from pos_app.cash_office import ShiftService
from pos_app.devices import CashDrawer
from pos_app.domain import Money
from pos_app.shift_reports import shift_report_text
from pos_app.store import DrawerReason

from .test_tenders import fill, pay_part


def entries(till, since_seq: int = 0) -> list:
    return [e for e in till.store.journal.entries() if e.seq > since_seq]


def test_a_split_sale_its_refund_and_the_close_are_journalled_in_order(till, sandbox):
    shifts = ShiftService(till.store, CashDrawer(till.store.drawer), "till-7", "usd")
    start = till.store.journal.head().seq  # the fixture's shift_open
    fill(till, item1=1, item3=2)  # $35.00
    till.checkout.take_cash(1000)
    _, order = pay_part(till, sandbox)
    till.checkout.refund(order.id, 500)  # back to the card part
    shifts.paid_in(Money(2000, "usd"), "change from the bank")
    z = shifts.close(Money(3000, "usd"))

    kinds = [e.type for e in entries(till, start)]
    assert kinds[:2] == ["tender", "cash"]  # the cash tender, then its sale movement
    assert "sale" in kinds and kinds.index("sale") > kinds.index("tender_status")
    assert kinds[-4:] == ["cash", "drawer_open", "drawer_open", "shift_close"]  # paid in, its drawer, the count
    sale = next(e for e in entries(till, start) if e.type == "sale")
    assert sale.payload["order"] == order.number and sale.payload["total"] == 3500
    assert [line["sku"] for line in sale.payload["lines"]] == ["item1", "item3"]
    refund = next(e for e in entries(till, start) if e.type == "refund")
    assert refund.payload["amount"] == 500 and refund.payload["order"] == order.number
    assert any(e.type == "refund_status" and e.payload["to"] == "succeeded" for e in entries(till, start))

    close = entries(till, start)[-1]
    assert close.payload["counted"] == 3000 and close.payload["expected"] == z.expected_cash
    assert (z.journal_seq, z.journal_hash) == (close.seq, close.hash)
    assert f"Journal entry {close.seq} {close.hash[:16]}" in " ".join(shift_report_text(z).split())
    assert till.store.journal.verify().ok
    assert all("secret" not in str(e.payload) for e in entries(till))


def test_a_sale_that_rolls_back_leaves_no_entry_and_no_gap_in_the_receipt_numbers(till, monkeypatch):
    """The journal append joins the sale's unit of work. A fault after it (injected: the drawer opening
    row failing, a mock because a disk can't be made to fail at that exact write) takes it back too."""
    fill(till, item1=1)
    before = till.store.journal.head().seq

    def broken(*args, **kwargs):
        raise RuntimeError("the disk failed writing the cash movement")

    monkeypatch.setattr(till.store.cash, "record", broken)
    with pytest.raises(RuntimeError):
        till.checkout.take_cash(2000)
    assert till.store.journal.head().seq == before and till.store.orders.count() == 0
    monkeypatch.undo()
    assert till.checkout.take_cash(2000).order.number == "000001"  # receipt numbers stay gap-free


def test_a_voided_cart_and_a_no_sale_are_journalled(till):
    start = till.store.journal.head().seq
    fill(till, item1=2)
    uuid = till.carts.snapshot().uuid
    till.carts.clear()
    CashDrawer(till.store.drawer).open(DrawerReason.NO_SALE, shift_id=None)
    void, drawer = entries(till, start)[-2:]
    assert (void.type, void.payload) == ("cart_void", {"cart_uuid": uuid, "lines": {"item1": 2}})
    assert (drawer.type, drawer.payload["reason"]) == ("drawer_open", "no_sale")


def test_discounts_given_show_on_the_day_and_shift_reports(till):
    """An order discount taken through the cart's terms: the reports say what was given off the prices."""
    from datetime import date

    from pos_app.domain.discounts import Discount, DiscountKind
    from pos_app.reports import build_report, report_csv, report_text
    from pos_app.selling.terms import CartTerms
    from pos_app.staff import StaffService, TillSession

    session = TillSession(StaffService(till.store, "till-7"))
    session.staff.ensure_demo_users()
    session.login("1234")
    fill(till, item1=4)  # $20.00
    CartTerms(till.store, session, limit_bp=1000).discount(Discount(DiscountKind.AMOUNT, 250, "loyal customer"))
    order = till.checkout.take_cash(2000).order
    assert (order.total, order.discount) == (1750, 250)

    day = build_report(till.store.orders, date.today(), "usd", tenders=till.store.tenders)
    assert (day.discounts_count, day.discounts_total) == (1, 250)
    assert "Discounts:     1           -$2.50" in report_text(day)
    assert "summary,discounts,1,250,2.50,usd" in report_csv(day)
    shift = ShiftService(till.store, CashDrawer(till.store.drawer), "till-7", "usd").x_report()
    assert (shift.discounts_count, shift.discounts_total) == (1, 250)
    assert "Discounts given 1 -$2.50" in " ".join(shift_report_text(shift).split())
