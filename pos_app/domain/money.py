"""Money as an integer count of minor units with its currency. Floats are refused.

Decimal appears only at the edges: parsing what a person typed and formatting for display
(Babel knows each currency's digits and each locale's conventions).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from functools import cache

from babel.core import Locale
from babel.numbers import format_currency, get_currency_precision, list_currencies

from pos_app.errors import UserFacingError
from pos_app.i18n import _


class MoneyError(UserFacingError, ValueError):
    pass


@cache
def _known_currencies() -> frozenset[str]:
    return frozenset(code.lower() for code in list_currencies())


def normalize_currency(currency: object) -> str:
    """Lowercase ISO 4217 code (Stripe's spelling); MoneyError if it isn't a known currency."""
    if not isinstance(currency, str) or len(currency) != 3 or currency.lower() not in _known_currencies():
        raise MoneyError(_("unknown currency {currency!r}: expected an ISO 4217 code such as 'usd'").format(
            currency=currency))
    return currency.lower()


@cache
def currency_digits(currency: str) -> int:
    """Minor-unit digits of a currency: usd 2, jpy 0, kwd 3 (from Babel's CLDR data)."""
    return get_currency_precision(normalize_currency(currency).upper())


#: Currencies whose smallest chargeable step is 10 minor units (Stripe: three-decimal currencies
#: must end in 0, e.g. 1.310 KWD, not 1.313).
_STEP_OF_TEN = frozenset({"bhd", "jod", "kwd", "omr", "tnd"})


def smallest_step(currency: str) -> int:
    """The smallest amount, in minor units, that a charge can move by: 10 for bhd/jod/kwd/omr/tnd, else 1."""
    return 10 if currency in _STEP_OF_TEN else 1


def _check_amount(amount: object) -> int:
    # bool is an int subclass; True dollars is a bug, not an amount.
    if isinstance(amount, bool) or not isinstance(amount, int):
        raise TypeError(f"money amounts are integers in minor units, not {type(amount).__name__}")
    return amount


@dataclass(frozen=True, slots=True, order=False)
class Money:
    amount: int  # minor units (cents for usd, yen for jpy)
    currency: str  # lowercase ISO 4217

    def __post_init__(self) -> None:
        _check_amount(self.amount)
        object.__setattr__(self, "currency", normalize_currency(self.currency))

    @classmethod
    def zero(cls, currency: str) -> Money:
        return cls(0, currency)

    @classmethod
    def _checked(cls, amount: int, currency: str) -> Money:
        """For values already validated (an int amount, a currency taken from another Money):
        skips the checks, which dominate pricing a thousand-line cart."""
        money = object.__new__(cls)
        object.__setattr__(money, "amount", amount)
        object.__setattr__(money, "currency", currency)
        return money

    def _same(self, other: object) -> Money:
        if not isinstance(other, Money):
            raise TypeError(f"cannot combine Money with {type(other).__name__}")
        if other.currency != self.currency:
            raise MoneyError(_("cannot combine {currency} with {currency2}").format(
                currency=self.currency, currency2=other.currency))
        return other

    def __add__(self, other: Money) -> Money:
        return Money(self.amount + self._same(other).amount, self.currency)

    def __sub__(self, other: Money) -> Money:
        return Money(self.amount - self._same(other).amount, self.currency)

    def __mul__(self, factor: int) -> Money:
        return Money(self.amount * _check_amount(factor), self.currency)

    __rmul__ = __mul__

    def __neg__(self) -> Money:
        return Money(-self.amount, self.currency)

    def __lt__(self, other: Money) -> bool:
        return self.amount < self._same(other).amount

    def __le__(self, other: Money) -> bool:
        return self.amount <= self._same(other).amount

    def __gt__(self, other: Money) -> bool:
        return self.amount > self._same(other).amount

    def __ge__(self, other: Money) -> bool:
        return self.amount >= self._same(other).amount

    def to_decimal(self) -> Decimal:
        return Decimal(self.amount).scaleb(-currency_digits(self.currency))

    def format(self, locale: str | Locale = "en_US") -> str:
        return format_money(self, locale)

    def __str__(self) -> str:
        return self.format()


def format_money(money: Money, locale: str | Locale = "en_US") -> str:
    """Display text for an amount, e.g. $25.00, ¥500, 12,50 € (locale de_DE)."""
    return format_currency(money.to_decimal(), money.currency.upper(), locale=locale,
                           currency_digits=True)


def parse_money(text: str, currency: str) -> Money:
    """Parse a typed amount such as '12.5' or '12.50' into Money; refuses more digits than the currency has."""
    digits = currency_digits(currency)
    try:
        value = Decimal(str(text).strip())
    except InvalidOperation:
        raise MoneyError(_("{text!r} is not an amount").format(text=text)) from None
    if not value.is_finite():
        raise MoneyError(_("{text!r} is not an amount").format(text=text))
    if value and value.adjusted() > 12:  # a trillion: far past any price or charge (and bounded work)
        raise MoneyError(_("{text!r} is too large an amount").format(text=text))
    minor = value.scaleb(digits)
    if minor != minor.to_integral_value():
        raise MoneyError(_("{text!r} has more than {digits} decimal places for {upper}").format(
            text=text, digits=digits, upper=currency.upper()))
    return Money(int(minor), currency)
