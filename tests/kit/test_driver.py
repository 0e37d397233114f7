"""PosDriver, method by method, against the real till in training mode.

Also checks that a failing wait says what was on screen: a tester reads that message first.
"""

from __future__ import annotations

import pytest

pytestmark = [pytest.mark.gui, pytest.mark.slow]

VISA = "4242424242424242"
MASTERCARD = "5555555555554444"
DECLINED = "4000000000000002"
INSUFFICIENT_FUNDS = "4000000000009995"
THREE_D_SECURE = "4000002760003184"
ITEM2_BARCODE = "4000000000020"  # Item 2, $10.00 (Item 3 is $15.00)


# -- catalogue and cart -------------------------------------------------------------------------


def test_scan_adds_the_item_of_a_barcode_and_returns_its_sku(pos):
    assert pos.scan(ITEM2_BARCODE) == "item2"
    assert pos.scan(ITEM2_BARCODE) == "item2"
    assert pos.cart() == {"item2": 2}
    assert pos.window.search.text() == ""  # the scanner's next code starts afresh


def test_scan_of_an_unknown_barcode_says_what_the_till_said(pos):
    with pytest.raises(AssertionError, match=r"(?s)the till says .Unknown barcode 9999999999999.*cart \{\}"):
        pos.scan("9999999999999")


def test_search_lists_the_matching_skus(pos):
    assert pos.search("croiss") == ["croissant"]
    assert set(pos.search("tea")) >= {"tea-english", "tea-green", "tea-mint"}
    assert "latte" in pos.search("")  # an empty search lists everything again
    assert pos.cart() == {}  # searching adds nothing


def test_add_presses_enter_once_per_unit(pos):
    pos.add("item3")
    pos.add("latte", qty=2)
    pos.add("item3")
    assert pos.cart() == {"item3": 2, "latte": 2}


def test_add_a_large_quantity_types_it_into_the_cart(pos):
    pos.add("cookie", qty=12)
    assert pos.cart() == {"cookie": 12}


def test_add_an_sku_not_in_the_catalogue_names_what_the_list_shows(pos):
    with pytest.raises(AssertionError, match=r"no item 'nope' in the catalogue list .* shows \[\]"):
        pos.add("nope")


def test_set_qty_types_the_quantity_and_zero_removes_the_line(pos):
    pos.add("item1")
    pos.add("item2")
    pos.set_qty("item1", 7)
    assert pos.cart() == {"item1": 7, "item2": 1}
    pos.set_qty("item1", 0)
    assert pos.cart() == {"item2": 1}


def test_remove_deletes_one_line(pos):
    pos.add("item1")
    pos.add("item2")
    pos.remove("item1")
    assert pos.cart() == {"item2": 1}


def test_changing_a_line_not_in_the_cart_says_what_the_cart_shows(pos):
    pos.add("item1", qty=2)
    with pytest.raises(AssertionError, match=r"the cart shows \{'item1': 2\}; expected item3 in it"):
        pos.remove("item3")


def test_clear_cart_empties_it(pos):
    pos.add("item1")
    pos.scan(ITEM2_BARCODE)
    pos.clear_cart()
    assert pos.cart() == {}
    assert pos.total_text() == "$0.00"
    with pytest.raises(AssertionError, match="Clear cart button is disabled"):
        pos.clear_cart()


def test_totals_as_shown_and_in_minor_units(pos):
    assert (pos.total_text(), pos.total_minor()) == ("$0.00", 0)
    pos.add("item3")
    pos.add("croissant")
    assert (pos.total_text(), pos.total_minor()) == ("$17.40", 1740)


@pytest.mark.pos_settings(currency="eur", locale="de_DE")
def test_totals_in_another_currency_and_locale(pos):
    pos.add("item3", qty=2)
    assert pos.total_text() == "30,00\xa0€"
    assert pos.total_minor() == 3000


# -- payments -----------------------------------------------------------------------------------


def test_charge_opens_the_card_form_and_returns_the_payment_intent(pos):
    pos.add("item3")
    pi = pos.charge()
    assert pi.startswith("pi_") and pos.payment_intent() == pi
    assert pos.dialog.isVisible() and pos.dialog.page_state == "ready"
    assert pos.payment_intent_status() == "requires_payment_method"
    with pytest.raises(AssertionError, match=r"cannot add item1: the payment dialog is open"):
        pos.add("item1")


def test_charge_of_an_empty_cart_fails_saying_so(pos):
    with pytest.raises(AssertionError, match="cannot charge an empty cart"):
        pos.charge()


def test_a_card_paid_shows_the_receipt_and_records_the_order(pos):
    pos.scan(ITEM2_BARCODE)
    pos.add("item3")
    pi = pos.charge()
    pos.enter_card(VISA)
    assert pos.pay() == "succeeded"
    receipt = pos.receipt_text()
    for expected in ("$25.00", pi, "Visa •••• 4242", "Item 2", "Item 3", "TRAINING"):
        assert expected in receipt
    order = pos.last_order()
    assert {k: order[k] for k in ("payment_intent", "amount", "currency", "card_brand", "card_last4")} == {
        "payment_intent": pi, "amount": 2500, "currency": "usd", "card_brand": "visa", "card_last4": "4242"}
    assert order["lines"] == [
        {"sku": "item2", "name": "Item 2", "qty": 1, "unit_price": 1000, "line_total": 1000},
        {"sku": "item3", "name": "Item 3", "qty": 1, "unit_price": 1500, "line_total": 1500}]
    assert pos.cart() == {} and pos.total_text() == "$0.00"  # a new sale has begun


