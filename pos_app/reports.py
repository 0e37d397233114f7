"""End-of-day (Z) report and the order listing, for the window and the command line.

A day is a calendar day in the till's local time zone. The report is reconciled against the
payment gateway: every PaymentIntent that succeeded that day should be a recorded order and
every order's PaymentIntent should have succeeded; any difference is listed, never hidden.
"""

from __future__ import annotations

import csv
import io
import sys
from html import escape
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from pathlib import Path

from pos_app.domain.money import Money, format_money
from pos_app.domain.order import Order, card_brand_name
from pos_app.errors import UserFacingError
from pos_app.gateways import open_gateway
from pos_app.domain.tenders import TenderKind
from pos_app.i18n import N_, _, ngettext
from pos_app.store.orders import OrderBook, RefundRecord
from pos_app.store.tenders import Tender, TenderBook


class ReportError(UserFacingError):
    pass


def parse_day(text: str, option: str = "--date") -> date:
    """YYYY-MM-DD, or 'today' / 'yesterday' (local time); ReportError naming the option."""
    word = text.strip().lower()
    if word in ("today", "yesterday"):
        return date.today() - timedelta(days=1 if word == "yesterday" else 0)
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise ReportError(_("{option} must be YYYY-MM-DD, 'today' or 'yesterday', got {text!r}").format(
            option=option, text=text)) from None


def day_bounds(day: date) -> tuple[int, int]:
    """[start, end) of a local calendar day in unix seconds (DST days are 23 or 25 hours)."""
    start = datetime.combine(day, time()).astimezone()
    end = datetime.combine(day + timedelta(days=1), time()).astimezone()
    return int(start.timestamp()), int(end.timestamp())


def days_between(since: str | None, until: str | None) -> tuple[int | None, int | None]:
    """--since / --until days (until included) as [start, end) unix seconds, None where not given."""
    start = day_bounds(parse_day(since, "--since"))[0] if since else None
    end = day_bounds(parse_day(until, "--until"))[1] if until else None
    if start is not None and end is not None and start >= end:
        raise ReportError(_("--since {since} is after --until {until}: nothing can match").format(
            since=since, until=until))
    return start, end


@dataclass
class DayReport:
    day: date
    currency: str
    sales_count: int = 0
    sales_total: int = 0
    refunds_count: int = 0
    refunds_total: int = 0
    discounts_count: int = 0  # sales with a discount or a lower price than the catalogue's
    discounts_total: int = 0  # what they took off the catalogue prices (already out of sales_total)
    tips_count: int = 0  # card payments with a tip on the reader (issue 18)
    tips_total: int = 0  # the customers' tips: taken by card with the sale, never part of sales_total
    tax_by_rate: dict[int, int] = field(default_factory=dict)  # rate_bp -> tax collected on sales
    card_brands: dict[str, tuple[int, int]] = field(default_factory=dict)  # brand -> (count, total)
    gateway_checked: bool = False
    gateway_error: str | None = None
    differences: list[str] = field(default_factory=list)
    #: PaymentIntent -> (its order, the amount it paid): what the gateway check expects
    card_payments: dict[str, tuple[Order, int]] = field(default_factory=dict)
    orders: list[Order] = field(default_factory=list)
    refunds: list[RefundRecord] = field(default_factory=list)

    @property
    def net(self) -> int:
        return self.sales_total - self.refunds_total

    @property
    def tax_total(self) -> int:
        return sum(self.tax_by_rate.values())

    def money(self, amount: int, locale: str = "en_US") -> str:
        return format_money(Money(amount, self.currency), locale)


