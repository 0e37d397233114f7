"""Persistence in two SQLite files: the till's (cart, ledger, tenders, orders, refunds) and its catalogue's."""

from __future__ import annotations

import contextlib
import logging
from dataclasses import dataclass
from pathlib import Path
from typing import cast

from pos_app.domain.pricing import PricingPolicy
from pos_app.errors import UserFacingError
from pos_app.i18n import _
from pos_app.store.cart_errors import CartFrozen, OpenPriceNeeded, ParkedSaleNotFound, ParkingRefused, UnknownBarcode
from pos_app.store.cart_service import CartService
from pos_app.store.cart_snapshot import CartSnapshot
from pos_app.store.carts import CartRepository, ParkedCart
from pos_app.errors import RefundRefused
from pos_app.store.catalogue import CatalogueStore
from pos_app.store.catalogue_csv import CatalogueImportError
from pos_app.store.catalogue_db import open_catalogue_db
from pos_app.store.catalogue_import import ImportResult
from pos_app.store.db import SCHEMA_VERSION, Database
from pos_app.store.faults import DamagedDatabase, StorageFull, StoreBusy, StoreError
from pos_app.store.cash_office import CashBook, DrawerLog, DrawerReason, Shift, ShiftBook
from pos_app.store.journal import Journal
from pos_app.store.ledger import ChargeSnapshot, LedgerEntry, PaymentLedger
from pos_app.store.orders import OrderBook, RefundRecord
from pos_app.store.reviews import ReviewItem, ReviewList
from pos_app.store.tenders import Tender, TenderBook
from pos_app.store.users import User, UserBook
from pos_app.store.terminal_claim import TerminalInUse, claim_terminal
from pos_app.store.till_rows import ReceiptSeriesTaken, open_receipt_series
from pos_app.store.unit_of_work import CashOffice, UnitOfWork, unit_of_work

__all__ = [
    "CashBook", "DrawerLog", "DrawerReason", "Shift", "ShiftBook",
    "CartFrozen", "CartRepository", "CartService", "ChargeSnapshot", "DamagedDatabase", "StorageFull",
    "StoreBusy", "StoreError", "CurrencyMismatch", "OpenPriceNeeded",
    "CartSnapshot", "CatalogueImportError", "CatalogueStore", "Database",
    "ImportResult", "Journal",
    "ParkedCart", "ParkedSaleNotFound", "ParkingRefused", "ReceiptSeriesTaken",
    "LedgerEntry", "OrderBook", "PaymentLedger", "RefundRecord", "RefundRefused",
    "ReviewItem", "ReviewList",
    "SCHEMA_VERSION", "Store", "Tender", "TenderBook", "TerminalInUse", "UnitOfWork", "UnknownBarcode",
    "User", "UserBook",
    "open_store",
]

log = logging.getLogger(__name__)


@dataclass
class Store:
    """Everything persisted: the till's Database and the catalogue's (catalogue.db), the repositories,
    the cart service over its repository, and unit_of_work() for the writes that must commit together."""

    db: Database
    catalogue: CatalogueStore
    carts: CartService
    ledger: PaymentLedger
    orders: OrderBook
    reviews: ReviewList
    shifts: ShiftBook
    cash: CashBook
    drawer: DrawerLog
    tenders: TenderBook
    journal: Journal
    users: UserBook

    def unit_of_work(self) -> contextlib.AbstractContextManager[UnitOfWork]:
        """One transaction over orders, ledger, reviews, the cash office and the cart (store/unit_of_work.py)."""
        return unit_of_work(self.db, self.carts, self.orders, self.ledger, self.reviews,
                            CashOffice(self.shifts, self.cash, self.drawer), self.tenders, self.journal)

    def close(self) -> None:
        self.catalogue.close()
        self.db.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class CurrencyMismatch(UserFacingError):
    """The catalogue is priced in another currency than the till sells in."""


def is_database_url(location: object) -> bool:
    """A shop database's URL (POS_DATABASE_URL), as opposed to a till's SQLite file."""
    return isinstance(location, str) and location.startswith(("postgresql://", "postgres://"))


