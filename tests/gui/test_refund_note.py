"""The history's status line after a refund names where the money went, never "(None)"."""

from __future__ import annotations

import pytest

from pos_app.domain.statuses import RefundStatus
from pos_app.qt.order_models import refund_note
from pos_app.store.orders import RefundRecord

pytestmark = pytest.mark.gui


def record(refund_id, status) -> RefundRecord:
    return RefundRecord(id=1, order_id=1, seq=1, idempotency_key="k", refund_id=refund_id, amount=500, currency="cad",
                        reason=None, status=status, lines=[], created_at=0)


def test_a_card_refund_is_named_by_the_processors_refund_id():
    assert refund_note(record("re_123", RefundStatus.SUCCEEDED)) == "re_123"


def test_an_interac_refund_waiting_for_the_card_on_the_reader_says_so():
    # An Interac refund has no refund id until the customer taps the card (issue 18): it showed "(None)".
    assert refund_note(record(None, RefundStatus.PENDING)) == "pending: the customer taps the card on the reader"


def test_a_cash_refund_says_it_came_out_of_the_drawer():
    assert refund_note(record(None, RefundStatus.SUCCEEDED)) == "cash from the drawer"
