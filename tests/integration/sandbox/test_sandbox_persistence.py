"""State survives a restart of the app (same data folder, new SandboxState), in SQLite."""

from __future__ import annotations

import json

import pytest

from pos_app.sandbox import SandboxState, create_sandbox_app

from .conftest import FakeClock
from .sandbox_helpers import auth

SALE = {"amount": "1000", "currency": "usd", "confirm": "true", "payment_method": "pm_card_visa"}


@pytest.fixture
def path(tmp_path):
    return tmp_path / "data" / "sandbox.sqlite3"


class Till:
    """A sandbox over a data folder, with its own secret key in the header."""

    def __init__(self, path, clock) -> None:
        self.state = SandboxState(path, clock=clock)
        self.http = create_sandbox_app(self.state).test_client()
        self.auth = auth(self.state.keys.secret)

    def get(self, url):
        return self.http.get(url, headers=self.auth)

    def post(self, url, data, key=None):
        headers = {**self.auth, **({"Idempotency-Key": key} if key else {})}
        return self.http.post(url, data=data, headers=headers)


def test_payments_survive_a_restart(path, clock):
    pi = Till(path, clock).post("/v1/payment_intents", SALE, key="rev-1").json
    assert pi["status"] == "succeeded"

    restarted = Till(path, clock)
    again = restarted.get(f"/v1/payment_intents/{pi['id']}").json
    assert again["status"] == "succeeded" and again["amount_received"] == 1000
    assert restarted.get(f"/v1/charges/{pi['latest_charge']}").status_code == 200
    assert restarted.post("/v1/refunds", {"payment_intent": pi["id"], "amount": "400"}).status_code == 200
    replay = restarted.post("/v1/payment_intents", SALE, key="rev-1")
    assert replay.headers["Idempotent-Replayed"] == "true" and replay.json["id"] == pi["id"]

    charge = Till(path, clock).get(f"/v1/charges/{pi['latest_charge']}").json
    assert charge["amount_refunded"] == 400


def test_keys_are_random_per_data_folder_and_kept(tmp_path, clock):
    one = SandboxState(tmp_path / "a" / "sandbox.sqlite3", clock=clock).keys
    again = SandboxState(tmp_path / "a" / "sandbox.sqlite3", clock=clock).keys
    other = SandboxState(tmp_path / "b" / "sandbox.sqlite3", clock=clock).keys
    assert (again.secret, again.publishable) == (one.secret, one.publishable)
    assert one.secret.startswith("sk_test_") and one.publishable.startswith("pk_test_")
    assert other.secret != one.secret and other.publishable != one.publishable
    assert len(one.secret) > 40


def test_fingerprints_stay_stable_across_restart(path, clock):
    data = {"type": "card", "card[number]": "4242424242424242", "card[exp_month]": "1",
            "card[exp_year]": "2030", "card[cvc]": "123"}

    def typed_in_the_page(till):
        return till.http.post("/v1/payment_methods", data=data, headers={
            "Authorization": f"Bearer {till.state.keys.publishable}"}).json
    one = typed_in_the_page(Till(path, clock))
    two = typed_in_the_page(Till(path, clock))
    assert one["card"]["fingerprint"] == two["card"]["fingerprint"]


def test_database_holds_no_card_numbers(path, clock):
    till = Till(path, clock)
    pi = till.post("/v1/payment_intents", {"amount": "1000", "currency": "usd"}).json
    page = {"Authorization": f"Bearer {till.state.keys.publishable}"}  # typed in the card page
    till.http.post(f"/v1/payment_intents/{pi['id']}/confirm", headers=page, data={
        "client_secret": pi["client_secret"], "payment_method_data[type]": "card",
        "payment_method_data[card][number]": "5555555555554444",
        "payment_method_data[card][exp_month]": "12", "payment_method_data[card][exp_year]": "2030",
        "payment_method_data[card][cvc]": "321"})
    till.state.close()
    stored = b"".join(p.read_bytes() for p in path.parent.iterdir())
    assert len(SandboxState(path, clock=clock).all("payment_intent")) == 1
    assert b"5555555555554444" not in stored
    # The CVC as a stored value (random ids and tokens may well contain the digits 321 by chance).
    assert b'"321"' not in stored and b":321" not in stored
    assert {p.name for p in path.parent.iterdir()} <= {"sandbox.sqlite3", "sandbox.sqlite3-wal",
                                                       "sandbox.sqlite3-shm"}


def test_reads_write_nothing(path, clock):
    till = Till(path, clock)
    till.post("/v1/payment_intents", {"amount": "1000", "currency": "usd"})
    (before,) = till.state.query_one("PRAGMA data_version")
    changes = till.state._db.total_changes
    till.get("/v1/payment_intents")
    till.get("/v1/charges")
    assert till.state._db.total_changes == changes
    assert till.state.query_one("PRAGMA data_version") == (before,)


