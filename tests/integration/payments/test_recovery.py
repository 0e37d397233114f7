"""Idempotency and crash safety: one PaymentIntent per revision, no paid sale lost, no double charge."""

from __future__ import annotations

import logging
import os
import subprocess
import sys
import threading
from pathlib import Path

import pytest
import stripe

from pos_app.config import Settings
from pos_app.payments.gateway import GatewayUnavailable, PaymentInDoubt, PaymentMismatch
from pos_app.sandbox import SandboxServer, SandboxState
from pos_app.store import CartFrozen

from pos_app.sandbox.faults import FaultControl
from pos_app.web.errors import http_status_for

from .helpers import VISA, Clock, confirm_as_browser, successful_charges

REPO = Path(__file__).resolve().parents[3]
DAY = 24 * 60 * 60


@pytest.fixture
def restart_sandbox(sandbox, sandbox_state):
    """Stop the sandbox and start a new one from its state file (the app restarting)."""
    servers: list[SandboxServer] = []

    def restart(clock=None) -> tuple[SandboxServer, SandboxState]:
        sandbox.stop()
        state = SandboxState(sandbox_state.path, **({"clock": clock} if clock else {}))
        server = SandboxServer(state)
        server.start()
        servers.append(server)
        return server, state

    yield restart
    for server in servers:
        server.stop()


# -- double charge, lost replies --------------------------------------------------------------


def test_double_charge_from_two_threads_makes_one_payment_intent(till, sandbox_state):
    till.carts.replace({"item1": 1})
    barrier = threading.Barrier(2)
    results, errors = [], []

    def charge():
        barrier.wait()
        try:
            results.append(till.checkout.prepare())
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=charge) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(10)
    assert errors == []
    assert len(results) == 2 and results[0].payment_intent == results[1].payment_intent
    assert len(sandbox_state.all("payment_intent")) == 1
    assert len(till.store.ledger.all()) == 1


def test_two_tills_on_one_database_charge_one_payment_intent(make_till, sandbox_state):
    """Even without the service's lock (two processes), the revision key gives one intent."""
    first = make_till()
    first.carts.replace({"item2": 1})
    second = make_till()  # same database file, its own CheckoutService and lock
    a, b = first.checkout.prepare(), second.checkout.prepare()
    assert a.payment_intent == b.payment_intent
    assert len(sandbox_state.all("payment_intent")) == 1


def test_lost_reply_is_retried_by_the_client_with_the_same_key(make_till, sandbox_state, faults):
    # Fault injected at the sandbox: the create runs and commits, its reply is dropped.
    lost = faults.drop_response("POST", "/v1/payment_intents")
    till = make_till(max_network_retries=2)
    till.carts.replace({"item1": 1})
    prepared = till.checkout.prepare()  # answered: so stripe-python asked again, with the same key
    assert faults.hits(lost["id"]) == 1
    assert [pi["id"] for pi in sandbox_state.all("payment_intent")] == [prepared.payment_intent]


def test_lost_reply_without_client_retries_then_charge_again_gives_the_same_intent(make_till, sandbox_state,
                                                                                   faults):
    faults.drop_response("POST", "/v1/payment_intents")
    till = make_till(max_network_retries=0)
    till.carts.replace({"item1": 1})
    with pytest.raises(GatewayUnavailable):
        till.checkout.prepare()
    [created] = sandbox_state.all("payment_intent")  # it reached the sandbox
    [entry] = till.store.ledger.all()
    assert (entry.status, entry.payment_intent) == ("creating", None)
    assert not till.carts.snapshot().frozen  # nothing was shown to the customer

    prepared = till.checkout.prepare()  # the cashier presses Charge again
    assert prepared.payment_intent == created["id"]
    assert len(sandbox_state.all("payment_intent")) == 1
    assert till.store.ledger.by_key(entry.idempotency_key).payment_intent == created["id"]


# -- killed processes ---------------------------------------------------------------------------


def run_crashing_till(settings: Settings, sandbox: SandboxServer, stage: str) -> None:
    keys = {"POS_TEST_SANDBOX_SK": sandbox.secret_key, "POS_TEST_SANDBOX_PK": sandbox.publishable_key,
            "POS_DATABASE_URL": settings.database_url}
    done = subprocess.run([sys.executable, "-m", "tests.integration.payments.crash_till", str(settings.data_dir),
                           sandbox.url, stage], cwd=REPO, capture_output=True, text=True, timeout=60,
                          env={**os.environ, **keys})
    assert done.returncode == 137, done.stderr


def test_killed_between_create_and_confirm(settings, sandbox, make_till, restart_sandbox):
    run_crashing_till(settings, sandbox, "after_create")
    server, state = restart_sandbox()
    [pi] = state.all("payment_intent")  # created at the sandbox, but the ledger never heard its id

    till = make_till(server.url)  # the app starts again
    [entry] = till.store.ledger.all()
    assert entry.payment_intent is None and entry.status == "creating"
    report = till.checkout.reconcile()
    assert (report.kept, report.finalized, report.in_doubt) == ([pi["id"]], [], False)
    assert not till.carts.snapshot().frozen  # nobody is paying now

    prepared = till.checkout.prepare()
    assert prepared.payment_intent == pi["id"]
    assert confirm_as_browser(server, prepared.client_secret, VISA)["status"] == "succeeded"
    till.checkout.finalize(prepared.payment_intent)
    assert till.store.orders.count() == 1
    assert len(state.all("payment_intent")) == 1 and len(successful_charges(state)) == 1


