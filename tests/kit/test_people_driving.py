"""PosDriver's people steps on the real window: the PIN screen, Lock, the idle lock, approvals, refunds."""

from __future__ import annotations

import pytest

from pos_app.testing.driver import APPROVAL_REQUIRED


def test_the_kit_starts_logged_in_as_the_demo_manager_and_locks_and_logs_in_again(pos):
    assert pos.user() == "Demo Manager (manager)"
    pos.add("latte")
    pos.logout()
    assert pos.user() is None and pos.window.till_lock.pages.currentWidget().objectName() == "pinScreen"
    assert pos.login(pos.demo_pins["cashier"]) == "Demo Cashier (cashier)"
    assert pos.cart() == {"latte": 1}  # the sale waited through the lock
    kinds = [(e["type"], e["payload"].get("name")) for e in pos.journal() if e["type"] in ("login", "logout")]
    assert kinds == [("login", "Demo Manager"), ("logout", "Demo Manager"), ("login", "Demo Cashier")]


@pytest.mark.pos_settings(user=None)
def test_a_wrong_pin_is_refused_on_the_pin_screen(pos):
    assert pos.user() is None
    with pytest.raises(AssertionError, match="Wrong PIN"):
        pos.login("9999")
    assert not pos.window.till_lock.first_manager.isVisible()  # a training till has its demo manager
    assert pos.login(pos.demo_pins["manager"]) == "Demo Manager (manager)"


@pytest.mark.pos_settings(user="cashier", idle_lock_seconds=1)
def test_the_idle_lock_logs_out_and_keeps_the_sale(pos, qtbot):
    pos.add("latte")
    qtbot.waitUntil(lambda: pos.window.till_lock.locked, timeout=5000)
    assert pos.journal()[-1]["type"] == "logout" and pos.journal()[-1]["payload"]["why"] == "idle"
    pos.login(pos.demo_pins["cashier"])
    assert pos.cart() == {"latte": 1}


@pytest.mark.pos_settings(user="cashier")
def test_a_cashiers_refund_waits_for_a_managers_pin_and_the_journal_names_both(pos):
    pos.add("latte")
    pos.pay_cash()
    assert pos.refund(pos.last_order()["number"]) == APPROVAL_REQUIRED
    assert "refund a sale" in pos.approval_prompt().action_label.text()
    with pytest.raises(AssertionError, match="not a manager"):
        pos.approve(pos.demo_pins["cashier"])
    assert pos.approve(pos.demo_pins["manager"]) == "succeeded"
    approval = [e for e in pos.journal() if e["type"] == "approval"][-1]
    assert approval["user"] == "Demo Cashier"
    assert (approval["payload"]["action"], approval["payload"]["manager"], approval["payload"]["for"]) == (
        "refund", "Demo Manager", "Demo Cashier")


@pytest.mark.pos_settings(user="cashier")
def test_a_cashiers_clear_and_no_sale_ask_for_a_manager(pos):
    pos.add("latte")
    pos._click(pos.window.clear_button)
    pos._wait(lambda: pos.approval_prompt() is not None, "the approval prompt")
    pos.approve(pos.demo_pins["manager"])
    pos._wait(lambda: not pos.cart(), "the cart cleared")
    pos.window.devices.no_sale()
    pos._wait(lambda: pos.approval_prompt() is not None, "the approval prompt for No sale")
    pos.approve(pos.demo_pins["manager"])
    pos._wait(lambda: [e["reason"] for e in pos.drawer_events()] == ["no_sale"], "the drawer opened for no sale")


@pytest.mark.pos_settings(user="cashier")
def test_a_cashiers_void_of_paid_tenders_asks_for_a_manager(pos):
    pos.add("latte", 3)
    pos.pay_cash(500)  # part of it in cash: money taken
    assert pos.tenders() and pos.window.tenders.void_button.isEnabled()
    pos._click(pos.window.tenders.void_button)
    pos._wait(lambda: pos.approval_prompt() is not None, "the approval prompt for the void")
    assert "void a paid sale" in pos.approval_prompt().action_label.text()
    assert pos.approve(pos.demo_pins["manager"]) == "applied"
    pos._wait(lambda: not any(t["status"] == "succeeded" for t in pos.tenders()), "the tenders given back")
    assert [e["payload"]["action"] for e in pos.journal() if e["type"] == "approval"][-1] == "void_sale"


@pytest.mark.pos_settings(user="cashier")
def test_a_cashiers_shift_close_asks_for_a_manager_then_counts_blind(pos):
    from PySide6.QtWidgets import QPushButton

    from pos_app.qt.shift_dialog import COUNT_PAGE, SHIFT_PAGE

    dialog, _steps = pos._shift_dialog("close the shift", SHIFT_PAGE)
    pos._click(dialog.findChild(QPushButton, "closeShiftButton"))
    pos._wait(lambda: pos.approval_prompt() is not None, "the approval prompt for the close")
    assert "close the shift" in pos.approval_prompt().action_label.text()
    pos.approve(pos.demo_pins["manager"])
    pos._wait(lambda: dialog.pages.currentIndex() == COUNT_PAGE, "the blind count")
    assert [e["payload"]["action"] for e in pos.journal() if e["type"] == "approval"][-1] == "close_shift"
    dialog.cancel_count()


def test_a_part_of_a_sale_is_refunded_by_its_amount(pos):
    pos.add("latte", 2)
    pos.pay_cash()
    order = pos.last_order()
    assert pos.refund(order["number"], amount=150) == "succeeded"
    assert pos.window.local.store.orders.by_number(order["number"]).refunded == 150
    with pytest.raises(AssertionError, match="is left to refund"):
        pos.refund(order["number"], amount=order["total"])  # more than what is left


def test_a_log_out_and_log_in_over_the_endpoint_show_in_the_window_at_once(pos, qtbot):
    """The endpoint's requests run on its own threads; the session tells the window (ListenerRelay)."""
    import threading

    lock = pos.window.till_lock
    session = pos.window.local.session
    worker = threading.Thread(target=session.logout)  # as POST /session/logout does, off the GUI thread
    worker.start()
    worker.join()
    qtbot.waitUntil(lambda: lock.pages.currentWidget().objectName() == "pinScreen", timeout=3000)
    worker = threading.Thread(target=session.login, args=(pos.demo_pins["cashier"],))
    worker.start()
    worker.join()
    qtbot.waitUntil(lambda: lock.user_label.text() == "Demo Cashier (cashier)" and not lock.locked, timeout=3000)
    assert lock.pages.currentWidget().objectName() != "pinScreen"
