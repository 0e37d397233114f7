"""Telling the cashier what happened: the last sale after a restart (also one recorded just before
a crash, and one the restart's reconciliation recorded), Undo of a Clear, a message line that never
outlives its cart revision, and the unknown barcode's red flash and beep."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest

from pos_app.core import AppCore
from pos_app.qt.till_feedback import TillFeedback
from pos_app.testing.staff import log_in
from pos_app.testing.till import close_till, open_till
from tests.integration.reports.sales import pay_without_order

pytestmark = [pytest.mark.gui]

REPO = Path(__file__).resolve().parents[2]
VISA = "4242424242424242"


def feedback(window) -> TillFeedback:
    found = window.findChild(TillFeedback, "tillFeedback")
    assert found is not None
    return found


def message(window) -> str:
    label = window.message_label
    return label.text() if label.isVisibleTo(window) else ""


# -- the message line -----------------------------------------------------------------------------

def test_a_message_about_the_cart_goes_when_the_cart_changes(pos):
    pos.add("latte")
    pos.add("mug")
    assert message(pos.window) == "Added Ceramic Mug"
    pos.remove("mug")
    assert message(pos.window) == ""  # not "Added Ceramic Mug" with no mug in the cart
    pos.add("mug")
    pos.set_qty("latte", 3)
    assert message(pos.window) == ""


def test_a_message_said_after_the_change_stays(pos):
    pos.add("latte")
    pos.charge()
    assert message(pos.window).startswith("Preparing") or message(pos.window) == ""
    pos.cancel_payment()
    assert message(pos.window) == "Payment cancelled. The cart is kept."  # frozen, unfrozen: the same revision


@pytest.mark.slow
def test_the_sale_paid_message_outlives_the_new_empty_cart(qtbot, pos):
    pos.add("latte")
    pos.charge()
    pos.enter_card(VISA)
    assert pos.pay() == "succeeded"
    pos.new_sale()
    qtbot.wait(50)  # the cart service's queued notice of the new cart, if any, is shown
    assert message(pos.window).startswith("Sale ")


# -- Undo clear -------------------------------------------------------------------------------------

def test_undo_puts_the_cleared_lines_back_as_a_new_revision(pos):
    pos.add("latte", qty=2)
    pos.add("mug")
    voided = pos.window.local.carts.snapshot()
    pos.clear_cart()
    undo = feedback(pos.window).clear_undo
    assert message(pos.window) == "Cart cleared (2 lines). Undo: Ctrl+Z"
    assert undo.button.isVisible() and undo.offered == {"latte": 2, "mug": 1}
    assert pos.undo_clear() == {"latte": 2, "mug": 1}
    restored = pos.window.local.carts.snapshot()
    assert restored.cart_id != voided.cart_id and restored.uuid != voided.uuid  # never the voided cart's key
    assert pos.window.local.carts.was_voided(voided.cart_id)
    assert not undo.button.isVisible() and message(pos.window) == "2 lines put back."


def test_undo_is_offered_only_while_the_next_cart_is_still_empty(pos):
    pos.add("latte")
    pos.clear_cart()
    assert feedback(pos.window).clear_undo.offered == {"latte": 1}
    pos.add("mug")
    assert feedback(pos.window).clear_undo.offered is None
    QTest.keyClick(pos.window.search, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert pos.cart() == {"mug": 1}


@pytest.mark.pos_settings(user="cashier")
def test_a_cashier_clear_still_needs_the_manager_and_then_can_be_undone(pos):
    pos.add("latte")
    pos._click(pos.window.clear_button)
    pos._wait(lambda: pos.approval_prompt() is not None, "the approval prompt")  # issue 17's approval stays
    assert feedback(pos.window).clear_undo.offered is None and pos.cart() == {"latte": 1}
    pos.approve(pos.demo_pins["manager"])
    pos._wait(lambda: not pos.cart(), "the cart cleared")
    assert pos.undo_clear() == {"latte": 1}  # putting lines in is selling: the cashier may


# -- the unknown barcode ----------------------------------------------------------------------------

def test_an_unknown_barcode_flashes_red_beeps_and_adds_nothing(pos):
    beeps: list[int] = []
    alert = feedback(pos.window).alert
    alert.beep = lambda: beeps.append(1)  # injected: the test hears the beep instead of the sound card
    pos.add("latte")
    before = pos.cart()
    for code, times in (("5099999999999", 1), ("501234560013", 2)):  # unknown; a near miss of the croissant's
        assert pos.scan_unknown(code) == f"Unknown barcode {code}"
        assert pos.cart() == before and message(pos.window) == f"Unknown barcode {code}"
        assert pos.window.message_label.property("kind") == "error"
        assert pos.window.search.property("alert") == "true" and len(beeps) == times
        assert pos.window.search.selectedText() == code  # the next scan replaces it
    pos.scan("5012345600130")  # the croissant's own code still adds it
    assert pos.cart() == {**before, "croissant": 1}


# -- the last sale after a restart -------------------------------------------------------------------

@pytest.mark.slow
def test_after_a_restart_the_last_sale_is_named_and_reprints(qtbot, pos):
    pos.add("latte", qty=2)
    pos.charge()
    pos.enter_card(VISA)
    assert pos.pay() == "succeeded"
    order = pos.last_order()
    pos.new_sale()
    pos.restart()
    notice = pos.last_sale()
    assert notice.startswith(f"Last sale: {order['number']} · $8.00 · paid by Visa •••• 4242")
    printed_before = pos.printed()
    pos.reprint_last_sale()
    copy = pos.printed()[len(printed_before):]
    assert order["number"].encode() in copy and b"COPY" in copy
    pos.add("mug")
    assert pos.last_sale() is None  # the next sale has begun


@pytest.mark.slow
def test_a_sale_recorded_just_before_a_crash_is_named_after_the_restart(qtbot, pos_config):
    """The till dies the moment the sale's transaction commits (a real process, os._exit: the crash
    is injected there), before any receipt or word; the restarted till names that sale."""
    done = subprocess.run([sys.executable, "-m", "tests.gui.last_sale_crash_till", str(pos_config.data_dir)],
                          cwd=REPO, capture_output=True, text=True, timeout=120)
    assert done.returncode == 137, done.stderr
    core = AppCore(pos_config).start()
    try:
        log_in(core.open())
        (order,) = core.open().store.orders.recent(5)
        assert core.open().carts.snapshot().empty  # what the cashier saw before: an empty cart, no word
        window = open_till(qtbot, core)
        notice = feedback(window).last_sale
        assert notice.frame.isVisible() and notice.order.number == order.number
        assert notice.text.text().startswith(f"Last sale: {order.number} · $10.40 · paid by Visa •••• 4242")
        close_till(qtbot, window)
    finally:
        core.stop()


@pytest.mark.slow
def test_a_payment_taken_but_not_recorded_is_named_once_the_restart_records_it(qtbot, pos_config):
    """The card was charged and the till stopped before finalize: the restart's reconciliation
    records the sale, and the notice names it as recorded at start-up."""
    core = AppCore(pos_config).start()
    log_in(core.open())
    payment_intent = pay_without_order(core, {"latte": 1})
    core.stop()
    core = AppCore(pos_config).start()
    try:
        log_in(core.open())
        window = open_till(qtbot, core)  # open_till waits for the start-up reconciliation
        notice = feedback(window).last_sale
        qtbot.waitUntil(lambda: notice.order is not None and notice.order.payment_intent == payment_intent,
                        timeout=20000)
        assert notice.recovered and "recorded at start-up" in notice.text.text()
        close_till(qtbot, window)
    finally:
        core.stop()
