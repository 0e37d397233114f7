"""No card data, client secret or secret key reaches the logs or the database."""

from __future__ import annotations

import logging

import pytest

from pos_app.payments.gateway import PaymentMismatch, PaymentNotSucceeded

from .helpers import DECLINED, VISA, confirm_as_browser, confirm_server_side
from .test_recovery import tamper_amount


def stored_bytes(settings) -> bytes:
    """Everything the database holds: the SQLite file's bytes (with its journal: freed pages too),
    or on the shop's PostgreSQL every row of every table, as text."""
    if not settings.database_url:
        return b"".join(p.read_bytes() for p in settings.data_dir.glob("pos.sqlite3*"))
    import psycopg
    with psycopg.connect(settings.database_url) as conn:
        tables = [name for (name,) in conn.execute(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public'")]
        assert "payments" in tables
        return "\n".join(str(row) for table in tables
                          for (row,) in conn.execute(f'SELECT t::text FROM "{table}" t')).encode()


def test_logs_and_database_hold_no_secrets(make_till, settings, sandbox, faults, caplog):
    caplog.set_level(logging.DEBUG)  # everything, including stripe-python's and urllib3's debug
    faults.drop_response("POST", "/v1/payment_intents")
    till = make_till(max_network_retries=1)
    secrets = [sandbox.secret_key, VISA, DECLINED]

    till.carts.replace({"item1": 1})
    prepared = till.checkout.prepare()  # with a lost reply and a retry
    secrets.append(prepared.client_secret)
    confirm_as_browser(sandbox, prepared.client_secret, DECLINED)
    with pytest.raises(PaymentNotSucceeded):
        till.checkout.finalize(prepared.payment_intent)
    confirm_server_side(sandbox, prepared.payment_intent, "pm_card_visa")
    order = till.checkout.finalize(prepared.payment_intent)
    till.checkout.refund(order.id, 100)

    till.carts.replace({"item2": 1})
    tampered = till.checkout.prepare()
    secrets.append(tampered.client_secret)
    tamper_amount(sandbox, tampered.payment_intent, 60)
    confirm_as_browser(sandbox, tampered.client_secret, VISA)
    with pytest.raises(PaymentMismatch):
        till.checkout.finalize(tampered.payment_intent)
    till.checkout.reconcile()
    till.close()

    logged = caplog.text + "".join(repr(r.args) for r in caplog.records)
    assert "PAYMENT FOR REVIEW" in logged and "Request to Stripe api" in logged  # we did capture
    stored = stored_bytes(settings)
    assert prepared.payment_intent.encode() in stored  # we did read the database
    for secret in secrets:
        assert secret not in logged
        assert secret.encode() not in stored
    assert "_secret_" not in logged and b"_secret_" not in stored
    assert "sk_test_" not in logged and b"sk_test_" not in stored
