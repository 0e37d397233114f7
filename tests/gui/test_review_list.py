"""The review list in the window: clearing after an abandoned card form voids the cart (its payment
cancelled off the GUI thread), and a payment that landed anyway is refunded from the history's
Review list, once."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from pos_app.qt.history_window import HistoryWindow
from tests.integration.payments.helpers import VISA, confirm_as_browser

pytestmark = pytest.mark.gui

TIMEOUT = 10_000


def abandoned_payment(core):
    core.local.carts.replace({"item1": 2})
    prepared = core.payments.checkout.prepare()
    core.payments.checkout.abandon()
    return prepared


def test_clear_in_the_window_cancels_the_abandoned_payment(qtbot, window, core):
    prepared = abandoned_payment(core)
    qtbot.waitUntil(lambda: window.clear_button.isEnabled(), timeout=TIMEOUT)
    qtbot.mouseClick(window.clear_button, Qt.MouseButton.LeftButton)
    ledger = core.local.store.ledger
    qtbot.waitUntil(lambda: ledger.by_intent(prepared.payment_intent).status == "canceled", timeout=TIMEOUT)
    assert "error" in confirm_as_browser(core.payments, prepared.client_secret, VISA)
    assert core.local.carts.snapshot().empty


def test_a_paid_after_void_payment_is_refunded_from_the_review_list(qtbot, core):
    prepared = abandoned_payment(core)
    core.local.carts.clear()  # voided; customer 1's payment lands before it is cancelled
    confirm_as_browser(core.payments, prepared.client_secret, VISA)
    core.local.carts.add("item2")
    core.payments.checkout.prepare()  # the next charge finds it: review, not customer 2's sale
    core.payments.checkout.abandon()

    history = HistoryWindow(core.local, core.payments)
    qtbot.addWidget(history)
    history.show()
    assert history.review_button.text() == "Review list (1 to refund)…"
    assert history.review_button.property("attention") is True  # stands out while one waits
    dialog = history.open_review()
    assert dialog.table.rowCount() == 1
    assert dialog.table.item(0, 1).text() == "$10.00"
    assert "paid after its cart was cleared" in dialog.table.item(0, 3).text()
    assert dialog.table.item(0, 4).text() == prepared.payment_intent

    with qtbot.waitSignal(dialog.refunded, timeout=TIMEOUT) as signal:
        qtbot.mouseClick(dialog.refund_button, Qt.MouseButton.LeftButton)
        qtbot.mouseClick(dialog.refund_button, Qt.MouseButton.LeftButton)  # a double click refunds once
    assert signal.args[0].status == "refunded"
    assert dialog.table.item(0, 5).text() == "refunded" and not dialog.refund_button.isEnabled()
    assert "Refunded $10.00" in dialog.status.text()
    assert history.review_button.text() == "Review list…" and history.review_button.property("attention") is False
    assert dialog.status.property("kind") == "ok"
    refunds = [r for r in core._sandbox.state.all("refund") if r["payment_intent"] == prepared.payment_intent]
    assert [r["amount"] for r in refunds] == [1000]  # the sandbox saw exactly one refund
    dialog.reject()
    history.close()


def test_the_till_says_when_start_up_found_a_payment_for_review(qtbot, window, core):
    prepared = abandoned_payment(core)
    core.local.carts.clear()
    confirm_as_browser(core.payments, prepared.client_secret, VISA)
    with qtbot.waitSignal(window.reconcile_finished, timeout=TIMEOUT) as done:
        window.start_reconcile()
    assert done.args[0].review == [prepared.payment_intent]
    assert "1 payment(s) went through but are no sale" in window.message_label.text()
    assert "Review list" in window.message_label.text()


def test_a_cashiers_refund_from_the_review_list_waits_for_a_managers_pin(qtbot, core):
    from pos_app.testing.staff import DEMO_PINS, log_in

    prepared = abandoned_payment(core)
    core.local.carts.clear()  # voided (the demo manager at the till); the payment lands anyway
    confirm_as_browser(core.payments, prepared.client_secret, VISA)
    core.local.carts.add("item2")
    core.payments.checkout.prepare()
    core.payments.checkout.abandon()
    log_in(core.local, "cashier")

    history = HistoryWindow(core.local, core.payments)
    qtbot.addWidget(history)
    history.show()
    dialog = history.open_review()
    qtbot.mouseClick(dialog.refund_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.approval is not None and dialog.approval.isVisible(), timeout=TIMEOUT)
    assert "refund a sale" in dialog.approval.action_label.text()
    qtbot.keyClicks(dialog.approval.pin, DEMO_PINS["manager"])
    with qtbot.waitSignal(dialog.refunded, timeout=TIMEOUT) as signal:
        qtbot.keyClick(dialog.approval.pin, Qt.Key.Key_Return)
    assert signal.args[0].status == "refunded"
    approval = [e for e in core.local.store.journal.entries() if e.type == "approval"][-1]
    assert (approval.payload["manager"], approval.payload["for"]) == ("Demo Manager", "Demo Cashier")


def test_the_review_list_works_by_keyboard_alone(qtbot, core):
    """Issue 20: every dialog by keyboard alone. The first waiting payment is chosen, Enter refunds it
    (once), Esc closes the list."""
    from PySide6.QtTest import QTest
    from PySide6.QtWidgets import QApplication

    prepared = abandoned_payment(core)
    core.local.carts.clear()
    confirm_as_browser(core.payments, prepared.client_secret, VISA)
    core.local.carts.add("item2")
    core.payments.checkout.prepare()
    core.payments.checkout.abandon()
    history = HistoryWindow(core.local, core.payments)
    qtbot.addWidget(history)
    history.show()
    dialog = history.open_review()
    dialog.activateWindow()  # offscreen has no window manager to bring it to the front
    qtbot.waitUntil(lambda: QApplication.activeWindow() is dialog)
    with qtbot.waitSignal(dialog.refunded, timeout=TIMEOUT) as signal:
        QTest.keyClick(dialog.focusWidget() or dialog, Qt.Key.Key_Return)
    assert signal.args[0].payment_intent == prepared.payment_intent
    QTest.keyClick(dialog.focusWidget() or dialog, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: not dialog.isVisible())
    history.close()
