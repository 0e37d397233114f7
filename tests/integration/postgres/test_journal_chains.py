"""The journal on a shared database: one hash chain per till, each number of it once (issue 19).

A till appends by reading its chain's head and inserting the next entry. Two writers of one chain
that both read the same head (two processes of one till id, were the claim ever bypassed) would both
chain to it; UNIQUE (till, seq) refuses the second, whose change rolls back with it.
`pos-app journal verify` walks every till's chain in the database.
"""

from __future__ import annotations

import sqlite3

import pytest

from pos_app.audit import verify_journal
from pos_app.domain.pricing import PricingPolicy
from pos_app.store import open_store

from .tills import one_after_the_other, open_till_store, record_sale, till_settings

ENTRY = ("INSERT INTO journal (till, seq, at, user_name, type, payload, training, prev_hash, hash)"
         " VALUES (?, ?, 1, NULL, 'login', '{}', 1, ?, ?)")


def test_a_chain_holds_each_number_once(database_location):
    with open_store(database_location, PricingPolicy(), till="till-1") as store:
        head = store.journal.append("login", {})
        with pytest.raises(sqlite3.IntegrityError), store.db.transaction() as conn:
            conn.execute(ENTRY, ("till-1", head.seq, head.hash, "forged"))
        with store.db.transaction() as conn:  # the same number in another till's chain is that chain's
            conn.execute(ENTRY, ("till-2", head.seq, "", "other"))
        assert store.journal.verify().ok


def test_two_writers_of_one_chain_never_both_chain_to_its_head(shop_database_url):
    """Two stores with one till id (opened without the claim, as read-only commands open): both read the
    head while a gate holds their inserts; the second insert is refused and the chain stays whole."""
    first = open_store(shop_database_url, PricingPolicy(), till="till-1")
    second = open_store(shop_database_url, PricingPolicy(), till="till-1")
    try:
        first.journal.append("login", {})
        results = one_after_the_other(shop_database_url, lambda: first.journal.append("logout", {}),
                                      lambda: second.journal.append("logout", {}))
        refused = [r for r in results.values() if isinstance(r, sqlite3.IntegrityError)]
        assert len(refused) == 1, results
        verdict = first.journal.verify()
        assert verdict.ok and verdict.checked == 2
    finally:
        first.close(), second.close()


def test_journal_verify_walks_every_tills_chain(shop_database_url, tmp_path, capsys):
    tills = [open_till_store(shop_database_url, n) for n in (1, 2, 3)]
    try:
        for number, store in enumerate(tills, 1):
            for sale in range(number):
                record_sale(store, {"item1": 1}, f"pi_{number}_{sale}")
    finally:
        for store in tills:
            store.close()
    assert verify_journal(till_settings(shop_database_url, 1, tmp_path)) == 0
    lines = capsys.readouterr().out.splitlines()
    assert [line.split(":")[0] for line in lines] == ["journal of till-1", "journal of till-2", "journal of till-3"]
    assert all("the chain is whole" in line for line in lines)
    counts = [int(line.split(": ")[1].split()[0]) for line in lines]
    assert counts[0] < counts[1] < counts[2]  # each till's own entries: 1, 2 and 3 sales
