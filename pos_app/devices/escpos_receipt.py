"""A Receipt as ESC/POS bytes (python-escpos's command set), and the drawer kick.

Rendered into escpos's Dummy printer, which only collects bytes: the receipt printer then sends
them in one write, so a job is never left half sent by a slow rendering. 42 columns: what an
80 mm printer's font A takes on most models (the 48-column ones print it narrower, still right).
Quantities print as "2 x", not "2 ×": a printer's code page may lack the sign.
"""

from __future__ import annotations

from typing import Any

from pos_app.devices.escpos_lib import escpos_printers
from pos_app.devices.receipt import Receipt
from pos_app.i18n import _

COLUMNS = 42
#: ESC p 0 50 50: a 100 ms pulse on the drawer's pin 2 (escpos CD_KICK_2), what drawers expect
DRAWER_KICK = b"\x1bp\x00\x32\x32"


def render_receipt(receipt: Receipt) -> bytes:
    """The whole receipt, from the printer's reset (ESC @) to the paper cut."""
    out = escpos_printers().Dummy()
    out.hw("INIT")
    if receipt.training:
        _centered(out, _("TRAINING - no real money was taken"), bold=True)
    out.set(align="center", bold=True, double_width=True, double_height=True)
    out.textln(receipt.shop_name)
    out.set(align="center", bold=False, normal_textsize=True)
    for address_line in receipt.shop_address:
        out.textln(address_line)
    out.set(align="left")
    out.ln()
    out.set(bold=True)
    out.textln(_("Receipt {number}").format(number=receipt.number) + ("  " + _("COPY") if receipt.copy else ""))
    out.set(bold=False)
    out.textln(f"{receipt.when}  {receipt.terminal_id}")
    out.textln("-" * COLUMNS)
    for line in receipt.lines:
        out.textln(columns(line.name, line.amount))
        if line.qty != 1:
            out.textln(f"  {line.qty} x {line.unit_price}")
        for label, amount in line.terms:
            out.textln(columns(f"  {label}", amount))
    if receipt.order_discount is not None:
        out.textln(columns(*receipt.order_discount))
    out.textln("-" * COLUMNS)
    out.textln(columns(_("Subtotal"), receipt.subtotal))
    for label, amount in receipt.taxes:
        out.textln(columns(label, amount))
    out.set(bold=True)
    out.textln(columns(_("TOTAL"), receipt.total))
    out.set(bold=False)
    if receipt.discount_total is not None:
        out.textln(columns(_("Total discount"), receipt.discount_total))
    _tenders(out, receipt)
    out.cut()
    return bytes(out.output)


def _tenders(out: Any, receipt: Receipt) -> None:
    out.ln()
    for tender in receipt.tenders:
        out.textln(columns(tender.label, tender.amount))
        if tender.reference:
            out.textln(f"  {tender.reference}")
    if receipt.change is not None:
        out.set(bold=True)
        out.textln(columns(_("Change"), receipt.change))
        out.set(bold=False)


def _centered(out: Any, text: str, *, bold: bool = False) -> None:
    out.set(align="center", bold=bold)
    out.textln(text)
    out.set(align="left", bold=False)


def columns(left: str, right: str, width: int = COLUMNS) -> str:
    """left and right on one line of `width`; a long left is cut short (the amount always shows)."""
    room = width - len(right) - 1
    if len(left) > room:
        left = left[: max(room - 1, 0)] + "~"
    return f"{left:<{room}} {right}"
