"""UnitOfWork: several repositories' writes in ONE transaction (the sale, the review list).

    with store.unit_of_work() as work:
        order = work.orders.record(order)
        work.ledger.set_status(entry.id, PaymentStatus.SUCCEEDED)
        work.carts.settle_paid(cart_id, paid_uuid=..., paid_lines=...)

Everything inside commits together or not at all. The repositories are the store's own: their
writes join the transaction the unit of work holds open, so callers never see a connection (the
seam a PostgreSQL backend implements). The cart service's lock is taken before the database's,
the order every cart change takes them in, and its in-memory state is put back if the unit of
work rolls back; its listeners hear of the change after the commit.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass

from pos_app.domain.discounts import Discount, LineTerms
from pos_app.store.cart_service import CartService
from pos_app.store.carts import ParkedCart
from pos_app.store.cash_office import CashBook, DrawerLog, ShiftBook
from pos_app.store.db import Database
from pos_app.store.journal import Journal
from pos_app.store.ledger import PaymentLedger
from pos_app.store.orders import OrderBook
from pos_app.store.reviews import ReviewList
from pos_app.store.tenders import TenderBook

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class CashOffice:
    """The cash office's repositories, as a unit of work holds them."""

    shifts: ShiftBook
    cash: CashBook
    drawer: DrawerLog


class UnitOfWork:
    """The repositories of one transaction, and what to do when it commits or rolls back."""

    def __init__(self, carts: CartService, orders: OrderBook, ledger: PaymentLedger, reviews: ReviewList,
                 office: CashOffice, tenders: TenderBook, journal: Journal) -> None:
        self.orders = orders
        self.journal = journal
        self.tenders = tenders
        self.ledger = ledger
        self.reviews = reviews
        self.shifts, self.cash, self.drawer = office.shifts, office.cash, office.drawer
        self.carts = CartsInUnit(carts, self)
        self._undo: list[Callable[[], None]] = []
        self._after: list[Callable[[], object]] = []

    def on_rollback(self, undo: Callable[[], None]) -> None:
        """undo() runs (latest first) if the unit of work rolls back: in-memory state to put back."""
        self._undo.append(undo)

    def after_commit(self, callback: Callable[[], object]) -> None:
        """callback() runs once the unit of work has committed and its locks are released."""
        self._after.append(callback)

    def _rolled_back(self) -> None:
        for undo in reversed(self._undo):
            undo()

    def _committed(self) -> None:
        for callback in self._after:
            try:
                callback()
            except Exception:  # a broken listener must not undo a committed sale
                log.exception("after-commit callback failed")


class CartsInUnit:
    """The cart side of a unit of work: CartService's sale step, joined to it."""

    def __init__(self, service: CartService, work: UnitOfWork) -> None:
        self._service = service
        self._work = work

    def settle_paid(self, cart_id: int, *, paid_uuid: str | None = None,
                    paid_lines: Mapping[str, int] | None = None) -> None:
        """Close the paid cart and start a new one, or take the paid lines off (CartService.settle_paid)."""
        self._service.settle_paid(self._work, cart_id, paid_uuid=paid_uuid, paid_lines=paid_lines)

    def set_line_terms(self, sku: str, terms: LineTerms) -> bool:
        """A line's override and discount, in this unit of work (CartService.set_line_terms)."""
        return self._service.set_line_terms(self._work, sku, terms)

    def set_order_discount(self, discount: Discount | None) -> bool:
        return self._service.set_order_discount(self._work, discount)

    def add_open_price(self, sku: str, unit_price: int, qty: int = 1) -> bool:
        return self._service.add_open_price(self._work, sku, unit_price, qty)

    def park(self, *, label: str, user: str | None) -> ParkedCart:
        """The active cart becomes a parked sale and a new one starts (CartService.park)."""
        return self._service.park(self._work, label=label, user=user)

    def recall(self, cart_id: int) -> ParkedCart:
        """A parked sale is the active cart again (CartService.recall)."""
        return self._service.recall(self._work, cart_id)


@contextlib.contextmanager
def unit_of_work(db: Database, carts: CartService, orders: OrderBook, ledger: PaymentLedger,
                 reviews: ReviewList, office: CashOffice, tenders: TenderBook,
                 journal: Journal) -> Iterator[UnitOfWork]:
    """One transaction over the repositories (see the module's docstring)."""
    work = UnitOfWork(carts, orders, ledger, reviews, office, tenders, journal)
    with carts.lock:
        try:
            with db.transaction():
                yield work
        except BaseException:
            work._rolled_back()
            raise
    work._committed()
