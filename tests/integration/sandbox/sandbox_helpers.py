"""Helpers shared by the sandbox tests (fixtures live in conftest.py)."""

from __future__ import annotations

from pos_app.sandbox import SANDBOX_PUBLISHABLE_KEY, SANDBOX_SECRET_KEY

SECRET_AUTH = {"Authorization": f"Bearer {SANDBOX_SECRET_KEY}"}
PUBLISHABLE_AUTH = {"Authorization": f"Bearer {SANDBOX_PUBLISHABLE_KEY}"}


def card_data(number: str, exp_month: int = 12, exp_year: int = 2030, cvc: str = "123") -> dict:
    return {"type": "card",
            "card": {"number": number, "exp_month": exp_month, "exp_year": exp_year, "cvc": cvc}}
