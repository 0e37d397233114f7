"""Refunds from the order history, through the real CheckoutService and the training sandbox:
full and per-line, a double click, over-refunds, and a refund the processor refuses."""

from __future__ import annotations

import threading
from dataclasses import replace

import pytest
import stripe
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QPushButton, QSpinBox

from pos_app.payments.gateway import RefundRefused
from pos_app.qt.history_window import HistoryWindow
from pos_app.qt.order_models import OrderColumn
from pos_app.qt.refund_dialog import RefundDialog
from tests.integration.reports.sales import sell

pytestmark = pytest.mark.gui

TIMEOUT = 10_000


class CountingCheckout:
    """The real CheckoutService, counting refund calls and noting their threads."""

    def __init__(self, checkout) -> None:
        self._checkout = checkout
        self.refund_calls: list[tuple[threading.Thread, dict]] = []

    def refund(self, order_id, **kwargs):
        self.refund_calls.append((threading.current_thread(), kwargs))
        return self._checkout.refund(order_id, **kwargs)

    def __getattr__(self, name):
        return getattr(self._checkout, name)


@pytest.fixture
def checkout(core):
    return CountingCheckout(core.payments.checkout)


@pytest.fixture
def payments(core, checkout):
    """The core's payments context with the counting checkout in it."""
    return replace(core.payments, checkout=checkout)


@pytest.fixture
def history(qtbot, core, payments):
    def make() -> HistoryWindow:
        window = HistoryWindow(core.local, payments)
        qtbot.addWidget(window)
        with qtbot.waitActive(window):  # its shortcuts are window shortcuts
            window.show()
            window.activateWindow()
        windows.append(window)
        return window

    windows: list[HistoryWindow] = []
    yield make
    for window in windows:
        window.close()


def sandbox_refunds(core, payment_intent: str) -> list:
    client = stripe.StripeClient(core.sandbox_secret_key, base_addresses={"api": core.sandbox_url})
    return list(client.v1.refunds.list(params={"payment_intent": payment_intent}).data)


def open_refund(qtbot, window, order) -> RefundDialog:
    with qtbot.waitActive(window):  # back from a dialog (offscreen has no window manager to do it)
        window.activateWindow()
    assert window.select_order(order.id)
    qtbot.keyClick(window.table, Qt.Key.Key_R, Qt.KeyboardModifier.ControlModifier)
    dialog = window.refund_dialog
    assert dialog is not None and dialog.isVisible() and dialog.objectName() == "refundDialog"
    return dialog


def double_click(qtbot, widget) -> None:
    """What the window system delivers for a double click: press, release, double-click press,
    release. (QTest.mouseDClick alone sends only the double-click event: a button never sees a
    click from it.)"""
    qtbot.mouseClick(widget, Qt.MouseButton.LeftButton)
    qtbot.mouseDClick(widget, Qt.MouseButton.LeftButton)
    qtbot.mouseRelease(widget, Qt.MouseButton.LeftButton)


def test_a_double_click_clicks_a_plain_button_twice(qtbot):
    button = QPushButton("plain")  # so the double-click test below can fail
    qtbot.addWidget(button)
    button.show()
    with qtbot.waitSignals([button.clicked, button.clicked]):
        double_click(qtbot, button)


def confirm_button(dialog) -> QPushButton:
    return dialog.findChild(QPushButton, "confirmRefundButton")


def test_a_full_refund_with_a_reason_on_a_worker(qtbot, core, checkout, history):
    order = sell(core, {"item1": 2, "espresso": 1})  # $12.50
    window = history()
    dialog = open_refund(qtbot, window, order)
    assert dialog.full_radio.isChecked() and "Refund $12.50 to Visa •••• 4242" in dialog.amount_label.text()
    assert [dialog.reason.itemData(i) for i in range(dialog.reason.count())] == \
        ["requested_by_customer", "duplicate", "fraudulent"]
    dialog.reason.setCurrentIndex(1)

    with qtbot.waitSignal(window.refund_made, timeout=TIMEOUT) as made:
        qtbot.mouseClick(confirm_button(dialog), Qt.MouseButton.LeftButton)

    record = made.args[0]
    assert (record.amount, record.reason, record.status) == (1250, "duplicate", "succeeded")
    assert record.idempotency_key == f"refund-{order.payment_intent}-1"
    [(thread, kwargs)] = checkout.refund_calls
    assert thread is not threading.main_thread()
    # amount None: everything left; no manager's PIN: the manager is logged in
    assert kwargs == {"amount": None, "reason": "duplicate", "lines": None, "to_cash": False, "manager_pin": None}
    assert not dialog.isVisible()
    assert core.local.store.orders.get(order.id).refunded == 1250
    [refund] = sandbox_refunds(core, order.payment_intent)
    assert (refund.amount, refund.reason, refund.status) == (1250, "duplicate", "succeeded")
    row = window.model.row_of(order.id)
    assert window.model.index(row, OrderColumn.REFUNDED).data() == "$12.50"
    assert "Refunded" in window.details.toPlainText() and "duplicate" in window.details.toPlainText()
    assert not window.refund_button.isEnabled()  # nothing left to refund
    assert "Refunded $12.50 of order" in window.status.text()


