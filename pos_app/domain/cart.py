"""The cart: sku -> quantity lines, their terms (a price override, a discount), an order discount and a revision UUID.

The revision UUID is the Stripe idempotency key of the charge, so it must change exactly when
the content changes: a no-op (same qty, same lines, the same terms again) keeps it; any real
change makes a new one. A line's terms go with the line: removing it drops them.
Every operation validates all of its input before touching anything, so a rejected request
leaves the cart as it was.
"""

from __future__ import annotations

import uuid as uuid_mod
from collections.abc import Callable, Mapping

from pos_app.domain.discounts import Discount, LineTerms
from pos_app.errors import UserFacingError
from pos_app.i18n import _

MAX_QTY = 9_999  # per line; a till never sells ten thousand of one thing in a sale
MAX_LINES = 5_000


class CartError(UserFacingError, ValueError):
    pass


class UnknownSku(CartError):
    def __init__(self, sku: object) -> None:
        super().__init__(_("unknown sku {sku!r}: not in the catalogue").format(sku=sku))
        self.sku = sku


class InvalidQuantity(CartError):
    def __init__(self, sku: object, qty: object) -> None:
        super().__init__(_("quantity for {sku!r} must be a whole number from 0 to {MAX_QTY}, got {qty!r}").format(
            sku=sku, MAX_QTY=MAX_QTY, qty=qty))
        self.sku = sku
        self.qty = qty


def new_revision() -> str:
    return str(uuid_mod.uuid4())


def check_qty(sku: object, qty: object) -> int:
    if isinstance(qty, bool) or not isinstance(qty, int) or not 0 <= qty <= MAX_QTY:
        raise InvalidQuantity(sku, qty)
    return qty


KnownSku = Callable[[str], bool]
NO_TERMS = LineTerms()


class Cart:
    """Mutable cart lines plus revision UUID. Not thread-safe: CartService serializes access."""

    __slots__ = ("_lines", "_order_discount", "_terms", "uuid")

    def __init__(self, lines: Mapping[str, int] | None = None, uuid: str | None = None, *,
                 terms: Mapping[str, LineTerms] | None = None, order_discount: Discount | None = None) -> None:
        self._lines: dict[str, int] = {}
        for sku, qty in (lines or {}).items():
            if check_qty(sku, qty):
                self._lines[sku] = qty
        self._terms = {sku: t for sku, t in (terms or {}).items() if sku in self._lines and t != NO_TERMS}
        self._order_discount = order_discount if self._lines else None
        self.uuid = uuid or new_revision()

    def copy(self) -> Cart:
        return Cart(self._lines, self.uuid, terms=self._terms, order_discount=self._order_discount)

    @property
    def lines(self) -> dict[str, int]:
        """A copy of the lines, in the order they were first added."""
        return dict(self._lines)

    def qty(self, sku: str) -> int:
        return self._lines.get(sku, 0)

    @property
    def terms(self) -> dict[str, LineTerms]:
        """A copy of the lines' terms (only lines that have any)."""
        return dict(self._terms)

    def terms_of(self, sku: str) -> LineTerms:
        return self._terms.get(sku, NO_TERMS)

    @property
    def order_discount(self) -> Discount | None:
        return self._order_discount

    @property
    def has_terms(self) -> bool:
        """Any override or discount: its totals are then price_with_terms's."""
        return bool(self._terms) or self._order_discount is not None

    def __len__(self) -> int:
        return len(self._lines)

    def __bool__(self) -> bool:
        return bool(self._lines)

    def __contains__(self, sku: object) -> bool:
        return sku in self._lines

    def __repr__(self) -> str:
        return f"Cart(uuid={self.uuid!r}, lines={self._lines!r})"

    # -- mutations: each returns True when the content (and so the UUID) changed ----------------

    def set_qty(self, sku: str, qty: int, known: KnownSku) -> bool:
        check_qty(sku, qty)
        if not isinstance(sku, str) or not known(sku):
            raise UnknownSku(sku)
        if self._lines.get(sku, 0) == qty:
            return False
        if qty == 0:
            del self._lines[sku]
            self._terms.pop(sku, None)
        else:
            if sku not in self._lines and len(self._lines) >= MAX_LINES:
                raise CartError(_("a cart holds at most {MAX_LINES} lines").format(MAX_LINES=MAX_LINES))
            self._lines[sku] = qty
        self.uuid = new_revision()
        return True

    def add(self, sku: str, qty: int, known: KnownSku) -> bool:
        check_qty(sku, qty)
        total = self.qty(sku) + qty
        if total > MAX_QTY:
            raise InvalidQuantity(sku, total)
        return self.set_qty(sku, total, known)

    def remove(self, sku: str) -> bool:
        if sku not in self._lines:
            return False
        del self._lines[sku]
        self._terms.pop(sku, None)
        self.uuid = new_revision()
        return True

    def replace(self, lines: Mapping[str, int], known: KnownSku) -> bool:
        """Replace all lines (the seed's POST /cart). qty 0 drops a line. Validates everything first."""
        wanted: dict[str, int] = {}
        for sku, qty in lines.items():
            check_qty(sku, qty)
            if not isinstance(sku, str) or not known(sku):
                raise UnknownSku(sku)
            if qty:
                wanted[sku] = qty
        if len(wanted) > MAX_LINES:
            raise CartError(_("a cart holds at most {MAX_LINES} lines").format(MAX_LINES=MAX_LINES))
        if wanted == self._lines:
            return False
        # Keep the order of lines already present, new ones after them.
        ordered = {sku: wanted[sku] for sku in self._lines if sku in wanted}
        ordered.update((sku, qty) for sku, qty in wanted.items() if sku not in ordered)
        self._lines = ordered
        self._terms = {sku: t for sku, t in self._terms.items() if sku in ordered}
        self.uuid = new_revision()
        return True

    def clear(self) -> bool:
        if not self._lines:
            return False
        self._lines, self._terms, self._order_discount = {}, {}, None
        self.uuid = new_revision()
        return True

    def add_priced(self, sku: str, qty: int, terms: LineTerms, known: KnownSku) -> bool:
        """A new line with its terms from the start (an open-price item and the price typed for it)."""
        if sku in self._lines:
            raise CartError(_("{sku!r} is in the cart already").format(sku=sku))
        self._terms[sku] = terms
        try:
            return self.add(sku, qty, known)
        except BaseException:
            self._terms.pop(sku, None)
            raise

    def set_terms(self, sku: str, terms: LineTerms) -> bool:
        """A line's override and discount (NO_TERMS drops them); the same terms again change nothing."""
        if sku not in self._lines:
            raise CartError(_("{sku!r} is not in the cart").format(sku=sku))
        if self._terms.get(sku, NO_TERMS) == terms:
            return False
        if terms == NO_TERMS:
            del self._terms[sku]
        else:
            self._terms[sku] = terms
        self.uuid = new_revision()
        return True

    def set_order_discount(self, discount: Discount | None) -> bool:
        """The discount off the whole sale (None drops it); the same one again changes nothing."""
        if discount is not None and not self._lines:
            raise CartError(_("the cart is empty: there is nothing to discount"))
        if discount == self._order_discount:
            return False
        self._order_discount = discount
        self.uuid = new_revision()
        return True
