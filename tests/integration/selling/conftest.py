"""Fixtures for the selling rules' tests: a real store, its staff and CartTerms over them."""

from __future__ import annotations

import pytest

from pos_app.domain.item import Item
from pos_app.domain.money import Money
from pos_app.domain.pricing import PricingPolicy
from pos_app.selling import CartTerms
from pos_app.staff import StaffService, TillSession
from pos_app.store import open_store

ITEMS = (Item("tea", "Tea", Money(1000, "usd"), tax_rate_bp=2000), Item("cake", "Cake", Money(500, "usd")),
         Item("misc", "Miscellaneous", Money(0, "usd"), open_price=True))


@pytest.fixture(params=["exclusive", "inclusive"])
def tax_mode(request):
    return request.param


@pytest.fixture
def store(database_location, tax_mode):
    """A till's store on each backend (its SQLite file; the shop's PostgreSQL database), with ITEMS."""
    with open_store(database_location, PricingPolicy("usd", tax_mode)) as opened:
        opened.catalogue.upsert(ITEMS)
        yield opened


@pytest.fixture
def session(store):
    session = TillSession(StaffService(store, "till-1"))
    store.journal.attribute_to(session.user_name)
    session.staff.ensure_demo_users()
    return session


@pytest.fixture
def terms(store, session):
    return CartTerms(store, session, limit_bp=1000)


@pytest.fixture
def cashier(session):
    session.login("0000")
    return session


@pytest.fixture
def manager(session):
    session.login("1234")
    return session
