"""How much a refund of an order gives back: what is left, and what refunded lines come to (pure).

The rule (one, written down so receipts, reports and tests agree):

- A refunded line gives back what it came to: unit_price x qty, or, for a discounted line, its
  cumulative share of its line_total (after every discount) with the one rounding function, so
  its units together give back exactly what the line was sold for, never more.
- Plus its share of the tax actually charged at its rate, when prices were net of tax
  (exclusive mode). The share is cumulative per rate, with pricing's one rounding function:
  with B the base at that rate refunded before (earlier live line refunds, then the lines
  before it in this request) and b its own base, the line gives back
  round(tax x (B + b) / base) - round(tax x B / base). However the units are split across
  refunds, their shares add up to exactly the tax charged at that rate: never a cent too many
  early on, never a unit left that nothing is left for. In inclusive mode the price already
  holds the tax, so nothing is added.
- When the request (with earlier line refunds) gives back every unit sold, the amount is
  whatever is still refundable, so rounding never leaves a cent behind nor refunds one too many.
- Never more than what is left to refund, and never more units of a line than were sold.
- A refund split over a sale's tenders is one group of rows (a card part's row, the cash row),
  its lines kept on the group's first row: the units count as refunded while ANY row of the
  group is live (some of the money went back for them), and a row that failed gives back only
  its amount, which `left_to_refund` offers again; never the units (units_refunded).

The mode is read from the order itself (total == subtotal + tax means exclusive), so a later
change of the till's tax mode does not change how an old sale is refunded.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from typing import Protocol, TypedDict

from pos_app.domain.order import Order, OrderLine
from pos_app.domain.pricing import div_round_half_up
from pos_app.domain.statuses import LIVE_REFUNDS
from pos_app.errors import RefundRefused
from pos_app.i18n import _


class RefundedLine(TypedDict):
    """One line of a per-line refund, as stored with the refund."""

    sku: str
    qty: int
    amount: int


class EarlierRefund(Protocol):
    """What the rule needs of a refund already made (the store's RefundRecord is one)."""

    @property
    def amount(self) -> int: ...

    @property
    def status(self) -> str: ...

    @property
    def lines(self) -> Sequence[RefundedLine]: ...

    @property
    def group(self) -> int | None:
        """The refund the row is part of (rows split over tenders share it); None: a refund of its own."""


def refunds_taken(earlier: Sequence[EarlierRefund]) -> int:
    """What the live refunds (reserved, on their way, done) take from the order."""
    return sum(r.amount for r in earlier if r.status in LIVE_REFUNDS)


def left_to_refund(order: Order, earlier: Sequence[EarlierRefund]) -> int:
    """What can still be refunded of `order`, given its earlier refunds."""
    return order.total - refunds_taken(earlier)


def line_refund(order: Order, lines: Sequence[tuple[str, int]],
                earlier: Sequence[EarlierRefund]) -> tuple[int, list[RefundedLine]]:
    """(amount, detail) for refunding `lines` (sku, qty) of `order`; RefundRefused if it can't be."""
    wanted = _wanted(order, lines)
    returned = units_refunded(earlier)
    sold = {line.sku: line for line in order.lines}
    for sku, qty in wanted.items():
        left = sold[sku].qty - returned[sku]
        if qty > left:
            raise RefundRefused(_("only {left} of {sku} left to refund on order {number}").format(
                left=left, sku=sku, number=order.number))
    before = _refunded_base_by_rate(order, earlier)
    detail = []
    for sku, qty in wanted.items():
        line = sold[sku]
        base = line_base(line, returned[sku], qty)
        amount = _with_tax_share(order, line.tax_rate_bp, base, before[line.tax_rate_bp])
        before[line.tax_rate_bp] += base
        detail.append(RefundedLine(sku=sku, qty=qty, amount=amount))
    left = left_to_refund(order, earlier)
    amount = sum(row["amount"] for row in detail)
    everything = all(returned[line.sku] + wanted[line.sku] >= line.qty for line in order.lines)
    if everything or amount > left:
        amount = left
    if amount <= 0:
        raise RefundRefused(_("order {number} has nothing left to refund").format(number=order.number))
    return amount, detail


def line_amount(order: Order, sku: str, qty: int) -> int:
    """What `qty` units of the order's line `sku` give back in a first refund: their price, plus
    their share of the tax at their rate when the order's prices were net of tax."""
    line = next(line for line in order.lines if line.sku == sku)
    return _with_tax_share(order, line.tax_rate_bp, line_base(line, 0, qty), 0)


def line_base(line: OrderLine, before: int, qty: int) -> int:
    """What `qty` units of `line` came to, after `before` of its units were given back: their
    price, or for a discounted line their cumulative share of its line_total."""
    if line.line_total == line.unit_price * line.qty:
        return line.unit_price * qty
    return (div_round_half_up(line.line_total * (before + qty), line.qty)
            - div_round_half_up(line.line_total * before, line.qty))


def _with_tax_share(order: Order, rate_bp: int, base: int, refunded_before: int) -> int:
    """`base` plus its cumulative share of the tax at `rate_bp`, after `refunded_before` of that base."""
    exclusive = order.tax != 0 and order.total == order.subtotal + order.tax
    base_at_rate = sum(line.line_total for line in order.lines if line.tax_rate_bp == rate_bp)
    if not exclusive or not base_at_rate:
        return base
    tax_at_rate = dict(order.tax_by_rate).get(rate_bp, 0)
    return (base + div_round_half_up(tax_at_rate * (refunded_before + base), base_at_rate)
            - div_round_half_up(tax_at_rate * refunded_before, base_at_rate))


def _refunded_base_by_rate(order: Order, earlier: Sequence[EarlierRefund]) -> Counter[int]:
    """The base (what the units came to) earlier live line refunds gave back, by tax rate."""
    sold = {line.sku: line for line in order.lines}
    before: Counter[int] = Counter()
    for sku, qty in units_refunded(earlier).items():
        if sku in sold:
            before[sold[sku].tax_rate_bp] += line_base(sold[sku], 0, qty)
    return before


def _wanted(order: Order, lines: Sequence[tuple[str, int]]) -> Counter[str]:
    """The units asked for, by sku (repeated skus add up); refused for unknown skus and bad counts."""
    skus = {line.sku for line in order.lines}
    wanted: Counter[str] = Counter()
    for sku, qty in lines:
        if sku not in skus:
            raise RefundRefused(_("order {number} has no line {sku!r}").format(number=order.number, sku=sku))
        if isinstance(qty, bool) or not isinstance(qty, int) or qty <= 0:
            raise RefundRefused(_("refund quantity for {sku} must be a positive whole number").format(sku=sku))
        wanted[sku] += qty
    return wanted


def units_refunded(earlier: Sequence[EarlierRefund]) -> Counter[str]:
    """Units already given back (or on their way) by earlier per-line refunds, by sku: a row's lines
    count while it, or any other row of its group, is live."""
    live_groups = {r.group for r in earlier if r.status in LIVE_REFUNDS and r.group is not None}
    returned: Counter[str] = Counter()
    for record in earlier:
        if record.status in LIVE_REFUNDS or (record.group is not None and record.group in live_groups):
            for row in record.lines:
                returned[row["sku"]] += row["qty"]
    return returned
