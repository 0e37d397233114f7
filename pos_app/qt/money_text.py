"""Amounts as the till shows them, formatted once per (amount, currency, locale).

Babel's format_currency costs tens of microseconds; a view asks for the same prices again and
again (every repaint, every search page), and a catalogue has few distinct prices.
"""

from __future__ import annotations

from functools import lru_cache

from pos_app.domain import Money, format_money


@lru_cache(maxsize=8192)
def money_text(money: Money, locale: str = "en_US") -> str:
    """format_money(money, locale), cached (Money is a frozen value: it hashes by amount and currency)."""
    return format_money(money, locale)
