"""A till's local copy of the shop's catalogue, for its search: SQLite's FTS5 search over the shop's items.

Why a copy: a keystroke's search on the shop database is a network round trip plus a query that
PostgreSQL's indexes answer far slower than FTS5 once the catalogue is large (pg_trgm hands over
its matches unordered; FTS5's doclists are in catalogue order and stop at SEARCH_CAP + 1):
docs/benchmarks.md "Search on a shop database". So a selling till keeps the shop's items in a
catalogue file of its own (catalogue_db's schema, in its data folder) and searches that, by
construction with SQLite's results and speed, and without the network: the search works while the
shop database is away. Everything else (an item by sku or barcode, the price a cart line is
charged, an import, an edit) goes to the shop database, which stays the one truth: a price change
reaches the cart at once, and the search list shows it within POLL_S.

How it follows the shop database (PG migration 21): every item's search row there carries the id of
the transaction that last wrote it (`item_search.changed`). A catch-up takes a snapshot first (its
mark for the next one), then reads the rows written by transactions the previous mark did not see:
a write that commits after a later one is never skipped (a "highest id seen" mark would skip it),
and a transaction left open elsewhere does not make every poll copy everything again (an "oldest
running transaction" mark would). Each row is written under its shop `seq` as rowid, so catalogue
order (the capped candidates) is the shop's. The copy names the database it copies (the server's
system identifier and timeline, the database's oid): a copy of another database, or of one
restored elsewhere, starts afresh, and so does one whose mark is ahead of the server's transactions
(restored to an earlier point). Items are never deleted from a shop's catalogue through the store;
one deleted by hand stays in the copy until the copy is made afresh (delete the file: the next start
copies everything), unless its barcode goes to another item.

Until the first catch-up of this run has finished (the first copy of a big catalogue takes a while;
usually milliseconds), the search runs on the shop database (pg_catalogue.py). A failed catch-up
(the database away) is tried again at the next poll.
"""

from __future__ import annotations

import json
import logging
import threading
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pos_app.store.catalogue import CatalogueStore
from pos_app.store.catalogue_db import CATALOGUE_MIGRATIONS
from pos_app.store.db import Database
from pos_app.store.faults import StoreError

if TYPE_CHECKING:
    from pos_app.store.pg import PgDatabase

log = logging.getLogger(__name__)

#: How often a till asks the shop database for catalogue changes (one indexed read when there are none).
POLL_S = 1.0
#: How long close() waits for a catch-up to stop.
CLOSE_TIMEOUT_S = 5.0
#: The mark of a copy being made afresh: its first catch-up reads every row.
FRESH = "0"
#: Rows per read and per local transaction of a catch-up (the first copy of 1,000,000 items is 200 of them).
CHUNK_ROWS = 5_000

REPLICA_MIGRATIONS: list[str] = [
    *CATALOGUE_MIGRATIONS,
    # The copy's own state: which shop database it copies, its mark (a pg_snapshot, as text; FRESH while
    # a first copy is made), and of a first copy under way its mark-to-be and the last seq copied.
    """CREATE TABLE replica_state (one INTEGER PRIMARY KEY CHECK (one = 1), shop TEXT NOT NULL, mark TEXT NOT NULL,
                                   first_mark TEXT NOT NULL DEFAULT '', copied_upto INTEGER NOT NULL DEFAULT 0);""",
]

#: Which database this is (the cluster's system identifier, its timeline: a restore to an earlier point
#: starts a new one, and the database's oid), and the snapshot that is the next mark.
_IDENTITY_AND_MARK = ("SELECT (SELECT system_identifier FROM pg_control_system())::text"
                      " || '/' || (SELECT timeline_id FROM pg_control_checkpoint())::text || '/' || d.oid::text,"
                      " pg_current_snapshot()::text FROM pg_database d WHERE d.datname = current_database()")
_ROW = ("SELECT s.seq, i.sku, i.name, i.price, i.currency, i.category, i.barcode, i.tax_rate_bp, i.open_price,"
        " i.name_key, s.changed::text FROM item_search s JOIN items i ON i.sku = s.sku")
