"""What a cashier types in the order history's search field, as one SQL query over orders.

One box, several readings; an order matches if any reading matches:

- a receipt number: "T02-000123" or "t02-123" (that till's series), or digits alone, "#123" or
  "000123" (zero-padded to 6 digits: the number in any till's series, this till's first);
- an amount: "25", "25.0", "25.00" in the till's currency (total == 2500 for usd);
- a day: "2026-11-26" (a local calendar day, like the Z report);
- a PaymentIntent id or its start: "pi_3Q..." (prefix match, case-sensitive as the ids are);
- a card's last four digits: "4242".

"25" is both order 000025 and $25.00: both are shown, newest first.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import date, datetime, time, timedelta

from pos_app.domain.money import MoneyError, parse_money

DEFAULT_LIMIT = 200

#: A receipt number as printed (domain/receipt_series.py: up to 8 letters and digits, a dash, 6 digits)
#: or its digits alone.
RECEIPT_NUMBER = re.compile(r"(?:([A-Za-z0-9]{1,8})-)?(\d{1,6})")

#: The till's receipt series' prefixes (a row a till: a handful): digits alone are read as a number in each.
SERIES_PREFIXES = "SELECT prefix FROM receipt_series WHERE prefix != '' ORDER BY prefix"


def numbered(digits: str, prefixes: Sequence[str]) -> list[str]:
    """The receipt numbers six digits are in every series: 000123, T01-000123, T02-000123, ...
    Listed values, not a subquery, so an OR of readings stays lookups of the orders' UNIQUE index."""
    return [digits, *(f"{prefix}-{digits}" for prefix in prefixes)]


def placeholders(values: Sequence[object]) -> str:
    return ", ".join("?" * len(values))


def _day_bounds(day: date) -> tuple[int, int]:
    # Same rule as reports.day_bounds (local midnights); the store can't import reports.
    start = datetime.combine(day, time()).astimezone()
    end = datetime.combine(day + timedelta(days=1), time()).astimezone()
    return int(start.timestamp()), int(end.timestamp())


def search_conditions(text: str, currency: str, prefixes: Sequence[str] = ()) -> tuple[list[str], list[object]]:
    """(SQL conditions to OR together, their parameters) for the readings `text` has; `prefixes`:
    the shop's receipt series (SERIES_PREFIXES), in which digits alone are a number too."""
    text = text.strip()
    conditions: list[str] = []
    params: list[object] = []
    reading = receipt_number(text)
    if reading is not None and reading[0] is not None:
        conditions.append("number = ?")
        params.append(f"{reading[0]}-{reading[1]}")
    elif reading is not None:
        numbers = numbered(reading[1], prefixes)
        conditions.append(f"number IN ({placeholders(numbers)})")
        params += numbers
    if re.fullmatch(r"\d{4}", text):
        conditions.append("card_last4 = ?")
        params.append(text)
    if re.fullmatch(r"[$€£¥]?\s*\d+(\.\d+)?", text):
        try:
            amount = parse_money(text.lstrip("$€£¥ "), currency)
        except MoneyError:
            pass  # more decimals than the currency has: not an amount
        else:
            conditions.append("(total = ? AND currency = ?)")
            params += [amount.amount, amount.currency]
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
        try:
            day = date.fromisoformat(text)
        except ValueError:
            pass
        else:
            conditions.append("(created_at >= ? AND created_at < ?)")
            params += list(_day_bounds(day))
    if re.fullmatch(r"pi_[A-Za-z0-9_]+", text):
        # The ids that start with `text`: a range of the UNIQUE index, read as bytes on both backends
        # (SQLite's LIKE can't use a BINARY index, so it read every order). Case counts, as in Stripe's ids.
        conditions.append("(payment_intent >= ? AND payment_intent < ?)")
        params += [text, text[:-1] + chr(ord(text[-1]) + 1)]
    return conditions, params


def search_query(text: str, currency: str, limit: int = DEFAULT_LIMIT,
                 till: str = "", prefixes: Sequence[str] = ()) -> tuple[str, list[object]] | None:
    """SELECT of matching order ids, `till`'s own first, newest first; None when the text has no reading at all."""
    conditions, params = search_conditions(text, currency, prefixes)
    if not conditions:
        return None
    sql = (f"SELECT id FROM orders WHERE {' OR '.join(conditions)} "
           "ORDER BY (till = ?) DESC, created_at DESC, id DESC LIMIT ?")
    return sql, [*params, till, limit]


def receipt_number(text: str) -> tuple[str | None, str] | None:
    """(series or None, the 6 digits) of what a cashier typed as a receipt number: "T02-000123",
    "t02-123", "#123", "000123", "123"; None when it can't be one."""
    found = RECEIPT_NUMBER.fullmatch(text.strip().removeprefix("#"))
    if found is None:
        return None
    series, digits = found.group(1), found.group(2)
    return (series.upper() if series else None), digits.zfill(6)
