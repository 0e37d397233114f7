"""Card payments end to end: the real window, the real local endpoint and the real training sandbox,
the card typed with real key events into the card iframe."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QPushButton, QTextBrowser, QWidget

from tests.gui.helpers import (answer_challenge, charge, click_pay, enter_card, page_message, pay,
                               replace_card_number, scan,
                               wait_page_state, wait_receipt)

pytestmark = [
    pytest.mark.gui,
    pytest.mark.slow,
    # Headless without a GPU: Qt tries OpenGL for the view's compositor, then falls back to software.
    pytest.mark.qt_log_ignore("QRhiGles2: Failed to create", "Failed to create RHI for backend"),
]

VISA = "4242424242424242"
DECLINED = "4000000000000002"
THREE_D_SECURE = "4000002760003184"


@pytest.fixture
def cart(qtbot, window):
    """Two lattes and a croissant, rung up with the keyboard: $10.40."""
    scan(qtbot, window, "latte")
    qtbot.keyClick(window.search, Qt.Key.Key_Return)
    scan(qtbot, window, "5012345600130")  # the croissant's barcode
    assert dict(window.services.carts.snapshot().lines) == {"latte": 2, "croissant": 1}
    return window


def finish(qtbot, window, dialog) -> None:
    """Enter on the receipt closes the dialog; the window is ready for the next sale."""
    with qtbot.waitSignal(dialog.finished, timeout=5000):
        qtbot.keyClick(dialog.done_button, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: window.payment_dialog is None)


def test_a_full_sale_with_the_keyboard(qtbot, cart):
    window = cart
    dialog = charge(qtbot, window)
    assert dialog.objectName() == "paymentDialog" and dialog.isVisible()
    assert window.findChild(QWidget, "paymentView") is dialog.view
    assert not window.findChild(QPushButton, "chargeButton").isEnabled()  # one payment at a time

    enter_card(qtbot, dialog, VISA)
    with qtbot.waitSignal(window.sale_completed, timeout=20000) as sold:
        pay(qtbot, dialog)
    order = sold.args[0]
    assert order.total == 1040 and order.payment_intent == dialog.prepared.payment_intent
    assert (order.card_brand, order.card_last4) == ("visa", "4242")

    receipt = window.findChild(QTextBrowser, "receiptView")
    assert receipt.isVisible()
    text = receipt.toPlainText()
    for expected in ("$10.40", order.payment_intent, "Visa •••• 4242", "Caffè Latte", "Butter Croissant",
                     "TRAINING"):
        assert expected in text
    # The sale is recorded and a new, empty cart has begun.
    assert window.services.store.orders.by_intent(order.payment_intent) is not None
    assert window.services.carts.snapshot().empty
    assert window.findChild(QLabel, "totalLabel").text() == "$0.00"
    finish(qtbot, window, dialog)


def test_a_declined_card_then_another_card_pays_the_same_intent(qtbot, cart):
    window = cart
    dialog = charge(qtbot, window)
    enter_card(qtbot, dialog, DECLINED)
    with qtbot.waitSignal(dialog.bridge.payment_declined, timeout=20000) as declined:
        click_pay(qtbot, dialog)
    message, code = declined.args
    assert code == "generic_decline" and "declined" in message.lower()
    wait_page_state(qtbot, dialog, "declined")
    assert "declined" in page_message(qtbot, dialog).lower()  # Stripe's message, on the page
    assert window.services.carts.snapshot().lines == {"latte": 2, "croissant": 1}  # the cart is intact

    replace_card_number(qtbot, dialog, VISA)
    with qtbot.waitSignal(window.sale_completed, timeout=20000) as sold:
        click_pay(qtbot, dialog)
    assert sold.args[0].payment_intent == dialog.prepared.payment_intent
    finish(qtbot, window, dialog)


def test_3d_secure_completed(qtbot, cart):
    window = cart
    dialog = charge(qtbot, window)
    enter_card(qtbot, dialog, THREE_D_SECURE)
    click_pay(qtbot, dialog)
    wait_page_state(qtbot, dialog, "requires_action")
    with qtbot.waitSignal(window.sale_completed, timeout=20000) as sold:
        answer_challenge(qtbot, dialog.view, complete=True)
    assert sold.args[0].total == 1040
    assert wait_receipt(qtbot, dialog).payment_intent in dialog.receipt_view.toPlainText()
    finish(qtbot, window, dialog)


def test_3d_secure_failed_leaves_the_payment_open(qtbot, cart):
    window = cart
    dialog = charge(qtbot, window)
    enter_card(qtbot, dialog, THREE_D_SECURE)
    click_pay(qtbot, dialog)
    wait_page_state(qtbot, dialog, "requires_action")
    with qtbot.waitSignal(dialog.bridge.payment_declined, timeout=20000) as failed:
        answer_challenge(qtbot, dialog.view, complete=False)
    assert failed.args[1] == "payment_intent_authentication_failure"
    assert dialog.order is None
    assert not window.services.carts.snapshot().empty
    assert page_message(qtbot, dialog)  # the page says why; another card could be tried
    # Esc closes it; the cart is released for changes.
    with qtbot.waitSignal(dialog.finished, timeout=5000):
        qtbot.keyClick(dialog.view.focusProxy(), Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: not window.services.carts.snapshot().frozen, timeout=10000)
    assert window.services.store.orders.by_intent(dialog.prepared.payment_intent) is None


def test_cancel_then_charge_again_reuses_the_payment_intent(qtbot, cart):
    window = cart
    dialog = charge(qtbot, window)
    first = dialog.prepared.payment_intent
    assert window.services.carts.snapshot().frozen
    with qtbot.waitSignal(dialog.finished, timeout=5000):
        qtbot.keyClick(dialog.view.focusProxy(), Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: not window.services.carts.snapshot().frozen, timeout=10000)
    assert "cancelled" in window.message_label.text().lower()

    again = charge(qtbot, window)
    assert again.prepared.payment_intent == first
    # The page's own Cancel button closes it too.
    from tests.gui.stripejs_helpers import click, element_center
    with qtbot.waitSignal(again.finished, timeout=5000):
        click(qtbot, again.view, element_center(qtbot, again.page, again.page.mainFrame(), "#cancel-button"))
    qtbot.waitUntil(lambda: not window.services.carts.snapshot().frozen, timeout=10000)
