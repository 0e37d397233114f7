"""Every branch reconcile can take for an unfinished payment, after a restart, against the sandbox.

Already covered elsewhere: open for the active revision is kept (test_recovery.py:
test_killed_between_create_and_confirm, test_in_doubt_cart_with_an_unpaid_intent_is_released_and_reused),
succeeded for the active revision is recorded (test_killed_between_confirm_and_finalize), an old
'creating' row is found by its metadata (test_old_creating_row_is_found_by_metadata_not_created_again),
open for an older revision is cancelled (test_guards.py: test_reconcile_cancels_an_older_revisions_open_intent).
"""

from __future__ import annotations

import pytest
import stripe

from pos_app.payments.gateway import GatewayUnavailable
from pos_app.sandbox import SandboxServer, SandboxState

from .helpers import VISA, confirm_as_browser, creates_intent, successful_charges

DAY = 24 * 60 * 60


class CreateNeverSent(stripe.RequestsClient):
    """Injected fault: the first PaymentIntent create fails to connect, so it never reaches the
    processor (a real refused connection would stop every request, not only this one)."""

    def __init__(self) -> None:
        super().__init__(timeout=10)
        self.failed = False

    def request(self, method, url, headers, post_data=None):
        if not self.failed and creates_intent(method.upper(), url):
            self.failed = True
            raise stripe.APIConnectionError("connection refused (injected test fault)", should_retry=False)
        return super().request(method, url, headers, post_data)


def charge_then_stop(till) -> object:
    """Charge the cart, then close the card form (the intent stays open); the till then stops."""
    prepared = till.checkout.prepare()
    till.checkout.abandon()
    return prepared


def test_an_intent_unknown_to_the_processor_is_closed_and_the_cart_charged_afresh(make_till, sandbox, tmp_path):
    till = make_till()
    till.carts.replace({"item1": 1})
    lost = charge_then_stop(till)
    till.close()
    with SandboxServer(SandboxState(tmp_path / "wiped.json")) as wiped:  # the training data is gone
        again = make_till(server=wiped)
        report = again.checkout.reconcile()

        assert report.closed == [lost.payment_intent] and not report.in_doubt and report.error is None
        assert again.store.ledger.by_intent(lost.payment_intent).status == "canceled"
        assert not again.carts.snapshot().frozen and not again.carts.snapshot().in_doubt
        fresh = again.checkout.prepare()
        assert fresh.payment_intent != lost.payment_intent and fresh.amount == 500
        assert wiped.state.get("payment_intent", fresh.payment_intent)["status"] == "requires_payment_method"


def test_an_intent_cancelled_at_the_processor_is_closed_and_replaced(make_till, sandbox, sandbox_state):
    till = make_till()
    till.carts.replace({"item2": 1})
    cancelled = charge_then_stop(till)
    client = stripe.StripeClient(sandbox.secret_key, base_addresses={"api": sandbox.url}, max_network_retries=0)
    client.v1.payment_intents.cancel(cancelled.payment_intent)  # e.g. from the Dashboard
    till.close()

    again = make_till()
    report = again.checkout.reconcile()

    assert report.closed == [cancelled.payment_intent] and report.kept == [] and not report.in_doubt
    assert again.store.ledger.by_intent(cancelled.payment_intent).status == "canceled"
    fresh = again.checkout.prepare()
    assert fresh.payment_intent != cancelled.payment_intent and fresh.cart_uuid == cancelled.cart_uuid
    assert confirm_as_browser(sandbox, fresh.client_secret, VISA)["status"] == "succeeded"
    assert again.checkout.finalize(fresh.payment_intent).total == 1000
    assert len(successful_charges(sandbox_state)) == 1


def test_an_older_revision_paid_after_the_cart_changed_is_recorded_at_start_up(make_till, sandbox, sandbox_state):
    till = make_till()
    till.carts.replace({"item1": 2})
    old = charge_then_stop(till)
    till.carts.add("item3")  # the cashier goes on...
    assert confirm_as_browser(sandbox, old.client_secret, VISA)["status"] == "succeeded"  # ...the old form pays
    till.close()

    again = make_till()
    report = again.checkout.reconcile()

    [order] = report.finalized
    assert (order.payment_intent, order.total) == (old.payment_intent, 1000)
    assert [(l.sku, l.qty) for l in order.lines] == [("item1", 2)]
    snap = again.carts.snapshot()
    assert snap.lines == {"item3": 1} and not snap.frozen and not snap.in_doubt  # the rest is left to pay
    assert again.checkout.reconcile().finalized == []  # once
    assert again.store.orders.count() == 1 and len(successful_charges(sandbox_state)) == 1


def test_a_create_that_never_reached_the_processor_is_issued_at_start_up(make_till, sandbox, sandbox_state):
    till = make_till(http_client=CreateNeverSent(), max_network_retries=0)
    till.carts.replace({"item4": 1})
    with pytest.raises(GatewayUnavailable):
        till.checkout.prepare()
    [entry] = till.store.ledger.all()
    assert (entry.status, entry.payment_intent) == ("creating", None) and sandbox_state.all("payment_intent") == []
    till.close()

    again = make_till()
    report = again.checkout.reconcile()  # re-issued with the same key and parameters

    [created] = sandbox_state.all("payment_intent")
    assert report.kept == [created["id"]] and not report.in_doubt
    assert created["metadata"]["cart_uuid"] == entry.cart_uuid
    assert again.checkout.prepare().payment_intent == created["id"]
    assert len(sandbox_state.all("payment_intent")) == 1


def test_an_old_create_that_never_reached_the_processor_is_closed_not_created(make_till, sandbox, sandbox_state):
    till = make_till(http_client=CreateNeverSent(), max_network_retries=0)
    till.carts.replace({"item4": 1})
    with pytest.raises(GatewayUnavailable):
        till.checkout.prepare()
    with till.store.db.transaction() as conn:  # a day later: the key may be pruned, so no re-issue
        conn.execute("UPDATE payments SET created_at = created_at - ?", (DAY + 3600,))
    [entry] = till.store.ledger.all()
    till.close()

    again = make_till()
    report = again.checkout.reconcile()

    assert report.closed == [entry.idempotency_key] and report.kept == [] and not report.in_doubt
    assert sandbox_state.all("payment_intent") == []  # looked up by metadata, not created
    assert again.store.ledger.by_key(entry.idempotency_key).status == "canceled"
    fresh = again.checkout.prepare()  # the cart is charged afresh, under a new key
    assert [pi["id"] for pi in sandbox_state.all("payment_intent")] == [fresh.payment_intent]
    assert again.store.ledger.by_intent(fresh.payment_intent).idempotency_key == f"{entry.idempotency_key}.2"
