"""kill -9 during a card-reader payment, then a restart: reconcile finds the PaymentIntent's real outcome.

The till runs in its own process (crash_reader_till.py) and dies with os._exit at the stage named;
the sandbox (Stripe's stand-in) keeps running, as Stripe does, and the reader keeps its action: a
customer can tap while the till is down. Nothing is mocked but the one call the crash follows.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from pos_app.domain.statuses import PaymentStatus
from pos_app.domain.tenders import TenderStatus
from pos_app.payments.reader_parts import ReaderOutcome
from tests.integration.payments.helpers import VISA
from tests.integration.payments.test_reader_tender import register_reader

REPO = Path(__file__).resolve().parents[3]


def run_crashing_reader_till(settings, sandbox, reader_id: str, stage: str) -> None:
    keys = {"POS_TEST_SANDBOX_SK": sandbox.secret_key, "POS_TEST_SANDBOX_PK": sandbox.publishable_key,
            "POS_DATABASE_URL": settings.database_url}
    done = subprocess.run([sys.executable, "-m", "tests.integration.payments.crash_reader_till",
                           str(settings.data_dir), sandbox.url, reader_id, stage], cwd=REPO, capture_output=True,
                          text=True, timeout=60, env={**os.environ, **keys})
    assert done.returncode == 137, done.stderr


def start(settings, sandbox, make_till, stage: str, **changes):
    probe = make_till()
    reader_id = register_reader(probe.gateway)
    probe.close()
    run_crashing_reader_till(settings, sandbox, reader_id, stage)
    return reader_id, lambda: make_till(settings_=settings.with_(reader_id=reader_id, **changes))


def test_killed_after_the_create_the_restarted_till_resumes_the_same_intent_on_the_reader(settings, sandbox,
                                                                                          make_till):
    reader_id, restart = start(settings, sandbox, make_till, "after_create")
    till = restart()
    [entry] = till.store.ledger.all()
    assert entry.payment_intent is None and entry.status == PaymentStatus.CREATING
    report = till.checkout.reconcile()
    assert len(report.kept) == 1 and not report.in_doubt
    [pi] = report.kept
    payment = till.checkout.charge_on_reader()  # the pending reader part, resumed: no second intent
    assert payment.payment_intent == pi and len(till.store.ledger.all()) == 1
    till.gateway.present_payment_method(reader_id, number=VISA)
    assert till.checkout.follow_reader().outcome is ReaderOutcome.APPROVED
    assert till.store.orders.count() == 1


def test_a_reader_that_finished_while_the_till_was_down_is_found_and_recorded(settings, sandbox, make_till):
    reader_id, restart = start(settings, sandbox, make_till, "waiting")
    customer = make_till()  # the customer taps while the till is down (the test helper, as the reader would)
    customer.gateway.present_payment_method(reader_id, number=VISA)
    customer.close()
    till = restart()
    report = till.checkout.reconcile()
    [order] = report.finalized
    assert order.total == 3500 and till.store.orders.count() == 1
    [tender] = till.checkout.order_tenders(order)
    assert (tender.status, tender.reader_id) == (TenderStatus.SUCCEEDED, reader_id)
    assert till.checkout.reconcile().finalized == []  # recorded once


def test_a_tipped_payment_authorised_while_the_till_was_down_is_captured_with_its_tip(settings, sandbox, make_till):
    reader_id, restart = start(settings, sandbox, make_till, "tip_waiting", reader_tipping=True)
    customer = make_till()
    customer.gateway.present_payment_method(reader_id, number=VISA, amount_tip=400)
    customer.close()
    till = restart()
    [order] = till.checkout.reconcile().finalized
    [tender] = till.checkout.order_tenders(order)
    assert (order.total, tender.amount, tender.tip) == (3500, 3500, 400)
    intent = till.gateway.retrieve_intent(tender.payment_intent)
    assert (intent.status, intent.amount_received) == (PaymentStatus.SUCCEEDED, 3900)
