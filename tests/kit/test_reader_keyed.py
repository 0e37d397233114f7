"""With a card reader set up, the card page is a manager's fallback, keyed and labelled card-not-present.

The till's reader here is only a setting (POS_READER_ID): these tests use the card page, never the
reader, so they need no simulated reader.
"""

from __future__ import annotations

import pytest

from pos_app.testing.paying import SUCCEEDED
from tests.kit.http_calls import call

READER = "tmr_NotRegistered1"


@pytest.mark.pos_settings(reader_id=READER, user="cashier")
def test_a_cashiers_keyed_card_waits_for_a_managers_pin_and_says_card_not_present(pos, qtbot):
    pos.add("latte")
    keyed = pos.window.tenders.reader.keyed_button
    # A till action like the others: beside Charge, showing its key, and listed by F1.
    assert keyed is not None and keyed.isVisible()
    assert keyed.text().split() == ["Keyed", "card", "(card", "not", "present)", "Shift+F12"]
    assert any(a.object_name == "keyedCardButton" for a in pos.window.action_bar.actions)
    pos._click(keyed)
    qtbot.waitUntil(lambda: pos.approval_prompt() is not None, timeout=pos.payment_timeout)
    assert pos.dialog is None  # no card form before the manager's PIN
    assert "take a keyed card (card not present)" in pos.approval_prompt().action_label.text()
    pos.approve(pos.demo_pins["manager"])
    qtbot.waitUntil(lambda: pos.dialog is not None, timeout=pos.payment_timeout)
    assert pos.dialog.windowTitle() == "Keyed card (card not present)"
    assert pos.dialog.findChild(object, "keyedCardLabel").text() == "Keyed card (card not present)"
    pos.enter_card("4242424242424242")
    assert pos.pay() == SUCCEEDED
    approvals = [e["payload"] for e in pos.journal() if e["type"] == "approval"]
    assert [a["action"] for a in approvals] == ["keyed_card"]


@pytest.mark.pos_settings(reader_id=READER)
def test_a_manager_keys_a_card_without_a_prompt(pos):
    pos.add("latte")
    pos._click(pos.window.tenders.reader.keyed_button)
    pos._wait(lambda: pos.dialog is not None, "the card form")
    assert pos.approval_prompt() is None


def test_without_a_reader_charge_is_the_card_page_and_nothing_says_keyed(pos):
    assert pos.window.tenders.reader.keyed_button is None
    assert pos.window.charge_button.text().startswith("Charge")
    assert pos.window.findChild(object, "statusReader") is None
    pos.add("latte")
    pos.charge()
    assert pos.dialog.windowTitle() == "Card payment"


@pytest.mark.pos_settings(reader_id=READER, user="cashier")
def test_over_http_a_cashiers_card_page_payment_needs_a_manager(pos_app):
    assert call(pos_app, "POST", "/cart", {"items": {"latte": {"qty": 1}}})[0] == 200
    status, answer = call(pos_app, "POST", "/create-payment-intent", {})
    assert status == 403 and answer["error"]["code"] == "approval_required"
    assert pos_app.payments.checkout.current_payment() is None
