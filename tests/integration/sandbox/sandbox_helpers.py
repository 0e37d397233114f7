"""Helpers shared by the sandbox tests (fixtures live in conftest.py)."""

from __future__ import annotations

import secrets

#: This test run's keys for in-memory sandboxes (random per run, as a real sandbox's are per data
#: folder); conftest's `state` is made with them. Sandboxes with a data folder make their own.
TEST_SECRET_KEY = f"sk_test_run{secrets.token_hex(24)}"
TEST_PUBLISHABLE_KEY = f"pk_test_run{secrets.token_hex(24)}"
TEST_KEYS = (TEST_SECRET_KEY, TEST_PUBLISHABLE_KEY)

SECRET_AUTH = {"Authorization": f"Bearer {TEST_SECRET_KEY}"}
PUBLISHABLE_AUTH = {"Authorization": f"Bearer {TEST_PUBLISHABLE_KEY}"}


def auth(key: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {key}"}


def card_data(number: str, exp_month: int = 12, exp_year: int = 2030, cvc: str = "123") -> dict:
    return {"type": "card",
            "card": {"number": number, "exp_month": exp_month, "exp_year": exp_year, "cvc": cvc}}
