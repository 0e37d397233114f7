"""Devices at the till: the receipt printer (ESC/POS) and the cash drawer it kicks."""

from pos_app.devices.drawer import CashDrawer, DrawerKick, drawer_event, no_sale
from pos_app.devices.printer import PrinterError, PrintOutcome, ReceiptPrinter, open_printer

_RECEIPT_NAMES = ("Receipt", "ReceiptLine", "ReceiptTender", "receipt_for")


def __getattr__(name: str) -> object:
    """The receipt's layout (devices/receipt.py) is imported when a receipt is made, not at start-up."""
    if name in _RECEIPT_NAMES:
        from pos_app.devices import receipt
        return getattr(receipt, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = ["CashDrawer", "DrawerKick", "PrintOutcome", "PrinterError", "Receipt", "ReceiptLine", "ReceiptPrinter",
           "ReceiptTender", "drawer_event", "no_sale", "open_printer", "receipt_for"]
