"""A shift's X and Z as text, HTML (print/PDF) and CSV, with its card total checked against the gateway.

The Z the close stored is the till's own record (cash counted, expected, over/short, card taken);
the check with the card processor is made whenever the report is shown, as the day report's is:
the sum of this till's PaymentIntents that succeeded while the shift was open against the card
the shift's orders took. A gateway that can't be asked is said so, never taken as "all match".
Card refunds still on their way when the report was made (pending) are not taken off its card
net; the check asks Stripe what each has become since and says so (`pending_refunds`).
"""

from __future__ import annotations

import csv
import io
import sys
import time
from dataclasses import dataclass, field
from datetime import datetime
from html import escape
from pathlib import Path
from typing import TYPE_CHECKING

from pos_app.cash_office import ShiftReport
from pos_app.domain.money import Money, format_money
from pos_app.domain.statuses import PaymentStatus
from pos_app.errors import UserFacingError
from pos_app.i18n import N_, _, ngettext
from pos_app.payments.gateway import PaymentGateway

if TYPE_CHECKING:
    from pos_app.cash_office import ShiftService
    from pos_app.config import Settings
    from pos_app.store.orders import OrderBook


@dataclass
class CardCheck:
    """The shift's card total at the gateway, compared with the till's."""

    checked: bool = False
    error: str | None = None
    at_gateway: int = 0
    intents: int = 0
    differences: list[str] = field(default_factory=list)
    pending_refunds: list[str] = field(default_factory=list)  # what the report's pending refunds are now


def check_card_total(report: ShiftReport, gateway: PaymentGateway, orders: OrderBook,
                     locale: str = "en_US") -> CardCheck:
    """Ask the gateway for this till's payments made while the shift was open. Times are whole
    seconds, so a payment of the shift before or after (closed and opened in the same second) is
    told apart by its order: one recorded in another shift is not this shift's."""
    end = (report.closed_at or int(time.time())) + 1
    check = CardCheck()
    try:
        intents = gateway.list_intents(created_gte=report.opened_at, created_lt=end)
    except UserFacingError as exc:
        check.error = str(exc)
        return check
    paid = [pi for pi in intents if pi.status == PaymentStatus.SUCCEEDED and pi.currency == report.currency
            and pi.metadata.get("terminal_id") == report.terminal_id and _not_elsewhere(pi.id, report, orders)]
    check.checked, check.intents = True, len(paid)
    check.pending_refunds = _pending_refunds_now(report, gateway, orders, locale)
    check.at_gateway = sum(pi.amount_received for pi in paid)
    recorded = report.card_sales_total + report.tips_total  # a reader's tip is taken by card with the sale
    if check.at_gateway != recorded:
        money = lambda amount: format_money(Money(amount, report.currency), locale)  # noqa: E731
        check.differences.append(ngettext(
            "the gateway took {amount} by card in {count} payment(s); the shift's orders record {recorded}",
            "the gateway took {amount} by card in {count} payment(s); the shift's orders record {recorded}",
            len(paid)).format(amount=money(check.at_gateway), count=len(paid), recorded=money(recorded)))
    return check


def _pending_refunds_now(report: ShiftReport, gateway: PaymentGateway, orders: OrderBook,
                         locale: str) -> list[str]:
    """One line per refund the report counted as pending: what the card processor says of it now."""
    from pos_app.payments.refunding import refund_now
    lines = []
    for row_id in report.pending_refund_ids:
        record = orders.refund(row_id)
        amount = format_money(Money(record.amount, report.currency), locale)
        if record.refund_id is None:
            now = _("never answered by the card processor yet (retried at reconcile)")
        else:
            result = refund_now(gateway, record.refund_id)
            now = _("could not be asked") if result is None else (
                _("still pending") if result.status == "pending" else _("now {status}").format(status=result.status))
        lines.append(_("refund {refund} of {amount}, pending in this report: {now}").format(
            refund=record.refund_id or record.idempotency_key, amount=amount, now=now))
    return lines


