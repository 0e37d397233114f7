"""TenderDriving: cash and card parts worked as a cashier does (PosDriver's tender half).

pay_cash clicks Cash (F11), types what the customer handed over (or nothing: the exact amount), Enter,
and reads the change the dialog shows; charge(amount) types a card part's amount beside Charge
before pressing it; tenders() lists the sale's tenders as the local endpoint's API gives them.
"""

from __future__ import annotations


from PySide6.QtCore import Qt
from PySide6.QtTest import QTest

from pos_app.testing.paying import PaymentDriving
from pos_app.web.payloads import tender_json


class TenderDriving(PaymentDriving):
    """Cash (F11) with its change, a card part of an amount, and the tenders of a sale."""

    def pay_cash(self, tendered: int | None = None) -> int:
        """Cash (F11), the cash handed over (minor units; None: the exact amount due, by Enter on an empty
        field), Enter; wait for the change, close the dialog. Returns the change in minor units."""
        self._close_receipt()
        if not self.cart():
            raise AssertionError(f"cannot take cash for an empty cart.\n{self.screen()}")
        tenders = self.window.tenders
        self._wait(tenders.cash_button.isEnabled, "the Cash button to be enabled")
        message = self._message()
        self._click(tenders.cash_button)  # the Cash button (F11 does the same while the till has the keyboard)
        self._wait(lambda: tenders.cash_dialog is not None, "the cash dialog to open", fail=self._new_error(message))
        dialog = tenders.cash_dialog
        if dialog is None:  # waited for above: cannot happen
            raise AssertionError(f"the cash dialog closed by itself.\n{self.screen()}")
        field = dialog.tendered
        if tendered is not None:
            QTest.keyClicks(field, self._amount_text(tendered))
        QTest.keyClick(field, Qt.Key.Key_Return)
        self._wait(lambda: dialog.taken is not None, "the cash to be taken", self.payment_timeout,
                   fail=lambda: dialog.status_label.property("kind") == "error"
                   and f"the cash dialog says {dialog.status_label.text()!r}")
        taken = dialog.taken
        if taken is None:  # waited for above: cannot happen
            raise AssertionError(f"the cash was not taken.\n{self.screen()}")
        change: int = taken.change
        shown = dialog.change_label.text()
        if self._amount_text(change) not in shown.replace(",", ""):
            raise AssertionError(f"the cash dialog shows {shown!r}, not the change {change}.\n{self.screen()}")
        QTest.keyClick(dialog.done_button, Qt.Key.Key_Return)
        self._wait(lambda: tenders.cash_dialog is None, "the cash dialog to close")
        return change

    def charge(self, amount: int | None = None) -> str:
        """Charge (F12 / the Charge button): all that is due, or a card part of `amount` minor units
        typed beside Charge first. Waits for the card form; returns the PaymentIntent id."""
        if amount is not None:
            field = self.window.tenders.part_amount
            self._click(field)
            QTest.keyClick(field, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
            QTest.keyClicks(field, self._amount_text(amount))
        return super().charge()

    def tenders(self) -> list[dict]:
        """The tenders of the sale on the till (or, once it is recorded, of the last order): each
        {"type": "cash"|"card", "amount", "status", "tendered", "change", "payment_intent", ...}.
        A sale paid wholly by one card is one card tender."""
        checkout = self.payments.checkout
        sale = checkout.sale_tenders()
        if sale.tenders:
            return [tender_json(t) for t in sale.tenders]
        recent = self.local.store.orders.recent(limit=1)
        if not recent:
            return []
        order = recent[0]
        recorded = checkout.order_tenders(order)
        if recorded:
            return [tender_json(t) for t in recorded]
        return [{"type": "card", "part": 1, "status": "succeeded", "amount": order.total, "currency": order.currency,
                 "tendered": None, "change": None, "payment_intent": order.payment_intent,
                 "card_brand": order.card_brand, "card_last4": order.card_last4, "order": order.id}]
