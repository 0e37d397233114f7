"""Store round-trip: whatever the cashier did, reopening the database gives the same cart and UUID."""

import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pos_app.domain.cart import CartError
from pos_app.domain.item import Item
from pos_app.domain.money import Money
from pos_app.domain.pricing import PricingPolicy, TaxMode
from pos_app.store import open_store

SKUS = ["item1", "item2", "item3", "item4", "ghost"]
ops = st.lists(st.one_of(
    st.tuples(st.just("set"), st.sampled_from(SKUS), st.integers(-1, 12)),
    st.tuples(st.just("add"), st.sampled_from(SKUS), st.integers(0, 3)),
    st.tuples(st.just("remove"), st.sampled_from(SKUS), st.just(0)),
    st.tuples(st.just("replace"), st.dictionaries(st.sampled_from(SKUS), st.integers(0, 5), max_size=4),
              st.just(0)),
), max_size=15)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(ops)
def test_round_trip_after_any_sequence_of_changes(operations):
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "pos.sqlite3"
        store = open_store(path, PricingPolicy("usd", TaxMode.EXCLUSIVE), seed_demo=True)
        # taxed items at two rates, so the running per-rate sums are exercised
        store.catalogue.upsert([Item("item2", "Item 2", Money(1000, "usd"), tax_rate_bp=825),
                                Item("item4", "Item 4", Money(705, "usd"), tax_rate_bp=2000)])
        carts = store.carts
        for op, arg, qty in operations:
            before = carts.snapshot()
            try:
                if op == "set":
                    carts.set_qty(arg, qty)
                elif op == "add":
                    carts.add(arg, qty)
                elif op == "remove":
                    carts.remove(arg)
                else:
                    carts.replace(arg)
            except CartError:
                after = carts.snapshot()
                assert (after.uuid, after.lines) == (before.uuid, before.lines)
            now = carts.snapshot()  # the running totals agree with pricing every line again
            full = now.totals
            assert (now.summary.subtotal, now.summary.tax, now.summary.total) == (full.subtotal, full.tax, full.total)
            assert dict(now.summary.tax_by_rate) == dict(full.tax_by_rate)
        snap = carts.snapshot()
        store.close()
        again = open_store(path, PricingPolicy(), seed_demo=True)
        reopened = again.carts.snapshot()
        again.close()
        assert (reopened.uuid, reopened.lines) == (snap.uuid, snap.lines)
        assert list(reopened.lines) == list(snap.lines)  # line order too