def build_report(orders: OrderBook, day: date, currency: str, gateway=None,
                 terminal_id: str | None = None, *, tenders: TenderBook | None = None,
                 till: str | None = None) -> DayReport:
    """The day's figures from the order book; with a gateway, reconciled against it. With
    terminal_id, only this till's payments (metadata terminal_id) are expected to be its orders:
    other tills on the same Stripe account are not differences. With `tenders`, a sale paid by
    tenders counts each paid tender under its kind (Cash, or the card's brand) and each card part
    is expected at the gateway for its own amount. With `till` (a till on a shop's shared
    database), only that till's orders and the refunds made at it (OrderBook.refunds_of_till_between)."""
    start, end = day_bounds(day)
    report = DayReport(day, currency)
    report.orders = orders.between(start, end) if till is None else orders.of_till_between(till, start, end)
    refunds = orders.refunds_between(start, end) if till is None else orders.refunds_of_till_between(till, start, end)
    report.refunds = [r for r in refunds if r.status == "succeeded"]
    tax: Counter[int] = Counter()
    brands: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    paid_by = tenders.for_orders([o.id for o in report.orders if o.id is not None]) if tenders is not None else {}
    for order in report.orders:
        report.sales_count += 1
        report.sales_total += order.total
        if order.discount:
            report.discounts_count += 1
            report.discounts_total += order.discount
        for rate, amount in order.tax_by_rate:
            tax[rate] += amount
        for name, amount, payment_intent, tip in _payments_of(order, paid_by.get(order.id or 0, [])):
            brand = brands[name]
            brand[0] += 1
            brand[1] += amount
            if tip:
                report.tips_count += 1
                report.tips_total += tip
            if payment_intent is not None:  # the gateway took the tip with the part
                report.card_payments[payment_intent] = (order, amount + tip)
    report.refunds_count = len(report.refunds)
    report.refunds_total = sum(r.amount for r in report.refunds)
    report.tax_by_rate = dict(sorted(tax.items()))
    report.card_brands = {b: (c, t) for b, (c, t) in sorted(brands.items())}
    if gateway is not None:
        _reconcile(report, gateway, start, end, terminal_id)
    return report


def _payments_of(order: Order, tenders: list[Tender]) -> list[tuple[str, int, str | None, int]]:
    """(Cash or the card's brand, amount, PaymentIntent or None, tip) for each payment of the order
    (`tenders`: its tenders, read with the whole day's in one query)."""
    paid = [t for t in tenders if t.paid]
    if not paid:  # wholly by one card (the seed's contract)
        return [(card_brand_name(order.card_brand, N_("Unknown")), order.total, order.payment_intent, 0)]
    return [(N_("Cash"), t.amount, None, 0) if t.kind == TenderKind.CASH
            else (card_brand_name(t.card_brand, N_("Unknown")), t.amount, t.payment_intent, t.tip) for t in paid]


def _reconcile(report: DayReport, gateway, start: int, end: int, terminal_id: str | None) -> None:
    try:
        intents = gateway.list_intents(created_gte=start, created_lt=end)
    except UserFacingError as exc:
        report.gateway_error = str(exc)
        return
    report.gateway_checked = True
    succeeded = {pi.id: pi for pi in intents if pi.status == "succeeded"
                 and (terminal_id is None or pi.metadata.get("terminal_id") == terminal_id)}
    recorded = report.card_payments
    for pi_id in sorted(succeeded.keys() - recorded.keys()):
        pi = succeeded[pi_id]
        report.differences.append(_("{payment}: succeeded at the gateway ({amount}) but no order was recorded").format(
            payment=pi_id, amount=report.money(pi.amount_received)))
    for pi_id, (order, expected) in sorted(recorded.items()):
        pi = succeeded.get(pi_id)
        if pi is None:
            # An order whose intent was created on another day (e.g. paid after midnight) is still fine.
            try:
                pi = gateway.retrieve_intent(pi_id)
            except UserFacingError as exc:
                report.differences.append(_("{payment}: order {number} could not be checked ({reason})").format(
                    payment=pi_id, number=order.number, reason=exc))
                continue
            if pi.status != "succeeded":
                report.differences.append(_("{payment}: order {number} recorded but the payment is {status}").format(
                    payment=pi_id, number=order.number, status=pi.status))
                continue
        if pi.amount_received != expected or pi.currency != order.currency:
            report.differences.append(
                _("{payment}: order {number} paid {amount} by card, the gateway received {received}").format(
                    payment=pi_id, number=order.number, amount=report.money(expected),
                    received=format_money(Money(pi.amount_received, pi.currency))))


