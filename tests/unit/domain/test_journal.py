"""The journal's hash chain (pure): canonical payloads, and verify naming the first tampered entry."""

from __future__ import annotations

import dataclasses

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pos_app.domain.journal import (
    GENESIS, JournalEntry, JournalError, Problem, canonical_json, entry_hash, make_entry, verify_chain,
)
import itertools


def chain(n: int, till: str = "till-1") -> list[JournalEntry]:
    entries: list[JournalEntry] = []
    for number in range(n):
        entries.append(make_entry(entries[-1] if entries else None, at=1_800_000_000 + number, till=till,
                                  user="ana" if number % 2 else None, type="sale",
                                  payload={"order": f"T1-{number:04d}", "total": 1000 + number,
                                           "lines": [{"sku": "item1", "qty": number}]}, training=True))
    return entries


def forged(after: JournalEntry, seq: int | None = None) -> JournalEntry:
    """An entry an attacker made with the code: it hashes right and chains to `after`."""
    entry = make_entry(after, at=after.at, till=after.till, user=None, type="refund",
                       payload={"amount": 99999}, training=False)
    if seq is None:
        return entry
    entry = dataclasses.replace(entry, seq=seq)
    return dataclasses.replace(entry, hash=entry_hash(entry.prev_hash, entry.body()))


def test_a_whole_chain_is_checked_entry_by_entry_and_names_its_head():
    entries = chain(5)
    verdict = verify_chain(entries)
    assert verdict.ok and verdict.checked == 5 and verdict.head == entries[-1]
    assert entries[0].prev_hash == GENESIS and all(b.prev_hash == a.hash for a, b in itertools.pairwise(entries))
    assert verify_chain([]).ok and verify_chain([]).checked == 0


def test_the_payload_is_canonical_and_money_is_never_a_float():
    assert canonical_json({"b": 1, "a": "é"}) == '{"a":"é","b":1}'
    with pytest.raises(JournalError, match=r"payload\.total is a float"):
        canonical_json({"total": 10.5})
    with pytest.raises(JournalError, match="isn't text"):
        canonical_json({1: "x"})


def test_an_edited_amount_is_named():
    entries = chain(6)
    entries[3] = dataclasses.replace(entries[3], payload={**entries[3].payload, "total": 1})
    verdict = verify_chain(entries)
    assert (verdict.problem, verdict.seq, verdict.checked) == (Problem.EDITED, 4, 3)


def test_an_edit_with_its_hash_recomputed_is_named_by_the_entry_after_it():
    entries = chain(6)
    changed = dataclasses.replace(entries[2], payload={"total": 1})
    entries[2] = dataclasses.replace(changed, hash=entry_hash(changed.prev_hash, changed.body()))
    verdict = verify_chain(entries)
    assert (verdict.problem, verdict.seq) == (Problem.EDITED, 3)


@pytest.mark.parametrize(("gone", "named"), [([0], 2), ([2], 4), ([2, 3], 5)])
def test_deleted_entries_are_named(gone, named):
    entries = [e for i, e in enumerate(chain(6)) if i not in gone]
    verdict = verify_chain(entries)
    assert (verdict.problem, verdict.seq) == (Problem.DELETED, named)
    assert str(gone[0] + 1) in verdict.detail


def test_an_inserted_entry_is_named():
    entries = chain(5)
    entries.insert(3, forged(entries[2]))  # seq 4, chained to entry 3; the real entry 4 still names entry 3
    verdict = verify_chain(entries)
    assert (verdict.problem, verdict.seq) == (Problem.INSERTED, 4)


def test_an_entry_repeated_or_moved_back_is_an_insertion():
    entries = chain(4)
    entries.append(forged(entries[3], seq=2))
    assert verify_chain(entries).problem == Problem.INSERTED


@given(st.integers(min_value=2, max_value=12), st.data())
def test_any_one_tampering_is_found_at_or_next_to_it(n, data):
    entries = chain(n)
    at = data.draw(st.integers(min_value=0, max_value=n - 1))
    how = data.draw(st.sampled_from(["edit", "delete", "insert"]))
    if how == "edit":
        entries[at] = dataclasses.replace(entries[at], user="mallory")
    elif how == "delete":
        del entries[at]
    else:
        entries.insert(at + 1, forged(entries[at]))
    verdict = verify_chain(entries)
    if how in ("delete", "insert") and at == n - 1:
        # Cutting off the newest entry, or adding one after it with the code, leaves a whole chain:
        # the head printed on each Z and by verify is what shows it (the module's docstring).
        assert verdict.ok
        return
    assert not verdict.ok
    assert verdict.seq in {at + 1, at + 2}
    if how == "insert" and at < n - 1:
        assert verdict.problem == Problem.INSERTED
