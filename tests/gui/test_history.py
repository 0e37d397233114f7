"""The order history window over a real training core: the model, search, details, keyboard,
reprint and PDF, paging and live updates."""

from __future__ import annotations

from datetime import datetime

import pytest
from PySide6.QtCore import Qt
from PySide6.QtPrintSupport import QPrinter

from pos_app.domain import Order, OrderLine
from pos_app.qt import history_window
from pos_app.qt.history_window import HistoryWindow, open_history
from pos_app.qt.order_models import ORDER_ROLE, PAGE_SIZE, OrderColumn, OrderTableModel
from pos_app.qt.printing import make_printer, print_to
from tests.gui.test_receipt_printing import pdf_text
from tests.integration.payments.helpers import MASTERCARD
from tests.integration.reports.sales import sell

pytestmark = pytest.mark.gui

TIMEOUT = 10_000


@pytest.fixture
def sales(core):
    """Three real sales, oldest first: $10.00 visa, $12.50 mastercard, $2.50 visa."""
    return [sell(core, {"item2": 1}),
            sell(core, {"item1": 2, "espresso": 1}, card=MASTERCARD),
            sell(core, {"espresso": 1})]


@pytest.fixture
def history(qtbot, core, sales):
    window = HistoryWindow(core.local, core.payments)
    qtbot.addWidget(window)
    with qtbot.waitActive(window):  # its shortcuts are window shortcuts
        window.show()
        window.activateWindow()
    yield window
    window.close()


def shown_numbers(window) -> list[str]:
    return [window.model.order_at(row).number for row in range(window.model.rowCount())]


def synthetic_orders(store, count: int) -> None:
    with store.unit_of_work() as work:
        for n in range(count):
            work.orders.record(Order(
                number="", created_at=1_790_000_000 + n * 60, currency="usd",
                lines=(OrderLine("item1", "Item 1", 1, 500 + n, 500 + n, 0),), subtotal=500 + n, tax=0,
                total=500 + n, payment_intent=f"pi_synthetic_{n}", cart_uuid=f"cart-{n}", card_brand="visa",
                card_last4="4242"))


# -- the model -----------------------------------------------------------------------------------


def test_order_model_passes_the_model_tester_and_pages(qtmodeltester, core):
    synthetic_orders(core.local.store, PAGE_SIZE * 2 + 30)
    orders = core.local.store.orders
    model = OrderTableModel()
    model.set_orders(orders.recent(PAGE_SIZE), more=lambda offset, limit: orders.recent(limit, offset))
    assert model.rowCount() == PAGE_SIZE and model.canFetchMore()
    qtmodeltester.check(model)  # fetches more itself
    while model.canFetchMore():
        model.fetchMore()
    assert model.rowCount() == PAGE_SIZE * 2 + 30
    numbers = [model.order_at(r).number for r in range(model.rowCount())]
    assert numbers == sorted(numbers, reverse=True)  # newest first, no gaps or repeats
    qtmodeltester.check(model)


def test_order_model_columns_and_refunded_amounts(qtbot, qtmodeltester, core, sales):
    model = OrderTableModel()
    model.set_orders(core.local.store.orders.recent())
    qtmodeltester.check(model)
    assert [model.headerData(c, Qt.Orientation.Horizontal) for c in OrderColumn] == \
        ["Order", "Date / time", "Total", "Refunded", "Card", "Payment"]
    newest = sales[-1]
    row = [model.index(0, c).data() for c in OrderColumn]
    assert row == [newest.number, datetime.fromtimestamp(newest.created_at).strftime("%Y-%m-%d %H:%M"),
                   "$2.50", "", "Visa •••• 4242", newest.payment_intent]
    assert model.index(1, OrderColumn.CARD).data() == "Mastercard •••• 4444"

    core.payments.checkout.refund(newest.id, amount=100)
    with qtbot.waitSignal(model.dataChanged) as changed:
        model.update_order(core.local.store.orders.get(newest.id))
    assert changed.args[0].row() == 0 and ORDER_ROLE in changed.args[2]
    assert model.index(0, OrderColumn.REFUNDED).data() == "$1.00"
    assert model.index(0, OrderColumn.REFUNDED).data(Qt.ItemDataRole.ToolTipRole) == "$1.50 left to refund"
    qtmodeltester.check(model)