def test_killed_between_confirm_and_finalize(settings, sandbox, make_till, restart_sandbox):
    run_crashing_till(settings, sandbox, "after_confirm")
    server, state = restart_sandbox()
    [pi] = state.all("payment_intent")
    assert pi["status"] == "succeeded"

    till = make_till(server.url)
    assert till.store.orders.count() == 0 and till.carts.snapshot().frozen
    report = till.checkout.reconcile()
    [order] = report.finalized
    assert (order.payment_intent, order.total, order.card_last4) == (pi["id"], 3500, "4242")
    assert [(l.sku, l.qty) for l in order.lines] == [("item1", 1), ("item3", 2)]
    snap = till.carts.snapshot()
    assert snap.empty and not snap.frozen and not snap.in_doubt

    again = till.checkout.reconcile()  # a second start-up: nothing more
    assert (again.finalized, again.kept, again.closed) == ([], [], [])
    assert till.checkout.finalize(pi["id"]) == order  # the page's late report: same order
    assert till.store.orders.count() == 1
    assert len(state.all("payment_intent")) == 1 and len(successful_charges(state)) == 1


# -- gateway unreachable: payment in doubt ------------------------------------------------------


def test_unreachable_gateway_at_start_up_puts_the_cart_in_doubt(settings, sandbox, make_till, restart_sandbox):
    first = make_till()
    first.carts.replace({"item1": 1})
    prepared = first.checkout.prepare()
    confirm_as_browser(sandbox, prepared.client_secret, VISA)
    first.close()  # the till dies before finalize...
    dead_url = sandbox.url
    sandbox.stop()  # ...and comes back while the processor can't be reached

    offline = make_till(dead_url, max_network_retries=0)
    report = offline.checkout.reconcile()
    assert report.in_doubt and report.error and report.finalized == []
    assert offline.carts.snapshot().in_doubt
    assert offline.events[-1] == "in_doubt"
    with pytest.raises(PaymentInDoubt) as info:
        offline.checkout.prepare()
    assert http_status_for(info.value) == 409
    with pytest.raises(CartFrozen):
        offline.carts.add("item2")
    assert offline.store.orders.count() == 0
    offline.close()

    server, state = restart_sandbox()  # reachable again: a later reconcile settles it
    online = make_till(server.url)
    assert online.carts.snapshot().in_doubt  # the doubt survived the restart
    report = online.checkout.reconcile()
    assert not report.in_doubt and [o.payment_intent for o in report.finalized] == [prepared.payment_intent]
    assert not online.carts.snapshot().in_doubt
    assert len(successful_charges(state)) == 1


def test_in_doubt_cart_with_an_unpaid_intent_is_released_and_reused(settings, sandbox, make_till,
                                                                     restart_sandbox):
    first = make_till()
    first.carts.replace({"item2": 1})
    prepared = first.checkout.prepare()
    first.close()
    dead_url = sandbox.url
    sandbox.stop()
    assert make_till(dead_url, max_network_retries=0).checkout.reconcile().in_doubt

    server, state = restart_sandbox()
    till = make_till(server.url)
    report = till.checkout.reconcile()
    assert report.kept == [prepared.payment_intent] and not report.in_doubt
    assert till.checkout.prepare().payment_intent == prepared.payment_intent
    assert len(state.all("payment_intent")) == 1


# -- Stripe prunes idempotency keys after 24 h -------------------------------------------------


def test_open_intent_is_reused_after_stripe_pruned_the_key(make_till, sandbox, restart_sandbox):
    clock = Clock()
    server, state = restart_sandbox(clock)
    till = make_till(server.url)
    till.carts.replace({"item1": 1})
    first = till.checkout.prepare()
    till.checkout.abandon()
    clock.now += DAY + 3600  # the key is gone at the sandbox; the cart is unchanged

    again = till.checkout.prepare()
    assert again.payment_intent == first.payment_intent
    assert len(state.all("payment_intent")) == 1


def test_old_creating_row_is_found_by_metadata_not_created_again(make_till, sandbox, restart_sandbox):
    clock = Clock()
    server, state = restart_sandbox(clock)
    FaultControl(server.url, server.secret_key).drop_response("POST", "/v1/payment_intents")
    till = make_till(server.url, max_network_retries=0)
    till.carts.replace({"item4": 1})
    with pytest.raises(GatewayUnavailable):
        till.checkout.prepare()
    [created] = state.all("payment_intent")
    # A day passes (the key is pruned at the sandbox; the ledger row is that old).
    clock.now += DAY + 3600
    with till.store.db.transaction() as conn:
        conn.execute("UPDATE payments SET created_at = created_at - ?", (DAY + 3600,))

    report = make_till(server.url).checkout.reconcile()
    assert report.kept == [created["id"]]
    assert len(state.all("payment_intent")) == 1
    assert till.store.ledger.all()[0].payment_intent == created["id"]


