"""The card reader tender end to end: CheckoutService over the real gateway and the sandbox's simulated readers.

No mocks: the reader is the sandbox's (registered from Stripe's `simulated-wpe` code), the tap is
Stripe's test helper, the faults (offline, busy, customer cancel) are the sandbox's own.
"""

from __future__ import annotations

import pytest

from pos_app.domain.statuses import PaymentStatus
from pos_app.domain.tenders import TenderStatus
from pos_app.payments.reader_parts import ReaderOutcome
from pos_app.payments.readers import ReaderBusy, ReaderOffline
from pos_app.payments.tender_sale import TenderRefused
from tests.integration.payments.helpers import DECLINED, INSUFFICIENT_FUNDS, VISA

ADDRESS = {"line1": "1 Main St", "city": "Springfield", "state": "IL", "postal_code": "62701", "country": "US"}


def register_reader(gateway) -> str:
    location = gateway.create_location(display_name="Front shop", address=ADDRESS)
    return gateway.register_reader(registration_code="simulated-wpe", label="Till 7", location=location.id).id


@pytest.fixture
def reader_till(settings, sandbox, make_till):
    """A till whose settings name a simulated reader registered in the sandbox."""
    def make(**changes):
        probe = make_till(settings_=settings.with_(**changes))
        reader_id = register_reader(probe.gateway)
        probe.close()
        return make_till(settings_=settings.with_(reader_id=reader_id, **changes))
    return make


def sell(till, items=None):
    till.carts.replace(items or {"item1": 1, "item3": 2})  # 5.00 + 2 x 15.00
    return till.carts.snapshot()


def test_a_card_on_the_reader_records_the_sale_once_the_processor_says_it_succeeded(reader_till):
    till = reader_till()
    snap = sell(till)
    payment = till.checkout.charge_on_reader()
    assert till.checkout.follow_reader().outcome is ReaderOutcome.WAITING
    entry = till.store.ledger.by_intent(payment.payment_intent)
    assert entry.idempotency_key == f"{snap.uuid}.part1" and entry.snapshot.metadata["reader"] == payment.reader_id
    intent = till.gateway.retrieve_intent(payment.payment_intent)
    assert intent.payment_method_types == ("card_present",)
    shown = till.gateway.retrieve_reader(payment.reader_id)
    assert shown.action.payment_intent == payment.payment_intent  # the reader collects this very intent
    till.gateway.present_payment_method(payment.reader_id, number=VISA)
    progress = till.checkout.follow_reader()
    assert progress.outcome is ReaderOutcome.APPROVED and progress.order is not None
    assert progress.order.total == 3500 and till.store.orders.count() == 1
    [tender] = till.checkout.order_tenders(progress.order)
    assert (tender.reader_id, tender.card_last4, tender.status) == (payment.reader_id, "4242", TenderStatus.SUCCEEDED)
    assert till.carts.snapshot().empty and not till.carts.snapshot().frozen


@pytest.mark.parametrize("number, reason", [(DECLINED, "declined"), (INSUFFICIENT_FUNDS, "insufficient funds")])
def test_a_declined_card_says_stripes_reason_and_frees_the_sale_for_another_try(reader_till, number, reason):
    till = reader_till()
    sell(till)
    payment = till.checkout.charge_on_reader()
    till.gateway.present_payment_method(payment.reader_id, number=number)
    progress = till.checkout.follow_reader()
    assert progress.outcome is ReaderOutcome.DECLINED and reason in progress.message.lower()
    assert till.store.orders.count() == 0 and not till.carts.snapshot().frozen
    assert till.gateway.retrieve_intent(payment.payment_intent).status == PaymentStatus.CANCELED
    again = till.checkout.charge_on_reader()  # a new part, a new intent
    assert again.part == 2 and again.payment_intent != payment.payment_intent
    till.gateway.present_payment_method(again.reader_id, number=VISA)
    assert till.checkout.follow_reader().outcome is ReaderOutcome.APPROVED


def test_the_customer_cancelling_on_the_reader_is_said_so(reader_till, faults):
    till = reader_till()
    sell(till)
    faults.customer_cancel()
    till.checkout.charge_on_reader()
    progress = till.checkout.follow_reader()
    assert progress.outcome is ReaderOutcome.CANCELLED and "customer cancelled" in progress.message
    assert not till.carts.snapshot().frozen


@pytest.mark.parametrize("fault, error", [("reader_offline", ReaderOffline), ("reader_busy", ReaderBusy)])
def test_a_reader_offline_or_busy_refuses_the_charge_and_leaves_nothing_open(reader_till, faults, fault, error):
    till = reader_till()
    sell(till)
    getattr(faults, fault)()
    with pytest.raises(error):
        till.checkout.charge_on_reader()
    assert [t.status for t in till.checkout.sale_tenders().tenders] == [TenderStatus.VOIDED]
    assert not till.carts.snapshot().frozen and till.checkout.reader_payment is None
    assert all(e.final for e in till.store.ledger.all())


def test_the_cashiers_cancel_and_the_deadline_cancel_the_action_on_the_reader(reader_till, faults):
    till = reader_till()
    sell(till)
    payment = till.checkout.charge_on_reader()
    progress = till.checkout.cancel_on_reader()
    assert progress.outcome is ReaderOutcome.CANCELLED
    assert till.gateway.retrieve_reader(payment.reader_id).action.status != "in_progress"
    faults.reader_timeout()  # the reader never finishes: the till's deadline cancels it
    till.checkout.charge_on_reader()
    timed_out = till.checkout.cancel_on_reader(timed_out=True)
    assert timed_out.outcome is ReaderOutcome.FAILED and "didn't answer in time" in timed_out.message


