"""Drive the till window and its payment dialog as a cashier does (real key and mouse events).

Built on stripejs_helpers (the card iframe and 3-D Secure challenge); the tester kit will move
these into pos_app.testing.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLineEdit

from tests.gui.stripejs_helpers import answer_challenge, card_frame, run_js, type_card, wait_for_js

PAY_TIMEOUT = 20_000


def scan(qtbot, window, text: str) -> None:
    """Type into the search field and press Enter (a name, or a barcode as a scanner does)."""
    search = window.findChild(QLineEdit, "catalogueSearch")
    search.setFocus()
    search.clear()
    qtbot.keyClicks(search, text)
    qtbot.keyClick(search, Qt.Key.Key_Return)


def charge(qtbot, window, timeout: int = PAY_TIMEOUT):
    """Press F12 and wait for the payment dialog's card form to be ready; return the dialog."""
    with qtbot.waitSignal(window.payment_dialog_opened, timeout=timeout) as opened:
        qtbot.keyClick(window, Qt.Key.Key_F12)
    dialog = opened.args[0]
    wait_page_state(qtbot, dialog, "ready", timeout)
    return dialog


def wait_page_state(qtbot, dialog, state: str, timeout: int = PAY_TIMEOUT) -> None:
    """Wait until the checkout page reports state through the bridge (and shows it in the DOM)."""
    qtbot.waitUntil(lambda: dialog.page_state == state, timeout=timeout)
    wait_for_js(qtbot, dialog.page, f"document.body.dataset.state === {state!r}", timeout)


def enter_card(qtbot, dialog, number: str) -> None:
    """Click into the card number field and type a whole card with real key events."""
    show_card_form(qtbot, dialog)
    type_card(qtbot, dialog.view, number, postal=None)  # the checkout page hides the postal code


def show_card_form(qtbot, dialog) -> None:
    """Scroll the card element into view (a long cart pushes it down the page), as a cashier would."""
    run_js(qtbot, dialog.page, "document.getElementById('card-element').scrollIntoView({block: 'center'}), true")


def replace_card_number(qtbot, dialog, number: str) -> None:
    """Another card after a decline: select the number (Ctrl+A), type the new one; expiry and CVC stay."""
    show_card_form(qtbot, dialog)
    from tests.gui.stripejs_helpers import focused_id, replace_card_number as replace
    replace(qtbot, dialog.view, number)
    frame = card_frame(qtbot, dialog.page)
    qtbot.waitUntil(lambda: focused_id(qtbot, frame) == "card-expiry", timeout=5000)  # auto-advance


def pay(qtbot, dialog) -> None:
    """Enter in the card field submits the form, as Stripe's Elements do (a keyboard-only Pay)."""
    qtbot.keyClick(dialog.view.focusProxy(), Qt.Key.Key_Return)


def click_pay(qtbot, dialog) -> None:
    from tests.gui.stripejs_helpers import click, element_center
    page = dialog.page
    run_js(qtbot, page, "document.getElementById('pay-button').scrollIntoView({block: 'center'}), true")
    click(qtbot, dialog.view, element_center(qtbot, page, page.mainFrame(), "#pay-button"))


def wait_receipt(qtbot, dialog, timeout: int = PAY_TIMEOUT):
    qtbot.waitUntil(lambda: dialog.order is not None, timeout=timeout)
    return dialog.order


def page_message(qtbot, dialog) -> str:
    return run_js(qtbot, dialog.page, "document.getElementById('payment-message').textContent") or ""


__all__ = ["answer_challenge", "card_frame", "charge", "click_pay", "enter_card", "page_message", "pay",
           "replace_card_number", "show_card_form",
           "scan", "wait_page_state", "wait_receipt"]