def test_in_memory_state_writes_nothing(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    state = SandboxState(clock=FakeClock())
    create_sandbox_app(state).test_client().post(
        "/v1/payment_intents", headers=auth(state.keys.secret),
        data={"amount": "1000", "currency": "usd"})
    assert list(tmp_path.iterdir()) == []


def test_unreadable_file_is_kept_aside(path, clock, caplog):
    path.parent.mkdir(parents=True)
    path.write_bytes(b"this is not a database" * 200)
    state = SandboxState(path, clock=clock)
    assert state.all("payment_intent") == []
    aside = [p for p in path.parent.iterdir() if p.name.startswith("sandbox.sqlite3.unreadable-")]
    assert len(aside) == 1 and aside[0].read_bytes().startswith(b"this is not a database")
    assert "unreadable" in caplog.text


def test_expired_keys_are_pruned_after_restart(path, clock):
    create = {"amount": "1000", "currency": "usd"}
    first = Till(path, clock).post("/v1/payment_intents", create, key="k").json
    clock.advance(24 * 3600)
    fresh = Till(path, clock).post("/v1/payment_intents", create, key="k").json
    assert fresh["id"] != first["id"]


# -- a change that cannot be saved is not made ---------------------------------------------------


def _fill_the_disk(state: SandboxState) -> None:
    """A real SQLITE_FULL, as on a full disk: the database may not grow past its current size."""
    (pages,) = state.query_one("PRAGMA page_count")
    state.query_one(f"PRAGMA max_page_count = {pages}")


def test_a_change_that_cannot_be_saved_is_not_made_and_answers_500(path, clock):
    till = Till(path, clock)
    big = {f"metadata[k{i}]": "x" * 500 for i in range(50)}
    pi = till.post("/v1/payment_intents", {"amount": "1000", "currency": "usd", **big}).json
    _fill_the_disk(till.state)
    confirm = {"payment_method": "pm_card_visa"}

    failed = till.post(f"/v1/payment_intents/{pi['id']}/confirm", confirm, key="pay-1")
    assert failed.status_code == 500
    assert failed.json["error"]["type"] == "api_error"
    # This sandbox answers only what it saved: nothing of the failed confirm...
    assert till.get(f"/v1/payment_intents/{pi['id']}").json["status"] == "requires_payment_method"
    assert till.get("/v1/charges").json["data"] == []
    # ...and after a restart the same.
    restarted = Till(path, clock)
    assert restarted.get(f"/v1/payment_intents/{pi['id']}").json["latest_charge"] is None
    assert restarted.state.all("charge") == [] and restarted.state.all("payment_method") == []
    # The key was not burned by the failure: with room again, the retry runs for real.
    retry = restarted.post(f"/v1/payment_intents/{pi['id']}/confirm", confirm, key="pay-1")
    assert retry.status_code == 200 and "Idempotent-Replayed" not in retry.headers
    assert retry.json["status"] == "succeeded"


@pytest.mark.parametrize("key", [None, "pay-2"])  # with a key, the 500 itself is saved
def test_a_request_that_fails_midway_leaves_nothing_half_done(path, clock, monkeypatch, key):
    """A bug after the first writes (the PaymentMethod is stored, then the charge fails): all of
    the request is rolled back. Injected by monkeypatch: no fault of the control surface can
    make the sandbox's own code fail halfway."""
    from pos_app.sandbox import payment_intents

    def broken(*args, **kwargs):
        raise RuntimeError("bug in the middle of a confirm")
    till = Till(path, clock)
    pi = till.post("/v1/payment_intents", {"amount": "1000", "currency": "usd"}).json
    monkeypatch.setattr(payment_intents.objects, "charge_record", broken)
    failed = till.post(f"/v1/payment_intents/{pi['id']}/confirm", {"payment_method": "pm_card_visa"},
                       key=key)  # stores a PaymentMethod for the test card, then charges
    assert failed.status_code == 500 and failed.json["error"]["type"] == "api_error"
    assert till.state.all("payment_method") == []
    assert Till(path, clock).state.all("payment_method") == []


def test_a_legacy_json_state_file_is_migrated(tmp_path, clock):
    legacy = tmp_path / "sandbox.json"
    pi = {"id": "pi_legacy1", "object": "payment_intent", "amount": 1200, "currency": "eur",
          "status": "succeeded", "created": clock.now - 60, "metadata": {"cart_uuid": "c-9"},
          "latest_charge": "ch_legacy1", "_seq": 1}
    charge = {"id": "ch_legacy1", "object": "charge", "amount": 1200, "currency": "eur",
              "payment_intent": "pi_legacy1", "created": clock.now - 60, "status": "succeeded",
              "amount_captured": 1200, "amount_refunded": 0, "refunded": False, "metadata": {},
              "_seq": 2}
    saved = {"endpoint": "POST /v1/payment_intents", "params": "{}", "status": 200,
             "body": json.dumps({"id": "pi_legacy1"}), "created": clock.now - 60}
    legacy.write_text(json.dumps({
        "version": 1, "sequence": 2, "fingerprint_salt": "salt-from-json",
        "objects": {"payment_intent": {"pi_legacy1": pi}, "charge": {"ch_legacy1": charge},
                    "payment_method": {}, "refund": {}},
        "idempotency_keys": {"rev-legacy": saved}}))

    till = Till(tmp_path / "sandbox.json", clock)  # the old name still finds the folder's state

    assert till.state.path == tmp_path / "sandbox.sqlite3"
    assert not legacy.exists() and (tmp_path / "sandbox.json.migrated").exists()
    assert till.state.fingerprint_salt == "salt-from-json"
    assert till.get("/v1/payment_intents/pi_legacy1").json["amount"] == 1200
    replay = till.http.post("/v1/payment_intents", data={}, headers={
        **till.auth, "Idempotency-Key": "rev-legacy"})
    assert replay.headers["Idempotent-Replayed"] == "true"
    new = till.post("/v1/payment_intents", {"amount": "500", "currency": "eur"}).json
    assert new["id"] in [r["id"] for r in Till(tmp_path / "sandbox.sqlite3", clock).state.all(
        "payment_intent")][-1:]
