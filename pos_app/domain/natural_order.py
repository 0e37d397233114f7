"""The order names are listed in: natural ("Product 2" before "Product 10"), case-blind.

`natural_key(name)` is the one rule, stored beside each item (`items.name_key`, indexed) so the
database sorts by it with a plain index and any backend (SQLite today, PostgreSQL for issue 19)
gets the same order by comparing the stored keys code point by code point (PostgreSQL: COLLATE
"C"). docs/architecture.md, "Catalogue search", writes the rule down.
"""

from __future__ import annotations

import re

#: A run of ASCII digits is compared as a number: left-padded with zeros to this width.
NUMBER_WIDTH = 20

_DIGITS = re.compile(r"[0-9]+")


def natural_key(name: str) -> str:
    """The text that sorts like `name` in natural order: case-folded, every run of digits
    zero-padded to NUMBER_WIDTH ("Product 2" -> "product 000…02"), whitespace runs as one space."""
    folded = " ".join(name.casefold().split())
    return _DIGITS.sub(lambda run: run.group().zfill(NUMBER_WIDTH), folded)
