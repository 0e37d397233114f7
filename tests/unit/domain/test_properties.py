"""Hypothesis properties of the cart and of pricing."""

from hypothesis import given
from hypothesis import strategies as st

from pos_app.domain.cart import MAX_QTY, Cart
from pos_app.domain.item import Catalogue, Item
from pos_app.domain.money import Money
from pos_app.domain.pricing import PricingPolicy, TaxMode, price_lines

SKUS = [f"s{i}" for i in range(8)]
known = set(SKUS).__contains__

items = st.builds(lambda i, price, rate: Item(SKUS[i], f"Item {i}", Money(price, "usd"), tax_rate_bp=rate),
                  st.integers(0, 7), st.integers(0, 10**6), st.integers(0, 10_000))
catalogues = st.lists(items, min_size=8, max_size=8).map(
    lambda its: Catalogue([Item(s, it.name, it.price, tax_rate_bp=it.tax_rate_bp) for s, it in zip(SKUS, its)]))
lines = st.dictionaries(st.sampled_from(SKUS), st.integers(1, MAX_QTY), max_size=8)
modes = st.sampled_from(list(TaxMode))


@given(catalogues, lines, modes, st.randoms())
def test_totals_never_negative_and_independent_of_line_order(catalogue, cart_lines, mode, rnd):
    policy = PricingPolicy("usd", mode)
    totals = price_lines(cart_lines, catalogue.__getitem__, policy)
    shuffled = list(cart_lines.items())
    rnd.shuffle(shuffled)
    again = price_lines(dict(shuffled), catalogue.__getitem__, policy)
    assert totals.total.amount >= 0 and totals.tax.amount >= 0 and totals.subtotal.amount >= 0
    assert (again.subtotal, again.tax, again.total) == (totals.subtotal, totals.tax, totals.total)
    if mode is TaxMode.INCLUSIVE:
        assert totals.tax <= totals.total


operations = st.lists(st.one_of(
    st.tuples(st.just("set"), st.sampled_from(SKUS), st.integers(0, MAX_QTY)),
    st.tuples(st.just("add"), st.sampled_from(SKUS), st.integers(0, 20)),
    st.tuples(st.just("remove"), st.sampled_from(SKUS), st.just(0)),
    st.tuples(st.just("replace"), lines, st.just(0)),
), max_size=30)


@given(lines, operations)
def test_uuid_changes_exactly_when_the_content_changes(start, ops):
    cart = Cart()
    cart.replace(start, known)
    for op, arg, qty in ops:
        before_lines, before_uuid = cart.lines, cart.uuid
        if op == "set":
            cart.set_qty(arg, qty, known)
        elif op == "add":
            if cart.qty(arg) + qty > MAX_QTY:
                continue
            cart.add(arg, qty, known)
        elif op == "remove":
            cart.remove(arg)
        else:
            cart.replace(arg, known)
        if cart.lines == before_lines:
            assert cart.uuid == before_uuid, f"no-op {op} changed the uuid"
        else:
            assert cart.uuid != before_uuid, f"real change by {op} kept the uuid"