# -- the window ----------------------------------------------------------------------------------


def test_recent_orders_first_with_the_newest_shown_in_full(history, sales):
    assert history.objectName() == "historyWindow"
    assert shown_numbers(history) == ["000003", "000002", "000001"]
    assert history.current_order.id == sales[-1].id
    details = history.details.toPlainText()
    assert "Receipt 000003" in details and sales[-1].payment_intent in details and "TRAINING" in details
    assert history.refund_button.isEnabled() and history.reprint_button.isEnabled()


@pytest.mark.parametrize("text, expected", [
    ("2", ["000002"]),
    ("12.50", ["000002"]),
    ("10", ["000001"]),  # $10.00 (there is no order 10)
    ("2.5", ["000003"]),
    ("latte", []),
])
def test_search_by_number_and_amount(qtbot, history, text, expected):
    qtbot.keyClicks(history.search, text)
    assert shown_numbers(history) == expected
    assert (history.current_order.number if history.current_order else None) == (expected[0] if expected else None)
    if not expected:
        assert "No order matches" in history.status.text() and not history.refund_button.isEnabled()


def test_search_by_day_and_payment_intent(qtbot, history, sales):
    qtbot.keyClicks(history.search, datetime.fromtimestamp(sales[0].created_at).strftime("%Y-%m-%d"))
    assert shown_numbers(history) == ["000003", "000002", "000001"]
    history.search.clear()
    qtbot.keyClicks(history.search, sales[1].payment_intent[:12])
    assert shown_numbers(history) == ["000002"]
    history.search.clear()
    qtbot.keyClicks(history.search, "2000-01-01")
    assert shown_numbers(history) == []
    history.search.clear()
    assert len(shown_numbers(history)) == 3


