"""StaffService over a real store: PINs hashed, log-in with a lock-out, permissions and approvals."""

from __future__ import annotations

import pytest

from pos_app.domain.people import FAILURES_BEFORE_LOCKOUT, LOCKOUT_SECONDS, Permission, Role, StaffError
from pos_app.staff import ApprovalRequired, PinRefused, StaffService


class Clock:
    def __init__(self) -> None:
        self.now = 1_800_000_000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock():
    return Clock()


@pytest.fixture
def staff(store, clock):
    return StaffService(store, "till-1", clock=clock)


@pytest.fixture
def manager(staff):
    return staff.add("Mia", Role.MANAGER, "4711", by=None)


def test_the_first_user_is_a_manager_and_later_ones_need_a_manager(staff):
    with pytest.raises(StaffError, match="the first user is the till's manager"):
        staff.add("Carl", Role.CASHIER, "1111", by=None)
    mia = staff.add("Mia", Role.MANAGER, "4711", by=None)
    with pytest.raises(ApprovalRequired, match="look after the staff"):
        staff.add("Carl", Role.CASHIER, "1111", by=None)
    carl = staff.add("Carl", Role.CASHIER, "1111", by=mia)
    with pytest.raises(ApprovalRequired):
        staff.add("Dora", Role.CASHIER, "2222", by=carl)
    assert [u.name for u in staff.users()] == ["Carl", "Mia"]


def test_users_are_listed_in_alphabetical_order_whatever_the_case_of_their_names(staff, manager):
    for name, pin in (("bea", "1111"), ("Carl", "2222"), ("anna", "3333")):
        staff.add(name, Role.CASHIER, pin, by=manager)
    assert [u.name for u in staff.users()] == ["anna", "bea", "Carl", "Mia"]


def test_a_pin_is_stored_only_as_an_argon2id_hash(staff, store, manager):
    assert manager.pin_hash.startswith("$argon2id$") and "4711" not in manager.pin_hash
    rows = store.db.query("SELECT * FROM users")
    assert all("4711" not in str(tuple(row)) for row in rows)
    assert all("4711" not in str(e.to_dict()) for e in store.journal.entries())


def test_a_pin_logs_its_user_in_and_the_journal_says_so(staff, store, manager):
    carl = staff.add("Carl", Role.CASHIER, "1111", by=manager)
    assert staff.login("1111") == carl and staff.login("4711") == manager
    staff.logout(carl, why="idle")
    kinds = [(e.type, e.user) for e in store.journal.entries()]
    assert kinds[-3:] == [("login", "Carl"), ("login", "Mia"), ("logout", "Carl")]
    assert store.journal.verify().ok


@pytest.mark.parametrize("bad", ["123", "123456789", "12a4", "١٢٣٤", "", None])
def test_a_pin_that_is_not_4_to_8_digits_is_refused_naming_the_rule(staff, manager, bad):
    with pytest.raises(StaffError, match="a PIN is 4 to 8 digits"):
        staff.add("Carl", Role.CASHIER, bad, by=manager)


def test_two_users_never_share_a_pin_and_names_are_unique(staff, manager):
    with pytest.raises(StaffError, match="already someone's"):
        staff.add("Carl", Role.CASHIER, "4711", by=manager)
    staff.add("Carl", Role.CASHIER, "1111", by=manager)
    with pytest.raises(StaffError, match="already a user called 'carl'"):
        staff.add("carl", Role.CASHIER, "2222", by=manager)
    with pytest.raises(StaffError, match="already someone's"):
        staff.reset_pin("Carl", "4711", by=manager)
    staff.reset_pin("Carl", "1111", by=manager)  # their own PIN again is fine


