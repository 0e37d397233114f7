"""Staff: roles and what each may do, the PIN rule, and the lock-out after wrong PINs (pure).

A cashier sells, parks and recalls; a manager also refunds, voids a paid sale, clears a cart
that has lines, overrides a price, gives a discount above the set limit, opens the drawer with no
sale, closes a shift and looks after the staff. A cashier asking for a manager's action gets an
approval prompt: a manager's PIN for that one action.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from typing import Protocol

from pos_app.errors import UserFacingError
from pos_app.i18n import N_, _

PIN_DIGITS = (4, 8)  # a PIN is 4 to 8 ASCII digits
MAX_NAME = 60

#: Wrong PINs in a row at a till before it stops asking, and the pause then (doubling each time
#: the lock-out comes round again, up to the last).
FAILURES_BEFORE_LOCKOUT = 5
LOCKOUT_SECONDS = (30, 60, 120, 300, 900)


class Role(enum.StrEnum):
    CASHIER = "cashier"
    MANAGER = "manager"


class Permission(enum.StrEnum):
    SELL = "sell"
    PARK = "park"
    RECALL = "recall"
    REFUND = "refund"
    VOID_SALE = "void_sale"
    CLEAR_CART = "clear_cart"
    OVERRIDE_PRICE = "override_price"
    DISCOUNT_OVER_LIMIT = "discount_over_limit"
    NO_SALE = "no_sale"
    CLOSE_SHIFT = "close_shift"
    MANAGE_STAFF = "manage_staff"
    KEYED_CARD = "keyed_card"  # a card keyed on the card page while the till has a reader (card not present)


CASHIER_PERMISSIONS = frozenset({Permission.SELL, Permission.PARK, Permission.RECALL})
ROLE_PERMISSIONS: dict[Role, frozenset[Permission]] = {
    Role.CASHIER: CASHIER_PERMISSIONS,
    Role.MANAGER: frozenset(Permission),
}

#: What each permission is called in an approval prompt ("A manager's PIN is needed to …").
ACTION_NAMES: dict[Permission, str] = {
    Permission.SELL: N_("sell"), Permission.PARK: N_("park a sale"), Permission.RECALL: N_("recall a parked sale"),
    Permission.REFUND: N_("refund a sale"), Permission.VOID_SALE: N_("void a paid sale"),
    Permission.CLEAR_CART: N_("clear a cart that has lines"), Permission.OVERRIDE_PRICE: N_("override a price"),
    Permission.DISCOUNT_OVER_LIMIT: N_("give a discount above the limit"),
    Permission.NO_SALE: N_("open the drawer with no sale"), Permission.CLOSE_SHIFT: N_("close the shift"),
    Permission.MANAGE_STAFF: N_("look after the staff"),
    Permission.KEYED_CARD: N_("take a keyed card (card not present)"),
}


class PermissionGate(Protocol):
    """What a service asks before a gated action: staff/session.py TillSession is the one there is.

    `require` returns when the till's user may (or a manager's PIN approved it, journalled), and
    raises ApprovalRequired / LoginRequired otherwise. Services below staff/ (the cart service,
    the drawer) know it by this shape only; a service given none (a test of the money rules, the
    command line's admin commands) checks nothing: the composition root always gives one.
    """

    def require(self, permission: Permission, *, manager_pin: str | None = None,
                detail: dict[str, object] | None = None) -> object: ...


class StaffError(UserFacingError):
    """A name, role or PIN that can't be used; the text says what is wrong."""


def may(role: Role, permission: Permission) -> bool:
    return permission in ROLE_PERMISSIONS[role]


def check_pin(pin: object) -> str:
    """The PIN as given if it is 4 to 8 ASCII digits; StaffError otherwise (never echoing it)."""
    low, high = PIN_DIGITS
    if not isinstance(pin, str) or not (pin.isascii() and pin.isdigit() and low <= len(pin) <= high):
        raise StaffError(_("a PIN is {low} to {high} digits (0-9)").format(low=low, high=high))
    return pin


def check_name(name: object) -> str:
    """A user's name, trimmed: 1 to 60 printable characters."""
    if not isinstance(name, str) or not name.strip():
        raise StaffError(_("a user needs a name"))
    name = name.strip()
    if len(name) > MAX_NAME or not name.isprintable():
        raise StaffError(_("a user's name is at most {MAX_NAME} printable characters").format(MAX_NAME=MAX_NAME))
    return name


def parse_role(text: object) -> Role:
    try:
        return Role(str(text).strip().lower())
    except ValueError:
        raise StaffError(_("the role is one of {values}, not {text!r}").format(
            values=', '.join(r.value for r in Role), text=text)) from None


@dataclass(frozen=True)
class Lockout:
    """The till's run of wrong PINs: how many, and until when it stops asking (unix seconds)."""

    failures: int = 0
    locked_until: int = 0
    lockouts: int = 0  # how many times the run has locked the till (the pause grows)

    def locked(self, now: int) -> bool:
        return now < self.locked_until

    def failed(self, now: int) -> Lockout:
        failures = self.failures + 1
        if failures < FAILURES_BEFORE_LOCKOUT:
            return Lockout(failures, self.locked_until, self.lockouts)
        pause = LOCKOUT_SECONDS[min(self.lockouts, len(LOCKOUT_SECONDS) - 1)]
        return Lockout(0, now + pause, self.lockouts + 1)

    @staticmethod
    def succeeded() -> Lockout:
        return Lockout()
