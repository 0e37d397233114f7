"""CartTerms: discounts, price overrides and open prices on the active cart, gated by a manager's PIN and journalled.

The store keeps the terms (CartService); this is where the rules about people sit, above it:

- anyone logged in gives a discount up to POS_DISCOUNT_LIMIT of what it comes off (a line's
  gross for a line discount; the sale's gross, counting every discount, for an order discount);
  above it, Permission.DISCOUNT_OVER_LIMIT (a manager, or a manager's PIN for this one action);
- overriding a catalogue price needs Permission.OVERRIDE_PRICE; an open-price item's typed price
  is a cashier's normal sale;
- removing a discount or an override needs nobody's approval (it takes the sale back to the catalogue);
- each change and its journal entry ("discount", "price_override", "open_price") commit in one
  unit of work; the same term again changes nothing (no entry, the same cart UUID); a cart whose
  payment is under way refuses them (CartFrozen) before anyone is asked for a PIN.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from decimal import Decimal, InvalidOperation

from pos_app.domain.cart import NO_TERMS, CartError
from pos_app.domain.discounts import MAX_REASON, Discount, DiscountedTotals, DiscountError, DiscountKind, LineTerms
from pos_app.domain.item import MAX_PRICE
from pos_app.domain.money import Money, smallest_step
from pos_app.domain.pricing import BP
from pos_app.domain.people import Permission
from pos_app.i18n import _
from pos_app.staff.session import TillSession
from pos_app.store import CartSnapshot, Store, UnitOfWork


def percent_to_bp(text: object) -> int:
    """'12.5' -> 1250: a percentage written as a decimal string (never a float), at most 2 decimals."""
    if not isinstance(text, str):
        raise DiscountError(_('a percentage is written as a string such as "12.5", got {text!r}').format(text=text))
    try:
        value = Decimal(text.strip().removesuffix("%").strip()) * 100
    except InvalidOperation:
        raise DiscountError(_("{text!r} is not a percentage (e.g. 10 or 12.5)").format(text=text[:20])) from None
    if not value.is_finite() or value != value.to_integral_value():
        raise DiscountError(_("{text!r}: a percentage has at most 2 decimals").format(text=text[:20]))
    return int(value)


def check_reason(reason: object, what: str) -> str:
    text = reason.strip() if isinstance(reason, str) else ""
    if not text or len(text) > MAX_REASON or not text.isprintable():
        raise DiscountError(_("{what} needs a reason (1 to {MAX_REASON} printable characters)").format(
            what=what, MAX_REASON=MAX_REASON))
    return text


class CartTerms:
    """The active cart's discounts and prices, as the window, the endpoint and the tester kit give them."""

    def __init__(self, store: Store, session: TillSession, *, limit_bp: int) -> None:
        self._store, self._session, self.limit_bp = store, session, limit_bp

    # -- discounts -------------------------------------------------------------------------------

    def discount(self, discount: Discount, *, sku: str | None = None,
                 manager_pin: str | None = None) -> CartSnapshot:
        """A discount off one line (sku) or off the whole sale (sku None), replacing the one it had."""
        def propose(snap: CartSnapshot) -> tuple[dict[str, LineTerms], Discount | None]:
            terms, order = dict(snap.terms), snap.order_discount
            if sku is None:
                return terms, discount
            terms[sku] = dataclasses.replace(self._line_terms(snap, sku), discount=discount)
            return terms, order

        def check(snap: CartSnapshot, priced: DiscountedTotals) -> None:
            self._refuse_amount_beyond(snap, priced, discount, sku)
            if self._over_limit(priced, sku):
                self._session.require(Permission.DISCOUNT_OVER_LIMIT, manager_pin=manager_pin,
                                      detail={"sku": sku, "reason": discount.reason})

        def write(work: UnitOfWork, snap: CartSnapshot, priced: DiscountedTotals) -> bool:
            if sku is None:
                changed = work.carts.set_order_discount(discount)
                off = sum(d.order_share for d in priced.lines)
            else:
                changed = work.carts.set_line_terms(sku, dataclasses.replace(self._line_terms(snap, sku),
                                                                            discount=discount))
                off = next(d.line_discount for d in priced.lines if d.line.sku == sku)
            if changed:
                work.journal.append("discount", {**self._where(snap, sku), **discount.to_dict(), "amount": off})
            return changed
        return self._change(propose, check, write)

    def remove_discount(self, *, sku: str | None = None) -> CartSnapshot:
        """Take a line's (or the sale's) discount off; nobody's approval is needed."""
        def propose(snap: CartSnapshot) -> tuple[dict[str, LineTerms], Discount | None]:
            terms = dict(snap.terms)
            if sku is None:
                return terms, None
            terms[sku] = dataclasses.replace(self._line_terms(snap, sku), discount=None)
            return terms, snap.order_discount

        def write(work: UnitOfWork, snap: CartSnapshot, priced: DiscountedTotals) -> bool:
            if sku is None:
                changed = work.carts.set_order_discount(None)
            else:
                changed = work.carts.set_line_terms(sku, dataclasses.replace(self._line_terms(snap, sku),
                                                                            discount=None))
            if changed:
                work.journal.append("discount", {**self._where(snap, sku), "removed": True})
            return changed
        return self._change(propose, _no_check, write)

    # -- prices ----------------------------------------------------------------------------------

    def override_price(self, sku: str, unit_price: int, reason: str = "", *,
                       manager_pin: str | None = None) -> CartSnapshot:
        """A line's unit price: a manager's override of the catalogue's (with a reason), or an open-price
        item's typed price (a cashier's normal sale). The catalogue's own price again drops the override."""
        currency = self._store.carts.pricing.currency
        _check_price(unit_price, currency)

        def new_terms(snap: CartSnapshot) -> LineTerms:
            held = self._line_terms(snap, sku)  # first: an sku not in the cart has no item to ask about
            item = snap.item(sku)
            if item.open_price:
                return dataclasses.replace(held, unit_price=unit_price, override_reason="")
            if unit_price == item.price.amount:
                return dataclasses.replace(held, unit_price=None, override_reason="")
            return dataclasses.replace(held, unit_price=unit_price,
                                       override_reason=check_reason(reason, "a price override"))

        def propose(snap: CartSnapshot) -> tuple[dict[str, LineTerms], Discount | None]:
            return {**snap.terms, sku: new_terms(snap)}, snap.order_discount

        def check(snap: CartSnapshot, priced: DiscountedTotals) -> None:
            terms = new_terms(snap)
            if terms.unit_price is not None and not snap.item(sku).open_price:
                self._session.require(Permission.OVERRIDE_PRICE, manager_pin=manager_pin,
                                      detail={"sku": sku, "unit_price": unit_price, "reason": terms.override_reason})

        def write(work: UnitOfWork, snap: CartSnapshot, priced: DiscountedTotals) -> bool:
            terms, item = new_terms(snap), snap.item(sku)
            if not work.carts.set_line_terms(sku, terms):
                return False
            where = self._where(snap, sku)
            if item.open_price:
                work.journal.append("open_price", {**where, "unit_price": unit_price})
            elif terms.unit_price is None:
                work.journal.append("price_override", {**where, "removed": True, "list_price": item.price.amount})
            else:
                work.journal.append("price_override", {**where, "unit_price": unit_price,
                                                       "list_price": item.price.amount,
                                                       "reason": terms.override_reason})
            return True
        return self._change(propose, check, write)

    def remove_override(self, sku: str) -> CartSnapshot:
        """The line back at the catalogue's price (an open-price item can't be: it has none)."""
        snap = self._store.carts.snapshot()
        if sku not in snap.lines:
            raise CartError(_("{sku!r} is not in the cart").format(sku=sku))
        if snap.item(sku).open_price:
            raise CartError(_("{name} has no catalogue price to go back to: remove the line instead").format(
                name=snap.item(sku).name))
        return self.override_price(sku, snap.item(sku).price.amount)

    def add_open_price(self, sku: str, unit_price: int, qty: int = 1) -> CartSnapshot:
        """An open-price item into the cart with the price typed for it (journalled as "open_price")."""
        self._session.require(Permission.SELL)
        _check_price(unit_price, self._store.carts.pricing.currency)
        item = self._store.catalogue.get(sku) if isinstance(sku, str) else None
        if item is None or not item.open_price:
            raise CartError(_("{sku!r} is not an open-price item: add it as any other").format(sku=sku))
        carts = self._store.carts
        with carts.lock:
            carts.check_mutable()
            with self._store.unit_of_work() as work:
                if work.carts.add_open_price(sku, unit_price, qty):
                    work.journal.append("open_price", {"cart_id": carts.cart_id, "cart": carts.uuid, "sku": sku,
                                                       "unit_price": unit_price, "qty": qty})
        return carts.snapshot()

    # -- inside ----------------------------------------------------------------------------------

    def _change(self, propose: Callable[[CartSnapshot], tuple[dict[str, LineTerms], Discount | None]],
                check: Callable[[CartSnapshot, DiscountedTotals], None],
                write: Callable[[UnitOfWork, CartSnapshot, DiscountedTotals], bool]) -> CartSnapshot:
        """Logged in; the cart open; the new terms priced (refused if they can't be); the same again
        a no-op; the approval asked for (outside the change's transaction: a wrong PIN's count must
        stick); then the change and its journal entry in one unit of work, under the cart's lock."""
        self._session.require(Permission.SELL)
        carts = self._store.carts
        with carts.lock:
            carts.check_mutable()
            snap = carts.snapshot()
            terms, order = propose(snap)
            terms = {s: t for s, t in terms.items() if t != NO_TERMS}
            if terms == dict(snap.terms) and order == snap.order_discount:
                return snap
            priced = snap.price_with(terms, order)
            check(snap, priced)
            with self._store.unit_of_work() as work:
                write(work, snap, priced)
        return carts.snapshot()

    @staticmethod
    def _line_terms(snap: CartSnapshot, sku: str) -> LineTerms:
        if not isinstance(sku, str) or sku not in snap.lines:
            raise CartError(_("{sku!r} is not in the cart").format(sku=sku))
        return snap.terms.get(sku, NO_TERMS)

    @staticmethod
    def _where(snap: CartSnapshot, sku: str | None) -> dict[str, object]:
        return {"cart_id": snap.cart_id, "sku": sku}

    def _over_limit(self, priced: DiscountedTotals, sku: str | None) -> bool:
        """Above the limit: the line's own discount of its gross (a line discount), or every discount
        of the sale's gross (an order discount), compared exactly (no rounding)."""
        if sku is not None:
            line = next(d for d in priced.lines if d.line.sku == sku)
            return line.line_discount * BP > self.limit_bp * line.gross
        return priced.discount.amount * BP > self.limit_bp * priced.gross.amount

    @staticmethod
    def _refuse_amount_beyond(snap: CartSnapshot, priced: DiscountedTotals, discount: Discount,
                              sku: str | None) -> None:
        """An amount larger than what it comes off is a typing slip, not a discount to cap quietly."""
        if discount.kind is not DiscountKind.AMOUNT:
            return
        if sku is not None:
            base = next(d.gross for d in priced.lines if d.line.sku == sku)
        else:
            base = sum(d.gross - d.line_discount for d in priced.lines)
        if discount.value > base:
            currency = snap.totals.currency
            raise DiscountError(_("a discount of {discount} is more than the {base} it would come off").format(
                discount=Money(discount.value, currency).to_decimal(), base=Money(base, currency).to_decimal()))


def _no_check(snap: CartSnapshot, priced: DiscountedTotals) -> None:
    """Taking a discount off needs nobody's approval."""


def _check_price(unit_price: object, currency: str) -> None:
    if isinstance(unit_price, bool) or not isinstance(unit_price, int) or not 0 <= unit_price <= MAX_PRICE:
        raise DiscountError(_("a unit price is a whole number of minor units from 0 to {MAX_PRICE}, got "
                              "{unit_price!r}").format(MAX_PRICE=MAX_PRICE, unit_price=unit_price))
    step = smallest_step(currency)
    if unit_price % step:
        raise DiscountError(_("{upper} prices are whole multiples of {to_decimal}").format(
            upper=currency.upper(), to_decimal=Money(step, currency).to_decimal()))
