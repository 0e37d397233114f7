"""ShiftReport: a shift's X or Z figures, worked out from the recorded rows (never a running sum).

Cash is the float plus the shift's cash movements (domain/cash.py's expected_cash). Card is what
the shift's orders took that was not cash: an order's total less the cash its sale kept (its
`sale` movements less its `change`), so a split sale counts each part once. Card refunds are the
succeeded refunds (they go back through the card processor); those still on their way (reserved,
or 'processing' at Stripe) are shown apart as pending, and are not taken off the card net. A
shift's orders are those recorded after the previous shift's last one and after this shift
opened; a Z keeps its own last ids, so two shifts never share a sale, however close together in
time they are. A refund belongs to the shift it was made in (its row's shift_id), so one still
pending at the close is that Z's, shown as pending, and no later shift counts it when it settles.
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import asdict, dataclass, field
from typing import Any

from pos_app.domain.cash import CashKind, expected_cash, totals_by_kind
from pos_app.domain.statuses import RefundStatus
from pos_app.store.cash_office import CashRecord, Shift

X, Z = "X", "Z"


@dataclass(frozen=True)
class CashLine:
    """A paid in / paid out / drop as the report lists it."""

    kind: str
    amount: int
    reason: str
    created_at: int


@dataclass(frozen=True)
class ShiftReport:
    """One shift's report; `kind` X (the shift goes on) or Z (it closed: counted_cash is set)."""

    kind: str
    terminal_id: str
    shift_number: int
    currency: str
    opened_at: int
    closed_at: int | None
    float_amount: int
    cash_by_kind: dict[str, int]  # sale, change, refund, paid_in, paid_out, drop
    expected_cash: int
    counted_cash: int | None
    orders_count: int
    sales_total: int  # every tender
    card_sales_count: int  # orders with a card part
    card_sales_total: int
    card_refunds_count: int
    card_refunds_total: int
    last_order_id: int  # the shift's last order (or the previous shift's, when none)
    last_refund_id: int
    cash_lines: list[CashLine] = field(default_factory=list)
    order_ids: list[int] = field(default_factory=list)
    # Card refunds on their way when the report was made (a Z stored before these existed has none).
    card_refunds_pending_count: int = 0
    card_refunds_pending_total: int = 0
    pending_refund_ids: list[int] = field(default_factory=list)  # their refund rows, for the card check
    # Sales with a discount or a price below the catalogue's, and what they took off (a Z stored before: 0).
    discounts_count: int = 0
    discounts_total: int = 0
    # Tips on the card reader (issue 18): taken by card with the sale, not part of it (a Z stored before: 0).
    tips_count: int = 0
    tips_total: int = 0
    # The journal's shift_close entry (a Z only): an auditor compares its number and hash with the chain.
    journal_seq: int = 0
    journal_hash: str = ""

    @property
    def over_short(self) -> int | None:
        """Counted minus expected: positive is over, negative short; None before the count."""
        return None if self.counted_cash is None else self.counted_cash - self.expected_cash

    @property
    def card_net(self) -> int:
        return self.card_sales_total - self.card_refunds_total

    @property
    def cash_sales(self) -> int:
        """Cash kept for sales: handed over less change given."""
        return self.cash_by_kind[CashKind.SALE] - self.cash_by_kind[CashKind.CHANGE]

    def tenders(self) -> dict[str, dict[str, int | None]]:
        """Per tender: expected, counted, over/short. Card is not counted at the till: it is what
        the card processor should hold (checked against it by the report, see shift_reports.py)."""
        return {
            "cash": {"expected": self.expected_cash, "counted": self.counted_cash, "over_short": self.over_short,
                     "sales": self.cash_sales, "refunds": self.cash_by_kind[CashKind.REFUND]},
            "card": {"expected": self.card_net, "counted": None, "over_short": None,
                     "sales": self.card_sales_total, "refunds": self.card_refunds_total,
                     "refunds_pending": self.card_refunds_pending_total},
        }

    def to_dict(self) -> dict[str, Any]:
        """The report as JSON-ready data: what shifts.report stores and the endpoint answers."""
        data = asdict(self)
        data["over_short"] = self.over_short
        data["tenders"] = self.tenders()
        return data

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), sort_keys=True)

    @classmethod
    def from_json(cls, text: str) -> ShiftReport:
        data = json.loads(text)
        for derived in ("over_short", "tenders"):
            data.pop(derived, None)
        data["cash_lines"] = [CashLine(**line) for line in data["cash_lines"]]
        return cls(**data)


@dataclass(frozen=True)
class ShiftActivity:
    """What a report is built from: the shift's rows, read in one transaction."""

    shift: Shift
    movements: list[CashRecord]
    orders: list[tuple[int, int]]  # (order id, total)
    refunds: list[tuple[int, int, RefundStatus]]  # (refund row id, amount, status): the shift's card refunds
    after_order_id: int  # the previous shift's last order id (0 for the first)
    after_refund_id: int
    discounts: list[int] = field(default_factory=list)  # each discounted order's discount
    tips: list[int] = field(default_factory=list)  # each tipped card part's tip


def build_shift_report(activity: ShiftActivity, *, kind: str, counted_cash: int | None = None,
                       closed_at: int | None = None) -> ShiftReport:
    """The X (counted_cash None) or Z figures of the shift's activity."""
    shift, movements = activity.shift, activity.movements
    cash_of_order: Counter[int] = Counter()
    for record in movements:
        if record.order_id is not None and record.movement.kind in (CashKind.SALE, CashKind.CHANGE):
            sign = 1 if record.movement.kind is CashKind.SALE else -1
            cash_of_order[record.order_id] += sign * record.movement.amount
    card_parts = [total - cash_of_order[order_id] for order_id, total in activity.orders]
    card_parts = [part for part in card_parts if part > 0]
    refunds = [amount for _, amount, status in activity.refunds if status == RefundStatus.SUCCEEDED]
    pending = [(i, amount) for i, amount, status in activity.refunds
               if status in (RefundStatus.PENDING, RefundStatus.PROCESSING)]
    by_kind = totals_by_kind(r.movement for r in movements)
    return ShiftReport(
        kind=kind, terminal_id=shift.terminal_id, shift_number=shift.number, currency=shift.currency,
        opened_at=shift.opened_at, closed_at=closed_at, float_amount=shift.float_amount,
        cash_by_kind={str(k): v for k, v in by_kind.items()},
        expected_cash=expected_cash(shift.float_amount, (r.movement for r in movements)),
        counted_cash=counted_cash, orders_count=len(activity.orders),
        sales_total=sum(total for _, total in activity.orders),
        card_sales_count=len(card_parts), card_sales_total=sum(card_parts),
        card_refunds_count=len(refunds), card_refunds_total=sum(refunds),
        last_order_id=max((i for i, _ in activity.orders), default=activity.after_order_id),
        last_refund_id=max((i for i, _, _ in activity.refunds), default=activity.after_refund_id),
        cash_lines=[CashLine(str(r.movement.kind), r.movement.amount, r.reason, r.created_at) for r in movements
                    if r.movement.kind in (CashKind.PAID_IN, CashKind.PAID_OUT, CashKind.DROP)],
        order_ids=[i for i, _ in activity.orders],
        card_refunds_pending_count=len(pending), card_refunds_pending_total=sum(a for _, a in pending),
        pending_refund_ids=[i for i, _ in pending],
        discounts_count=len(activity.discounts), discounts_total=sum(activity.discounts),
        tips_count=len(activity.tips), tips_total=sum(activity.tips))