def test_a_cancel_too_late_records_the_payment_instead_of_losing_it(reader_till):
    till = reader_till()
    sell(till)
    payment = till.checkout.charge_on_reader()
    till.gateway.present_payment_method(payment.reader_id, number=VISA)  # paid before Cancel arrives
    progress = till.checkout.cancel_on_reader()
    assert progress.outcome is ReaderOutcome.APPROVED and till.store.orders.count() == 1


def test_one_payment_at_a_time_on_the_reader_and_the_card_page_cash_and_void_wait_for_it(reader_till):
    till = reader_till()
    sell(till)
    payment = till.checkout.charge_on_reader()
    with pytest.raises(TenderRefused, match="already waiting on the card reader"):
        till.checkout.charge_on_reader()
    with pytest.raises(TenderRefused, match="open on the card reader"):
        till.checkout.prepare()
    with pytest.raises(TenderRefused, match="still open"):
        till.checkout.take_cash(5000)
    with pytest.raises(TenderRefused, match="waiting on the card reader"):
        till.checkout.void_tenders()
    assert len(till.store.ledger.all()) == 1  # one intent, one part
    till.gateway.present_payment_method(payment.reader_id, number=VISA)
    assert till.checkout.follow_reader().outcome is ReaderOutcome.APPROVED


def test_a_split_sale_takes_cash_then_the_rest_on_the_reader(reader_till):
    till = reader_till()
    sell(till)
    till.checkout.take_cash(1000)
    payment = till.checkout.charge_on_reader()
    assert payment.amount == 2500 and payment.part == 2
    till.gateway.present_payment_method(payment.reader_id, number=VISA)
    progress = till.checkout.follow_reader()
    assert progress.order is not None and progress.order.total == 3500


def test_a_tip_on_the_reader_is_captured_with_the_part_and_kept_apart_from_the_sale(reader_till):
    till = reader_till(reader_tipping=True)
    sell(till)
    payment = till.checkout.charge_on_reader()
    assert payment.tips
    till.gateway.present_payment_method(payment.reader_id, number=VISA, amount_tip=300)
    assert till.gateway.retrieve_intent(payment.payment_intent).status == PaymentStatus.REQUIRES_CAPTURE
    progress = till.checkout.follow_reader()
    assert progress.outcome is ReaderOutcome.APPROVED and progress.order.total == 3500
    intent = till.gateway.retrieve_intent(payment.payment_intent)
    assert (intent.status, intent.amount_received) == (PaymentStatus.SUCCEEDED, 3800)
    [tender] = till.checkout.order_tenders(progress.order)
    assert (tender.amount, tender.tip) == (3500, 300)


def test_a_card_present_sale_is_refunded_through_the_normal_refund(reader_till):
    till = reader_till()
    sell(till)
    payment = till.checkout.charge_on_reader()
    till.gateway.present_payment_method(payment.reader_id, number=VISA)
    order = till.checkout.follow_reader().order
    refund = till.checkout.refund(order.id, 500)
    assert refund.status == "succeeded"
    assert till.gateway.retrieve_intent(payment.payment_intent).amount_refunded == 500


def test_an_interac_sale_is_refunded_on_the_reader_when_the_customer_taps_again(reader_till):
    till = reader_till(currency="cad")
    sell(till)
    payment = till.checkout.charge_on_reader()
    till.gateway.present_payment_method(payment.reader_id, interac=True, currency="cad")
    order = till.checkout.follow_reader().order
    assert order is not None and till.checkout.order_tenders(order)[0].card_brand == "interac"
    refund = till.checkout.refund(order.id, 500)
    assert refund.status == "pending"  # waiting for the customer's card on the reader
    action = till.gateway.retrieve_reader(payment.reader_id).action
    assert (action.type, action.payment_intent) == ("refund_payment", payment.payment_intent)
    till.gateway.present_payment_method(payment.reader_id, interac=True, currency="cad")
    [settled] = [r for r in till.checkout.reconcile().refunds if r.id == refund.id]
    assert settled.status == "succeeded" and settled.refund_id
    assert till.gateway.retrieve_intent(payment.payment_intent).amount_refunded == 500


def test_the_day_report_and_the_shift_check_count_a_tip_apart_and_find_no_difference(reader_till):
    """The gateway received amount + tip; the sale is the amount. Both reports' gateway checks
    expected the sale alone, so every tipped payment showed as a difference."""
    from datetime import date

    from pos_app.cash_office.shifts import ShiftService
    from pos_app.devices import CashDrawer
    from pos_app.reports import build_report, report_csv, report_text
    from pos_app.shift_reports import check_card_total, shift_report_text

    till = reader_till(reader_tipping=True)
    sell(till)
    payment = till.checkout.charge_on_reader()
    till.gateway.present_payment_method(payment.reader_id, number=VISA, amount_tip=300)
    assert till.checkout.follow_reader().outcome is ReaderOutcome.APPROVED

    day = build_report(till.store.orders, date.today(), "usd", till.gateway, "till-7", tenders=till.store.tenders)
    assert day.gateway_checked and day.differences == []
    assert (day.sales_total, day.tips_count, day.tips_total) == (3500, 1, 300)
    assert "Card tips" in report_text(day) and "$3.00" in report_text(day)
    assert "summary,tips,1,300,3.00,usd" in report_csv(day).replace("\r", "")

    shifts = ShiftService(till.store, CashDrawer(till.store.drawer), "till-7", "usd")
    x = shifts.x_report()
    assert (x.card_sales_total, x.tips_count, x.tips_total) == (3500, 1, 300)
    check = check_card_total(x, till.gateway, till.store.orders)
    assert check.checked and check.differences == [], check.differences
    assert "Card tips" in shift_report_text(x, check)
