"""`pos-app report --shop`: every till of a shop's shared database for one day (or their shifts), and the shop's totals.

The day: one row per till (its sales, the refunds made at it, its net; each refund is one till's,
see OrderBook.refunds_of_till_between, so the rows add up to the shop's), then the shop's whole
report, whose gateway check covers every till's PaymentIntents of the day: a sale of any till is
an order of the shop, so no till's sale is a difference. `--shifts`: every shift open that day, on
any till, each checked against its own till's payments (shift_reports.check_card_total), and
their sums. On a till's own SQLite file the shop is that one till.
"""

from __future__ import annotations

import csv
import io
import sys
from dataclasses import dataclass, field
from datetime import date
from html import escape
from pathlib import Path
from typing import TYPE_CHECKING

from pos_app.domain.money import Money, format_money
from pos_app.i18n import _, ngettext
from pos_app.reports import DayReport, build_report, day_bounds, parse_day, report_csv, report_html, report_text

if TYPE_CHECKING:
    from pos_app.cash_office import ShiftReport
    from pos_app.config import Settings
    from pos_app.shift_reports import CardCheck
    from pos_app.store import Store
    from pos_app.store.orders import OrderBook
    from pos_app.store.tenders import TenderBook


@dataclass
class ShopReport:
    """The shop's day: `shop` (every till together, checked with the gateway) and each till's part."""

    shop: DayReport
    tills: list[tuple[str, DayReport]] = field(default_factory=list)


def build_shop_report(orders: OrderBook, day: date, currency: str, gateway=None, *,
                      tenders: TenderBook | None = None) -> ShopReport:
    start, end = day_bounds(day)
    shop = build_report(orders, day, currency, gateway, None, tenders=tenders)  # terminal None: every till's
    tills = [(till, build_report(orders, day, currency, tenders=tenders, till=till))
             for till in orders.tills_between(start, end)]
    return ShopReport(shop, tills)


def _title(report: ShopReport) -> str:
    return ngettext("Shop end of day report {day}: {count} till", "Shop end of day report {day}: {count} tills",
                    len(report.tills)).format(day=report.shop.day.isoformat(), count=len(report.tills))


def _till_rows(report: ShopReport, locale: str) -> list[tuple[str, ...]]:
    """(till, sales count, sales, refunds count, refunds, net) per till, then the shop's."""
    m = lambda day, amount: day.money(amount, locale)  # noqa: E731
    return [(name, str(day.sales_count), m(day, day.sales_total), str(day.refunds_count),
             m(day, -day.refunds_total), m(day, day.net))
            for name, day in [*report.tills, (_("All tills"), report.shop)]]


def _header() -> tuple[str, ...]:
    return _("Till"), _("Sales"), _("Amount"), _("Refunds"), _("Amount"), _("Net")


def shop_report_text(report: ShopReport, shop_name: str = "", locale: str = "en_US") -> str:
    rows = [_header(), *_till_rows(report, locale)]
    width = max(12, *(len(row[0]) for row in rows))
    lines = ([shop_name.strip()] if shop_name.strip() else []) + [_title(report), ""]
    lines += [f"{r[0]:<{width}}{r[1]:>6} {r[2]:>14}{r[3]:>9} {r[4]:>14} {r[5]:>14}" for r in rows]
    whole = report_text(report.shop, "", locale, title=_("All tills: {day}").format(day=report.shop.day.isoformat()))
    return "\n".join(lines) + "\n\n" + whole


def shop_report_html(report: ShopReport, shop_name: str = "", locale: str = "en_US") -> str:
    """The per-till table, then the shop's report as report_html draws it (Qt rich text)."""
    head = "".join(f"<th align={'left' if i == 0 else 'right'}>{escape(c)}</th>" for i, c in enumerate(_header()))
    rows = "".join("<tr>" + "".join(f"<td{' align=right' if i else ''}>{escape(c)}</td>" for i, c in enumerate(r))
                   + "</tr>" for r in _till_rows(report, locale))
    parts = [f"<h2 align='center' style='margin-bottom:0'>{escape(shop_name)}</h2>" if shop_name else "",
             f"<h3 align='center'>{escape(_title(report))}</h3>",
             f"<table width='100%' cellspacing='0' cellpadding='3'><tr>{head}</tr>{rows}</table>",
             report_html(report.shop, "", locale, title=_("All tills: {day}").format(day=report.shop.day.isoformat()))]
    return "\n".join(p for p in parts if p)


def shop_report_csv(report: ShopReport) -> str:
    """The shop's report_csv, then till_sales / till_refunds / till_net rows, one of each per till."""
    out = io.StringIO()
    w = csv.writer(out)
    for till, day in report.tills:
        dec = lambda amount, currency=day.currency: str(Money(amount, currency).to_decimal())  # noqa: E731
        w.writerow(["till_sales", till, day.sales_count, day.sales_total, dec(day.sales_total), day.currency])
        w.writerow(["till_refunds", till, day.refunds_count, day.refunds_total, dec(day.refunds_total), day.currency])
        w.writerow(["till_net", till, "", day.net, dec(day.net), day.currency])
    return report_csv(report.shop) + out.getvalue()


# -- the shifts of the day ------------------------------------------------------------------------


