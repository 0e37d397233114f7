"""A refund split over a sale's tenders whose card reply is lost: every row of it is reserved at once,
so the cash part is paid and the card part is settled later, never dropped."""

from __future__ import annotations

import pytest

from pos_app.payments.gateway import GatewayUnavailable

from .test_tenders import fill, movements, pay_part


def test_a_lost_card_reply_still_pays_the_cash_part_and_reconcile_settles_the_card(make_till, sandbox, faults):
    till = make_till(max_network_retries=0)
    fill(till, item1=1, item3=2)  # $35.00: $10.00 cash, $25.00 card
    till.checkout.take_cash(1000)
    _, order = pay_part(till, sandbox)
    faults.drop_response("POST", "/v1/refunds")  # made at the sandbox, the answer lost
    with pytest.raises(GatewayUnavailable):
        till.checkout.refund(order.id, 3000)  # $25.00 to the card part, $5.00 out of the drawer
    rows = till.store.orders.refunds_for(order.id)
    assert sorted((r.amount, r.status) for r in rows) == [(500, "succeeded"), (2500, "pending")]
    assert ("refund", 500) in movements(till)  # the cash part was handed back at once

    report = make_till().checkout.reconcile()  # the next start: the card row retried with its key
    assert [r.status for r in report.refunds] == ["succeeded"]
    assert till.store.orders.get(order.id).refunded == 3000
