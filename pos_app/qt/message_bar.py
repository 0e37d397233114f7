"""The till's message line, tied to the cart revision it speaks of, so it never shows a stale word.

"Added Ceramic Mug" is true of one revision of the cart: once the cart has changed again (the mug
removed, the cart cleared) it is stale. Every message is shown through `show_message` with the
cart's revision at that moment (CartService.uuid: a sale or a park has already moved it on when
"Sale … paid" is shown); `MessageFreshness` hides the message when another revision comes on
screen. A change that keeps the revision (the cart frozen for a payment) keeps the message.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QObject
from PySide6.QtWidgets import QLabel

from pos_app.qt.style import show_kind

if TYPE_CHECKING:
    from pos_app.qt.main_window import MainWindow
    from pos_app.store import CartSnapshot

REVISION_PROPERTY = "cart_revision"


def show_message(label: QLabel, text: str, kind: str, revision: str) -> None:
    """Show text (kind: info, error, …) on the message line, as said of the cart's `revision`."""
    show_kind(label, text, kind)
    label.setProperty(REVISION_PROPERTY, revision)
    label.show()


class MessageFreshness(QObject):
    """Hides the window's message once the cart on screen is another revision than the message's."""

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self._label = window.message_label
        window.cart_model.snapshot_shown.connect(self._on_cart_model_snapshot_shown)

    def _on_cart_model_snapshot_shown(self, snapshot: CartSnapshot) -> None:
        label = self._label
        shown_at = label.property(REVISION_PROPERTY)
        if not label.isHidden() and shown_at and shown_at != snapshot.uuid:
            label.clear()
            label.hide()
