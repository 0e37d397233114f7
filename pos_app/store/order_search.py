"""What a cashier types in the order history's search field, as one SQL query over orders.

One box, several readings; an order matches if any reading matches:

- an order number: digits, "#123" or "000123" (number = zero-padded to 6 digits);
- an amount: "25", "25.0", "25.00" in the till's currency (total == 2500 for usd);
- a day: "2026-11-26" (a local calendar day, like the Z report);
- a PaymentIntent id or its start: "pi_3Q..." (prefix match, case-sensitive as the ids are);
- a card's last four digits: "4242".

"25" is both order 000025 and $25.00: both are shown, newest first.
"""

from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta

from pos_app.domain.money import MoneyError, parse_money

DEFAULT_LIMIT = 200


def _day_bounds(day: date) -> tuple[int, int]:
    # Same rule as reports.day_bounds (local midnights); the store can't import reports.
    start = datetime.combine(day, time()).astimezone()
    end = datetime.combine(day + timedelta(days=1), time()).astimezone()
    return int(start.timestamp()), int(end.timestamp())


def search_conditions(text: str, currency: str) -> tuple[list[str], list[object]]:
    """(SQL conditions to OR together, their parameters) for the readings `text` has."""
    text = text.strip()
    conditions: list[str] = []
    params: list[object] = []
    number = text.removeprefix("#")
    if re.fullmatch(r"\d{1,6}", number):
        conditions.append("number = ?")
        params.append(number.zfill(6))
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


def search_query(text: str, currency: str, limit: int = DEFAULT_LIMIT) -> tuple[str, list[object]] | None:
    """SELECT of matching order ids, newest first; None when the text has no reading at all."""
    conditions, params = search_conditions(text, currency)
    if not conditions:
        return None
    sql = (f"SELECT id FROM orders WHERE {' OR '.join(conditions)} "
           "ORDER BY created_at DESC, id DESC LIMIT ?")
    return sql, [*params, limit]
