"""Devices at the till: the receipt printer (ESC/POS) and the cash drawer it kicks."""

from pos_app.devices.drawer import CashDrawer, DrawerKick, drawer_event, no_sale
from pos_app.devices.printer import PrinterError, PrintOutcome, ReceiptPrinter, open_printer
from pos_app.devices.receipt import Receipt, ReceiptLine, ReceiptTender, receipt_for

__all__ = ["CashDrawer", "DrawerKick", "PrintOutcome", "PrinterError", "Receipt", "ReceiptLine", "ReceiptPrinter",
           "ReceiptTender", "drawer_event", "no_sale", "open_printer", "receipt_for"]
