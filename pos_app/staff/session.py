"""TillSession: who is at this till now, and the one check every manager-only action goes through.

The window, the endpoint and the tester kit share one session per till (LocalContext.session), so
a cashier logged in at the window is who an HTTP request acts as. `require(permission)` passes when
the user may; with a manager's PIN (the approval prompt's answer, or an HTTP request's
"manager_pin") it records that one approval; else ApprovalRequired, or LoginRequired when no one is
logged in. The services call it, so no path (window, endpoint, tester) skips it.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable

from pos_app.domain.people import Permission
from pos_app.errors import UserFacingError
from pos_app.i18n import _
from pos_app.staff.service import Approval, ApprovalRequired, StaffService
from pos_app.store import User


log = logging.getLogger(__name__)

Listener = Callable[[], object]  # told after each log-in and log-out, on the thread that made it


class LoginRequired(UserFacingError):
    """No one is logged in at the till (or it locked itself after the idle time)."""

    def __init__(self) -> None:
        super().__init__(_("Log in with your PIN first."))


class TillSession:
    def __init__(self, staff: StaffService) -> None:
        self.staff = staff
        self._lock = threading.Lock()
        self._user: User | None = None
        self._listeners: list[Listener] = []

    def subscribe(self, listener: Listener) -> Callable[[], None]:
        """listener() after each log-in and log-out (the window follows one made over HTTP); returns
        the unsubscribe function."""
        with self._lock:
            self._listeners.append(listener)

        def unsubscribe() -> None:
            with self._lock:
                if listener in self._listeners:
                    self._listeners.remove(listener)
        return unsubscribe

    def _tell(self) -> None:
        with self._lock:
            listeners = list(self._listeners)
        for listener in listeners:
            try:
                listener()
            except Exception:  # a broken listener must not undo a log-in
                log.exception("session listener failed")

    @property
    def user(self) -> User | None:
        return self._user

    def user_name(self) -> str | None:
        """The journal's `user` for what happens now."""
        user = self._user
        return user.name if user else None

    def login(self, pin: str) -> User:
        """The PIN's user is at the till now (whoever was before is logged out)."""
        user = self.staff.login(pin)
        with self._lock:
            before, self._user = self._user, user
        if before is not None and before.id != user.id:
            self.staff.logout(before, why="switched")
        self._tell()
        return user

    def logout(self, *, why: str = "logout") -> None:
        with self._lock:
            before, self._user = self._user, None
        if before is not None:
            self.staff.logout(before, why=why)
            self._tell()

    def require(self, permission: Permission, *, manager_pin: str | None = None,
                detail: dict[str, object] | None = None) -> Approval | None:
        """None when the user may do this; the approval when a manager's PIN grants it this once."""
        user = self._user
        if user is None:
            raise LoginRequired()
        try:
            self.staff.require(user, permission)
            return None
        except ApprovalRequired:
            if manager_pin is None:
                raise
        return self.staff.approve(manager_pin, permission, for_user=user, detail=detail)
