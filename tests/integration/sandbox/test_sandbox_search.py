"""/v1/payment_intents/search with the metadata lookups a till makes (Stripe's query language)."""

from __future__ import annotations

import pytest
import stripe

from .sandbox_helpers import SECRET_AUTH


def make(api, cart, amount=1000, **params):
    return api.payment_intents.create(params={"amount": amount, "currency": "usd",
                                              "metadata": {"cart_uuid": cart, "till": "7"}, **params})


def test_metadata_lookup_through_stripe_python(api):
    wanted = make(api, "c-1")
    make(api, "c-2")
    found = api.payment_intents.search(params={"query": "metadata['cart_uuid']:'c-1'"})
    assert found.object == "search_result" and [pi.id for pi in found.data] == [wanted.id]
    assert found.has_more is False and found.next_page is None


def test_and_or_status_amount_and_negation(api):
    a, b = make(api, "c-1", 1000), make(api, "c-2", 3000)
    api.payment_intents.cancel(b.id)
    ids = lambda q: {pi.id for pi in api.payment_intents.search(params={"query": q}).data}  # noqa: E731
    assert ids("metadata[\"till\"]:\"7\" AND status:'canceled'") == {b.id}
    assert ids("metadata['cart_uuid']:'c-1' OR metadata['cart_uuid']:'c-2'") == {a.id, b.id}
    assert ids("amount>1000") == {b.id} and ids("amount<=1000") == {a.id}
    assert ids("-status:'canceled'") == {a.id}
    assert ids("currency:'usd' AND amount:3000") == {b.id}


def test_pages_with_next_page(api):
    made = [make(api, "same") for _ in range(5)]
    first = api.payment_intents.search(params={"query": "metadata['cart_uuid']:'same'", "limit": 3})
    assert first.has_more and len(first.data) == 3
    rest = api.payment_intents.search(params={"query": "metadata['cart_uuid']:'same'", "limit": 3,
                                              "page": first.next_page})
    assert not rest.has_more and len(rest.data) == 2
    assert {pi.id for pi in [*first.data, *rest.data]} == {pi.id for pi in made}


@pytest.mark.parametrize("query", ["", "metadata:'x'", "status:'a' AND x:'b' OR y:'c'", "nope:'x'",
                                   "metadata['k']>'v'", "amount:'many'"])
def test_bad_queries_are_400(wire, query):
    response = wire.get("/v1/payment_intents/search", query_string={"query": query}, headers=SECRET_AUTH)
    assert response.status_code == 400 and response.json["error"]["param"] in ("query",), query


def test_search_is_not_a_payment_intent_id(api):
    with pytest.raises(stripe.InvalidRequestError):
        api.payment_intents.search(params={})
