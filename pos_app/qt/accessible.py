"""Accessible names and descriptions for every control a screen reader (or a tester) reaches.

describe(root) gives each focusable widget under root without them an accessibleName and an
accessibleDescription: the names below (by objectName, through `_()` when shown), else what the
control already says on screen: a button's or box's text (without its & and shortcut), its
buddy label's text, its placeholder; the description from its tooltip, else the placeholder.
Forms get this at the first show of their window (load_form calls describe_on_first_show), so
controls a dialog adds in code before it is shown are covered too. `missing(root)` lists the
focusable widgets still without both: the accessibility test fails on any.
"""

from __future__ import annotations

import re

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtWidgets import (QAbstractButton, QAbstractSpinBox, QComboBox, QLabel, QLineEdit, QWidget)

from pos_app.i18n import N_, _

#: objectName -> (name, description), for controls whose screen text doesn't say it (or says nothing).
NAMES: dict[str, tuple[str, str]] = {
    "catalogueSearch": (N_("Search the catalogue"), N_("Type a name, SKU or barcode; Enter adds the item")),
    "categoryFilter": (N_("Category"), N_("Show the items of one category")),
    "catalogueTable": (N_("Catalogue"), N_("The items found; Enter or a double click adds one")),
    "cartTable": (N_("Cart"), N_("The sale's lines; + and - change a quantity, Delete removes a line")),
    "chargeAmount": (N_("Card part amount"), N_("Charge only this much by card; empty charges all")),
    "cashTendered": (N_("Cash handed over"), N_("The cash the customer gave; Enter on empty takes the exact amount")),
    "pinField": (N_("PIN"), N_("Type your PIN and press Enter to log in")),
    "approvalPin": (N_("Manager's PIN"), N_("A manager types their PIN and presses Enter to approve")),
    "refundAmountEdit": (N_("Amount to refund"), N_("Refund part of the sale's money")),
    "refundReason": (N_("Reason"), N_("Why the money is given back")),
    "historyTable": (N_("Orders"), N_("The till's orders; Enter shows one")),
    "historySearch": (N_("Search orders"), N_("Find an order by its number, card or amount")),
    "openShiftBannerButton": (N_("Open shift"), N_("Open a shift with its float, to sell")),
    "cashDoneButton": (N_("Done"), N_("Close the cash dialog; the change has been given")),
    "linesRefundRadio": (N_("Some items"), N_("Refund the quantities chosen in the list below")),
    "refundCashCheck": (N_("Refund in cash"), N_("Give the money back out of the drawer instead of to the card")),
    "cancelRefundButton": (N_("Cancel"), N_("Close without refunding anything")),
    "confirmRefundButton": (N_("Refund"), N_("Make the refund shown above (Enter)")),
    "receiptView": (N_("Receipt"), N_("The sale's receipt")),
    "refundError": (N_("Refund problem"), N_("Why the refund could not be made")),
    "discountTarget": (N_("Discount on"), N_("The whole sale, or one of its lines")),
    "discountOkButton": (N_("Give the discount"), N_("Apply the discount or price typed above (Enter)")),
    "parkOkButton": (N_("Park"), N_("Put the sale aside under the label typed above (Enter)")),
    "parkedTable": (N_("Parked sales"), N_("The sales put aside, newest first; Enter recalls one")),
    "parkedRecallButton": (N_("Recall"), N_("Bring the chosen parked sale back to the till (Enter)")),
    "parkedCloseButton": (N_("Close"), N_("Close the list; the parked sales stay parked")),
    "approvalOkButton": (N_("Approve"), N_("Check the manager's PIN and do the action (Enter)")),
    "approvalCancelButton": (N_("Cancel"), N_("Do nothing; close the prompt (Esc)")),
    "reportView": (N_("Report"), N_("The end-of-day report")),
    "exportCsvButton": (N_("Export CSV"), N_("Save the report as a CSV file")),
    "saveReportPdfButton": (N_("Save PDF"), N_("Save the report as a PDF file")),
    "printReportButton": (N_("Print"), N_("Print the report")),
    "closeReportButton": (N_("Close"), N_("Close the report")),
    "reviewRefundButton": (N_("Refund"), N_("Refund the chosen payment in full")),
    "reviewCloseButton": (N_("Close"), N_("Close the review list")),
    "openShiftButton": (N_("Open shift"), N_("Open the shift with the float typed above")),
    "paidInButton": (N_("Paid in"), N_("Record cash put into the drawer")),
    "paidOutButton": (N_("Paid out"), N_("Record cash taken out of the drawer for an expense")),
    "dropButton": (N_("Drop"), N_("Record cash taken from the drawer to the safe")),
    "xReportButton": (N_("X report"), N_("Show the shift's figures so far; the shift stays open")),
    "closeShiftButton": (N_("Close shift"), N_("Count the drawer blind and close the shift (the Z)")),
    "confirmCountButton": (N_("Confirm count"), N_("Close the shift with the cash counted")),
    "cancelCountButton": (N_("Cancel count"), N_("Go back; the shift stays open")),
    "shiftReportView": (N_("Shift report"), N_("The shift's X or Z report")),
    "shiftCsvButton": (N_("Export CSV"), N_("Save the shift report as a CSV file")),
    "shiftPdfButton": (N_("Save PDF"), N_("Save the shift report as a PDF file")),
    "shiftPrintButton": (N_("Print"), N_("Print the shift report")),
    "closeShiftDialogButton": (N_("Close"), N_("Close the shift dialog")),
}