def test_a_manager_may_refund_a_card_sale_in_cash_out_of_the_drawer(qtbot, core, history):
    order = sell(core, {"item1": 1})
    window = history()
    dialog = open_refund(qtbot, window, order)
    dialog.cash_check.setChecked(True)
    with qtbot.waitSignal(window.refund_made, timeout=TIMEOUT) as made:
        qtbot.mouseClick(confirm_button(dialog), Qt.MouseButton.LeftButton)
    assert (made.args[0].amount, made.args[0].status) == (500, "succeeded")
    assert sandbox_refunds(core, order.payment_intent) == []  # nothing went back to the card
    store = core.local.store
    shift = store.shifts.current(core.settings.terminal_id)
    assert [(r.movement.kind.value, r.movement.amount) for r in store.cash.for_shift(shift.id)] == [("refund", 500)]
    assert [o.reason.value for o in store.drawer.for_shift(shift.id)] == ["cash_refund"]


def test_per_line_refunds_are_capped_at_what_is_left(qtbot, core, history):
    order = sell(core, {"item1": 3, "item2": 1})  # 3 x 5.00 + 10.00
    window = history()
    dialog = open_refund(qtbot, window, order)
    spin = dialog.spin_for("item1")
    assert spin.objectName() == "refundQty_item1" and spin.maximum() == 3
    spin.setValue(2)
    assert dialog.lines_radio.isChecked()  # choosing a quantity means "some items"
    assert dialog.amount_label.text() == "Refund $10.00 to Visa •••• 4242"
    assert confirm_button(dialog).text() == "Refund $10.00"

    with qtbot.waitSignal(window.refund_made, timeout=TIMEOUT) as made:
        qtbot.mouseClick(confirm_button(dialog), Qt.MouseButton.LeftButton)
    assert [(row["sku"], row["qty"], row["amount"]) for row in made.args[0].lines] == [("item1", 2, 1000)]

    dialog = open_refund(qtbot, window, order)  # again: only what is left can be chosen
    assert dialog.spin_for("item1").maximum() == 1 and dialog.spin_for("item2").maximum() == 1
    dialog.spin_for("item1").setValue(5)
    assert dialog.spin_for("item1").value() == 1
    assert "already refunded $10.00" in dialog.title.text()
    dialog.full_radio.setChecked(True)
    assert dialog.amount_label.text() == "Refund $15.00 to Visa •••• 4242"
    with qtbot.waitSignal(window.refund_made, timeout=TIMEOUT):
        qtbot.mouseClick(confirm_button(dialog), Qt.MouseButton.LeftButton)

    assert core.local.store.orders.get(order.id).refunded == order.total
    assert sum(r.amount for r in sandbox_refunds(core, order.payment_intent)) == order.total
    assert not window.refund_button.isEnabled()


@pytest.mark.parametrize("clicks", ["double click", "two clicks"])
def test_a_double_click_refunds_once(qtbot, core, checkout, history, clicks):
    order = sell(core, {"item2": 1})
    window = history()
    dialog = open_refund(qtbot, window, order)
    button = confirm_button(dialog)

    with qtbot.waitSignal(window.refund_made, timeout=TIMEOUT):
        if clicks == "double click":
            double_click(qtbot, button)
        else:
            qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
            assert not button.isEnabled()  # disabled by the first click, before any answer
            qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not window.queue.busy, timeout=TIMEOUT)

    assert len(checkout.refund_calls) == 1
    assert [r.status for r in core.local.store.orders.refunds_for(order.id)] == ["succeeded"]
    assert len(sandbox_refunds(core, order.payment_intent)) == 1
    assert core.local.store.orders.get(order.id).refunded == 1000