_COLUMNS = "sku, name, price, currency, category, barcode, tax_rate_bp, open_price, name_key"
#: A first copy: every item, in catalogue order from a seq on (pages of CHUNK_ROWS).
_ALL = f"{_ROW} WHERE s.seq > ? ORDER BY s.seq LIMIT ?"
#: The items changed since a mark (a snapshot): written by a transaction that snapshot did not see, in
#: (changed, seq) order from a key on, the item_search_changed index's order (so the plan is that
#: index's range whatever the statistics say), from the mark's xmin: every older one it saw.
_CHANGED = (f"{_ROW} WHERE (s.changed, s.seq) > (?::xid8, ?) AND NOT pg_visible_in_snapshot(s.changed, ?::pg_snapshot)"
            " ORDER BY s.changed, s.seq LIMIT ?")
#: The copy's rows a page replaces: the same skus (an item the shop deleted and made anew has a new seq),
#: and the rows holding one of the page's barcodes (_write).
_REPLACED = ("FROM items WHERE sku IN (SELECT value FROM json_each(?))"
             " OR barcode IN (SELECT value FROM json_each(?))")
_PAGE = "FROM items WHERE rowid IN (SELECT value FROM json_each(?)) ORDER BY rowid"


def _xmin(snapshot: str) -> int:
    """A snapshot's xmin ("xmin:xmax:xip,..."; FRESH is 0)."""
    return int(snapshot.split(":")[0])


