"""What the cart service refuses: a frozen cart, an unknown barcode, an open price not typed, parking now."""

from __future__ import annotations

from pos_app.domain.cart import CartError
from pos_app.domain.item import Item
from pos_app.errors import UserFacingError
from pos_app.i18n import _


class OpenPriceNeeded(CartError):
    """An open-price item goes into the cart only with the price typed for it."""

    def __init__(self, item: Item) -> None:
        super().__init__(_("{name} ({sku}) has no price of its own: type its price to sell it").format(
            name=item.name, sku=item.sku))
        self.sku = item.sku


class CartFrozen(UserFacingError):
    """The cart can't change now: a payment is in flight, or its outcome is in doubt."""


class UnknownBarcode(CartError):
    """No item of the catalogue has the barcode scanned."""

    def __init__(self, barcode: str) -> None:
        super().__init__(_("no item has barcode {barcode}").format(barcode=barcode))
        self.barcode = barcode


class ParkingRefused(UserFacingError):
    """The sale can't be parked or recalled now (an empty cart to park, a cart with lines to recall over)."""


class ParkedSaleNotFound(UserFacingError):
    """No parked sale has that id (recalled already, or never parked)."""

    def __init__(self, parked_id: object) -> None:
        super().__init__(_("there is no parked sale {parked_id}").format(parked_id=str(parked_id)[:20]))