@dataclass
class ShopShifts:
    """Every till's shifts of a day, each with its check against its own till's payments."""

    day: date
    currency: str
    shifts: list[tuple[ShiftReport, CardCheck | None]] = field(default_factory=list)

    @property
    def differences(self) -> int:
        return sum(len(check.differences) for _report, check in self.shifts if check is not None)


def build_shop_shifts(store: Store, day: date, currency: str, gateway=None, locale: str = "en_US") -> ShopShifts:
    from pos_app.cash_office import ShiftService
    from pos_app.devices import CashDrawer
    from pos_app.shift_reports import check_card_total
    shifts = ShopShifts(day, currency)
    for shift in store.shifts.of_day(*day_bounds(day)):
        report = ShiftService(store, CashDrawer(store.drawer), shift.terminal_id, currency).report(shift.number)
        check = check_card_total(report, gateway, store.orders, locale) if gateway is not None else None
        shifts.shifts.append((report, check))
    return shifts


def _shift_row(report: ShiftReport) -> tuple[int, ...]:
    """orders, sales, card net, expected cash, counted cash, over/short (both 0 for a shift still open)."""
    return (report.orders_count, report.sales_total, report.card_net, report.expected_cash,
            report.counted_cash or 0, report.over_short or 0)


def _amounts(row: tuple[int, ...], money, counted: bool) -> str:
    """The row's amounts in their columns; '-' for the count of a shift not counted yet (an X)."""
    texts = [money(v) for v in row[1:4]] + ([money(v) for v in row[4:]] if counted else ["-", "-"])
    return "".join(f"{text:>{width}}" for text, width in zip(texts, (13, 13, 15, 13, 12)))


def shop_shifts_text(shifts: ShopShifts, shop_name: str = "", locale: str = "en_US") -> str:
    from pos_app.shift_reports import _check_lines
    m = lambda amount: format_money(Money(amount, shifts.currency), locale)  # noqa: E731
    title = ngettext("Shop shifts of {day}: {count} shift", "Shop shifts of {day}: {count} shifts",
                     len(shifts.shifts)).format(day=shifts.day.isoformat(), count=len(shifts.shifts))
    labels = (_("Shift"), _("Orders"), _("Sales"), _("Card net"), _("Expected cash"), _("Counted"), _("Over/short"))
    lines = [line for line in (shop_name.strip(), title) if line] + ["", "{:<16}{:>7}{:>13}{:>13}{:>15}{:>13}{:>12}"
                                                                     .format(*labels)]
    totals = [0] * 6
    for report, _check in shifts.shifts:
        row = _shift_row(report)
        totals = [t + v for t, v in zip(totals, row)]
        name = f"{report.terminal_id} {report.shift_number} {report.kind}"
        lines.append(f"{name:<16}{row[0]:>7}" + _amounts(row, m, report.counted_cash is not None))
    lines.append(f"{_('All shifts'):<16}{totals[0]:>7}" + _amounts(tuple(totals), m, True))
    lines.append("")
    for report, check in shifts.shifts:
        lines += [f"{report.terminal_id} {report.shift_number}: {line}" for line in _check_lines(check)[:1]]
        lines += [f"  {line.strip()}" for line in _check_lines(check)[1:]]
    return "\n".join(lines) + "\n"


def shop_shifts_csv(shifts: ShopShifts) -> str:
    """One row per shift (amounts in minor units), for a spreadsheet."""
    out = io.StringIO()
    w = csv.writer(out)
    w.writerow(["till", "shift", "kind", "opened_at", "closed_at", "orders", "sales_minor", "card_net_minor",
                "expected_cash_minor", "counted_cash_minor", "over_short_minor", "gateway_card_minor", "differences",
                "currency"])
    for report, check in shifts.shifts:
        at_gateway = check.at_gateway if check is not None and check.checked else ""
        w.writerow([report.terminal_id, report.shift_number, report.kind, report.opened_at, report.closed_at or "",
                    *_shift_row(report), at_gateway, len(check.differences) if check is not None else "",
                    shifts.currency])
    return out.getvalue()


# -- command line ---------------------------------------------------------------------------------


def print_shop_report(settings: Settings, day_text: str, csv_path: Path | None, *, shifts: bool = False) -> int:
    """`pos-app report --shop [--shifts] [--date DAY] [--csv FILE]`: 1 when the gateway check differs."""
    from pos_app.gateways import open_gateway
    from pos_app.reports import _open
    day = parse_day(day_text)
    store = _open(settings)
    try:
        with open_gateway(settings) as gateway:
            if shifts:
                by_shift = build_shop_shifts(store, day, settings.currency, gateway, settings.locale)
                text, table, differences = (shop_shifts_text(by_shift, settings.shop_name, settings.locale),
                                            shop_shifts_csv(by_shift), by_shift.differences)
            else:
                report = build_shop_report(store.orders, day, settings.currency, gateway, tenders=store.tenders)
                text, table, differences = (shop_report_text(report, settings.shop_name, settings.locale),
                                            shop_report_csv(report), len(report.shop.differences))
    finally:
        store.close()
    sys.stdout.write(text)
    if csv_path is not None:
        csv_path.write_text(table, encoding="utf-8")
        print(_("CSV written to {path}").format(path=csv_path))
    return 1 if differences else 0
