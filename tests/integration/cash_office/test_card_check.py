"""The shift's card total checked with the (training) gateway: another shift's payments are not this one's."""

from __future__ import annotations

from dataclasses import replace

import pytest

from pos_app.shift_reports import check_card_total
from tests.integration.cash_office.shop import usd
from tests.integration.reports.sales import training_till, sell


@pytest.fixture
def till(tmp_path, shop_database_setting):
    with training_till(tmp_path, database_url=shop_database_setting) as core:
        yield core


def test_a_payment_of_the_next_shift_in_the_same_seconds_is_not_counted(till):
    shifts, gateway, orders = till.local.shifts, till.payments.gateway, till.local.store.orders
    shifts.open(usd(0))
    sell(till, {"item1": 1})  # $5.00
    z1 = shifts.close(usd(0))
    shifts.open(usd(0))
    sell(till, {"item2": 1})  # $10.00, in the next shift
    # Times are whole seconds: stretch shift 1's window over shift 2's payment, as one close and
    # open in the same second does; its order says it is shift 2's.
    stretched = replace(z1, closed_at=(z1.closed_at or 0) + 3600)
    check = check_card_total(stretched, gateway, orders)
    assert (check.checked, check.at_gateway, check.intents, check.differences) == (True, 500, 1, [])


def test_an_unreachable_gateway_is_said_never_taken_as_matching(till):
    from pos_app.payments.stripe_gateway import StripeGateway
    till.local.shifts.open(usd(0))
    nobody_answers = StripeGateway("sk_test_" + "x" * 24, "pk_test_" + "x" * 24, api_base="http://127.0.0.1:9",
                                   max_network_retries=0)  # a closed port: the processor can't be reached
    check = check_card_total(till.local.shifts.x_report(), nobody_answers, till.local.store.orders)
    assert not check.checked and check.error and check.differences == []
