"""A receipt in ESC/POS bytes: shop, order number, lines, totals, tax, tenders and change."""

from __future__ import annotations

from dataclasses import replace

from pos_app.config import Settings
from pos_app.devices import Receipt, ReceiptTender, receipt_for
from pos_app.devices.escpos_receipt import COLUMNS, DRAWER_KICK, columns, render_receipt
from pos_app.domain.order import Order, OrderLine

ESC_INIT, CUT = b"\x1b@", b"\x1dV"


def an_order(**changes) -> Order:
    order = Order(number="000042", created_at=1_714_567_380, currency="usd",
                  lines=(OrderLine("item1", "Espresso beans 1kg", 2, 1450, 2900, 825),
                         OrderLine("item2", "Filter papers", 1, 399, 399, 825)),
                  subtotal=3299, tax=272, total=3571, payment_intent="pi_3Abc", cart_uuid="u",
                  card_brand="visa", card_last4="4242", tax_by_rate=((825, 272),))
    return replace(order, **changes)


def settings(tmp_path, **changes) -> Settings:
    return Settings(data_dir=tmp_path, shop_name="Corner Shop", shop_address="1 Market St\nSpringfield",
                    terminal_id="till-7").with_(**changes)


def test_the_receipt_has_shop_number_lines_totals_tax_and_the_card(tmp_path):
    data = render_receipt(receipt_for(an_order(), settings(tmp_path)))
    assert data.startswith(ESC_INIT) and CUT in data[-8:]  # reset first, the paper cut last
    text = data.decode("cp437")
    for expected in ("Corner Shop", "1 Market St\n", "Springfield\n", "Receipt 000042", "till-7",
                     columns("Espresso beans 1kg", "$29.00"), "  2 x $14.50", columns("Filter papers", "$3.99"),
                     columns("Subtotal", "$32.99"), columns("Tax 8.25%", "$2.72"), columns("TOTAL", "$35.71"),
                     columns("Visa **** 4242", "$35.71"), "  pi_3Abc"):
        assert expected in text, expected
    assert "  1 x" not in text  # a single item prints no quantity line
    assert "TRAINING" in text and "COPY" not in text and "Change" not in text


def test_a_live_till_prints_no_training_banner_and_a_reprint_says_copy(tmp_path):
    live = settings(tmp_path, stripe_secret_key="sk_live_x", stripe_publishable_key="pk_live_x")
    text = render_receipt(receipt_for(an_order(), live, copy=True)).decode("cp437")
    assert "TRAINING" not in text and "Receipt 000042  COPY" in text


def test_the_tenders_part_prints_every_tender_and_the_change(tmp_path):
    receipt: Receipt = receipt_for(an_order(), settings(tmp_path))
    split = replace(receipt, tenders=(ReceiptTender("Visa **** 4242", "$20.00", "pi_3Abc"),
                                      ReceiptTender("Cash", "$20.00")), change="$4.29")
    text = render_receipt(split).decode("cp437")
    assert columns("Visa **** 4242", "$20.00") in text and columns("Cash", "$20.00") in text
    assert columns("Change", "$4.29") in text


def test_a_long_name_is_cut_and_the_amount_always_shows():
    line = columns("A very long item name that would push the amount off the paper", "$1,234.56")
    assert len(line) == COLUMNS and line.endswith(" $1,234.56") and "~" in line


def test_money_in_locales_with_no_break_spaces_prints_plain_spaces(tmp_path):
    text = render_receipt(receipt_for(an_order(currency="eur"), settings(tmp_path, locale="fr_FR"))).decode("cp858",
                                                                                                           "replace")
    assert "29,00 " in text and "\u00a0" not in text and "\u202f" not in text


def test_the_drawer_kick_is_esc_p_on_pin_2():
    assert DRAWER_KICK.startswith(b"\x1bp\x00") and len(DRAWER_KICK) == 5


def a_discounted_order() -> Order:
    """Beans overridden from 14.50 to 13.00 (x2 = 26.00), papers 10% off, then 1.00 off the sale."""
    from pos_app.domain.order import OrderDiscount
    beans = OrderLine("item1", "Espresso beans 1kg", 2, 1300, 2600 - 87, 0, order_share=87,
                      list_price=1450, override_reason="price match")
    papers = OrderLine("item2", "Filter papers", 1, 399, 399 - 40 - 13, 0, line_discount=40, order_share=13,
                       discount_reason="torn pack")
    return an_order(lines=(beans, papers), subtotal=2859, tax=0, total=2859, tax_by_rate=(),
                    order_discount=OrderDiscount("amount", 100, "regular", 100))


def test_each_discount_and_override_prints_with_its_reason_and_the_total_discount(tmp_path):
    text = render_receipt(receipt_for(a_discounted_order(), settings(tmp_path))).decode("cp437")
    for expected in (columns("Espresso beans 1kg", "$26.00"), "  Price was $14.50: price match",
                     columns("  Discount: torn pack", "-$0.40"), columns("$1.00 off the sale: regular", "-$1.00"),
                     columns("Subtotal", "$28.59"), columns("Total discount", "-$1.40")):
        assert expected in text, expected


def test_a_sale_without_discounts_prints_no_discount_line(tmp_path):
    assert "discount" not in render_receipt(receipt_for(an_order(), settings(tmp_path))).decode("cp437").lower()