def test_keyboard_search_down_into_the_list_and_enter_opens_the_details(qtbot, history):
    qtbot.waitUntil(history.search.hasFocus)
    qtbot.keyClick(history.search, Qt.Key.Key_Down)
    assert history.table.hasFocus()
    qtbot.keyClick(history.table, Qt.Key.Key_Down)
    assert history.current_order.number == "000002"
    assert "Receipt 000002" in history.details.toPlainText()
    qtbot.keyClick(history.table, Qt.Key.Key_Return)
    assert history.details.hasFocus()
    qtbot.keyClick(history.details, Qt.Key.Key_Escape)
    assert history.table.hasFocus()
    qtbot.keyClick(history.table, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    assert history.search.hasFocus()
    qtbot.keyClicks(history.search, "1")
    qtbot.keyClick(history.search, Qt.Key.Key_Return)
    assert history.table.hasFocus() and history.current_order.number == "000001"


def test_reprint_goes_to_the_printer_as_a_copy(qtbot, history, tmp_path, monkeypatch):
    printed = []

    def print_to_pdf(document, parent):  # stands in for the print dialog: a real QPrinter, PDF output
        printer = make_printer(document)
        printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
        printer.setOutputFileName(str(tmp_path / "reprint.pdf"))
        printed.append((print_to(document, printer), parent))
        return True

    monkeypatch.setattr(history_window, "print_document", print_to_pdf)
    history.select_row(1)
    qtbot.keyClick(history.table, Qt.Key.Key_P, Qt.KeyboardModifier.ControlModifier)

    assert printed == [(1, history)]
    text = pdf_text(tmp_path / "reprint.pdf")[1]
    assert "COPY" in text and "Receipt000002" in text and "Amountcharged$12.50" in text
    assert "sent to the printer" in history.status.text()


def test_save_pdf_of_the_selected_receipt(history, tmp_path):
    history.select_row(2)
    path = history.save_pdf(tmp_path / "receipt-000001.pdf")
    assert path.read_bytes().startswith(b"%PDF")
    pages, text = pdf_text(path)
    assert pages == 1 and "Receipt000001" in text and "$10.00" in text
    assert str(path) in history.status.text()


def test_a_sale_made_while_the_history_is_open_appears(qtbot, history, core):
    history.select_row(1)
    order = sell(core, {"latte": 1})
    qtbot.waitUntil(lambda: shown_numbers(history)[0] == order.number, timeout=TIMEOUT)
    assert history.current_order.number == "000002"  # the cashier's selection is kept


def test_open_history_from_the_till_reuses_one_window(qtbot, core, sales):
    from PySide6.QtWidgets import QMainWindow
    till = QMainWindow()
    qtbot.addWidget(till)
    first = open_history(till, core.local, core.payments)
    second = open_history(till, core.local, core.payments)
    assert first is second and first.isVisible() and first.isWindow()
    report = first.open_report()
    qtbot.waitUntil(lambda: report.report is not None, timeout=TIMEOUT)
    assert report.report.sales_count == 3 and not report.report.differences
    first.close()


def test_f9_opens_the_history_and_ctrl_shift_z_the_report_from_the_till(qtbot, window, core, sales):
    with qtbot.waitActive(window):
        window.activateWindow()
    qtbot.keyClick(window.search, Qt.Key.Key_F9)
    history = window.findChild(HistoryWindow, "historyWindow")
    assert history is not None and history.isVisible()
    assert shown_numbers(history) == ["000003", "000002", "000001"]
    history.close()

    with qtbot.waitActive(window):
        window.activateWindow()
    qtbot.keyClick(window.search, Qt.Key.Key_Z,
                   Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    report = history.report_dialog
    assert report is not None and report.isVisible() and history.isVisible()
    qtbot.waitUntil(lambda: report.report is not None, timeout=TIMEOUT)
    assert report.report.sales_count == 3
    history.close()


def test_ctrl_shift_z_opens_the_report_even_from_the_search_field(qtbot, history):
    history.search.setFocus()
    qtbot.keyClick(history.search, Qt.Key.Key_Z,
                   Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    assert history.report_dialog is not None and history.report_dialog.isVisible()
    qtbot.waitUntil(lambda: history.report_dialog.report is not None, timeout=TIMEOUT)


def activate(qtbot, widget) -> None:
    """Make a window the active one (its shortcuts are window shortcuts); offscreen has no window
    manager, so activation requests from the app (a dialog closing) can land late."""
    widget.activateWindow()
    qtbot.waitUntil(widget.isActiveWindow)


@pytest.mark.slow
@pytest.mark.qt_log_ignore("QRhiGles2: Failed to create", "Failed to create RHI for backend")
def test_a_day_at_the_till_sell_reprint_refund_and_close(qtbot, pos, tmp_path, monkeypatch):
    """In training mode through the real window: sell with the card typed into the card form, then
    F9 history, reprint, refund one item, and close the day with the Z report."""
    window = pos.window
    pos.add("latte", qty=2)
    pos.scan("5012345600130")  # a croissant, by barcode
    pos.charge()
    pos.enter_card("4242424242424242")
    assert pos.pay() == "succeeded"
    order = pos.dialog.order
    pos.new_sale()

    with qtbot.waitActive(window):
        window.activateWindow()
    qtbot.keyClick(window.search, Qt.Key.Key_F9)
    history = window.findChild(HistoryWindow, "historyWindow")
    assert history.current_order.id == order.id and "$10.40" in history.details.toPlainText()
    activate(qtbot, history)

    printed = []
    monkeypatch.setattr(history_window, "print_document", lambda document, parent: printed.append(
        document.toPlainText()) or True)
    qtbot.keyClick(history.table, Qt.Key.Key_P, Qt.KeyboardModifier.ControlModifier)
    assert "COPY" in printed[0] and f"Receipt {order.number}" in printed[0]

    qtbot.keyClick(history.table, Qt.Key.Key_R, Qt.KeyboardModifier.ControlModifier)
    refund = history.refund_dialog
    refund.spin_for("croissant").setValue(1)
    with qtbot.waitSignal(history.refund_made, timeout=TIMEOUT):
        qtbot.mouseClick(refund.confirm_button, Qt.MouseButton.LeftButton)
    assert history.model.index(0, OrderColumn.REFUNDED).data() == "$2.40"

    activate(qtbot, history)
    qtbot.keyClick(history.search, Qt.Key.Key_Z,
                   Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    report = history.report_dialog
    qtbot.waitUntil(lambda: report.report is not None, timeout=TIMEOUT)
    z = report.report
    assert (z.sales_count, z.sales_total, z.refunds_count, z.refunds_total, z.net) == (1, 1040, 1, 240, 800)
    assert z.gateway_checked and z.differences == []
    assert "all payments match" in report.status.text()
    assert "net,,800,8.00,usd" in report.export_csv(tmp_path / "z.csv").read_text()
    history.close()
