"""StaffService: the till's users, log-in by PIN with a lock-out, permissions, and one-action approvals.

A PIN identifies its user (a till's PIN pad asks for nothing else), so two active users never
share one; it is stored only as an Argon2id hash (argon2-cffi, OWASP's 19 MiB / 2 passes
profile), and a log-in checks it against each active user's hash (on a worker thread: about
20 ms a user). Wrong PINs in a row lock the till's PIN pad for a while that grows (domain/
people.py); the run is stored, so a restart doesn't reset it. Every change and every log-in,
log-out and approval is a journal entry written in the same unit of work.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass

from pos_app.domain.people import (
    ACTION_NAMES, Lockout, Permission, Role, StaffError, check_name, check_pin, may,
)
from pos_app.errors import UserFacingError
from pos_app.i18n import _
from pos_app.store import Store, User

log = logging.getLogger(__name__)

#: Training mode's demo users (README "Training mode"): never created with Stripe keys.
DEMO_USERS = (("Demo Manager", Role.MANAGER, "1234"), ("Demo Cashier", Role.CASHIER, "0000"))


class PinRefused(UserFacingError):
    """A PIN that opens nothing (wrong, disabled, not a manager's) or a PIN pad locked for a while."""


class ApprovalRequired(UserFacingError):
    """The user may not do this alone: a manager's PIN approves it (StaffService.approve)."""

    def __init__(self, permission: Permission, user: User | None) -> None:
        who = f"{user.name} ({_(user.role.value)})" if user else _("nobody logged in")
        super().__init__(_("A manager's PIN is needed to {action} ({who}).").format(
            action=_(ACTION_NAMES[permission]), who=who))
        self.permission = permission


@dataclass(frozen=True)
class Approval:
    """A manager's yes to one action of another user, as journalled."""

    permission: Permission
    manager: User
    user: User | None


class PinHasher:
    """Argon2id at OWASP's second profile (m=19 MiB, t=2, p=1); the parameters live in each hash.

    The demo users' PINs are printed in the README, so a slow hash guards nothing there: theirs
    use Argon2id's least profile (`public=True`), which verifies in about a millisecond (a
    log-in checks each user's hash with that hash's own parameters), so a training till and the
    tests that start one don't pay ~40 ms per demo user.

    argon2-cffi is imported at the first hash or check, not at start-up (its import is ~24 ms of a
    cold start whose till opens with its users already made).
    """

    def hash(self, pin: str, *, public: bool = False) -> str:
        from argon2 import PasswordHasher
        hasher = (PasswordHasher(time_cost=1, memory_cost=64, parallelism=1) if public
                  else PasswordHasher(time_cost=2, memory_cost=19456, parallelism=1))
        return hasher.hash(pin)

    def matches(self, pin_hash: str, pin: str) -> bool:
        from argon2 import PasswordHasher
        from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
        try:
            return PasswordHasher().verify(pin_hash, pin)  # the hash's own parameters decide the cost
        except (VerifyMismatchError, VerificationError, InvalidHashError):
            return False


class StaffService:
    def __init__(self, store: Store, till: str, *, hasher: PinHasher | None = None,
                 clock: Callable[[], float] = time.time) -> None:
        self._store, self.till = store, till
        self._hasher = hasher or PinHasher()
        self._clock = clock

    # -- the staff list ------------------------------------------------------------------------

    def users(self) -> list[User]:
        return self._store.users.all()

    def needs_first_manager(self) -> bool:
        return self._store.users.count_managers() == 0

    def add(self, name: str, role: Role, pin: str, *, by: User | None, demo: bool = False) -> User:
        """A new user. Once a manager exists, only a manager adds one (`by`)."""
        name, pin = check_name(name), check_pin(pin)
        if self.needs_first_manager() and role != Role.MANAGER:
            raise StaffError(_("the first user is the till's manager: add a manager first"))
        self._require_manager(by, "add a user")
        self._refuse_taken_pin(pin)
        pin_hash = self._hasher.hash(pin, public=demo)
        with self._store.unit_of_work() as work:
            user = self._store.users.add(name, role, pin_hash, demo=demo)
            work.journal.append("user_added", {"name": user.name, "role": user.role.value, "demo": demo},
                                user=by.name if by else None)
        log.info("user %r added as %s", user.name, user.role.value)
        return user

    def disable(self, name: str, *, by: User | None) -> User:
        self._require_manager(by, "disable a user")
        user = self._existing(name)
        if user.role == Role.MANAGER and user.active and self._store.users.count_managers() == 1:
            raise StaffError(_("{name} is the last manager: add another manager first").format(name=user.name))
        with self._store.unit_of_work() as work:
            user = self._store.users.set_active(user.id, False)
            work.journal.append("user_disabled", {"name": user.name}, user=by.name if by else None)
        return user

    def reset_pin(self, name: str, pin: str, *, by: User | None) -> User:
        pin = check_pin(pin)
        self._require_manager(by, "reset a PIN")
        user = self._existing(name)
        self._refuse_taken_pin(pin, besides=user)
        with self._store.unit_of_work() as work:
            user = self._store.users.set_pin_hash(user.id, self._hasher.hash(pin))
            work.journal.append("pin_reset", {"name": user.name}, user=by.name if by else None)
        return user

    def ensure_demo_users(self) -> None:
        """Training mode: the demo manager and cashier, if no one is set up yet."""
        if self._store.users.all():
            return
        for name, role, pin in DEMO_USERS:
            self.add(name, role, pin, by=None if role == Role.MANAGER else self._existing("Demo Manager"),
                     demo=True)

    # -- log-in, permissions, approvals ----------------------------------------------------------

    def login(self, pin: str) -> User:
        """The active user whose PIN this is; PinRefused (the run of wrong PINs counted) otherwise."""
        user = self._identify(pin)
        with self._store.unit_of_work() as work:
            work.journal.append("login", {"name": user.name, "role": user.role.value}, user=user.name)
        return user

    def logout(self, user: User, *, why: str = "logout") -> None:
        """`why`: logout, or idle (the till locked itself)."""
        with self._store.unit_of_work() as work:
            work.journal.append("logout", {"name": user.name, "why": why}, user=user.name)

    def require(self, user: User | None, permission: Permission) -> None:
        """Nothing if `user` may do this; ApprovalRequired otherwise."""
        if user is None or not user.active or not may(user.role, permission):
            raise ApprovalRequired(permission, user)

    def approve(self, pin: str, permission: Permission, *, for_user: User | None,
                detail: dict[str, object] | None = None) -> Approval:
        """A manager's PIN for one action of `for_user`: journalled with both names."""
        manager = self._identify(pin)
        if not may(manager.role, permission):
            raise PinRefused(_("{name} is not a manager: a manager's PIN is needed").format(name=manager.name))
        with self._store.unit_of_work() as work:
            work.journal.append("approval", {"action": permission.value, "manager": manager.name,
                                             "for": for_user.name if for_user else None, **(detail or {})},
                                user=for_user.name if for_user else manager.name)
        return Approval(permission, manager, for_user)

    # -- inside ----------------------------------------------------------------------------------

    def _identify(self, pin: str) -> User:
        now = int(self._clock())
        lockout = self._store.users.lockout(self.till)
        if lockout.locked(now):
            raise PinRefused(_("Too many wrong PINs: try again in {value} s.").format(value=lockout.locked_until - now))
        try:
            check_pin(pin)
        except StaffError:
            user = None
        else:
            user = self._match(pin)
        if user is None:
            after = lockout.failed(now)
            self._store.users.set_lockout(self.till, after)
            if after.locked(now):
                with self._store.unit_of_work() as work:
                    work.journal.append("pin_lockout", {"seconds": after.locked_until - now})
                raise PinRefused(_("Wrong PIN. Too many wrong PINs: the PIN pad is locked for {value} s.").format(
                    value=after.locked_until - now))
            raise PinRefused(_("Wrong PIN."))
        if lockout != Lockout():
            self._store.users.set_lockout(self.till, Lockout.succeeded())
        return user

    def _match(self, pin: str) -> User | None:
        return next((u for u in self._store.users.active() if self._hasher.matches(u.pin_hash, pin)), None)

    def _refuse_taken_pin(self, pin: str, besides: User | None = None) -> None:
        taken = self._match(pin)
        if taken is not None and (besides is None or taken.id != besides.id):
            raise StaffError(_("that PIN is already someone's: choose another"))

    def _require_manager(self, by: User | None, what: str) -> None:
        if self.needs_first_manager():
            return  # the first manager is made by whoever sets the till up
        if by is None or not by.active or not may(by.role, Permission.MANAGE_STAFF):
            raise ApprovalRequired(Permission.MANAGE_STAFF, by)

    def _existing(self, name: str) -> User:
        user = self._store.users.by_name(check_name(name))
        if user is None:
            raise StaffError(_("there is no user called {name!r}").format(name=name))
        return user
