"""The journal's chain: canonical entries, their SHA-256 hashes, and the walk that checks them (pure).

Every event that changes money, stock or who is at the till is an entry: its sequence number
(1, 2, … per till, no gaps), its time, till, user, type, a canonical JSON payload, the previous
entry's hash and its own hash, SHA-256 over the previous hash and the entry's canonical body.
Editing an entry breaks its own hash; deleting one leaves a gap in the numbers and a previous
hash that names an entry no longer there; inserting one (even with a recomputed hash) leaves the
next entry naming the entry before it. `verify_chain` names the first such entry.

What a hash chain can't show on its own: the newest entries cut off the end, or the whole chain
recomputed by someone with the database and the code. The head (number and hash) printed on each
Z report and `pos-app journal verify` is what an auditor compares against for that.
"""

from __future__ import annotations

import enum
import hashlib
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

#: The previous hash of a till's first entry.
GENESIS = "0" * 64


class JournalError(ValueError):
    """A payload the journal can't hold (a float, a key that isn't text, …)."""


class Problem(enum.StrEnum):
    EDITED = "edited"
    DELETED = "deleted"
    INSERTED = "inserted"


@dataclass(frozen=True)
class JournalEntry:
    seq: int
    at: int  # unix seconds
    till: str
    user: str | None
    type: str
    payload: Mapping[str, object]
    training: bool
    prev_hash: str
    hash: str

    def body(self) -> dict[str, object]:
        """Everything the hash covers but the previous hash."""
        return {"seq": self.seq, "at": self.at, "till": self.till, "user": self.user, "type": self.type,
                "payload": dict(self.payload), "training": self.training}

    def to_dict(self) -> dict[str, object]:
        return {**self.body(), "prev_hash": self.prev_hash, "hash": self.hash}


def canonical_json(value: object) -> str:
    """One text per value: keys sorted, no spaces, UTF-8 as is; floats refused (money is integers)."""
    _refuse_floats(value)
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False)


def _refuse_floats(value: object, where: str = "payload") -> None:
    if isinstance(value, float):
        raise JournalError(f"{where} is a float ({value!r}); the journal holds money as integers")
    if isinstance(value, Mapping):
        for key, item in value.items():
            if not isinstance(key, str):
                raise JournalError(f"{where} has a key that isn't text: {key!r}")
            _refuse_floats(item, f"{where}.{key}")
    elif isinstance(value, list | tuple):
        for number, item in enumerate(value):
            _refuse_floats(item, f"{where}[{number}]")


def entry_hash(prev_hash: str, body: Mapping[str, object]) -> str:
    return hashlib.sha256((prev_hash + "\n" + canonical_json(body)).encode("utf-8")).hexdigest()


def make_entry(previous: JournalEntry | None, *, at: int, till: str, user: str | None, type: str,
               payload: Mapping[str, object], training: bool) -> JournalEntry:
    """The entry that follows `previous` (None: the till's first)."""
    seq, prev_hash = (1, GENESIS) if previous is None else (previous.seq + 1, previous.hash)
    draft = JournalEntry(seq, at, till, user, type, dict(payload), training, prev_hash, "")
    return JournalEntry(**{**draft.__dict__, "hash": entry_hash(prev_hash, draft.body())})


@dataclass(frozen=True)
class Verdict:
    checked: int
    problem: Problem | None = None
    seq: int | None = None  # the first entry found wrong (for a deletion: the one after the gap)
    detail: str = ""
    head: JournalEntry | None = None  # the last entry checked

    @property
    def ok(self) -> bool:
        return self.problem is None


def verify_chain(entries: Iterable[JournalEntry]) -> Verdict:
    """Walk one till's entries in stored order; the first edited, deleted or inserted entry, if any."""
    checked = 0
    before: JournalEntry | None = None  # the entry before the previous one
    previous: JournalEntry | None = None
    for entry in entries:
        found = _check(entry, previous, before)
        if found is not None:
            problem, seq, detail = found
            return Verdict(checked, problem, seq, detail, previous)
        checked += 1
        before, previous = previous, entry
    return Verdict(checked, head=previous)


def _check(entry: JournalEntry, previous: JournalEntry | None,
           before: JournalEntry | None) -> tuple[Problem, int, str] | None:
    expected_seq = 1 if previous is None else previous.seq + 1
    try:
        own = entry_hash(entry.prev_hash, entry.body())
    except JournalError as exc:
        return Problem.EDITED, entry.seq, f"entry {entry.seq} holds what no till writes ({exc})"
    if own != entry.hash:
        return Problem.EDITED, entry.seq, f"entry {entry.seq}'s content no longer matches its hash"
    if entry.seq == expected_seq and entry.prev_hash == (GENESIS if previous is None else previous.hash):
        return None
    if previous is None:
        if entry.seq > 1:
            return Problem.DELETED, entry.seq, f"{_entries(1, entry.seq - 1)} deleted before entry {entry.seq}"
        return Problem.EDITED, entry.seq, "the first entry doesn't start the chain"
    if before is not None and entry.prev_hash == before.hash:
        return Problem.INSERTED, previous.seq, (f"entry {previous.seq} was inserted: entry {entry.seq} follows "
                                                f"entry {before.seq}")
    if entry.seq <= previous.seq:
        return Problem.INSERTED, entry.seq, f"entry {entry.seq} repeats or goes back from entry {previous.seq}"
    if entry.seq > expected_seq:
        return Problem.DELETED, entry.seq, f"{_entries(expected_seq, entry.seq - 1)} deleted before entry {entry.seq}"
    # The right number but chained to another hash: the entry before it was rewritten with a fresh hash.
    return Problem.EDITED, previous.seq, (f"entry {previous.seq} was rewritten: entry {entry.seq} was chained "
                                          "to what it held before")


def _entries(first: int, last: int) -> str:
    return f"entry {first}" if first == last else f"entries {first}–{last}"
