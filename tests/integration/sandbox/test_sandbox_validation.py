"""Amount, currency and metadata validation like Stripe's."""

from __future__ import annotations

import pytest
import stripe


def create(api, **params):
    return api.payment_intents.create(params={"amount": 1000, "currency": "usd", **params})


def refused(api, **params) -> stripe.InvalidRequestError:
    with pytest.raises(stripe.InvalidRequestError) as excinfo:
        create(api, **params)
    assert excinfo.value.http_status == 400
    return excinfo.value


@pytest.mark.parametrize("amount,code", [(0, "parameter_invalid_integer"),
                                         (-5, "parameter_invalid_integer"),
                                         (49, "amount_too_small"),
                                         (100_000_000, "amount_too_large")])
def test_amount_bounds_usd(api, amount, code):
    err = refused(api, amount=amount)
    assert (err.param, err.code) == ("amount", code)


@pytest.mark.parametrize("amount", ["12.5", "abc", "1e3", ""])
def test_amount_must_be_an_integer(api, amount):
    assert refused(api, amount=amount).param == "amount"


@pytest.mark.parametrize("amount,currency", [(50, "usd"), (99_999_999, "usd"), (30, "gbp"),
                                             (50, "eur"), (50, "jpy"), (1000, "KRW")])
def test_accepted_amounts(api, amount, currency):
    pi = create(api, amount=amount, currency=currency)
    assert (pi.amount, pi.currency) == (amount, currency.lower())


def test_per_currency_minimum(api):
    assert refused(api, amount=29, currency="gbp").code == "amount_too_small"
    assert refused(api, amount=49, currency="jpy").code == "amount_too_small"


def test_zero_decimal_currency_is_not_multiplied(api):
    pi = create(api, amount=500, currency="jpy")   # ¥500, not ¥5.00
    assert pi.amount == 500
    assert refused(api, amount=49, currency="jpy").user_message == "Amount must be at least 50 jpy"
    assert refused(api, amount=49).user_message == "Amount must be at least 0.50 usd"


@pytest.mark.parametrize("currency", ["xyz", "usdollar", "eu"])
def test_unknown_currency(api, currency):
    assert refused(api, currency=currency).param == "currency"


@pytest.mark.parametrize("missing", ["amount", "currency"])
def test_required_params(wire, missing):
    from .sandbox_helpers import SECRET_AUTH
    data = {"amount": "1000", "currency": "usd"}
    del data[missing]
    response = wire.post("/v1/payment_intents", data=data, headers=SECRET_AUTH)
    assert response.status_code == 400
    assert response.json["error"]["param"] == missing
    assert response.json["error"]["code"] == "parameter_missing"


def test_metadata_limits(api):
    assert len(create(api, metadata={f"k{i}": "v" for i in range(50)}).metadata.to_dict()) == 50
    assert refused(api, metadata={f"k{i}": "v" for i in range(51)}).param == "metadata"
    assert create(api, metadata={"k" * 40: "v"}).metadata["k" * 40] == "v"
    refused(api, metadata={"k" * 41: "v"})
    assert create(api, metadata={"k": "v" * 500}).metadata["k"] == "v" * 500
    assert refused(api, metadata={"k": "v" * 501}).param == "metadata[k]"


def test_update_validates_too(api):
    pi = create(api)
    with pytest.raises(stripe.InvalidRequestError) as excinfo:
        api.payment_intents.update(pi.id, params={"amount": 10})
    assert excinfo.value.code == "amount_too_small"
    assert api.payment_intents.retrieve(pi.id).amount == 1000


def test_unknown_payment_method_type(api):
    assert refused(api, payment_method_types=["sepa_debit"]).param == "payment_method_types[0]"
