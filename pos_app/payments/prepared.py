"""PreparedPayment: what the card form shows for one PaymentIntent (a whole sale or a card part of one)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class PreparedPayment:
    payment_intent: str
    client_secret: str = field(repr=False)
    publishable_key: str
    amount: int
    currency: str
    cart_uuid: str
    lines: tuple[dict[str, Any], ...]  # {sku, name, qty, unit_price, line_total}
    subtotal: int
    tax: int
    total: int