def test_wrong_pins_lock_the_pin_pad_for_a_while_that_grows_and_a_restart_keeps_it(staff, store, clock, manager):
    for _ in range(FAILURES_BEFORE_LOCKOUT - 1):
        with pytest.raises(PinRefused, match=r"^Wrong PIN\.$"):
            staff.login("9999")
    with pytest.raises(PinRefused, match=f"locked for {LOCKOUT_SECONDS[0]} s"):
        staff.login("9999")
    again = StaffService(store, "till-1", clock=clock)  # a restart
    with pytest.raises(PinRefused, match="Too many wrong PINs: try again in"):
        again.login("4711")  # even the right PIN waits
    clock.now += LOCKOUT_SECONDS[0]
    for _ in range(FAILURES_BEFORE_LOCKOUT - 1):
        with pytest.raises(PinRefused):
            again.login("0000")
    with pytest.raises(PinRefused, match=f"locked for {LOCKOUT_SECONDS[1]} s"):
        again.login("0000")
    clock.now += LOCKOUT_SECONDS[1]
    assert again.login("4711") == manager
    assert store.users.lockout("till-1").failures == 0
    assert any(e.type == "pin_lockout" for e in store.journal.entries())


def test_a_disabled_users_pin_opens_nothing_and_the_last_manager_stays(staff, manager):
    carl = staff.add("Carl", Role.CASHIER, "1111", by=manager)
    staff.disable("Carl", by=manager)
    with pytest.raises(PinRefused):
        staff.login("1111")
    with pytest.raises(StaffError, match="last manager"):
        staff.disable("Mia", by=manager)
    assert not next(u for u in staff.users() if u.name == carl.name).active


def test_a_cashier_needs_a_managers_pin_for_a_managers_action(staff, store, manager):
    carl = staff.add("Carl", Role.CASHIER, "1111", by=manager)
    staff.require(carl, Permission.SELL)
    with pytest.raises(ApprovalRequired, match="A manager's PIN is needed to refund a sale") as asked:
        staff.require(carl, Permission.REFUND)
    assert asked.value.permission == Permission.REFUND
    with pytest.raises(PinRefused, match="Carl is not a manager"):
        staff.approve("1111", Permission.REFUND, for_user=carl)
    approval = staff.approve("4711", Permission.REFUND, for_user=carl, detail={"order": "T1-0001"})
    assert (approval.manager, approval.user) == (manager, carl)
    entry = list(store.journal.entries())[-1]
    assert (entry.type, entry.user) == ("approval", "Carl")
    assert entry.payload == {"action": "refund", "manager": "Mia", "for": "Carl", "order": "T1-0001"}
    staff.require(manager, Permission.REFUND)


def test_training_demo_users_are_made_once(staff):
    staff.ensure_demo_users()
    staff.ensure_demo_users()
    assert [(u.name, u.role, u.demo) for u in staff.users()] == [
        ("Demo Cashier", Role.CASHIER, True), ("Demo Manager", Role.MANAGER, True)]
    assert staff.login("1234").name == "Demo Manager" and staff.login("0000").name == "Demo Cashier"


def test_the_till_session_checks_each_action_and_a_managers_pin_grants_one(staff, store, manager):
    from pos_app.staff import LoginRequired, TillSession
    session = TillSession(staff)
    store.journal.attribute_to(session.user_name)
    with pytest.raises(LoginRequired):
        session.require(Permission.SELL)
    staff.add("Carl", Role.CASHIER, "1111", by=manager)
    carl = session.login("1111")
    assert session.require(Permission.SELL) is None
    with pytest.raises(ApprovalRequired):
        session.require(Permission.NO_SALE)
    with pytest.raises(PinRefused):
        session.require(Permission.NO_SALE, manager_pin="1111")
    approval = session.require(Permission.NO_SALE, manager_pin="4711")
    assert approval is not None and approval.manager == manager and approval.user == carl
    with pytest.raises(ApprovalRequired):
        session.require(Permission.NO_SALE)  # the approval was for that one action
    store.journal.append("drawer_open", {"reason": "no_sale"})
    assert list(store.journal.entries())[-1].user == "Carl"  # entries name who is at the till
    session.login("4711")
    session.logout()
    assert [(e.type, e.payload.get("name"), e.payload.get("why")) for e in store.journal.entries()][-3:] == [
        ("login", "Mia", None), ("logout", "Carl", "switched"), ("logout", "Mia", "logout")]
    assert session.user is None
