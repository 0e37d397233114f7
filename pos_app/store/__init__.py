"""Persistence in two SQLite files: the till's (active cart, payment ledger, orders, refunds) and its catalogue's."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from pos_app.domain.pricing import PricingPolicy
from pos_app.errors import UserFacingError
from pos_app.store.cart_service import CartFrozen, CartService, CartSnapshot, UnknownBarcode
from pos_app.store.catalogue import CatalogueImportError, CatalogueStore, ImportResult
from pos_app.store.catalogue_db import open_catalogue_db
from pos_app.store.db import SCHEMA_VERSION, Database
from pos_app.store.faults import DamagedDatabase, StorageFull, StoreBusy, StoreError
from pos_app.store.ledger import LedgerEntry, PaymentLedger
from pos_app.store.orders import OrderBook, RefundRecord, RefundRefused
from pos_app.store.reviews import ReviewItem, ReviewList

__all__ = [
    "CartFrozen", "CartService", "DamagedDatabase", "StorageFull", "StoreBusy", "StoreError", "CurrencyMismatch",
    "CartSnapshot", "CatalogueImportError", "CatalogueStore", "Database",
    "ImportResult", "LedgerEntry", "OrderBook", "PaymentLedger", "RefundRecord", "RefundRefused",
    "ReviewItem", "ReviewList",
    "SCHEMA_VERSION", "Store", "UnknownBarcode", "open_store",
]


@dataclass
class Store:
    """Everything persisted, wired over the till's Database (and the catalogue's, catalogue.db)."""

    db: Database
    catalogue: CatalogueStore
    carts: CartService
    ledger: PaymentLedger
    orders: OrderBook
    reviews: ReviewList

    def close(self) -> None:
        self.catalogue.db.close()
        self.db.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc) -> None:
        self.close()


class CurrencyMismatch(UserFacingError):
    """The catalogue is priced in another currency than the till sells in."""


def open_store(path: Path | str, pricing: PricingPolicy, *, seed_demo: bool = False) -> Store:
    """Open (creating and migrating) the database; seed the demo catalogue into an empty one.

    Refuses a database whose catalogue is priced in another currency than `pricing`'s: every
    total would be wrong, so it says so before anything is shown or charged.
    """
    db = Database(path)
    try:
        catalogue_db = open_catalogue_db(db)  # its own file (catalogue_db.py); an older till's items move there
    except BaseException:
        db.close()
        raise
    others = [r[0] for r in catalogue_db.query("SELECT DISTINCT currency FROM items WHERE currency != ?",
                                               (pricing.currency,))]
    if others:
        catalogue_db.close()
        db.close()
        raise CurrencyMismatch(
            f"the catalogue in {path} is priced in {', '.join(c.upper() for c in others)} but POS_CURRENCY is "
            f"{pricing.currency.upper()}: set POS_CURRENCY={others[0]}, or use another POS_DATA_DIR")
    catalogue = CatalogueStore(catalogue_db, pricing.currency)
    if seed_demo and catalogue.count() == 0:
        from pos_app.store.demo import seed_demo_catalogue
        seed_demo_catalogue(catalogue)
    return Store(db, catalogue, CartService(db, catalogue, pricing), PaymentLedger(db), OrderBook(db),
                 ReviewList(db))
