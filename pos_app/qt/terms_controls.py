"""TermsControls: the window's Discount… button (F6), a line's price (Ctrl+F6) and the manager's PIN prompt.

The dialogs only ask; this applies what they give through CartTerms (local.terms, where the
manager's check is), so the window can't skip it. A manager-only action without approval closes
its dialog and opens the ApprovalDialog (TillLock.approve); the PIN typed there retries the same
action once, on the window's worker (the PIN's Argon2 check is not for the GUI thread). The first
try is local SQLite only and runs on the GUI thread, as every cart change does.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import InvalidOperation
from typing import TYPE_CHECKING, cast

from PySide6.QtCore import QObject
from PySide6.QtWidgets import QLabel, QPushButton

from pos_app.domain import Money
from pos_app.domain.discounts import Discount, DiscountKind
from pos_app.domain.money import MoneyError, parse_money
from pos_app.errors import UserFacingError
from pos_app.i18n import _
from pos_app.qt.forms import child
from pos_app.qt.money_text import money_text
from pos_app.staff import ApprovalRequired

if TYPE_CHECKING:
    from pos_app.qt.discount_dialog import DiscountDialog
    from pos_app.qt.approval_dialog import ApprovalDialog
    from pos_app.qt.main_window import MainWindow
    from pos_app.store import CartSnapshot

Action = Callable[[str | None], "CartSnapshot"]  # a terms change, given a manager's PIN (or None)


class TermsControls(QObject):
    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.window = window
        self.dialog: DiscountDialog | None = None
        self.approval: ApprovalDialog | None = None
        self.button: QPushButton = child(window.form, QPushButton, "discountButton")
        self.discount_caption: QLabel = child(window.form, QLabel, "discountCaption")
        self.discount_label: QLabel = child(window.form, QLabel, "discountLabel")
        window.cart_model.snapshot_shown.connect(self._on_cart_model_snapshot_shown)
        self._on_cart_model_snapshot_shown(window.cart_model.snapshot)

    def _on_cart_model_snapshot_shown(self, snapshot: CartSnapshot) -> None:
        """The totals show what the discounts and price overrides took off, while there are any."""
        priced = snapshot.priced
        off = priced.discount if priced is not None and priced.discount.amount else None
        self.discount_caption.setVisible(off is not None)
        self.discount_label.setVisible(off is not None)
        if off is not None:
            self.discount_label.setText(money_text(Money(-off.amount, off.currency), self.window.settings.locale))

    def _lines(self) -> list[tuple[str, str]]:
        snap = self.window.local.carts.snapshot()
        return [(sku, snap.item(sku).name) for sku in snap.lines]

    def _selected(self) -> str | None:
        row = self.window.cart_table.currentIndex().row()
        return self.window.cart_model.sku_at(row) if row >= 0 else None

    def open_discount(self) -> None:
        if self.window.local.carts.snapshot().empty:
            self.window.show_error(_("The cart is empty: there is nothing to discount."))
            return
        from pos_app.qt.discount_dialog import DiscountDialog  # on first use, not at start-up
        self._open(DiscountDialog(self._lines(), self._selected(), parent=self.window))

    def open_price(self) -> None:
        sku = self._selected()
        if sku is None:
            self.window.show_error(_("Select a cart line to change its price."))
            return
        from pos_app.qt.discount_dialog import DiscountDialog
        self._open(DiscountDialog(self._lines(), sku, price_of=sku, parent=self.window))

    def add_sku(self, sku: str) -> bool:
        """The catalogue's add: an open-price item asks for its price first, any other goes in at once."""
        item = self.window.local.carts.item(sku)
        if item is None or not item.open_price:
            return self.window._add_sku(sku)
        from pos_app.qt.discount_dialog import DiscountDialog
        self._open(DiscountDialog([(sku, item.name)], sku, price_of=sku, open_price=True, parent=self.window))
        return True

    def _open(self, dialog: DiscountDialog) -> None:
        self.dialog = dialog
        dialog.given.connect(self._on_dialog_given)
        dialog.finished.connect(lambda _result: self._forget_dialog(dialog))
        dialog.show()

    def _forget_dialog(self, dialog: DiscountDialog) -> None:
        if self.dialog is dialog:
            self.dialog = None

    def _on_dialog_given(self, dialog: DiscountDialog) -> None:
        try:
            action = self._action_of(dialog)
        except UserFacingError as exc:
            dialog.show_refused(str(exc))
            return
        self._run(action, refuse=dialog.show_refused, done=dialog.accept)

    def _action_of(self, dialog: DiscountDialog) -> Action:
        terms, currency = self.window.local.terms, self.window.settings.currency
        reason, sku = dialog.reason.text(), dialog.sku
        if dialog.price_of is not None:
            price = _money(dialog.amount.text(), currency)
            if dialog.open_price:
                return lambda _pin: terms.add_open_price(dialog.price_of or "", price)
            return lambda pin: terms.override_price(dialog.price_of or "", price, reason, manager_pin=pin)
        percent, amount = dialog.percent.text().strip(), dialog.amount.text().strip()
        if bool(percent) == bool(amount):
            raise UserFacingError(_("Type a percentage or an amount (one of them)."))
        if percent:
            from pos_app.selling import percent_to_bp
            discount = Discount(DiscountKind.PERCENT, percent_to_bp(percent), reason)
        else:
            discount = Discount(DiscountKind.AMOUNT, _money(amount, currency), reason)
        return lambda pin: terms.discount(discount, sku=sku, manager_pin=pin)

    def _run(self, action: Action, *, refuse: Callable[[str], None], done: Callable[[], None]) -> None:
        try:
            snapshot = action(None)
        except ApprovalRequired as exc:
            done()
            self._ask_approval(exc, action)
            return
        except UserFacingError as exc:
            refuse(str(exc))
            return
        done()
        self._on_applied(snapshot)

    def _on_applied(self, snapshot: object) -> None:
        self.window._show_snapshot(cast("CartSnapshot", snapshot))  # what a CartTerms action returns
        self.window.show_info(_("Discount and prices updated"))

    def _ask_approval(self, exc: ApprovalRequired, action: Action) -> None:
        """The manager's PIN redoes the action on the window's worker (the PIN's Argon2 check is not
        for the GUI thread), through the till's one approval round trip (TillLock.approve)."""
        approval = self.approval = self.window.till_lock.approve(exc, _("change the prices"), action, self._on_applied)

        def closed(_result: int) -> None:
            if self.approval is approval:
                self.approval = None
        approval.finished.connect(closed)


def _money(text: str, currency: str) -> int:
    try:
        return parse_money(text.strip(), currency).amount
    except (MoneyError, InvalidOperation, ValueError):
        raise UserFacingError(_("{text} is not an amount (e.g. 2.50)").format(text=repr(text.strip()[:20]))) from None