def report_text(report: DayReport, shop_name: str = "", locale: str = "en_US", title: str | None = None) -> str:
    m = lambda amount: report.money(amount, locale)  # noqa: E731
    sales, refunds, net, discounts, tips = _("Sales:"), _("Refunds:"), _("Net:"), _("Discounts:"), _("Card tips:")
    w = max(10, len(sales), len(refunds), len(net), len(discounts), len(tips))  # 10: the English layout
    lines = [f"{shop_name}".strip(), title or _("End of day (Z) report {day}").format(day=report.day.isoformat()),
             ""]
    lines += [f"{sales:<{w}}{report.sales_count:>6}   {m(report.sales_total):>14}",
              f"{refunds:<{w}}{report.refunds_count:>6}   {m(-report.refunds_total):>14}",
              f"{net:<{w}}{'':>6}   {m(report.net):>14}"]
    if report.discounts_count:
        lines.append(f"{discounts:<{w}}{report.discounts_count:>6}   {m(-report.discounts_total):>14}")
    if report.tips_count:  # the customers' money, paid out to staff: not in the sales
        lines.append(f"{tips:<{w}}{report.tips_count:>6}   {m(report.tips_total):>14}")
    lines += ["", _("Tax by rate:")]
    lines += [f"  {rate / 100:>6.2f} %        {m(amount):>14}" for rate, amount in report.tax_by_rate.items()] \
        or ["  " + _("(no tax)")]
    lines += ["", _("Card brands:")]
    lines += [f"  {_(brand):<12} {count:>5}   {m(total):>14}" for brand, (count, total) in report.card_brands.items()] \
        or ["  " + _("(no sales)")]
    lines.append("")
    if report.gateway_error:
        lines.append(_("Gateway NOT checked: {reason}").format(reason=report.gateway_error))
    elif report.gateway_checked:
        lines.append(_("Gateway check: {result}").format(result=_("all payments match") if not report.differences
                                                         else _differences_text(len(report.differences))))
        lines += [f"  ! {d}" for d in report.differences]
    return "\n".join(line for line in lines if line is not None).strip("\n") + "\n"


def _differences_text(count: int) -> str:
    return ngettext("{count} difference(s)", "{count} difference(s)", count).format(count=count)


def report_html(report: DayReport, shop_name: str = "", locale: str = "en_US", title: str | None = None) -> str:
    """The report for the window and for printing (Qt rich text: tables, inline styles only).

    Differences with the gateway are in red; a gateway that could not be asked says so in amber.
    """
    m = lambda amount: escape(report.money(amount, locale))  # noqa: E731

    def table(rows: list[str]) -> str:
        return f"<table width='100%' cellspacing='0' cellpadding='3'>{''.join(rows)}</table>"

    def row(*cells: str, bold: bool = False) -> str:
        tds = "".join(f"<td{' align=right' if i else ''}>{'<b>' + c + '</b>' if bold else c}</td>"
                      for i, c in enumerate(cells))
        return f"<tr>{tds}</tr>"

    head = "<tr><th align=left>{}</th><th align=right>{}</th><th align=right>{}</th></tr>"
    title = title or _("End of day (Z) report {day}").format(day=report.day.isoformat())
    parts = [f"<h2 align='center' style='margin-bottom:0'>{escape(shop_name)}</h2>" if shop_name else "",
             f"<h3 align='center'>{escape(title)}</h3>",
             table([head.format("", escape(_("Count")), escape(_("Amount"))),
                    row(escape(_("Sales")), str(report.sales_count), m(report.sales_total)),
                    row(escape(_("Refunds")), str(report.refunds_count), m(-report.refunds_total)),
                    row(escape(_("Net")), "", m(report.net), bold=True)]
                   + ([row(escape(_("Discounts given")), str(report.discounts_count), m(-report.discounts_total))]
                      if report.discounts_count else [])
                   + ([row(escape(_("Card tips")), str(report.tips_count), m(report.tips_total))]
                      if report.tips_count else [])),
             f"<p style='margin-bottom:2px'><b>{escape(_('Tax by rate'))}</b></p>",
             table([row(f"{rate / 100:.2f} %", m(amount)) for rate, amount in report.tax_by_rate.items()]
                   + [row(escape(_("Total tax")), m(report.tax_total), bold=True)]),
             f"<p style='margin-bottom:2px'><b>{escape(_('Card brands'))}</b></p>",
             table([row(escape(_(brand)), str(count), m(total))
                    for brand, (count, total) in report.card_brands.items()] or [row(escape(_("(no sales)")))])]
    if report.gateway_error:
        parts.append(f"<p style='color:#b45309'><b>{escape(_('Gateway NOT checked:'))}</b> "
                     f"{escape(report.gateway_error)}</p>")
    elif report.gateway_checked and not report.differences:
        parts.append(f"<p style='color:#15803d'><b>{escape(_('Gateway check: all payments match.'))}</b></p>")
    elif report.gateway_checked:
        items = "".join(f"<li>{escape(d)}</li>" for d in report.differences)
        result = _("Gateway check: {result}").format(result=_differences_text(len(report.differences)))
        parts.append(f"<p style='color:#b91c1c'><b>{escape(result)}</b></p>"
                     f"<ul style='color:#b91c1c'>{items}</ul>")
    return "\n".join(p for p in parts if p)