def _not_elsewhere(payment_intent: str, report: ShiftReport, orders: OrderBook) -> bool:
    order = orders.by_intent(payment_intent)
    return order is None or order.id in report.order_ids


def _when(timestamp: int | None) -> str:
    return "-" if timestamp is None else datetime.fromtimestamp(timestamp).strftime("%Y-%m-%d %H:%M")


def _title(report: ShiftReport) -> str:
    what = _("Shift close (Z)") if report.kind == "Z" else _("Shift so far (X)")
    return _("{what} report: {till} shift {number}").format(what=what, till=report.terminal_id,
                                                           number=report.shift_number)


def _rows(report: ShiftReport, locale: str) -> list[tuple[str, str]]:
    """(label, amount text) of the report's lines, shared by the text and the HTML."""
    m = lambda amount: format_money(Money(amount, report.currency), locale)  # noqa: E731
    cash = report.cash_by_kind
    rows = [(_("Opened"), _when(report.opened_at)), (_("Closed"), _when(report.closed_at)),
            (_("Float"), m(report.float_amount)), (_("Cash handed over"), m(cash["sale"])),
            (_("Change given"), m(-cash["change"])), (_("Cash refunds"), m(-cash["refund"])),
            (_("Paid in"), m(cash["paid_in"])), (_("Paid out"), m(-cash["paid_out"])), (_("Drops"), m(-cash["drop"])),
            (_("Expected cash"), m(report.expected_cash))]
    if report.counted_cash is not None and report.over_short is not None:
        label = _("Over") if report.over_short > 0 else _("Short") if report.over_short < 0 else _("Over/short")
        rows += [(_("Counted cash"), m(report.counted_cash)), (label, m(report.over_short))]
    rows += [(_("Orders"), f"{report.orders_count}  {m(report.sales_total)}")]
    if report.discounts_count:
        rows.append((_("Discounts given"), f"{report.discounts_count}  {m(-report.discounts_total)}"))
    rows += [(_("Card sales"), f"{report.card_sales_count}  {m(report.card_sales_total)}"),
             (_("Card refunds"), f"{report.card_refunds_count}  {m(-report.card_refunds_total)}")]
    if report.card_refunds_pending_count:
        rows.append((_("Card refunds pending"),
                     f"{report.card_refunds_pending_count}  {m(-report.card_refunds_pending_total)}"))
    rows.append((_("Card net"), m(report.card_net)))
    if report.tips_count:  # the customers' money for the staff: taken by card, not in the sales
        rows.append((_("Card tips"), f"{report.tips_count}  {m(report.tips_total)}"))
    if report.journal_seq:
        rows.append((_("Journal"), _("entry {seq} {hash}").format(
            seq=report.journal_seq, hash=report.journal_hash[:16])))
    return rows


#: A cash-office step, as the HTML report lists it.
CASH_KINDS = {"paid_in": N_("paid in"), "paid_out": N_("paid out"), "drop": N_("drop")}


def _check_lines(check: CardCheck | None) -> list[str]:
    if check is None:
        return []
    if check.error:
        return [_("Gateway NOT checked: {reason}").format(reason=check.error)]
    pending = ["  " + _("pending {refund}").format(refund=line) for line in check.pending_refunds]
    if not check.differences:
        return [ngettext("Gateway check: card total matches ({count} payment(s))",
                         "Gateway check: card total matches ({count} payment(s))", check.intents).format(
                             count=check.intents), *pending]
    return [_("Gateway check: 1 difference")] + [f"  ! {d}" for d in check.differences] + pending