def test_the_next_sale_closes_the_receipt_and_last_order_still_reads_the_store(pos):
    pos.add("item1")
    pos.charge()
    pos.enter_card(VISA)
    assert pos.pay() == "succeeded"
    first = pos.last_order()
    pos.add("item2")  # the cashier's next scan starts a new sale: the receipt closes
    assert pos.dialog is None
    assert pos.last_order() == first
    with pytest.raises(AssertionError, match="no receipt is shown"):
        pos.receipt_text()


def test_new_sale_closes_the_receipt(qtbot, pos):
    pos.add("item1")
    pos.charge()
    pos.enter_card(VISA)
    pos.pay()
    pos.new_sale()
    assert pos.dialog is None
    qtbot.waitUntil(pos.window.search.hasFocus)  # the keyboard is the till's again


def test_a_decline_keeps_the_payment_intent_for_another_card(pos):
    pos.add("item3")
    pi = pos.charge()
    pos.enter_card(DECLINED)
    assert pos.pay() == "declined"
    assert pos.decline_message() == "Card declined. Ask for another card."  # the cashier's words, not Stripe's
    assert pos.cart() == {"item3": 1}
    pos.enter_card(INSUFFICIENT_FUNDS, exp="01/30", cvc="999")  # every field is replaced
    assert pos.pay() == "declined"
    assert pos.decline_message() == "Card declined: not enough funds or over its limit. Ask for another card."
    pos.enter_card(MASTERCARD)
    assert pos.pay() == "succeeded"
    assert pos.last_order()["payment_intent"] == pi and pos.last_order()["card_brand"] == "mastercard"


def test_pay_with_an_incomplete_card_fails_at_once_with_the_page_message(pos):
    pos.add("item1")
    pos.charge()
    pos.enter_card("4242")
    with pytest.raises(AssertionError, match=r"the page did not confirm the payment and says "
                                             r"'The card number is incomplete.'"):
        pos.pay()


def test_a_postal_code_on_a_form_without_one_is_refused(pos):
    pos.add("item1")
    pos.charge()
    with pytest.raises(AssertionError, match="no postal code field"):
        pos.enter_card(VISA, postal="42424")


def test_3d_secure_completed(pos):
    pos.add("item3", qty=2)
    pos.charge()
    pos.enter_card(THREE_D_SECURE)
    assert pos.pay() == "requires_action"
    assert pos.complete_3ds() == "succeeded"
    assert "$30.00" in pos.receipt_text()


def test_3d_secure_failed(pos):
    pos.add("item3")
    pi = pos.charge()
    pos.enter_card(THREE_D_SECURE)
    assert pos.pay() == "requires_action"
    assert pos.fail_3ds() == "declined"
    assert pos.decline_message() == "The card was not authenticated (3-D Secure). Try again, or use another card."
    pos.enter_card(VISA)  # another card on the same PaymentIntent
    assert pos.pay() == "succeeded"
    assert pos.last_order()["payment_intent"] == pi


def test_answering_3d_secure_without_a_challenge_says_the_page_state(pos):
    pos.add("item1")
    pos.charge()
    with pytest.raises(AssertionError, match="no 3-D Secure challenge is up: payment page state is 'ready'"):
        pos.complete_3ds()


def test_cancel_payment_keeps_the_cart_and_the_payment_intent(pos):
    pos.add("item3")
    pi = pos.charge()
    pos.cancel_payment()
    assert pos.dialog is None and pos.cart() == {"item3": 1}
    assert "cancelled" in pos.window.message_label.text()
    assert pos.charge() == pi
    pos.cancel_payment()
    pos.add("item1")  # the cart can change again: the next charge is a new PaymentIntent
    assert pos.charge() != pi
    assert pos.payment_intent_status(pi) == "canceled"


def test_a_failure_message_says_what_the_payment_page_shows(pos):
    pos.add("item1")
    pos.charge()
    pos.enter_card(DECLINED)
    assert pos.pay() == "declined"
    with pytest.raises(AssertionError) as failure:
        pos.receipt_text()
    text = str(failure.value)
    assert "page state 'declined'" in text and "page message 'Card declined. Ask for another card.'" in text
    assert "cart {'item1': 1}" in text


# -- the whole till -----------------------------------------------------------------------------


def test_restart_reopens_on_the_same_data_and_the_driver_keeps_working(pos, pos_app):
    pos.add("latte", qty=2)
    pos.add("brownie")
    old_window = pos.window
    pos.restart()
    assert pos.window is not old_window and pos.app is not pos_app
    assert pos.cart() == {"latte": 2, "brownie": 1} and pos.total_text() == "$10.80"
    pos.charge()
    pos.enter_card(VISA)
    assert pos.pay() == "succeeded"
    pos.restart()  # a recorded sale survives too
    assert pos.last_order()["amount"] == 1080 and pos.cart() == {}


def test_restart_with_a_payment_open_cancels_it_like_closing_the_till(pos):
    pos.add("item1")
    pi = pos.charge()
    pos.restart()
    assert pos.dialog is None and pos.cart() == {"item1": 1}
    assert pos.charge() == pi  # the cart is unchanged: the same PaymentIntent
