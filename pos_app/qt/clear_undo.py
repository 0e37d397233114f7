"""Undo of the last Clear: the lines of a voided cart put back into the empty cart that followed it.

Clearing is a void (the cart closes, a new one starts with a new UUID, its open payments are
cancelled), and a cashier's Clear still needs a manager's approval. What a slip of the finger
loses is the lines: for as long as the cart that followed is still empty, "Undo clear" (the
button beside the message line, Ctrl+Z) sells the same lines and quantities into it again
(`CartService.replace`: a new revision, so a new UUID; never the voided cart's, whose intent
was cancelled). Discounts and typed prices are not put back (they needed their own approvals);
an item no longer in the catalogue refuses the undo with the cart service's message.
A void is told apart from a sale or a park by the cart's own row (`CartService.was_voided`), so
every void is undoable however it came: Clear, Ctrl+Delete, removing the last line, `POST /cart {}`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QObject, Signal
from PySide6.QtGui import QKeyEvent, QKeySequence
from PySide6.QtWidgets import QBoxLayout, QPushButton

from pos_app.errors import UserFacingError
from pos_app.i18n import N_, _, ngettext
from pos_app.qt.till_actions import FIELD, TillAction

if TYPE_CHECKING:
    from pos_app.qt.main_window import MainWindow
    from pos_app.store import CartSnapshot

UNDO_KEYS = "Ctrl+Z"


class ClearUndo(QObject):
    """The Undo clear button (objectName undoClearButton) and Ctrl+Z over `window`'s cart."""

    restored = Signal(object)  # CartSnapshot: the cleared lines are back

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.setObjectName("clearUndo")
        self._window = window
        self._shown: CartSnapshot = window.cart_model.snapshot
        self._offer: tuple[int, dict[str, int]] | None = None  # (the empty cart after the void, its lines)
        self.button = QPushButton(_("Undo clear  {keys}").format(keys=UNDO_KEYS), window)
        self.button.setObjectName("undoClearButton")
        self.button.setToolTip(_("Put back the lines of the cart just cleared"))
        self.button.hide()
        self.button.clicked.connect(self.undo)
        _place_beside(window, self.button)
        # A till action (F1 lists it); its button is this one, shown beside the message only after a clear.
        window.action_bar.add(TillAction("undoClear", N_("Undo clear"), (UNDO_KEYS,), lambda w: self.undo(),
                                         N_("Put back the lines of the cart just cleared"), FIELD))
        window.search.installEventFilter(self)  # the search field's own Undo would take Ctrl+Z
        window.cart_model.snapshot_shown.connect(self._on_cart_model_snapshot_shown)

    @property
    def offered(self) -> dict[str, int] | None:
        """The lines Undo would put back, while it can."""
        return dict(self._offer[1]) if self._offer else None

    def undo(self) -> None:
        offer, window = self._offer, self._window
        if offer is None:
            return
        cart_id, lines = offer
        snapshot = window.local.carts.snapshot()
        if snapshot.cart_id != cart_id or not snapshot.empty:
            self._withdraw()
            return
        try:
            restored = window.local.carts.replace(lines)
        except UserFacingError as exc:
            window.show_error(_("The cleared lines could not be put back: {reason}").format(reason=exc))
            return
        self._withdraw()
        window.show_info(ngettext("{n} line put back.", "{n} lines put back.", len(lines)).format(n=len(lines)))
        self.restored.emit(restored)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt's name)
        if (self._offer is not None and event.type() == QEvent.Type.ShortcutOverride
                and isinstance(event, QKeyEvent)):
            pressed = QKeySequence(event.keyCombination())
            return pressed.matches(QKeySequence(UNDO_KEYS)) == QKeySequence.SequenceMatch.ExactMatch
        return False

    def _on_cart_model_snapshot_shown(self, snapshot: CartSnapshot) -> None:
        before, self._shown = self._shown, snapshot
        if (before.cart_id != snapshot.cart_id and before.lines and snapshot.empty
                and self._window.local.carts.was_voided(before.cart_id)):
            self._offer = (snapshot.cart_id, dict(before.lines))
            self.button.show()
            count = len(before.lines)
            self._window.show_info(ngettext("Cart cleared ({n} line). Undo: {keys}",
                                            "Cart cleared ({n} lines). Undo: {keys}", count)
                                   .format(n=count, keys=UNDO_KEYS))
        elif self._offer is not None and (snapshot.cart_id != self._offer[0] or not snapshot.empty):
            self._withdraw()

    def _withdraw(self) -> None:
        self._offer = None
        self.button.hide()


def _place_beside(window: MainWindow, button: QPushButton) -> None:
    """Just after the message line, in whatever layout holds it."""
    label = window.message_label
    holder = label.parentWidget()
    layout = holder.layout() if holder is not None else None
    for box in [layout, *(layout.findChildren(QBoxLayout) if layout is not None else [])]:
        if isinstance(box, QBoxLayout) and box.indexOf(label) >= 0:
            box.insertWidget(box.indexOf(label) + 1, button)
            return
