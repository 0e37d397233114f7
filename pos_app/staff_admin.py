"""`pos-app users add|list|disable|reset-pin`: the staff list from a terminal.

PINs are read without echo (getpass), twice for a new one; `--pin-stdin` reads them from stdin
instead, one a line and each once, for scripts (the manager's first, when one is asked for). Once the till has
a manager, changing the staff asks for a manager's PIN; the first manager is made without one
(the till's first run says how).
"""

from __future__ import annotations

import getpass
import sys
from collections.abc import Callable

from pos_app.config import Settings
from pos_app.domain.people import StaffError, parse_role
from pos_app.staff import StaffService
from pos_app.store import Store, User, open_store
from pos_app.store.faults import prepare_data_dir

FIRST_MANAGER_HINT = "no manager is set up yet: add one with  pos-app users add NAME --role manager"


def run_users_command(settings: Settings, action: str, name: str | None = None, role: str | None = None,
                      pin_stdin: bool = False) -> int:
    read = _stdin_reader() if pin_stdin else _prompt
    store = _open(settings)
    try:
        staff = StaffService(store, settings.terminal_id)
        if action == "list":
            _print_users(staff.users())
            return 0
        assert name is not None  # argparse requires it for the other actions
        by = None if staff.needs_first_manager() else staff.login(read("Manager's PIN: "))
        if action == "add":
            user = staff.add(name, parse_role(role or "cashier"), _new_pin(read, not pin_stdin), by=by)
            print(f"{user.name} added as {user.role.value}")
        elif action == "disable":
            user = staff.disable(name, by=by)
            print(f"{user.name} disabled: their PIN opens nothing now")
        else:
            user = staff.reset_pin(name, _new_pin(read, not pin_stdin), by=by)
            print(f"{user.name}'s PIN is reset")
    finally:
        store.close()
    return 0


def _open(settings: Settings) -> Store:
    """The till's store, made if this is before the till's first run (the first manager comes first)."""
    prepare_data_dir(settings.data_dir)
    return open_store(settings.database_location, settings.pricing, receipt_series=settings.receipt_series,
                      till=settings.terminal_id, training=settings.training)


def _print_users(users: list[User]) -> None:
    if not users:
        print(FIRST_MANAGER_HINT)
        return
    for user in users:
        state = "" if user.active else "  (disabled)"
        demo = "  (training demo)" if user.demo else ""
        print(f"{user.name:<30} {user.role.value:<8}{state}{demo}")


def _new_pin(read: Callable[[str], str], confirm: bool) -> str:
    pin = read("New PIN (4-8 digits): ")
    if confirm and read("The same PIN again: ") != pin:
        raise StaffError("the two PINs differ: nothing was changed")
    return pin


def _prompt(text: str) -> str:
    return getpass.getpass(text)


def _stdin_reader() -> Callable[[str], str]:
    lines = iter(sys.stdin.read().splitlines())

    def read(text: str) -> str:
        try:
            return next(lines).strip()
        except StopIteration:
            raise StaffError(f"--pin-stdin: stdin ended before {text.strip(': ')!r}") from None
    return read