_SHORTCUT_TAIL = re.compile(r"\s{2,}\S.*$")  # "Done   Enter": the key after the spaces


def _plain(text: str) -> str:
    return _SHORTCUT_TAIL.sub("", text.replace("&&", "\0").replace("&", "").replace("\0", "&")).strip()


def _buddy_text(widget: QWidget) -> str:
    window = widget.window()
    for label in window.findChildren(QLabel):
        if label.buddy() is widget:
            return _plain(label.text())
    return ""


def _screen_name(widget: QWidget) -> str:
    if isinstance(widget, (QAbstractButton, QLabel)) and widget.text():
        return _plain(widget.text())
    buddy = _buddy_text(widget)
    if buddy:
        return buddy
    if isinstance(widget, QLineEdit) and widget.placeholderText():
        return widget.placeholderText()
    return widget.toolTip().split("\n", 1)[0] if "<" not in widget.toolTip() else ""


def _screen_description(widget: QWidget) -> str:
    if isinstance(widget, QLabel):  # a selectable text: read as what it says
        return widget.text()
    tip = widget.toolTip()
    if tip and "<" not in tip:  # a rich-text tooltip would be read out as markup
        return tip
    if isinstance(widget, QLineEdit) and widget.placeholderText():
        return widget.placeholderText()
    return ""


def controls(root: QWidget) -> list[QWidget]:
    """The widgets under root (and root) that take the focus, without Qt's own inner parts (a spin box's
    line edit, a scroll area's viewport: named qt_*) and without a web page's insides."""
    found = []
    for widget in (root, *root.findChildren(QWidget)):
        if widget.focusPolicy() == Qt.FocusPolicy.NoFocus or widget.objectName().startswith("qt_"):
            continue
        if any(isinstance(w, (QAbstractSpinBox, QComboBox)) or w.inherits("QWebEngineView")
               or w.windowType() == Qt.WindowType.Popup for w in _ancestors(widget)):
            continue  # a spin box's line edit, a combo box's list, the page's own accessibility
        found.append(widget)
    return found


def _ancestors(widget: QWidget):
    parent = widget.parentWidget()
    while parent is not None:
        yield parent
        parent = parent.parentWidget()


def describe(root: QWidget) -> None:
    """Name and describe the focusable controls under root that have no accessible name or description."""
    for widget in controls(root):
        known = NAMES.get(widget.objectName())
        if not widget.accessibleName():
            widget.setAccessibleName(_(known[0]) if known else _screen_name(widget))
        if not widget.accessibleDescription():
            widget.setAccessibleDescription(_(known[1]) if known else _screen_description(widget))


def missing(root: QWidget) -> list[str]:
    """The focusable controls under root still without an accessible name or description (class#objectName)."""
    return [f"{type(w).__name__}#{w.objectName() or '?'}" for w in controls(root)
            if not (w.accessibleName().strip() and w.accessibleDescription().strip())]


class _FirstShow(QObject):
    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt's name)
        if event.type() == QEvent.Type.Show and isinstance(watched, QWidget):
            watched.removeEventFilter(self)
            describe(watched)
            self.deleteLater()
        return False


def describe_on_first_show(window: QWidget) -> None:
    """describe(window) when it is first shown (once its code has added all its controls)."""
    if window.property("posDescribed"):
        return
    window.setProperty("posDescribed", True)
    window.installEventFilter(_FirstShow(window))
