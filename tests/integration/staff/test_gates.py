"""The manager's gates the HTTP API has no route for, on a till as AppCore wires it (the kit's pos_app).

The blind count's start (the window's Close shift), the review list's refund, and the window's
Clear (CartService.clear): a cashier gets ApprovalRequired, a manager's PIN approves that one
action, journalled with both names. HTTP's gates: tests/integration/web/test_session_api.py.
"""

from __future__ import annotations

import pytest

from pos_app.domain.people import Permission
from pos_app.staff.service import ApprovalRequired
from pos_app.staff.session import LoginRequired
from pos_app.testing.staff import DEMO_PINS

pytestmark = pytest.mark.pos_settings(user="cashier")
MANAGER = DEMO_PINS["manager"]


def test_the_blind_count_starts_only_with_a_managers_approval(pos_app):
    shifts = pos_app.local.shifts
    with pytest.raises(ApprovalRequired) as refused:
        shifts.start_count()
    assert refused.value.permission == Permission.CLOSE_SHIFT and not shifts.counting
    count = shifts.start_count(manager_pin=MANAGER)
    assert shifts.counting
    count.cancel()


def test_the_review_lists_refund_is_a_managers_action(pos_app):
    desk = pos_app.payments.review_desk
    with pytest.raises(ApprovalRequired):
        desk.refund(404)
    with pytest.raises(Exception, match="no payment 404 on the review list"):  # approved: on to the refund
        desk.refund(404, manager_pin=MANAGER)


def test_the_windows_clear_is_a_managers_action_and_the_journal_names_both(pos_app):
    carts, journal = pos_app.local.carts, pos_app.local.store.journal
    carts.add("item1")
    with pytest.raises(ApprovalRequired):
        carts.clear()
    assert carts.snapshot().lines == {"item1": 1}
    assert carts.clear(manager_pin=MANAGER).empty
    approval = [e for e in journal.entries() if e.type == "approval"][-1]
    assert approval.user == "Demo Cashier"
    assert approval.payload == {"action": "clear_cart", "manager": "Demo Manager", "for": "Demo Cashier", "lines": 1}
    assert carts.clear().empty  # an empty cart: nothing to clear, nothing to approve


@pytest.mark.pos_settings(user=None)
def test_a_locked_till_sells_nothing(pos_app):
    with pytest.raises(LoginRequired):
        pos_app.local.carts.add("item1")
    assert pos_app.local.carts.snapshot().empty
