"""DiscountDialog (objectName discountDialog or priceDialog, form ui/discount_dialog.ui): a discount, or a line's price.

Shown, not exec'd. As discountDialog: what it comes off (the whole sale or a line), a percentage
or an amount, and the reason. As priceDialog: the selected line's new unit price (its amount
field) and the reason; with `open_price`, the price of an open-price item being added (no
reason asked: it is the sale's own price, not an override). It only asks: `given(dialog)` goes
to TermsControls, which applies it (asking for a manager's PIN when needed) and closes it, or
calls show_refused(text).
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QComboBox, QDialog, QLabel, QLineEdit, QPushButton, QVBoxLayout, QWidget

from pos_app.i18n import _
from pos_app.qt.forms import child, load_form
from pos_app.qt.style import show_kind

WHOLE_SALE = ""  # discountTarget's data for the whole sale


class DiscountDialog(QDialog):
    given = Signal(object)  # this dialog

    def __init__(self, lines: list[tuple[str, str]], selected: str | None, *, price_of: str | None = None,
                 open_price: bool = False, parent: QWidget | None = None) -> None:
        """`lines` (sku, name) are the cart's; `price_of` an sku makes it the price dialog of that line
        (of the open-price item being added, with `open_price`)."""
        super().__init__(parent)
        self.price_of, self.open_price = price_of, open_price
        self.setObjectName("priceDialog" if price_of else "discountDialog")
        self.setWindowTitle(_("Price") if price_of else _("Discount"))
        self.setModal(True)
        form = load_form("discount_dialog.ui", self)
        QVBoxLayout(self).addWidget(form)
        self.target: QComboBox = child(form, QComboBox, "discountTarget")
        self.percent: QLineEdit = child(form, QLineEdit, "discountPercent")
        self.amount: QLineEdit = child(form, QLineEdit, "discountAmount")
        self.reason: QLineEdit = child(form, QLineEdit, "discountReason")
        self.status: QLabel = child(form, QLabel, "discountStatus")
        if price_of is None:
            self.target.addItem(_("The whole sale"), WHOLE_SALE)
        for sku, name in lines:
            if price_of in (None, sku):
                self.target.addItem(f"{name} ({sku})", sku)
        index = self.target.findData(price_of or selected or WHOLE_SALE)
        self.target.setCurrentIndex(max(index, 0))
        if price_of is not None:
            for name in ("discountPercent", "discountPercentCaption"):
                child(form, QWidget, name).hide()
            child(form, QLabel, "discountAmountCaption").setText(_("&Price") if open_price else _("New unit &price"))
        if open_price:
            for name in ("discountReason", "discountReasonCaption"):
                child(form, QWidget, name).hide()
        for field in (self.percent, self.amount, self.reason):
            field.returnPressed.connect(self._on_field_return_pressed)
        ok = child(form, QPushButton, "discountOkButton")
        ok.setAutoDefault(False)  # else Enter in a field presses it too: the change would be given twice
        ok.clicked.connect(self._on_field_return_pressed)
        (self.amount if price_of else self.percent).setFocus(Qt.FocusReason.OtherFocusReason)

    @property
    def sku(self) -> str | None:
        data = self.target.currentData()
        return data or None

    def _on_field_return_pressed(self) -> None:
        self.given.emit(self)

    def show_refused(self, text: str) -> None:
        show_kind(self.status, text, "error")
