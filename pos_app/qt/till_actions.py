"""The till's actions, one table: each row gives its button (with the shortcut on it), its keys and its F1 line.

TILL_ACTIONS is the only place a till shortcut is declared, so nothing is reachable only by a key:
every row is a button in the action bar (BAR), beside the totals (SALE: Cash, Charge) or, for the
keys that only move the focus (FIELD: search, category, cart, card part), a field the cashier can
touch directly. ActionBar (qt/action_bar.py) builds the buttons and QShortcuts from it, and the
shortcuts help (F1, qt/shortcuts_help.py) lists it. A row's `run` is looked up on the window when
the action fires, so it may name a part installed after the window is built (parking, the shift).

To add an action: append a TillAction here (or call `window.action_bar.add(TillAction(...))` from the
part that owns it). Its label and tip go through N_ here and _() when shown.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Qt
from PySide6.QtWidgets import QComboBox

from pos_app.i18n import N_, _
from pos_app.qt.forms import child
from pos_app.qt.shift_access import SHIFT_KEYS
from pos_app.qt.shortcuts import REPORT_KEYS

if TYPE_CHECKING:
    from pos_app.qt.main_window import MainWindow

BAR, SALE, FIELD = "bar", "sale", "field"  # where an action's button goes (FIELD: none, the field itself)
HELP_KEYS = "F1"


@dataclass(frozen=True)
class TillAction:
    object_name: str  # the button's (docs/testing.md); a FIELD action's names the field it focuses
    label: str  # N_-marked
    keys: tuple[str, ...]  # the first is shown on the button; "" for none
    run: Callable[[MainWindow], object]
    tip: str = ""  # N_-marked
    place: str = BAR


def _part(window: MainWindow, name: str):
    """A part installed on the window by the composition root (qt/app.py), found by its objectName."""
    part = window.findChild(QObject, name)
    if part is None:
        window.show_error(_("This till has no such part installed."))
    return part


def _parking(window: MainWindow, step: str) -> None:
    parking = _part(window, "parkingControls")
    if parking is not None:
        getattr(parking, step)()


def _shift(window: MainWindow) -> None:
    access = _part(window, "shiftAccess")
    if access is not None:
        access.open_dialog()


def _focus_category(window: MainWindow) -> None:
    child(window.form, QComboBox, "categoryFilter").setFocus(Qt.FocusReason.ShortcutFocusReason)


def _show_help(window: MainWindow) -> None:
    window.action_bar.show_help()


TILL_ACTIONS: list[TillAction] = [
    TillAction("catalogueSearch", N_("Search"), ("F2", "Ctrl+F"), lambda w: w.focus_search(),
               N_("Search by name, SKU or barcode"), FIELD),
    TillAction("categoryFilter", N_("Category"), ("F3",), _focus_category,
               N_("Choose a category"), FIELD),
    TillAction("cartTable", N_("Cart"), ("F4",), lambda w: w.focus_cart(),
               N_("The cart: + / - change the quantity, Delete removes the line"), FIELD),
    TillAction("chargeAmount", N_("Card part"), ("F10",), lambda w: w.tenders.focus_part_amount(),
               N_("Type an amount to charge only that part by card"), FIELD),
    TillAction("historyButton", N_("History"), ("F9",), lambda w: w.open_history(),
               N_("The order history: find a sale, reprint it, refund it")),
    TillAction("refundButton", N_("Refund…"), ("Ctrl+R",), lambda w: w.action_bar.open_refund(),
               N_("Refund a past sale: choose it in the order history, then Refund")),
    TillAction("reportButton", N_("Z report"), (REPORT_KEYS,), lambda w: w.open_report(),
               N_("Today's end-of-day (Z) report")),
    TillAction("shiftButton", N_("Shift · X…"), (SHIFT_KEYS,), _shift,
               N_("The shift: open, cash in and out, the X report, close with the Z")),
    TillAction("discountButton", N_("Discount…"), ("F6",), lambda w: w.terms.open_discount(),
               N_("A discount off the selected line or the whole sale")),
    TillAction("priceButton", N_("Price…"), ("Ctrl+F6",), lambda w: w.terms.open_price(),
               N_("Change the selected line's price")),
    TillAction("parkButton", N_("Park"), ("F5",), lambda w: _parking(w, "open_park"),
               N_("Park this sale (it keeps its lines) and start a new one")),
    TillAction("recallButton", N_("Recall…"), ("Shift+F5",), lambda w: _parking(w, "open_recall"),
               N_("The parked sales: recall one into the empty cart")),
    TillAction("noSaleButton", N_("No sale"), ("F8",), lambda w: w.devices.no_sale(),
               N_("Open the cash drawer with no sale (recorded)")),
    TillAction("lockButton", N_("Lock"), ("Ctrl+L",), lambda w: w.till_lock.lock(),
               N_("Log out and lock the till; the sale is kept")),
    TillAction("clearCartButton", N_("Clear cart"), ("Ctrl+Delete",), lambda w: w.clear_cart(),
               N_("Remove every line")),
    TillAction("voidTendersButton", N_("Void payments"), (), lambda w: w.tenders.void(),
               N_("Give back what was paid on this sale, so the cart can change")),
    TillAction("helpButton", N_("Keys"), (HELP_KEYS,), _show_help, N_("Every shortcut of the till")),
    TillAction("cashButton", N_("Cash"), ("F11",), lambda w: w.tenders.open_cash(),
               N_("Take cash: Enter for the exact amount, or type what was handed over"), SALE),
    TillAction("chargeButton", N_("Charge"), ("F12", "Ctrl+Return", "Ctrl+Enter"), lambda w: w.charge(),
               N_("Take the card payment"), SALE),
]
