"""State survives a restart of the app: same data file, new SandboxState."""

from __future__ import annotations

import json

import pytest

from pos_app.sandbox import SandboxState, create_sandbox_app

from .conftest import FakeClock
from .sandbox_helpers import PUBLISHABLE_AUTH, SECRET_AUTH


@pytest.fixture
def path(tmp_path):
    return tmp_path / "data" / "sandbox.json"


def wire_for(state):
    return create_sandbox_app(state).test_client()


def test_payments_survive_a_restart(path, clock):
    first = wire_for(SandboxState(path, clock=clock))
    pi = first.post("/v1/payment_intents", headers={**SECRET_AUTH, "Idempotency-Key": "rev-1"},
                    data={"amount": "1000", "currency": "usd", "confirm": "true",
                          "payment_method": "pm_card_visa"}).json
    assert pi["status"] == "succeeded"

    restarted = wire_for(SandboxState(path, clock=clock))
    again = restarted.get(f"/v1/payment_intents/{pi['id']}", headers=SECRET_AUTH).json
    assert again["status"] == "succeeded" and again["amount_received"] == 1000
    assert restarted.get(f"/v1/charges/{pi['latest_charge']}",
                         headers=SECRET_AUTH).status_code == 200
    refund = restarted.post("/v1/refunds", headers=SECRET_AUTH,
                            data={"payment_intent": pi["id"], "amount": "400"})
    assert refund.status_code == 200
    replay = restarted.post("/v1/payment_intents",
                            headers={**SECRET_AUTH, "Idempotency-Key": "rev-1"},
                            data={"amount": "1000", "currency": "usd", "confirm": "true",
                                  "payment_method": "pm_card_visa"})
    assert replay.headers["Idempotent-Replayed"] == "true" and replay.json["id"] == pi["id"]

    third = wire_for(SandboxState(path, clock=clock))
    charge = third.get(f"/v1/charges/{pi['latest_charge']}", headers=SECRET_AUTH).json
    assert charge["amount_refunded"] == 400


def test_fingerprints_stay_stable_across_restart(path, clock):
    data = {"type": "card", "card[number]": "4242424242424242", "card[exp_month]": "1",
            "card[exp_year]": "2030", "card[cvc]": "123"}
    one = wire_for(SandboxState(path, clock=clock)).post("/v1/payment_methods", data=data,
                                                         headers=PUBLISHABLE_AUTH).json
    two = wire_for(SandboxState(path, clock=clock)).post("/v1/payment_methods", data=data,
                                                         headers=PUBLISHABLE_AUTH).json
    assert one["card"]["fingerprint"] == two["card"]["fingerprint"]


def test_file_is_json_without_card_numbers_or_temp_files(path, clock):
    wire = wire_for(SandboxState(path, clock=clock))
    wire.post("/v1/payment_intents", headers=SECRET_AUTH, data={
        "amount": "1000", "currency": "usd", "confirm": "true",
        "payment_method_data[type]": "card",
        "payment_method_data[card][token]": "tok_mastercard"})
    text = path.read_text()
    data = json.loads(text)
    assert len(data["objects"]["payment_intent"]) == 1
    assert "5555555555554444" not in text and "321" not in text.replace("4321", "")
    assert [p.name for p in path.parent.iterdir()] == ["sandbox.json"]


def test_reads_do_not_rewrite_the_file(path, clock):
    wire = wire_for(SandboxState(path, clock=clock))
    wire.post("/v1/payment_intents", headers=SECRET_AUTH, data={"amount": "1000",
                                                                "currency": "usd"})
    before = path.stat().st_mtime_ns
    path.write_text(path.read_text())  # same content, but a rewrite would bump mtime again
    touched = path.stat().st_mtime_ns
    wire.get("/v1/payment_intents", headers=SECRET_AUTH)
    assert path.stat().st_mtime_ns == touched >= before


def test_in_memory_state_writes_nothing(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    wire = wire_for(SandboxState(clock=FakeClock()))
    wire.post("/v1/payment_intents", headers=SECRET_AUTH, data={"amount": "1000",
                                                                "currency": "usd"})
    assert list(tmp_path.iterdir()) == []


def test_unreadable_file_is_kept_aside(path, clock, caplog):
    path.parent.mkdir(parents=True)
    path.write_text("{not json")
    state = SandboxState(path, clock=clock)
    assert state.all("payment_intent") == []
    aside = [p for p in path.parent.iterdir() if p.name.startswith("sandbox.json.unreadable-")]
    assert len(aside) == 1 and aside[0].read_text() == "{not json"
    assert "unreadable" in caplog.text


def test_expired_keys_are_pruned_after_restart(path, clock):
    wire = wire_for(SandboxState(path, clock=clock))
    first = wire.post("/v1/payment_intents", headers={**SECRET_AUTH, "Idempotency-Key": "k"},
                      data={"amount": "1000", "currency": "usd"}).json
    clock.advance(24 * 3600)
    restarted = wire_for(SandboxState(path, clock=clock))
    fresh = restarted.post("/v1/payment_intents", headers={**SECRET_AUTH, "Idempotency-Key": "k"},
                           data={"amount": "1000", "currency": "usd"}).json
    assert fresh["id"] != first["id"]
