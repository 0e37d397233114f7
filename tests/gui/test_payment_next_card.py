"""After a decline or a failed 3-D Secure the next card is keyed at once: the card number has the
focus (emptied), typing goes into it with real key events and Enter pays. The page and the dialog
show the cashier's message for the outcome, never Stripe's developer text."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest

from pos_app.payments.outcome_messages import DECLINED, NOT_AUTHENTICATED
from pos_app.testing import webdriving as web

pytestmark = [pytest.mark.gui, pytest.mark.slow]

VISA = "4242424242424242"
DECLINED_CARD = "4000000000000002"
THREE_D_SECURE = "4000002760003184"
STRIPE_WORDS = ("PaymentMethod", "payment_method_data", "Your card was declined", "unable to authenticate")


@pytest.fixture
def cart(pos):
    pos.add("latte", qty=2)
    return pos


def _next_card_keyed_at_once(qtbot, pos) -> None:
    """Nothing clicked: the card number has the focus, empty; the card typed and Enter pay."""
    dialog = pos.dialog
    frame = web.card_frame(qtbot, dialog.page)
    qtbot.waitUntil(lambda: web.focused_id(qtbot, frame) == "card-number", timeout=5000)
    assert web.card_field_value(qtbot, dialog.page, "card-number") == ""
    assert dialog.view.focusProxy().hasFocus()  # and the dialog's keyboard goes to the page
    QTest.keyClicks(dialog.view.focusProxy(), VISA + "1234" + "123")
    qtbot.waitUntil(lambda: web.focused_id(qtbot, frame) == "card-cvc", timeout=5000)
    with qtbot.waitSignal(pos.window.sale_completed, timeout=20000) as sold:
        QTest.keyClick(dialog.view.focusProxy(), Qt.Key.Key_Return)
    assert sold.args[0].card_last4 == "4242"


def _shows_only_the_cashier_text(pos, expected: str) -> None:
    shown = pos.decline_message()
    assert shown == expected
    status = pos.dialog.status_label.text()
    assert expected in status
    for words in STRIPE_WORDS:
        assert words not in shown and words not in status


def test_after_a_decline_the_next_card_is_typed_at_once_and_enter_pays(qtbot, cart):
    pos = cart
    pos.charge()
    pos.enter_card(DECLINED_CARD)
    assert pos.pay() == "declined"
    _shows_only_the_cashier_text(pos, DECLINED)
    _next_card_keyed_at_once(qtbot, pos)


def test_after_a_failed_3d_secure_the_next_card_is_typed_at_once(qtbot, cart):
    pos = cart
    pos.charge()
    pos.enter_card(THREE_D_SECURE)
    assert pos.pay() == "requires_action"
    assert pos.fail_3ds() == "declined"
    assert pos.dialog.last_decline == (NOT_AUTHENTICATED, "payment_intent_authentication_failure")
    _shows_only_the_cashier_text(pos, NOT_AUTHENTICATED)
    _next_card_keyed_at_once(qtbot, pos)
