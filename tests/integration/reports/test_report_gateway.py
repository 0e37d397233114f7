"""The Z report reconciled with a real gateway: sales made through the training sandbox, compared
with the PaymentIntents the sandbox says succeeded that day (no mocks of the gateway)."""

from __future__ import annotations

import csv
import io
from datetime import date, timedelta

import pytest

from pos_app.config import Settings
from pos_app.core import AppCore
from pos_app.payments.stripe_gateway import StripeGateway
from pos_app.reports import build_report, report_csv, report_html, report_text
from pos_app.testing.staff import log_in
from tests.integration.payments.helpers import DECLINED, MASTERCARD, confirm_as_browser
from tests.integration.reports.sales import add_taxed_items, pay_without_order, sell


@pytest.fixture
def core(tmp_path, shop_database_setting):
    """A training till on each backend (its own SQLite file; a new shop database on PostgreSQL)."""
    settings = Settings.load(environ={}, env_file=None).with_(data_dir=tmp_path, database_url=shop_database_setting)
    core = AppCore(settings).start()
    log_in(core.open())
    yield core
    core.stop()


def test_a_days_sales_and_refunds_match_the_sandbox(core):
    services = core.payments
    add_taxed_items(core.local.store)
    first = sell(core, {"wine": 2, "bread": 1})  # 24.00 + 4.50, tax 4.80 + 0.23
    second = sell(core, {"espresso": 3}, card=MASTERCARD)
    services.checkout.refund(second.id, amount=250, reason="requested_by_customer")

    report = build_report(core.local.store.orders, date.today(), "usd", services.gateway)

    assert report.gateway_checked and report.gateway_error is None
    assert report.differences == []
    assert (report.sales_count, report.sales_total) == (2, first.total + second.total)
    assert first.total == 2400 + 450 + 480 + 23
    assert report.tax_by_rate == {500: 23, 2000: 480}
    assert report.card_brands == {"Mastercard": (1, 750), "Visa": (1, first.total)}
    assert (report.refunds_count, report.refunds_total, report.net) == (1, 250, first.total + 750 - 250)
    assert "all payments match" in report_text(report)
    assert "all payments match" in report_html(report)


def test_a_payment_without_an_order_is_a_difference(core):
    services = core.payments
    sold = sell(core, {"item1": 1})
    core.local.carts.replace({"item3": 1})
    prepared = services.checkout.prepare()
    assert "error" in confirm_as_browser(core.payments, prepared.client_secret, DECLINED)  # not a sale
    services.checkout.abandon()  # the cashier gives up: the intent is cancelled, no difference
    lost = pay_without_order(core, {"item2": 1})  # the till dies before finalize

    report = build_report(core.local.store.orders, date.today(), "usd", services.gateway)

    assert report.sales_count == 1 and report.sales_total == sold.total
    assert len(report.differences) == 1
    assert report.differences[0].startswith(f"{lost}: succeeded at the gateway ($10.00)")
    rows = list(csv.DictReader(io.StringIO(report_csv(report))))
    assert [r["key"] for r in rows if r["section"] == "difference"] == report.differences
    html = report_html(report)
    assert "1 difference(s)" in html and lost in html and "#b91c1c" in html


def test_another_day_is_reconciled_on_its_own(core):
    sell(core, {"item1": 1})
    report = build_report(core.local.store.orders, date.today() - timedelta(days=1), "usd", core.payments.gateway)
    assert report.gateway_checked and report.differences == [] and report.sales_count == 0


def test_an_unreachable_gateway_is_reported_not_hidden(core):
    sell(core, {"item1": 1})
    port = core.sandbox_url.rsplit(":", 1)[1]
    keys = (core.sandbox_secret_key, core.payments.publishable_key)
    core._sandbox.stop()  # the card processor is gone
    gateway = StripeGateway(*keys, api_base=f"http://127.0.0.1:{port}",
                            max_network_retries=0, timeout=2)

    report = build_report(core.local.store.orders, date.today(), "usd", gateway)

    assert not report.gateway_checked and report.gateway_error
    assert report.sales_count == 1  # the local counts are still there
    assert "Gateway NOT checked" in report_text(report) and "NOT checked" in report_html(report)


def test_another_tills_sales_on_the_same_account_are_not_differences(core):
    services = core.payments
    sold = sell(core, {"item1": 1})
    # Till 2 shares the Stripe account (here: the sandbox) and sells too.
    other = services.gateway.create_intent(amount=700, currency="usd", idempotency_key="till-2-cart-1",
                                           metadata={"cart_uuid": "till-2-cart-1", "terminal_id": "till-2"},
                                           description="till 2")
    assert confirm_as_browser(core.payments, other.client_secret, "4242424242424242")["status"] == "succeeded"

    mine = build_report(core.local.store.orders, date.today(), "usd", services.gateway, core.settings.terminal_id)
    everyone = build_report(core.local.store.orders, date.today(), "usd", services.gateway)

    assert mine.differences == [] and mine.sales_total == sold.total
    assert len(everyone.differences) == 1 and other.id in everyone.differences[0]
