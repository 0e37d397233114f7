"""SandboxServer on loopback, and `pos-app sandbox` standalone."""

from __future__ import annotations

import json
import logging
import signal
import subprocess
import sys

import stripe

from pos_app.sandbox import SandboxServer, SandboxState


def test_server_binds_loopback_on_an_os_port_and_stops():
    server = SandboxServer(SandboxState())
    url = server.start()
    try:
        assert url.startswith("http://127.0.0.1:") and not url.endswith(":0")
        assert server.url == url
        client = stripe.StripeClient(server.secret_key, base_addresses={"api": url},
                                     max_network_retries=0)
        pi = client.v1.payment_intents.create(params={"amount": 700, "currency": "eur"})
        assert client.v1.payment_intents.retrieve(pi.id).amount == 700
    finally:
        server.stop()
    assert not server.running


def test_request_log_redacts_client_secrets(caplog):
    caplog.set_level(logging.INFO, logger="werkzeug")
    state = SandboxState()
    with SandboxServer(state) as server:
        client = stripe.StripeClient(server.secret_key, base_addresses={"api": server.url},
                                     max_network_retries=0)
        pi = client.v1.payment_intents.create(params={"amount": 700, "currency": "eur"})
        client.v1.payment_intents.retrieve(pi.id, params={"client_secret": pi.client_secret})
    assert "client_secret=[redacted]" in caplog.text
    assert pi.client_secret not in caplog.text


def test_request_log_redacts_the_receipt_and_3ds_redirect_tokens(caplog):
    import urllib.request
    caplog.set_level(logging.INFO, logger="werkzeug")
    with SandboxServer(SandboxState()) as server:
        client = stripe.StripeClient(server.secret_key, base_addresses={"api": server.url},
                                     max_network_retries=0)
        paid = client.v1.payment_intents.create(params={
            "amount": 700, "currency": "eur", "confirm": True, "payment_method": "pm_card_visa",
            "expand": ["latest_charge"]})
        with urllib.request.urlopen(paid.latest_charge.receipt_url, timeout=10):
            pass
        pi = client.v1.payment_intents.create(params={
            "amount": 700, "currency": "eur", "confirm": True, "return_url": "https://till.example/",
            "payment_method": "pm_card_authenticationRequired"})
        redirect = pi.next_action.redirect_to_url.url
        with urllib.request.urlopen(redirect, timeout=10):
            pass
    receipt_token = paid.latest_charge.receipt_url.rsplit("/", 1)[1]
    redirect_token = redirect.rsplit("/", 1)[1]
    assert f"/receipts/payment/{paid.latest_charge.id}/[redacted]" in caplog.text
    assert "/_sandbox/3ds/redirect/" in caplog.text
    assert receipt_token not in caplog.text and redirect_token not in caplog.text


def test_standalone_prints_url_serves_and_stops_on_sigterm(tmp_path):
    script = ("import sys; from pathlib import Path; from pos_app.sandbox import run_standalone; "
              "sys.exit(run_standalone(0, Path(sys.argv[1])))")
    proc = subprocess.Popen([sys.executable, "-c", script, str(tmp_path)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        line = proc.stdout.readline()
        info = json.loads(line)
        assert info["sandbox_url"].startswith("http://127.0.0.1:")
        keys_file = tmp_path / "sandbox-keys.env"
        assert info["keys_file"] == str(keys_file) and keys_file.stat().st_mode & 0o777 == 0o600
        keys = dict(row.split("=", 1) for row in keys_file.read_text().splitlines())
        assert keys["POS_SANDBOX_URL"] == info["sandbox_url"]
        assert keys["POS_SANDBOX_PUBLISHABLE_KEY"] == info["publishable_key"]
        secret = keys["POS_SANDBOX_SECRET_KEY"]
        assert secret.startswith("sk_test_") and secret not in line and "secret_key" not in info
        client = stripe.StripeClient(secret,
                                     base_addresses={"api": info["sandbox_url"]},
                                     max_network_retries=0)
        client.v1.payment_intents.create(params={"amount": 700, "currency": "usd"})
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(10) == 0
        assert secret not in proc.stdout.read() + proc.stderr.read()  # never printed nor logged
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        proc.stdout.close()
        proc.stderr.close()
    assert (tmp_path / "sandbox.sqlite3").exists()