def shift_report_text(report: ShiftReport, check: CardCheck | None = None, shop_name: str = "",
                      locale: str = "en_US") -> str:
    lines = [shop_name, _title(report), ""] if shop_name else [_title(report), ""]
    rows = _rows(report, locale)
    width = max([18, *(len(label) for label, _value in rows)])
    lines += [f"{label:<{width}} {value:>20}" for label, value in rows]
    if report.cash_lines:
        lines += ["", _("Paid in / paid out / drops:")]
        lines += [f"  {_when(line.created_at)}  {line.kind:<8} "
                  f"{format_money(Money(line.amount, report.currency), locale):>12}  {line.reason}"
                  for line in report.cash_lines]
    check_lines = _check_lines(check)
    return "\n".join(lines + (["", *check_lines] if check_lines else [])) + "\n"


def shift_report_html(report: ShiftReport, check: CardCheck | None = None, shop_name: str = "",
                      locale: str = "en_US") -> str:
    """For the window and for printing (Qt rich text); differences red, an unchecked gateway amber."""
    rows = "".join(f"<tr><td>{escape(label)}</td><td align=right>{escape(value)}</td></tr>"
                   for label, value in _rows(report, locale))
    parts = [f"<h2 align='center' style='margin-bottom:0'>{escape(shop_name)}</h2>" if shop_name else "",
             f"<h3 align='center'>{escape(_title(report))}</h3>",
             f"<table width='100%' cellspacing='0' cellpadding='3'>{rows}</table>"]
    if report.cash_lines:
        items = "".join(f"<li>{escape(_(CASH_KINDS[line.kind]) if line.kind in CASH_KINDS else line.kind)} "
                        f"{escape(format_money(Money(line.amount, report.currency), locale))}: "
                        f"{escape(line.reason)}</li>" for line in report.cash_lines)
        parts.append(f"<p style='margin-bottom:2px'><b>{escape(_('Paid in / paid out / drops'))}</b></p>"
                     f"<ul>{items}</ul>")
    colour = None if check is None else ("#b45309" if check.error else "#b91c1c" if check.differences
                                         else "#15803d")
    parts += [f"<p style='color:{colour}'>{escape(line)}</p>" for line in _check_lines(check)]
    return "\n".join(p for p in parts if p)


def shift_report_csv(report: ShiftReport, check: CardCheck | None = None) -> str:
    """section,key,amount_minor,amount,currency rows: spreadsheets can sum them."""
    out = io.StringIO()
    w = csv.writer(out)
    dec = lambda amount: str(Money(amount, report.currency).to_decimal())  # noqa: E731
    w.writerow(["section", "key", "amount_minor", "amount", "currency"])
    w.writerow(["shift", "number", report.shift_number, "", ""])
    w.writerow(["shift", "kind", report.kind, "", ""])
    w.writerow(["cash", "float", report.float_amount, dec(report.float_amount), report.currency])
    for kind, amount in report.cash_by_kind.items():
        w.writerow(["cash", kind, amount, dec(amount), report.currency])
    w.writerow(["cash", "expected", report.expected_cash, dec(report.expected_cash), report.currency])
    if report.counted_cash is not None and report.over_short is not None:
        w.writerow(["cash", "counted", report.counted_cash, dec(report.counted_cash), report.currency])
        w.writerow(["cash", "over_short", report.over_short, dec(report.over_short), report.currency])
    card = [("sales", report.card_sales_total), ("refunds", report.card_refunds_total), ("net", report.card_net)]
    if report.card_refunds_pending_count:
        card.insert(2, ("refunds_pending", report.card_refunds_pending_total))
    card.append(("tips", report.tips_total))
    for key, amount in card:
        w.writerow(["card", key, amount, dec(amount), report.currency])
    for line in report.cash_lines:
        w.writerow([line.kind, line.reason, line.amount, dec(line.amount), report.currency])
    w.writerow(["sales", "discounts", report.discounts_total, dec(report.discounts_total), report.currency])
    if check is not None and check.checked:
        w.writerow(["gateway", "card_total", check.at_gateway, dec(check.at_gateway), report.currency])
    for difference in [] if check is None else check.differences:
        w.writerow(["difference", difference, "", "", ""])
    return out.getvalue()


