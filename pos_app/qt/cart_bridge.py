"""CartService -> Qt: every committed cart change becomes a `cart_changed` signal on the GUI thread.

CartService calls its listeners from whichever thread changed the cart (the GUI, an HTTP request
of the local endpoint, a checkout worker). Emitting a signal of an object living on the GUI thread
from another thread queues the call there, so slots always run on the GUI thread.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal

from pos_app.store import CartService, CartSnapshot


class CartBridge(QObject):
    cart_changed = Signal(object)  # CartSnapshot

    def __init__(self, carts: CartService, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._unsubscribe = carts.subscribe(self._on_carts_changed)
        self.destroyed.connect(self._unsubscribe)

    def _on_carts_changed(self, snapshot: CartSnapshot) -> None:  # any thread
        self.cart_changed.emit(snapshot)

    def close(self) -> None:
        """Stop listening (before the store closes)."""
        self._unsubscribe()