# -- tampering ----------------------------------------------------------------------------------


def tamper_amount(sandbox: SandboxServer, pi_id: str, amount: int) -> None:
    client = stripe.StripeClient(sandbox.secret_key, base_addresses={"api": sandbox.url}, max_network_retries=0)
    client.v1.payment_intents.update(pi_id, params={"amount": amount})


def test_amount_tampering_is_refused_goes_to_review_and_never_bricks_the_till(make_till, till, sandbox,
                                                                           sandbox_state, caplog):
    """Paid with another amount than the till asked for: no sale is recorded, the payment goes to
    the review list with what was received, and the till sells on (also after a restart)."""
    till.carts.replace({"item3": 1})
    prepared = till.checkout.prepare()
    tamper_amount(sandbox, prepared.payment_intent, 50)  # someone lowers the charge to 0.50
    assert confirm_as_browser(sandbox, prepared.client_secret, VISA)["status"] == "succeeded"
    before = till.carts.snapshot()

    with caplog.at_level(logging.ERROR), pytest.raises(PaymentMismatch) as info:
        till.checkout.finalize(prepared.payment_intent)
    assert http_status_for(info.value) == 409 and "50 instead of 1500" in info.value.message
    assert "review list" in info.value.message
    assert till.store.orders.count() == 0
    after = till.carts.snapshot()
    assert (after.cart_id, after.uuid, after.lines, after.frozen) == (before.cart_id, before.uuid,
                                                                      before.lines, False)
    assert till.store.ledger.by_intent(prepared.payment_intent).status == "review"
    [review] = till.store.reviews.all()
    assert (review.payment_intent, review.reason, review.amount, review.status) == (
        prepared.payment_intent, "mismatch", 50, "open")
    assert (review.card_brand, review.card_last4) == ("visa", "4242")
    [record] = [r for r in caplog.records if r.levelno == logging.ERROR]
    assert "PAYMENT FOR REVIEW" in record.getMessage() and prepared.payment_intent in record.getMessage()
    assert "review" in till.events

    # Selling goes on: the same cart is charged again on a fresh intent, and paid properly.
    again = till.checkout.prepare()
    assert again.payment_intent != prepared.payment_intent and again.amount == 1500
    assert confirm_as_browser(sandbox, again.client_secret, VISA)["status"] == "succeeded"
    assert till.checkout.finalize(again.payment_intent).total == 1500

    till.close()  # a restart: reconcile finds nothing to block on
    restarted = make_till()
    report = restarted.checkout.reconcile()
    assert report.error is None and not report.in_doubt and report.finalized == []
    restarted.carts.replace({"item1": 1})
    assert restarted.checkout.prepare().amount == 500


def test_a_wrong_payment_found_at_start_up_goes_to_review_and_selling_goes_on(make_till, till, sandbox):
    till.carts.replace({"item3": 1})
    prepared = till.checkout.prepare()
    tamper_amount(sandbox, prepared.payment_intent, 60)
    confirm_as_browser(sandbox, prepared.client_secret, VISA)
    till.close()  # the till died before it could finalize

    restarted = make_till()
    report = restarted.checkout.reconcile()
    assert report.review == [prepared.payment_intent] and report.finalized == []
    assert not report.in_doubt and report.error is None
    assert restarted.store.reviews.by_intent(prepared.payment_intent).amount == 60
    assert restarted.checkout.prepare().payment_intent != prepared.payment_intent


def test_ledger_tampering_is_refused(till, sandbox):
    till.carts.replace({"item1": 1})
    prepared = till.checkout.prepare()
    confirm_as_browser(sandbox, prepared.client_secret, VISA)
    with till.store.db.transaction() as conn:
        conn.execute("UPDATE payments SET amount = 5000")
    with pytest.raises(PaymentMismatch, match="amount received 500 instead of 5000"):
        till.checkout.finalize(prepared.payment_intent)
    assert till.store.orders.count() == 0


def test_a_tampered_open_intent_is_not_handed_to_the_page(till, sandbox, sandbox_state):
    till.carts.replace({"item1": 1})
    prepared = till.checkout.prepare()
    till.checkout.abandon()
    tamper_amount(sandbox, prepared.payment_intent, 99)
    fresh = till.checkout.prepare()  # the tampered one is cancelled and replaced, not shown
    assert fresh.payment_intent != prepared.payment_intent and fresh.amount == 500
    assert sandbox_state.get("payment_intent", fresh.payment_intent)["amount"] == 500
    assert sandbox_state.get("payment_intent", prepared.payment_intent)["status"] == "canceled"
    assert till.store.ledger.by_intent(prepared.payment_intent).final
    assert till.carts.snapshot().frozen  # frozen for the fresh payment