# -- command line ---------------------------------------------------------------------------------


class ShiftCommandError(UserFacingError):
    pass


def parse_amount(text: str, currency: str, option: str) -> Money:
    """An amount typed in the shop's currency (e.g. 100 or 100.00); ShiftCommandError naming the option."""
    from pos_app.domain.money import MoneyError, parse_money
    try:
        money = parse_money(text, currency)
    except MoneyError as exc:
        raise ShiftCommandError(f"{option}: {exc}") from None
    if money.amount < 0:
        raise ShiftCommandError(_("{option}: an amount of zero or more, not {text!r}").format(option=option, text=text))
    return money


def run_shift_command(settings: Settings, action: str, amount_text: str | None = None) -> int:
    """`pos-app shift open --float A | status | close --counted A` on this data folder (takes its lock)."""
    from pos_app.core import AppCore
    amount = None if amount_text is None else parse_amount(
        amount_text, settings.currency, "--float" if action == "open" else "--counted")
    core = AppCore(settings, f"pos-app shift {action}")
    try:
        shifts = core.open().shifts
        if action == "open" and amount is not None:
            shift = shifts.open(amount)
            print(f"shift {shift.number} open on {shift.terminal_id} with a float of "
                  f"{format_money(amount, settings.locale)}")
        elif action == "close" and amount is not None:
            if shifts.current() is not None:  # closing is a manager's action: the PIN says whose
                core.open().session.login(_read_pin())
            z = shifts.close(amount)
            sys.stdout.write(shift_report_text(z, None, settings.shop_name, settings.locale))
            print(f"shift {z.shift_number} closed; check its card total with: pos-app report --shift {z.shift_number}")
        else:
            _print_status(shifts, settings)
    finally:
        core.stop()
    return 0


def _read_pin() -> str:
    """A manager's PIN, never on the command line (ps shows it): asked on a terminal, else stdin's
    first line (a script: `echo 1234 | pos-app shift close --counted 100`)."""
    if sys.stdin.isatty():
        from getpass import getpass
        return getpass("Manager's PIN: ")
    return sys.stdin.readline().strip()


def _print_status(shifts: ShiftService, settings: Settings) -> None:
    current = shifts.current()
    if current is None:
        last = shifts.last_closed()
        print("no shift is open on this till" + (f" (shift {last.shift_number} closed {_when(last.closed_at)})"
                                                   if last else "") + ": open one with pos-app shift open --float A")
        return
    if current.counting:  # blind: the expected cash waits for the count
        print(f"shift {current.number} is being counted on {current.terminal_id} (a blind count under way since "
              f"{_when(current.count_started_at)}): give the count at the till or with pos-app shift close "
              "--counted A; the report follows it")
        return
    sys.stdout.write(shift_report_text(shifts.x_report(), None, settings.shop_name, settings.locale))


def print_shift_report(settings: Settings, number: int | None, csv_path: Path | None) -> int:
    """`pos-app report --shift N` (its Z, or its X while open) or `--x` (number None: the open shift's X),
    checked against the gateway; 1 when the card totals differ."""
    from pos_app.cash_office import ShiftService
    from pos_app.devices import CashDrawer
    from pos_app.gateways import open_gateway
    from pos_app.reports import _open
    store = _open(settings)
    try:
        shifts = ShiftService(store, CashDrawer(store.drawer), settings.terminal_id, settings.currency)
        report = shifts.x_report() if number is None else shifts.report(number)
        with open_gateway(settings) as gateway:
            check = check_card_total(report, gateway, store.orders, settings.locale)
    finally:
        store.close()
    sys.stdout.write(shift_report_text(report, check, settings.shop_name, settings.locale))
    if csv_path is not None:
        csv_path.write_text(shift_report_csv(report, check), encoding="utf-8")
        print(f"CSV written to {csv_path}")
    return 1 if check.differences else 0
