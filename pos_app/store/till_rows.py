"""What makes rows one till's when tills share a database: the receipt series, and adopting old rows.

- **Receipt series.** Each till numbers its sales in its own series (`receipt_series`, one row a
  till): `T02-000123` on a shop's database, `000123` for a till on its own (no prefix). The next
  number is taken in the sale's own transaction (`UPDATE ... SET last = last + 1 RETURNING`): a
  sale that rolls back gives its number back, so the series never skips, and the row lock makes a
  till's numbers follow one another even if two of its writers raced. Two tills can't share a prefix
  (UNIQUE), so numbers never repeat across the shop.
- **Adopting.** Carts and orders written before tills had names (schema 16), and refunds before 17,
  carry till ''; the till that opens the database first afterwards takes them (a till's own SQLite
  file: its own).
"""

from __future__ import annotations

import sqlite3

from pos_app.errors import UserFacingError
from pos_app.i18n import _
from pos_app.store.db import Database


class ReceiptSeriesTaken(UserFacingError):
    """Another till of the shop numbers its receipts in this series (POS_RECEIPT_SERIES)."""


def open_receipt_series(db: Database, till: str, prefix: str) -> None:
    """The till's series, with this prefix ('' = plain numbers), created on its first start; its
    numbers go on from the till's orders so far. ReceiptSeriesTaken if another till has the prefix."""
    adopt_unnamed_rows(db, till)
    with db.transaction() as conn:
        holder = conn.execute("SELECT till FROM receipt_series WHERE prefix = ? AND till != ?",
                              (prefix, till)).fetchone()
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


def adopt_unnamed_rows(db: Database, till: str) -> None:
    """Carts and orders from before schema 16 (till ''), and refunds from before 17, become this till's."""
    if db.query_one("SELECT 1 FROM carts WHERE till = '' UNION ALL SELECT 1 FROM orders WHERE till = ''"
                    " UNION ALL SELECT 1 FROM refunds WHERE till = '' LIMIT 1"):
        with db.transaction() as conn:
            conn.execute("UPDATE carts SET till = ? WHERE till = ''", (till,))
            conn.execute("UPDATE orders SET till = ? WHERE till = ''", (till,))
            conn.execute("UPDATE refunds SET till = ? WHERE till = ''", (till,))
