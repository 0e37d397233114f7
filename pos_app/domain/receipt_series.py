"""A till's receipt series: the prefix of its receipt numbers (T02-000123) when tills share a database."""

from __future__ import annotations

import re

#: What a series may be: what a receipt and a customer's "my receipt says..." can carry.
SERIES = re.compile(r"[A-Z0-9]{1,8}")


def receipt_prefix(terminal_id: str) -> str:
    """The series a till gets unless POS_RECEIPT_SERIES says otherwise: "till-2" -> "T02", "pos12" ->
    "T12" (a trailing number), else the id's letters and digits, upper case ("front" -> "FRONT")."""
    number = re.search(r"(\d+)$", terminal_id)
    if number and len(number.group(1)) <= 6:
        return f"T{int(number.group(1)):02d}"
    letters = re.sub(r"[^A-Za-z0-9]", "", terminal_id).upper()[:8]
    return letters or "T"
