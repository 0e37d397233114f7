"""What makes rows one till's when tills share a database: the receipt series, and adopting old rows.

- **Receipt series.** Each till numbers its sales in its own series (`receipt_series`, one row a
  till): `T02-000123` on a shop's database, `000123` for a till on its own (no prefix). The next
  number is taken in the sale's own transaction (`UPDATE ... SET last = last + 1 RETURNING`): a
  sale that rolls back gives its number back, so the series never skips, and the row lock makes a
  till's numbers follow one another even if two of its writers raced. Two tills can't share a prefix
  (UNIQUE), so numbers never repeat across the shop.
- **Adopting.** Carts and orders written before tills had names (schema 16), and refunds before 17,
  carry till ''; the till that opens the database first afterwards takes them. A till's own SQLite
  file is one till whatever its id: a till whose POS_TERMINAL_ID changed takes every row over.
"""

from __future__ import annotations

import sqlite3

from pos_app.errors import UserFacingError
from pos_app.i18n import _
from pos_app.store.db import Database
from pos_app.store.sql import dialect


class ReceiptSeriesTaken(UserFacingError):
    """Another till of the shop numbers its receipts in this series (POS_RECEIPT_SERIES)."""


def open_receipt_series(db: Database, till: str, prefix: str, *, selling: bool = False) -> None:
    """The till's series, with this prefix ('' = plain numbers), created on its first start; its
    numbers go on from the till's orders so far. ReceiptSeriesTaken if another till has the prefix.

    `selling`: the till itself starts (open_store's claim_till). Only it takes over the rows of a
    till's own file that carry another id; a command that only reads (`pos-app orders`, `report`)
    with another POS_TERMINAL_ID changes nothing, and is not refused for a series it never uses.
    """
    own_file = dialect(db) == "sqlite"
    adopt_rows(db, till, own_file=own_file and selling)
    with db.transaction() as conn:
        holder = conn.execute("SELECT till FROM receipt_series WHERE prefix = ? AND till != ?",
                              (prefix, till)).fetchone()
        if holder is not None and not selling and not conn.execute(
                "SELECT 1 FROM receipt_series WHERE till = ?", (till,)).fetchone():
            return  # a reader with another id: it never takes a number
        if holder is not None:
            raise ReceiptSeriesTaken(_("the receipt series {prefix!r} is till {holder}'s: give till {till} a series "
                                       "of its own (POS_RECEIPT_SERIES)").format(
                                           prefix=prefix, holder=holder[0], till=till))
        conn.execute("INSERT INTO receipt_series (till, prefix, last) SELECT ?, ?, count(*) FROM orders WHERE till = ?"
                     " ON CONFLICT (till) DO UPDATE SET prefix = excluded.prefix", (till, prefix, till))


def next_receipt_number(conn: sqlite3.Connection, till: str) -> str:
    """The till's next receipt number, taken in the caller's (the sale's) transaction."""
    row = conn.execute("UPDATE receipt_series SET last = last + 1 WHERE till = ? RETURNING prefix, last",
                       (till,)).fetchone()
    if row is None:
        raise LookupError(f"till {till!r} has no receipt series: open_receipt_series() first")
    prefix, number = row[0], int(row[1])
    return f"{prefix}-{number:06d}" if prefix else f"{number:06d}"


def adopt_rows(db: Database, till: str, *, own_file: bool) -> None:
    """Rows of no till (carts and orders from before schema 16, refunds from before 17) become this
    till's. On a till's own file (`own_file`: SQLite) every row is this till's: a till whose
    POS_TERMINAL_ID changed keeps its cart, its parked sales, its orders and its receipt numbers,
    which go on from the highest it had (a second series in one file would print 000001 again)."""
    others = "till != ?" if own_file else "till = '' AND ? != ''"
    if db.query_one(f"SELECT 1 FROM carts WHERE {others} UNION ALL SELECT 1 FROM orders WHERE {others}"
                    f" UNION ALL SELECT 1 FROM refunds WHERE {others} UNION ALL SELECT 1 FROM receipt_series"
                    f" WHERE {others} AND ? = 1 LIMIT 1", (till, till, till, till, int(own_file))) is None:
        return
    with db.transaction() as conn:
        if own_file:  # the empty cart a command opened under this id gives way to the cart the cashier left
            conn.execute("UPDATE carts SET state = 'closed' WHERE till = ? AND state = 'open' AND NOT EXISTS"
                         " (SELECT 1 FROM cart_lines WHERE cart_id = carts.id) AND EXISTS (SELECT 1 FROM carts c"
                         " WHERE c.till != ? AND c.state IN ('open', 'frozen'))", (till, till))
        conn.execute(f"UPDATE carts SET till = ? WHERE {others} AND NOT (state IN ('open', 'frozen') AND EXISTS"
                     " (SELECT 1 FROM carts c WHERE c.till = ? AND c.state IN ('open', 'frozen')))", (till, till, till))
        for table in ("orders", "refunds"):
            conn.execute(f"UPDATE {table} SET till = ? WHERE {others}", (till, till))
        if own_file:
            last = conn.execute("SELECT max(coalesce((SELECT max(last) FROM receipt_series), 0),"
                                " (SELECT count(*) FROM orders))").fetchone()[0]
            conn.execute("DELETE FROM receipt_series WHERE till != ?", (till,))
            conn.execute("INSERT INTO receipt_series (till, prefix, last) VALUES (?, '', ?)"
                         " ON CONFLICT (till) DO UPDATE SET last = excluded.last", (till, int(last)))