class CatalogueReplica:
    """The copy at `path` of the shop database at `url`'s catalogue; `store` searches it (a CatalogueStore).

    start() runs the catch-ups every POLL_S on a thread of its own (with its own connection to the
    shop database); catch_up() is also called by the till's own catalogue writes, so they show at once.
    """

    def __init__(self, path: Path, url: str, currency: str) -> None:
        from pos_app.store.pg import PgDatabase  # only a till on a shop database gets here
        from pos_app.store.pg_schema import PG_MIGRATIONS

        self._connect: Callable[[], PgDatabase] = lambda: PgDatabase(url, migrations=PG_MIGRATIONS)
        self.path = path
        self._writer = Database(path, migrations=REPLICA_MIGRATIONS)
        try:
            self._reader = Database(path, migrations=REPLICA_MIGRATIONS)  # the search never waits for a catch-up
        except BaseException:
            self._writer.close()
            raise
        self.store = CatalogueStore(self._reader, currency)
        self._shop: PgDatabase | None = None
        self._lock = threading.Lock()  # one catch-up at a time
        self._caught_up = threading.Event()
        self._stopping = threading.Event()
        self._wake = threading.Event()  # a catch-up wanted before POLL_S is up (or close())
        self._thread: threading.Thread | None = None
        self._left_running = False  # close() gave up waiting for the thread, which closes what it uses
        self.rows_copied = 0  # rows written by this run's catch-ups (tests and benchmarks read it)
        #: (rows copied, rows to copy) while a copy is made afresh, else None: what the window shows.
        self.progress: tuple[int, int] | None = None

    @property
    def ready(self) -> bool:
        """A catch-up of this run has finished: the search may use the copy."""
        return self._caught_up.is_set()

    def wait_ready(self, timeout_s: float) -> bool:
        return self._caught_up.wait(timeout_s)

    def start(self) -> CatalogueReplica:
        if self._thread is None:
            self._thread = threading.Thread(target=self._follow, name="catalogue-replica", daemon=True)
            self._thread.start()
        return self

    def _follow(self) -> None:
        while not self._stopping.is_set():
            try:
                self.catch_up()
            except StoreError as exc:  # the shop database away (ShopDatabaseUnavailable), or busy: next time
                log.debug("catalogue replica: no catch-up now: %s", exc)
            except Exception:
                log.exception("catalogue replica: the catch-up failed")
            self._wake.wait(POLL_S)
            self._wake.clear()
        if self._left_running:  # close() did not wait for the end: what it left open is closed here
            self._close_connections()

    def catch_up_now_or_soon(self) -> None:
        """After the till's own write: catch up now, or, while a catch-up is under way (which may
        have begun before the write), have the thread run another straight after it."""
        if self._lock.acquire(blocking=False):
            try:
                self._catch_up()
            finally:
                self._lock.release()
        else:
            self._wake.set()

    def catch_up(self) -> int:
        """Copy the shop's catalogue changes since the last catch-up; the number of rows written."""
        with self._lock:
            return self._catch_up()

    def _catch_up(self) -> int:
        if self._stopping.is_set():
            return 0
        if self._shop is None:
            self._shop = self._connect()
        # The mark is taken BEFORE the reads: every write they don't see is in a transaction it doesn't see.
        identity, next_mark = self._shop.query(_IDENTITY_AND_MARK)[0]
        mark, from_seq, next_mark = self._mark(str(identity), str(next_mark))
        try:
            if mark == FRESH:
                self.progress = (self._writer.count("SELECT count(*) FROM items"),
                                 self._shop.count("SELECT count(*) FROM item_search"))
            written = self._copy_since(mark, from_seq)
        finally:
            self.progress = None  # a copy that failed part way shows no stale percentage; the next one counts again
        if written is None:
            return 0  # stopped part way: the mark stays, the next run reads the rest again
        if written or next_mark != mark:  # a poll that found nothing new writes nothing either
            with self._writer.transaction() as conn:
                if mark == FRESH:  # a first copy's rows went in without their index entries: all indexed at once
                    for index in ("items_fts", "items_words"):
                        conn.execute(f"INSERT INTO {index} ({index}) VALUES ('rebuild')")
                conn.execute("UPDATE replica_state SET mark = ?, first_mark = '', copied_upto = 0", (next_mark,))
            if mark == FRESH:  # the copy's whole file went through the WAL: searches then read the file alone
                with self._writer.lock:
                    self._writer.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        self.rows_copied += written
        self._caught_up.set()
        return written

    def _mark(self, identity: str, next_mark: str) -> tuple[str, int, str]:
        """(the mark to read from, the seq a first copy goes on after, the mark once done).

        FRESH for a copy made afresh: none yet, of another database, or ahead of the server's
        transactions (restored to an earlier point). A first copy cut short (a close, a crash, the
        server away) goes on after the last seq it copied, and ends with the mark its start took:
        what changed meanwhile in the pages copied before is read by the catch-up after it."""
        state = self._writer.query_one("SELECT shop, mark, first_mark, copied_upto FROM replica_state")
        if state is None or state["shop"] != identity:
            self._start_afresh(identity, next_mark)
            return FRESH, 0, next_mark
        mark, first_mark = str(state["mark"]), str(state["first_mark"])
        if mark == FRESH and first_mark and _xmin(first_mark) <= _xmin(next_mark):
            return FRESH, int(state["copied_upto"]), first_mark
        if mark == FRESH or _xmin(mark) > _xmin(next_mark):
            self._start_afresh(identity, next_mark)
            return FRESH, 0, next_mark
        return mark, 0, next_mark

    def _copy_since(self, mark: str, from_seq: int = 0) -> int | None:
        """The shop's rows changed since mark (a first copy's: after from_seq), page by page into the
        copy: how many (None: stopped part way)."""
        assert self._shop is not None
        written, key = 0, (str(_xmin(mark)), from_seq)
        while not self._stopping.is_set():
            if mark == FRESH:
                rows = self._shop.query(_ALL, (key[1], CHUNK_ROWS))
            else:
                rows = self._shop.query(_CHANGED, (*key, mark, CHUNK_ROWS))
            if rows:
                self._write([row[:10] for row in rows], indexed=mark != FRESH)
                written += len(rows)
                key = (str(rows[-1][10]), int(rows[-1][0]))
                if self.progress is not None:
                    done = self.progress[0] + len(rows)
                    self.progress = (done, max(self.progress[1], done))
            if len(rows) < CHUNK_ROWS:
                return written
        return None

    def _start_afresh(self, identity: str, first_mark: str) -> None:
        """An empty copy of the database `identity` (a new file, or a copy of another database)."""
        log.info("copying the shop's catalogue into %s", self.path)
        self._caught_up.clear()  # the search asks the shop database until this copy is made
        with self._writer.transaction() as conn:
            conn.execute("INSERT INTO items_bulk_write (marker) VALUES (1)")
            conn.execute("DELETE FROM items")
            conn.execute("DELETE FROM items_bulk_write")
            for index in ("items_fts", "items_words"):
                conn.execute(f"INSERT INTO {index} ({index}) VALUES ('delete-all')")
            conn.execute("DELETE FROM replica_state")
            conn.execute("INSERT INTO replica_state (one, shop, mark, first_mark) VALUES (1, ?, ?, ?)",
                         (identity, FRESH, first_mark))

    def _write(self, rows: Sequence[Sequence[Any]], *, indexed: bool) -> None:
        """One page of the shop's rows in place of the copy's, both search indexes kept set-wise (as an
        import) when `indexed`; a first copy's rows alone (indexed at its end: 2.6x faster than page by page).

        Replaced: the copy's rows of the same skus, and any other holding a barcode one of the page's
        items has now (it moved from that item, or that item was deleted by hand: the copy's row is
        stale, and one the shop still has is read again, by this catch-up or the next, as its change
        is newer than the mark); else the barcode's UNIQUE would refuse the page at every poll."""
        seqs, skus = json.dumps([int(row[0]) for row in rows]), json.dumps([row[1] for row in rows])
        replaced = (skus, json.dumps([row[6] for row in rows if row[6] is not None]))
        insert = f"INSERT INTO items (rowid, {_COLUMNS}) VALUES ({', '.join('?' * 10)})"
        with self._writer.transaction() as conn:
            conn.execute("INSERT INTO items_bulk_write (marker) VALUES (1)")  # the per-row triggers stay quiet
            if indexed:
                conn.execute(f"INSERT INTO items_fts (items_fts, rowid, sku, name, barcode)"
                             f" SELECT 'delete', rowid, sku, name, barcode {_REPLACED} ORDER BY rowid", replaced)
                conn.execute(f"INSERT INTO items_words (items_words, rowid, sku, name)"
                             f" SELECT 'delete', rowid, sku, name {_REPLACED} ORDER BY rowid", replaced)
            conn.execute(f"DELETE {_REPLACED}", replaced)
            conn.executemany(insert, [tuple(row) for row in rows])
            if not indexed:  # a first copy: where it goes on after a stop, committed with the page
                conn.execute("UPDATE replica_state SET copied_upto = ?", (int(rows[-1][0]),))
            if indexed:
                conn.execute(f"INSERT INTO items_fts (rowid, sku, name, barcode)"
                             f" SELECT rowid, sku, name, barcode {_PAGE}", (seqs,))
                conn.execute(f"INSERT INTO items_words (rowid, sku, name) SELECT rowid, sku, name {_PAGE}", (seqs,))
            conn.execute("DELETE FROM items_bulk_write")

    def close(self, timeout_s: float = CLOSE_TIMEOUT_S) -> None:
        """Stop following (a catch-up under way stops after its page) and close the files and the connection.

        A first copy's last step (indexing every row at once: half a minute at a million items)
        can't be stopped: after timeout_s it is left to finish or to end with the process (its
        transaction then never was, and the next start copies afresh)."""
        self._stopping.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join(timeout_s)
            if self._thread.is_alive():
                log.warning("the catalogue's local copy is still being indexed: its thread closes it when done")
                self._left_running = True
                self._reader.close()
                return
            self._thread = None
        self._reader.close()
        self._close_connections()

    def _close_connections(self) -> None:
        with self._lock:
            if self._shop is not None:
                self._shop.close()
                self._shop = None
            self._writer.close()
