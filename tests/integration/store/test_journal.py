"""The journal table: entries commit with the change they record, never change, and verify finds tampering."""

from __future__ import annotations

import sqlite3

import pytest

from pos_app.domain.journal import Problem
from pos_app.domain.pricing import PricingPolicy
from pos_app.store import open_store


def test_entries_chain_in_order_and_survive_a_reopen(store, database_location):
    first = store.journal.append("shift_open", {"shift": 1, "float": 10000}, user="ana")
    second = store.journal.append("sale", {"order": "T1-0001", "total": 1250})
    assert (first.seq, second.seq, second.prev_hash) == (1, 2, first.hash)
    store.close()
    with open_store(database_location, PricingPolicy(), till="till-1", training=False) as reopened:
        third = reopened.journal.append("refund", {"order": "T1-0001", "amount": 300})
        assert third.prev_hash == second.hash and not third.training
        assert [e.type for e in reopened.journal.entries()] == ["shift_open", "sale", "refund"]
        assert reopened.journal.verify().checked == 3 and reopened.journal.verify().ok


def test_an_entry_commits_with_its_unit_of_work_or_not_at_all(store):
    with pytest.raises(RuntimeError), store.unit_of_work() as work:
        work.journal.append("sale", {"order": "T1-0001"})
        raise RuntimeError("the sale failed after its entry was written")
    assert list(store.journal.entries()) == []
    with store.unit_of_work() as work:
        work.journal.append("sale", {"order": "T1-0001"})
    assert [e.seq for e in store.journal.entries()] == [1]


def test_the_table_refuses_an_edit_or_a_delete_whatever_code_asks(store):
    store.journal.append("sale", {"total": 1250})
    for sql in ("UPDATE journal SET payload = '{\"total\":1}'", "DELETE FROM journal"):
        with pytest.raises(sqlite3.IntegrityError, match="append-only"), store.db.transaction() as conn:
            conn.execute(sql)
    assert store.journal.verify().ok


def test_each_till_has_its_own_chain(store):
    from pos_app.store import Journal
    other = Journal(store.db, "till-2", training=True)
    store.journal.append("sale", {"n": 1})
    other.append("sale", {"n": 1})
    store.journal.append("sale", {"n": 2})
    assert [e.seq for e in store.journal.entries()] == [1, 2] and [e.seq for e in other.entries()] == [1]
    assert store.journal.tills() == ["till-1", "till-2"] and store.journal.verify().ok and other.verify().ok


def tamper(location, *sql: str) -> None:
    """What someone with the database does: drop (or disable) the triggers, change rows."""
    if isinstance(location, str):  # the shop's PostgreSQL database
        import psycopg
        with psycopg.connect(location, autocommit=True) as shop:
            shop.execute("ALTER TABLE journal DISABLE TRIGGER USER")
            for statement in sql:
                shop.execute(statement)
        return
    conn = sqlite3.connect(location)
    conn.executescript("DROP TRIGGER journal_no_update; DROP TRIGGER journal_no_delete;" + ";".join(sql))
    conn.commit()
    conn.close()


@pytest.mark.parametrize(("sql", "problem", "seq"), [
    ("UPDATE journal SET payload = '{\"total\":1}' WHERE seq = 2", Problem.EDITED, 2),
    ("DELETE FROM journal WHERE seq = 2", Problem.DELETED, 3),
    ("UPDATE journal SET user_name = 'mallory' WHERE seq = 3", Problem.EDITED, 3),
])
def test_tampering_around_the_triggers_is_found(store, database_location, sql, problem, seq):
    for n in range(4):
        store.journal.append("sale", {"total": 1000 + n})
    tamper(database_location, sql)
    verdict = store.journal.verify()
    assert (verdict.problem, verdict.seq) == (problem, seq)
