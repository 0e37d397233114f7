"""Card payments end to end with the tester kit (the `pos` fixture's PosDriver): the real window, the
real local endpoint and the real training sandbox, the card typed with real key events into the card
iframe. What only the dialog can tell (its objectNames, bridge codes, the keyboard path) is checked on
pos.window / pos.dialog."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QPushButton, QWidget

from pos_app.testing.webdriving import click, element_center, run_js

pytestmark = [pytest.mark.gui, pytest.mark.slow]

VISA = "4242424242424242"
DECLINED = "4000000000000002"
THREE_D_SECURE = "4000002760003184"


@pytest.fixture
def cart(pos):
    """Two lattes and a croissant (by its barcode): $10.40."""
    pos.add("latte", qty=2)
    pos.scan("5012345600130")
    assert pos.cart() == {"latte": 2, "croissant": 1} and pos.total_text() == "$10.40"
    return pos


def pay_with_the_keyboard(qtbot, dialog) -> None:
    """Tab from the card fields to the Pay button, then Enter. Each Tab is awaited: the key event
    reaches Chromium asynchronously, and a second Tab sent too early would skip past Pay."""
    page, proxy = dialog.view.page(), dialog.view.focusProxy()

    def focused() -> str:
        return run_js(qtbot, page, "document.hasFocus() ? document.activeElement.id : ''") or ""

    for _ in range(4):
        before = focused()
        if before == "pay-button":
            break
        qtbot.keyClick(proxy, Qt.Key.Key_Tab)
        qtbot.waitUntil(lambda: focused() != before, timeout=5000)  # noqa: B023 (waited for here)
    assert focused() == "pay-button", f"Tab never reached Pay (focus on {focused()!r})"
    qtbot.keyClick(proxy, Qt.Key.Key_Return)


def test_a_full_sale_with_the_keyboard(qtbot, cart):
    pos = cart
    pi = pos.charge()
    window, dialog = pos.window, pos.dialog
    assert dialog.objectName() == "paymentDialog" and dialog.isVisible()
    assert window.findChild(QWidget, "paymentView") is dialog.view
    assert not window.findChild(QPushButton, "chargeButton").isEnabled()  # one payment at a time

    pos.enter_card(VISA)
    with qtbot.waitSignal(window.sale_completed, timeout=20000) as sold:
        pay_with_the_keyboard(qtbot, dialog)
    order = sold.args[0]
    assert order.total == 1040 and order.payment_intent == pi
    assert (order.card_brand, order.card_last4) == ("visa", "4242")

    receipt = pos.receipt_text()
    for expected in ("$10.40", pi, "Visa •••• 4242", "Caffè Latte", "Butter Croissant", "TRAINING"):
        assert expected in receipt
    # The sale is recorded and a new, empty cart has begun.
    assert window.local.store.orders.by_intent(pi) is not None
    assert pos.cart() == {} and pos.total_text() == "$0.00"
    pos.new_sale()  # Enter on the receipt: the window is ready for the next sale


def test_a_declined_card_then_another_card_pays_the_same_intent(cart):
    pos = cart
    pi = pos.charge()
    pos.enter_card(DECLINED)
    assert pos.pay() == "declined"
    assert pos.dialog.last_decline[1] == "generic_decline"
    assert "declined" in pos.decline_message().lower()  # Stripe's message, on the page
    assert pos.cart() == {"latte": 2, "croissant": 1}  # the cart is intact

    pos.enter_card(VISA)
    assert pos.pay() == "succeeded"
    assert pos.last_order()["payment_intent"] == pi


def test_3d_secure_completed(cart):
    pos = cart
    pi = pos.charge()
    pos.enter_card(THREE_D_SECURE)
    assert pos.pay() == "requires_action"
    assert pos.complete_3ds() == "succeeded"
    assert pos.last_order()["amount"] == 1040
    assert pi in pos.receipt_text()


def test_3d_secure_failed_leaves_the_payment_open(cart):
    pos = cart
    pi = pos.charge()
    pos.enter_card(THREE_D_SECURE)
    assert pos.pay() == "requires_action"
    assert pos.fail_3ds() == "declined"
    assert pos.dialog.last_decline[1] == "payment_intent_authentication_failure"
    assert pos.dialog.order is None and pos.cart()
    assert pos.decline_message()  # the page says why; another card could be tried
    pos.cancel_payment()  # Esc closes it; the cart is released for changes
    assert pos.window.local.store.orders.by_intent(pi) is None


def test_cancel_then_charge_again_reuses_the_payment_intent(qtbot, cart):
    pos = cart
    first = pos.charge()
    assert pos.window.local.carts.snapshot().frozen
    pos.cancel_payment()
    assert "cancelled" in pos.window.message_label.text().lower()

    assert pos.charge() == first
    # The page's own Cancel button closes it too.
    dialog = pos.dialog
    with qtbot.waitSignal(dialog.finished, timeout=5000):
        click(qtbot, dialog.view, element_center(qtbot, dialog.page, dialog.page.mainFrame(), "#cancel-button"))
    qtbot.waitUntil(lambda: not pos.window.local.carts.snapshot().frozen, timeout=10000)


def test_enter_in_the_card_field_pays_and_the_receipt_saves_as_pdf(qtbot, cart, tmp_path):
    from PySide6.QtPdf import QPdfDocument

    pos = cart
    pi = pos.charge()
    pos.enter_card(VISA)
    dialog = pos.dialog
    assert not dialog.findChild(QPushButton, "receiptPdfButton").isVisible()  # no receipt before the sale
    with qtbot.waitSignal(pos.window.sale_completed, timeout=20000):
        qtbot.keyClick(dialog.view.focusProxy(), Qt.Key.Key_Return)  # Enter in the card field pays

    assert dialog.findChild(QPushButton, "receiptPrintButton").isVisible()
    assert dialog.findChild(QPushButton, "receiptPdfButton").isVisible()
    path = dialog.save_receipt_pdf(str(tmp_path / "receipt.pdf"))
    pdf = QPdfDocument()
    assert pdf.load(str(path)) == QPdfDocument.Error.None_ and pdf.pageCount() >= 1
    text = "".join(pdf.getAllText(page).text() for page in range(pdf.pageCount())).replace(" ", "")
    pdf.close()
    assert pi in text.replace("\n", "") and "$10.40" in text
