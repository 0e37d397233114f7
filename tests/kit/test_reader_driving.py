"""PosDriver's card reader on the real window: a simulated reader registered in training's sandbox.

Real Qt, the real gateway over HTTP to the sandbox, the tap through the training panel's button.
"""

from __future__ import annotations

import pytest

from pos_app.domain.reader_charge import ReaderChargeState

pytestmark = pytest.mark.pos_settings(reader=True)


def test_a_sale_paid_on_the_reader(pos):
    pos.add("item1")
    pos.add("item3", 2)
    assert pos.reader_status() == "online"
    assert pos.window.charge_button.text().startswith("Charge on reader")
    pi = pos.charge_on_reader()
    assert pi.startswith("pi_") and pos.reader_status() == "busy"
    assert pos.window.tenders.reader.dialog.state_label.text() == "Present card on the reader"
    assert pos.present_card() == "succeeded"
    assert pos.last_order()["payment_intent"] is None  # a sale paid by tenders
    [tender] = pos.tenders()
    assert (tender["payment_intent"], tender["card_last4"], tender["status"]) == (pi, "4242", "succeeded")
    assert pos.cart() == {} and pos.reader_status() == "online"


def test_a_decline_shows_stripes_reason_and_the_sale_can_be_charged_again(pos):
    pos.add("item1")
    pos.charge_on_reader()
    assert pos.present_card("4000000000009995") == "declined"
    assert "insufficient funds" in pos.reader_message().lower()
    assert pos.cart() == {"item1": 1}
    pos.charge_on_reader()
    assert pos.present_card() == "succeeded"


def test_cancel_on_the_reader_frees_the_sale(pos):
    pos.add("item1")
    pos.charge_on_reader()
    assert pos.cancel_on_reader() == "cancelled"
    assert pos.reader_status() == "online"
    assert not pos.local.carts.snapshot().frozen
    pos.add("item1")  # the cart can change again
    assert pos.cart() == {"item1": 2}


def test_the_poll_deadline_cancels_on_the_reader_and_says_it_timed_out(pos, qtbot):
    controller = pos.window.tenders.reader.controller
    controller.deadline_s = 0.5
    pos.add("item1")
    pos.charge_on_reader()
    qtbot.waitUntil(lambda: controller.state.ended, timeout=pos.payment_timeout)
    assert controller.state is ReaderChargeState.FAILED
    assert "didn't answer in time" in pos.reader_message()
    assert pos.reader_status() == "online"  # the action was cancelled on the reader


@pytest.mark.pos_settings(reader=True, reader_tipping=True, auto_print=True)
def test_a_tip_is_captured_and_on_the_receipt(pos):
    pos.add("item1")
    pos.charge_on_reader()
    assert pos.present_card(tip=150) == "succeeded"
    [tender] = pos.tenders()
    assert (tender["amount"], tender["tip"]) == (500, 150)
    assert pos.payment_intent_status(tender["payment_intent"]) == "succeeded"
    assert pos.last_order()["total"] == 500  # the tip is the customer's gift, not the sale's
    pos.wait_printed()
    printed = pos.printed()
    assert b"Tip" in printed and b"1.50" in printed


def test_a_second_charge_while_the_reader_waits_is_refused(pos):
    pos.add("item1")
    pi = pos.charge_on_reader()
    reader = pos.window.tenders.reader
    assert reader.charge() is None and not reader.controller.charge()
    assert reader.controller.payment.payment_intent == pi
    assert pos.present_card() == "succeeded"
    assert len(pos.local.store.ledger.all()) == 1


def test_the_status_bar_says_when_the_reader_is_offline(pos):
    from pos_app.sandbox.faults import FaultControl

    faults = FaultControl(pos.app.sandbox_url, pos.app.sandbox_secret_key)
    faults.reader_offline(duration_ms=60_000)
    try:
        assert pos.reader_status() == "offline"
        assert pos.window.findChild(object, "statusReader").text().endswith("offline")
        pos.add("item1")
        pos._click(pos.window.charge_button)
        pos._wait(lambda: pos.window.tenders.reader.controller.state.ended, "the refusal")
        assert "offline" in pos.reader_message()
    finally:
        faults.clear()


def test_the_simulated_reader_panel_is_trainings(pos):
    pos.add("item1")
    pos.charge_on_reader()
    panel = pos.window.tenders.reader.dialog.findChild(object, "simulatedReader")
    assert panel is not None and panel.isVisible() and pos.local.mode == "training"
    assert panel.card.count() >= 4
    assert pos.cancel_on_reader() == "cancelled"


def test_a_card_part_on_the_reader_then_cash_for_the_rest(pos):
    pos.add("item3")
    pos.charge_on_reader(1000)
    assert pos.present_card() == "succeeded"
    assert "still due" in pos.window.message_label.text()
    assert pos.pay_cash() == 0
    assert [(t["type"], t["amount"]) for t in pos.tenders()] == [("card", 1000), ("cash", 500)]
    assert pos.last_order()["total"] == 1500
