"""An Order is the immutable snapshot of a paid cart: what was sold, at what price, paid how."""

from __future__ import annotations

from dataclasses import dataclass

from pos_app.domain.money import Money
from pos_app.domain.pricing import Totals


@dataclass(frozen=True, slots=True)
class OrderLine:
    sku: str
    name: str
    qty: int
    unit_price: int  # minor units
    line_total: int  # after every discount: what the line came to (a refund gives back no more)
    tax_rate_bp: int
    line_discount: int = 0  # the line's own discount, minor units
    order_share: int = 0  # its share of the order discount
    discount_reason: str = ""
    list_price: int | None = None  # the catalogue's unit price when a manager overrode it, else None
    override_reason: str = ""

    @property
    def gross(self) -> int:
        """unit price (as sold, overridden or typed) x qty, before any discount."""
        return self.unit_price * self.qty

    @property
    def discount(self) -> int:
        return self.line_discount + self.order_share


@dataclass(frozen=True, slots=True)
class OrderDiscount:
    """The discount off a whole sale, as given: a percentage (basis points) or an amount, with its reason."""

    kind: str  # "percent" or "amount"
    value: int  # basis points or minor units, as given
    reason: str
    amount: int  # what it took off, minor units (the sum of the lines' order_share)


@dataclass(frozen=True, slots=True)
class Order:
    number: str  # shown to people: "000123"
    created_at: int  # unix seconds
    currency: str
    lines: tuple[OrderLine, ...]
    subtotal: int
    tax: int
    total: int
    payment_intent: str | None  # None when no single card paid it all (cash, or split: see its tenders)
    cart_uuid: str
    card_brand: str | None = None
    card_last4: str | None = None
    refunded: int = 0  # minor units refunded so far
    id: int | None = None
    tax_by_rate: tuple[tuple[int, int], ...] = ()  # (rate_bp, tax) pairs
    order_discount: OrderDiscount | None = None

    @property
    def discount(self) -> int:
        """Every discount of the sale together (lines' own and the order's), minor units."""
        return sum(line.discount for line in self.lines)

    @property
    def total_money(self) -> Money:
        return Money(self.total, self.currency)

    @property
    def refundable(self) -> int:
        return self.total - self.refunded

    @classmethod
    def from_totals(cls, totals: Totals, *, number: str, created_at: int, payment_intent: str,
                    cart_uuid: str, card_brand: str | None = None,
                    card_last4: str | None = None) -> Order:
        lines = tuple(OrderLine(p.sku, p.name, p.qty, p.unit_price.amount, p.line_total.amount,
                                p.tax_rate_bp) for p in totals.lines)
        return cls(number=number, created_at=created_at, currency=totals.currency, lines=lines,
                   subtotal=totals.subtotal.amount, tax=totals.tax.amount, total=totals.total.amount,
                   payment_intent=payment_intent, cart_uuid=cart_uuid, card_brand=card_brand,
                   card_last4=card_last4,
                   tax_by_rate=tuple((r, m.amount) for r, m in totals.tax_by_rate.items()))


#: Stripe's brand codes (payment_method.card.brand) as the brands write their own names.
_BRAND_NAMES = {"visa": "Visa", "mastercard": "Mastercard", "amex": "American Express",
                "discover": "Discover", "diners": "Diners Club", "jcb": "JCB", "unionpay": "UnionPay",
                "cartes_bancaires": "Cartes Bancaires", "eftpos_au": "eftpos", "interac": "Interac"}


def card_brand_name(brand: str | None, default: str = "Card") -> str:
    """'visa' -> 'Visa', 'amex' -> 'American Express': one spelling on the receipt, the history,
    the Z report and the command line. None or 'unknown' -> default."""
    if not brand or brand == "unknown":
        return default
    return _BRAND_NAMES.get(brand, brand.replace("_", " ").title())
