"""Tills of one shop for the multi-till tests: each its own store (own connections), terminal id and series.

`ShopTill` is a till's core without a window: its store opened as AppCore opens it (claiming its
terminal id), an open shift, and a CheckoutService over a gateway to the sandbox the shop's tills
share (one Stripe account). `LockGate` holds a table lock from a connection of its own, so a test
can stop a till's transaction at a chosen statement and let another till run into it.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from pathlib import Path

import psycopg

from pos_app.config import Settings
from pos_app.domain.order import Order
from pos_app.payments.checkout import CheckoutService
from pos_app.payments.stripe_gateway import StripeGateway
from pos_app.sandbox import SandboxServer
from pos_app.store import Store, open_store
from pos_app.testing.plugin import ensure_open_shift
from pos_app.testing.postgres import wait_for_lock_waiters

WAIT_S = 15


def till_settings(location: Path | str, number: int, data_dir: Path) -> Settings:
    """Till `number`'s settings: terminal id till-<n>, series T<nn>, the shop's database (or a SQLite file)."""
    shared = isinstance(location, str)
    return Settings(data_dir=data_dir, currency="usd", terminal_id=f"till-{number}",
                    database_url=location if shared else "", receipt_series_setting=f"T{number:02d}")


def open_till_store(location: Path | str, number: int, *, seed_demo: bool = True) -> Store:
    """Till `number`'s store as AppCore opens it (its terminal id claimed) on a shop's database; on one
    SQLite file (which two real tills never share: one till per data folder) as two stores of one file,
    unclaimed, or the second would take the file over as a renamed till."""
    return open_store(location, till_settings(location, number, Path(".")).pricing, till=f"till-{number}",
                      receipt_series=f"T{number:02d}", seed_demo=seed_demo, claim_till=isinstance(location, str))


def record_sale(store: Store, lines: dict[str, int], payment_intent: str | None) -> Order:
    """The sale's unit of work as CheckoutService runs it (the order, the paid cart closed)."""
    store.carts.replace(lines)
    snap = store.carts.snapshot()
    order = Order.from_totals(snap.totals, number="", created_at=int(time.time()), payment_intent=payment_intent,
                              cart_uuid=snap.uuid)
    with store.unit_of_work() as work:
        recorded = work.orders.record(order)
        work.carts.settle_paid(snap.cart_id)
    return recorded


class ShopTill:
    """Till `number` of the shop: its store, an open shift, checkout through the shared sandbox."""

    def __init__(self, location: Path | str, number: int, sandbox: SandboxServer, data_dir: Path) -> None:
        data_dir.mkdir(parents=True, exist_ok=True)
        self.settings = till_settings(location, number, data_dir)
        self.store = open_till_store(location, number)
        ensure_open_shift(self.store, self.settings)
        self.gateway = StripeGateway(sandbox.secret_key, sandbox.publishable_key, api_base=sandbox.url)
        self.checkout = CheckoutService(self.store, self.gateway, self.settings)

    def close(self) -> None:
        self.store.close()


class Outcomes:
    """What each till's thread returned or raised, by name; with a barrier, the threads start their
    action at the same moment."""

    def __init__(self, barrier: threading.Barrier | None = None) -> None:
        self.barrier = barrier
        self.results: dict[str, object] = {}

    def run(self, name: str, action: Callable[[], object]) -> None:
        if self.barrier is not None:
            self.barrier.wait(WAIT_S)
        try:
            self.results[name] = action()
        except Exception as exc:  # the test asserts on it: a refusal, or the error it should not be
            self.results[name] = exc


class LockGate:
    """A connection of the test's own holding `LOCK TABLE <table> IN SHARE MODE`: reads go on, every
    till's INSERT into the table waits until release()."""

    def __init__(self, url: str, table: str) -> None:
        self.url = url
        self._conn = psycopg.connect(url)
        self._conn.execute(f"LOCK TABLE {table} IN SHARE MODE")

    def wait_for_waiters(self, count: int) -> None:
        """Until `count` sessions of the database wait for a lock (the tills have got that far)."""
        wait_for_lock_waiters(self.url, count, timeout_s=WAIT_S)

    def release(self) -> None:
        self._conn.rollback()
        self._conn.close()


def one_after_the_other(url: str, first: Callable[[], object], second: Callable[[], object]) -> dict[str, object]:
    """Run `first` in a thread until its journal insert waits at a gate (its transaction open, not
    committed), then `second` until it waits too, then let both go: {"first": ..., "second": ...},
    each what it returned or raised."""
    outcomes = Outcomes()
    gate = LockGate(url, "journal")
    threads = []
    for name, action in (("first", first), ("second", second)):
        threads.append(threading.Thread(target=outcomes.run, args=(name, action), name=name))
        threads[-1].start()
        gate.wait_for_waiters(len(threads))
    gate.release()
    for thread in threads:
        thread.join(WAIT_S)
    return outcomes.results
