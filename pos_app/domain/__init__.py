"""The pure core: money, items, carts, pricing and orders. No Qt, Flask, stripe or sqlite3 here."""

from pos_app.domain.cart import MAX_LINES, MAX_QTY, Cart, CartError, InvalidQuantity, UnknownSku
from pos_app.domain.item import Catalogue, Item, ItemError
from pos_app.domain.money import Money, MoneyError, currency_digits, format_money, parse_money
from pos_app.domain.order import Order, OrderLine
from pos_app.domain.pricing import PricedLine, PricingPolicy, TaxMode, Totals, price_lines

__all__ = [
    "Cart", "CartError", "Catalogue", "InvalidQuantity", "Item", "ItemError", "MAX_LINES", "MAX_QTY",
    "Money", "MoneyError", "Order", "OrderLine", "PricedLine", "PricingPolicy", "TaxMode", "Totals",
    "UnknownSku", "currency_digits", "format_money", "parse_money", "price_lines",
]
