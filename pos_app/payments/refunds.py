"""How much a per-line refund gives back.

The rule (one, written down so receipts, reports and tests agree):

- A refunded line gives back its price: unit_price x qty.
- Plus its share of the tax actually charged at its rate, when prices were net of tax
  (exclusive mode): round_half_up(tax_at_rate x refunded_base / order_base_at_rate), per line.
  In inclusive mode the price already holds the tax, so nothing is added.
- When the request (with earlier line refunds) gives back every unit sold, the amount is
  whatever is still refundable, so rounding never leaves a cent behind nor refunds one too many.
- Never more than what is left to refund, and never more units of a line than were sold.

The mode is read from the order itself (total == subtotal + tax means exclusive), so a later
change of the till's tax mode does not change how an old sale is refunded.
"""

from __future__ import annotations

from collections import Counter

from pos_app.domain.order import Order
from pos_app.payments.gateway import RefundRefused
from pos_app.store.orders import RefundRecord

#: Refunds that count against what is left to refund: reserved, on their way, or done.
LIVE_REFUNDS = ("pending", "processing", "succeeded")


def line_refund(order: Order, lines: list[tuple[str, int]],
                earlier: list[RefundRecord]) -> tuple[int, list[dict]]:
    """(amount, detail) for refunding `lines` of `order`; detail rows are {sku, qty, amount}."""
    sold = {line.sku: line for line in order.lines}
    wanted: Counter[str] = Counter()
    for sku, qty in lines:
        if sku not in sold:
            raise RefundRefused(f"order {order.number} has no line {sku!r}")
        if isinstance(qty, bool) or not isinstance(qty, int) or qty <= 0:
            raise RefundRefused(f"refund quantity for {sku} must be a positive whole number")
        wanted[sku] += qty
    returned: Counter[str] = Counter()
    for record in earlier:
        if record.status in LIVE_REFUNDS:
            for row in record.lines:
                returned[row["sku"]] += row["qty"]
    for sku, qty in wanted.items():
        left = sold[sku].qty - returned[sku]
        if qty > left:
            raise RefundRefused(f"only {left} of {sku} left to refund on order {order.number}")

    exclusive = order.tax != 0 and order.total == order.subtotal + order.tax
    tax_by_rate = dict(order.tax_by_rate)
    base_by_rate: Counter[int] = Counter()
    for line in order.lines:
        base_by_rate[line.tax_rate_bp] += line.line_total

    detail = []
    for sku, qty in wanted.items():
        line = sold[sku]
        base = line.unit_price * qty
        tax = 0
        if exclusive and base_by_rate[line.tax_rate_bp]:
            tax = _div_half_up(tax_by_rate.get(line.tax_rate_bp, 0) * base, base_by_rate[line.tax_rate_bp])
        detail.append({"sku": sku, "qty": qty, "amount": base + tax})

    left_to_refund = order.total - sum(r.amount for r in earlier if r.status in LIVE_REFUNDS)
    amount = sum(row["amount"] for row in detail)
    everything = all(returned[line.sku] + wanted[line.sku] >= line.qty for line in order.lines)
    if everything or amount > left_to_refund:
        amount = left_to_refund
    if amount <= 0:
        raise RefundRefused(f"order {order.number} has nothing left to refund")
    return amount, detail


def _div_half_up(numerator: int, denominator: int) -> int:
    """numerator / denominator (both >= 0) rounded half up, in exact integer arithmetic."""
    quotient, remainder = divmod(numerator, denominator)
    return quotient + (2 * remainder >= denominator)