def open_store(location: Path | str, pricing: PricingPolicy, *, seed_demo: bool = False, till: str = "till-1",
               training: bool = True, receipt_series: str = "", claim_till: bool = False,
               catalogue_replica: Path | None = None) -> Store:
    """Open (creating and migrating) the database; seed the demo catalogue into an empty one. `till`
    and `training` are what the journal's entries say (the settings' terminal_id and mode).

    `location` is the till's SQLite file, or a shop's PostgreSQL URL (`postgresql://...`, the
    settings' database_location): the same repositories run on either. `receipt_series` is the
    prefix of the till's receipt numbers (Settings.receipt_series: made from the terminal id on a
    shop's database); '' gives plain numbers, as a till on its own file has.

    Refuses a database whose catalogue is priced in another currency than `pricing`'s: every
    total would be wrong, so it says so before anything is shown or charged. With `claim_till` (a
    till that sells, not a read-only command) a shop's database is refused when a running till has
    the same id (terminal_claim.py), before anything is written. `catalogue_replica`: on a shop's
    database, the file of the till's local copy of the catalogue, which its search then uses
    (catalogue_replica.py; a selling till's data folder has it).
    """
    db, catalogue_db = _open_databases(location)
    if claim_till:
        try:
            claim_terminal(db, till)
        except BaseException:
            catalogue_db.close()
            db.close()
            raise
    others: list[str] = [r[0] for r in catalogue_db.query("SELECT DISTINCT currency FROM items WHERE currency != ?",
                                                          (pricing.currency,))]
    if others:
        catalogue_db.close()
        db.close()
        raise CurrencyMismatch(
            _("the catalogue in {path} is priced in {priced} but POS_CURRENCY is {currency}: set "
              "POS_CURRENCY={wanted}, or use another POS_DATA_DIR").format(
                  path=db.path, priced=", ".join(c.upper() for c in others), currency=pricing.currency.upper(),
                  wanted=others[0]))
    try:
        open_receipt_series(db, till, receipt_series, selling=claim_till)
    except BaseException:
        catalogue_db.close()
        db.close()
        raise
    catalogue = _catalogue_store(catalogue_db, pricing.currency)
    if catalogue_replica is not None and is_database_url(location):
        _follow_with_replica(catalogue, catalogue_replica, str(location), pricing.currency)
    if seed_demo and catalogue.count() == 0:
        from pos_app.store.demo import seed_demo_catalogue
        try:
            seed_demo_catalogue(catalogue)
        except BaseException:
            catalogue.close()  # and its copy's thread
            db.close()
            raise
    journal = Journal(db, till, training=training)
    return Store(db, catalogue, CartService(CartRepository(db, journal), catalogue, pricing), PaymentLedger(db, till),
                 OrderBook(db, journal), ReviewList(db, journal), ShiftBook(db, journal), CashBook(db, journal),
                 DrawerLog(db, journal), TenderBook(db, journal), journal, UserBook(db))


def _open_databases(location: Path | str) -> tuple[Database, Database]:
    """(the till's database, the catalogue's): two SQLite files, or two connections to the shop's
    PostgreSQL database (a catalogue search never waits behind the till's open transaction)."""
    if is_database_url(location):
        from pos_app.store.pg import PgDatabase
        from pos_app.store.pg_catalogue import fill_pg_name_keys
        from pos_app.store.pg_schema import PG_MIGRATIONS
        shop = PgDatabase(str(location), migrations=PG_MIGRATIONS)
        try:
            catalogue = PgDatabase(str(location), migrations=PG_MIGRATIONS)
        except BaseException:
            shop.close()
            raise
        try:
            fill_pg_name_keys(catalogue)
        except BaseException:
            catalogue.close()
            shop.close()
            raise
        return cast(Database, shop), cast(Database, catalogue)
    db = Database(location)
    try:
        return db, open_catalogue_db(db)  # its own file (catalogue_db.py); an older till's items move there
    except BaseException:
        db.close()
        raise


def _follow_with_replica(catalogue: CatalogueStore, path: Path, url: str, currency: str) -> None:
    """The till's local copy of the shop's catalogue, following it from now on (a damaged copy is set
    aside and made afresh: it holds nothing the shop database has not). A copy that can't be made
    at all (a full or read-only disk) is no reason to refuse the till: it searches the shop database."""
    from pos_app.store.catalogue_replica import CatalogueReplica
    from pos_app.store.pg_catalogue import PgCatalogueStore

    try:
        try:
            replica = CatalogueReplica(path, url, currency)
        except DamagedDatabase as exc:
            log.warning("the catalogue's local copy is set aside and made afresh: %s", exc)
            for damaged in path.parent.glob(path.name + "*"):
                if not damaged.name.endswith(".damaged"):
                    damaged.rename(damaged.with_name(damaged.name + ".damaged"))
            replica = CatalogueReplica(path, url, currency)
    except (StoreError, OSError) as exc:
        log.error("no local copy of the catalogue (%s): the search asks the shop database", exc)
        return
    cast(PgCatalogueStore, catalogue).replica = replica.start()


def _catalogue_store(db: Database, currency: str) -> CatalogueStore:
    if getattr(db, "dialect", "sqlite") == "postgresql":
        from pos_app.store.pg_catalogue import PgCatalogueStore
        return PgCatalogueStore(db, currency)
    return CatalogueStore(db, currency)
