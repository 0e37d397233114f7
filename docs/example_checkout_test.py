"""The seed's four checkout scenarios, written with pos-app's tester kit (see docs/testing.md).

Run with: pip install 'pos-app[test]' && pytest docs/example_checkout_test.py
"""

VISA, DECLINED = "4242424242424242", "4000000000000002"


def ring_up(pos):
    pos.scan("4000000000020")  # Item 2, $10.00, by its barcode
    pos.add("item3")  # Item 3, $15.00
    assert pos.total_text() == "$25.00"


def test_pay(pos):
    ring_up(pos)
    pi = pos.charge()
    pos.enter_card(VISA)
    assert pos.pay() == "succeeded"
    assert "$25.00" in pos.receipt_text()
    assert pos.last_order()["payment_intent"] == pi
    assert pos.cart() == {}  # a new sale has begun


def test_decline_then_another_card_pays_the_same_payment_intent(pos):
    ring_up(pos)
    pi = pos.charge()
    pos.enter_card(DECLINED)
    assert pos.pay() == "declined"
    assert "declined" in pos.decline_message()
    pos.enter_card(VISA)
    assert pos.pay() == "succeeded"
    assert pos.last_order()["payment_intent"] == pi


def test_cancel_and_come_back_with_the_same_payment_intent(pos):
    ring_up(pos)
    pi = pos.charge()
    pos.cancel_payment()
    assert pos.cart() == {"item2": 1, "item3": 1}
    assert pos.charge() == pi


def test_a_changed_cart_gets_a_new_payment_intent_and_the_old_one_is_cancelled(pos):
    ring_up(pos)
    old = pos.charge()
    pos.cancel_payment()
    pos.set_qty("item3", 2)
    new = pos.charge()
    assert new != old
    assert pos.payment_intent_status(old) == "canceled"
    pos.enter_card(VISA)
    assert pos.pay() == "succeeded"
    assert pos.last_order()["amount"] == 4000