def report_csv(report: DayReport) -> str:
    """One section per table; amounts in minor units and as decimals, so spreadsheets can sum them."""
    out = io.StringIO()
    w = csv.writer(out)
    dec = lambda amount: str(Money(amount, report.currency).to_decimal())  # noqa: E731
    w.writerow(["section", "key", "count", "amount_minor", "amount", "currency"])
    w.writerow(["summary", "sales", report.sales_count, report.sales_total, dec(report.sales_total), report.currency])
    w.writerow(["summary", "refunds", report.refunds_count, report.refunds_total, dec(report.refunds_total),
                report.currency])
    w.writerow(["summary", "net", "", report.net, dec(report.net), report.currency])
    w.writerow(["summary", "discounts", report.discounts_count, report.discounts_total, dec(report.discounts_total),
                report.currency])
    w.writerow(["summary", "tips", report.tips_count, report.tips_total, dec(report.tips_total), report.currency])
    for rate, amount in report.tax_by_rate.items():
        w.writerow(["tax", f"{rate / 100:.2f}%", "", amount, dec(amount), report.currency])
    for brand, (count, total) in report.card_brands.items():
        w.writerow(["card_brand", brand, count, total, dec(total), report.currency])
    for order in report.orders:
        w.writerow(["order", order.number, 1, order.total, dec(order.total), order.currency])
    for refund in report.refunds:
        w.writerow(["refund", refund.refund_id or refund.idempotency_key, 1, refund.amount, dec(refund.amount),
                    refund.currency])
    for diff in report.differences:
        w.writerow(["difference", diff, "", "", "", ""])
    return out.getvalue()


# -- command line ---------------------------------------------------------------------------------


def _open(settings):
    from pos_app.store import open_store
    if not settings.shared_database and not settings.database_path.exists():
        raise ReportError(_("no till database at {path}").format(path=settings.database_path))
    return open_store(settings.database_location, settings.pricing,
                      receipt_series=settings.receipt_series, till=settings.terminal_id,
                      training=settings.training)


def print_orders(settings, limit: int = 50, since: str | None = None, until: str | None = None) -> int:
    """Orders, most recent first; since/until are days (YYYY-MM-DD, today, yesterday), until included."""
    start, end = days_between(since, until)
    store = _open(settings)
    try:
        if start is None and end is None:
            orders = store.orders.recent(limit)
        else:
            orders = store.orders.between(start or 0, end or 2 ** 62)[::-1][:limit]
        for order in orders:
            when = datetime.fromtimestamp(order.created_at).strftime("%Y-%m-%d %H:%M")
            refunded = ("  " + _("refunded {amount}").format(
                amount=format_money(Money(order.refunded, order.currency), settings.locale)) if order.refunded else "")
            print(f"{order.number}  {when}  {format_money(order.total_money, settings.locale):>12}  "
                  f"{card_brand_name(order.card_brand, '-'):<10} {order.card_last4 or '----'}  "
                  f"{order.payment_intent}{refunded}")
        if not orders:
            print(_("no orders in that period") if since or until else _("no orders yet"))
    finally:
        store.close()
    return 0


def print_review(settings) -> int:
    """The review list: payments that went through but are no sale (`pos-app review`)."""
    store = _open(settings)
    try:
        items = store.reviews.all()
    finally:
        store.close()
    if not items:
        print(_("The review list is empty: every payment is a recorded sale."))
        return 0
    for item in items:
        when = datetime.fromtimestamp(item.created_at).strftime("%Y-%m-%d %H:%M")
        amount = format_money(Money(item.amount, item.currency), settings.locale)
        card = f"{(item.card_brand or '-').title()} {item.card_last4 or '----'}"
        print(f"{item.id:>4}  {when}  {amount:>12}  {card:<16} {item.payment_intent}  {item.status:<9} "
              f"{item.reason_text}: {item.details}")
    waiting = sum(1 for i in items if i.status != "refunded")
    print(_("{waiting} of {count} still to refund (History window, Review tab)").format(
        waiting=waiting, count=len(items)))
    return 0


def own_till(settings) -> str | None:
    """The till a till's own report covers on a shop's shared database; None on its own file (all of it)."""
    return settings.terminal_id if settings.shared_database else None


def print_report(settings, day_text: str, csv_path: Path | None) -> int:
    day = parse_day(day_text)
    store = _open(settings)
    try:
        with open_gateway(settings) as gateway:
            report = build_report(store.orders, day, settings.currency, gateway, settings.terminal_id,
                                  tenders=store.tenders, till=own_till(settings))
    finally:
        store.close()
    sys.stdout.write(report_text(report, settings.shop_name, settings.locale))
    if csv_path is not None:
        csv_path.write_text(report_csv(report), encoding="utf-8")
        print(_("CSV written to {path}").format(path=csv_path))
    return 1 if report.differences else 0
