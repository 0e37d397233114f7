import pytest

from pos_app.domain.cart import MAX_QTY, Cart, InvalidQuantity, UnknownSku

KNOWN = {"item1", "item2", "item3", "item4"}.__contains__


def cart_with(**lines):
    cart = Cart()
    cart.replace(lines, KNOWN)
    return cart


def test_new_cart_is_empty_with_a_uuid():
    cart = Cart()
    assert cart.lines == {} and len(cart.uuid) == 36


def test_setting_the_same_qty_keeps_the_uuid():
    cart = cart_with(item1=2)
    before = cart.uuid
    assert cart.set_qty("item1", 2, KNOWN) is False
    assert cart.uuid == before


def test_a_real_change_makes_a_new_uuid():
    cart = cart_with(item1=2)
    before = cart.uuid
    assert cart.set_qty("item1", 3, KNOWN) is True
    assert cart.uuid != before and cart.lines == {"item1": 3}


def test_replace_with_identical_lines_is_a_no_op():
    cart = cart_with(item1=2, item3=1)
    before = cart.uuid
    assert cart.replace({"item3": 1, "item1": 2, "item4": 0}, KNOWN) is False
    assert cart.uuid == before


def test_qty_zero_removes_a_line():
    cart = cart_with(item1=2, item3=1)
    cart.set_qty("item1", 0, KNOWN)
    assert cart.lines == {"item3": 1}
    assert cart.remove("item2") is False


def test_add_accumulates():
    cart = Cart()
    cart.add("item1", 1, KNOWN)
    cart.add("item1", 2, KNOWN)
    assert cart.qty("item1") == 3


@pytest.mark.parametrize("qty", [-1, 1.0, "2", None, True, MAX_QTY + 1])
def test_bad_quantities_are_refused_and_leave_the_cart_untouched(qty):
    cart = cart_with(item1=2)
    before = (cart.uuid, cart.lines)
    with pytest.raises(InvalidQuantity, match="whole number from 0 to 9999"):
        cart.set_qty("item1", qty, KNOWN)
    with pytest.raises(InvalidQuantity):
        cart.replace({"item2": 1, "item3": qty}, KNOWN)
    assert (cart.uuid, cart.lines) == before


def test_unknown_sku_is_refused_and_leaves_the_cart_untouched():
    cart = cart_with(item1=2)
    before = (cart.uuid, cart.lines)
    with pytest.raises(UnknownSku, match="unknown sku 'nope'"):
        cart.replace({"item2": 1, "nope": 1}, KNOWN)
    with pytest.raises(UnknownSku):
        cart.set_qty("nope", 1, KNOWN)
    assert (cart.uuid, cart.lines) == before


def test_adding_past_the_maximum_is_refused():
    cart = cart_with(item1=MAX_QTY)
    with pytest.raises(InvalidQuantity):
        cart.add("item1", 1, KNOWN)
    assert cart.qty("item1") == MAX_QTY


def test_clear_changes_uuid_only_when_there_was_something():
    cart = Cart()
    before = cart.uuid
    assert cart.clear() is False and cart.uuid == before
    cart.add("item1", 1, KNOWN)
    assert cart.clear() is True and cart.lines == {}