def test_never_more_than_was_paid(qtbot, core, checkout, history):
    order = sell(core, {"item1": 1, "item2": 1})  # $15.00
    with pytest.raises(RefundRefused, match="left to refund"):
        core.payments.checkout.refund(order.id, amount=order.total + 1)

    window = history()
    first = open_refund(qtbot, window, order)
    stale = RefundDialog(order, core.local.store.orders, window.payments.checkout.refund, core.settings.locale,
                         window.queue, window)  # opened earlier elsewhere
    qtbot.addWidget(stale)
    stale.show()
    stale.reason.setCurrentIndex(2)  # not the same request again (that would be a double click)
    with qtbot.waitSignal(window.refund_made, timeout=TIMEOUT):
        qtbot.mouseClick(confirm_button(first), Qt.MouseButton.LeftButton)

    with qtbot.waitSignal(stale.refund_failed, timeout=TIMEOUT) as failed:
        qtbot.mouseClick(confirm_button(stale), Qt.MouseButton.LeftButton)

    error = stale.findChild(QLabel, "refundError")
    assert error.isVisible() and error.text() == failed.args[0]
    assert "already refunded in full" in failed.args[0]
    assert stale.isVisible() and not confirm_button(stale).isEnabled()  # it now knows nothing is left
    assert core.local.store.orders.get(order.id).refunded == order.total
    assert len(sandbox_refunds(core, order.payment_intent)) == 1


def test_a_refund_the_processor_refuses_says_why_and_changes_nothing(qtbot, core, history):
    order = sell(core, {"item3": 1})  # $15.00
    client = stripe.StripeClient(core.sandbox_secret_key, base_addresses={"api": core.sandbox_url})
    client.v1.refunds.create(params={"payment_intent": order.payment_intent})  # out of band: all of it
    window = history()
    dialog = open_refund(qtbot, window, order)

    with qtbot.waitSignal(dialog.refund_failed, timeout=TIMEOUT) as failed:
        qtbot.mouseClick(confirm_button(dialog), Qt.MouseButton.LeftButton)

    message = failed.args[0]
    assert message.startswith("The refund was refused:") and "refunded" in message
    assert dialog.findChild(QLabel, "refundError").text() == message
    assert dialog.isVisible() and not dialog.busy
    assert core.local.store.orders.get(order.id).refunded == 0  # nothing changed here
    assert [r.status for r in core.local.store.orders.refunds_for(order.id)] == ["failed"]
    assert window.model.index(window.model.row_of(order.id), OrderColumn.REFUNDED).data() == ""
    assert confirm_button(dialog).isEnabled()  # the cashier may try again (or cancel)
    qtbot.keyClick(dialog, Qt.Key.Key_Escape)
    assert not dialog.isVisible()


def test_the_refund_dialog_works_given_only_what_it_receives(qtbot, core, runner):
    """No window, no core: the order book, the refund entry point and a locale are all it needs."""
    order = sell(core, {"item2": 1})  # $10.00
    dialog = RefundDialog(order, core.local.store.orders, core.payments.checkout.refund, "de_DE", runner)
    qtbot.addWidget(dialog)
    dialog.show()
    assert "10,00" in dialog.amount_label.text()  # the locale it was given, not the till's
    with qtbot.waitSignal(dialog.refunded, timeout=TIMEOUT) as refunded:
        qtbot.mouseClick(confirm_button(dialog), Qt.MouseButton.LeftButton)
    assert (refunded.args[0].amount, refunded.args[0].status) == (1000, "succeeded")
    assert core.local.store.orders.get(order.id).refunded == 1000


def test_the_per_line_view_counts_the_units_of_a_refund_whose_card_row_failed(qtbot, core, runner):
    """A refund split over two tenders is one group: its first row (the card part, with the units)
    failed at Stripe later, its cash row was paid out; the units stay refunded in the dialog."""
    order = sell(core, {"item1": 3})
    orders = core.local.store.orders
    card_row = orders.begin_refund(order.id, 600, None, [{"sku": "item1", "qty": 2, "amount": 1000}])
    orders.finish_refund(card_row.id, status="failed")
    cash_row = orders.begin_refund(order.id, 400, None, [], group_id=card_row.id)
    orders.finish_refund(cash_row.id, status="succeeded")
    dialog = RefundDialog(order, orders, core.payments.checkout.refund, "en_US", runner)
    qtbot.addWidget(dialog)
    spin = dialog.findChild(QSpinBox, "refundQty_item1")
    assert spin.maximum() == 1  # 3 sold, 2 refunded by the group
    assert dialog.lines_table.item(0, 2).text() == "2"
    assert dialog.left_to_refund == order.total - 400  # the failed row's 6.00 is offered again
