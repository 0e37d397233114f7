"""`pos-app serve` in a subprocess, driven over real HTTP as a tester or a script would."""

from __future__ import annotations

import http.client
import json
import os
import signal
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from pos_app.sandbox import SandboxState
from pos_app.sandbox.server import STATE_FILE_NAME
from pos_app.testing.staff import DEMO_PINS

from tests.integration.web.web_helpers import DECLINED, SUCCEEDS, confirm_as_browser

pytestmark = pytest.mark.slow
READY_TIMEOUT = 30


class Serve:
    """A running `pos-app serve`; its stdout's first line is the ready line."""

    def __init__(self, data_dir, *args: str) -> None:
        env = {k: v for k, v in os.environ.items() if not k.startswith(("STRIPE_", "POS_"))}
        self.process = subprocess.Popen(
            [sys.executable, "-m", "pos_app.cli", "serve", "--data-dir", str(data_dir), *args],
            cwd=data_dir, env=env, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
            text=True)
        self.stderr_lines: list[str] = []
        self._stderr_reader = threading.Thread(target=self._drain_stderr, daemon=True)
        self._stderr_reader.start()
        self.line = self._ready_line()
        self.url = self.line["url"]
        self.port = urlsplit(self.url).port
        self.seen: list[str] = []  # every answer's headers and body
        # The sandbox's own secret key, from its data folder (for checks that it never leaks).
        self.sandbox_secret_key = SandboxState(Path(data_dir) / STATE_FILE_NAME).keys.secret

    def _drain_stderr(self) -> None:
        for line in self.process.stderr:
            self.stderr_lines.append(line)

    def _ready_line(self) -> dict:
        result: dict = {}
        reader = threading.Thread(target=lambda: result.update(line=self.process.stdout.readline()), daemon=True)
        reader.start()
        reader.join(READY_TIMEOUT)
        if not result.get("line"):
            self.process.kill()
            raise AssertionError("no ready line; stderr:\n" + "".join(self.stderr_lines))
        return json.loads(result["line"])

    def request(self, method: str, path: str, body=None, *, token: bool = True, headers=None,
                raw: bytes | None = None) -> tuple[int, dict, bytes]:
        all_headers = {"Authorization": f"Bearer {self.line['token']}"} if token else {}
        data = raw
        if body is not None:
            data = json.dumps(body).encode()
            all_headers["Content-Type"] = "application/json"
        all_headers.update(headers or {})
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=10)
        try:
            connection.putrequest(method, path, skip_host="Host" in all_headers)
            if data is not None and "Transfer-Encoding" not in all_headers:
                all_headers["Content-Length"] = str(len(data))
            for name, value in all_headers.items():
                connection.putheader(name, value)
            connection.endheaders()
            if data is not None:
                if all_headers.get("Transfer-Encoding") == "chunked":
                    for start in range(0, len(data), 8192):
                        part = data[start:start + 8192]
                        connection.send(f"{len(part):x}\r\n".encode() + part + b"\r\n")
                    connection.send(b"0\r\n\r\n")
                else:
                    connection.send(data)
            response = connection.getresponse()
            content = response.read()
            self.seen.append(str(response.headers) + content.decode("utf-8", "replace"))
            return response.status, dict(response.headers), content
        finally:
            connection.close()

    def login(self, pin: str = DEMO_PINS["manager"]) -> dict:
        """Log a demo user in, as a script does before it sells (the till's one session)."""
        status, answer = self.json("POST", "/session/login", {"pin": pin})
        assert status == 200, answer
        return answer

    def json(self, method: str, path: str, body=None, **kw) -> tuple[int, dict]:
        status, _, content = self.request(method, path, body, **kw)
        return status, json.loads(content)

    def stop(self, sig=signal.SIGTERM, timeout: float = 10) -> int:
        if self.process.stdout.closed:  # stopped already
            return self.process.returncode
        if self.process.poll() is None:
            self.process.send_signal(sig)
        try:
            code = self.process.wait(timeout)
        finally:
            if self.process.poll() is None:
                self.process.kill()
                self.process.wait()
        self._stderr_reader.join(5)
        self.rest_of_stdout = self.process.stdout.read()
        self.process.stdout.close()
        self.process.stderr.close()
        return code


def open_a_shift(data_dir: Path) -> None:
    """What `pos-app shift open` does before a headless till sells: a shift with float 0."""
    from pos_app.store import open_store
    from pos_app.testing.plugin import ensure_open_shift, training_settings

    settings = training_settings(data_dir)
    with open_store(settings.database_path, settings.pricing, seed_demo=True) as store:
        ensure_open_shift(store, settings)


@pytest.fixture
def serve(tmp_path):
    open_a_shift(tmp_path)  # a till sells only within an open shift
    running = Serve(tmp_path, "-v")  # with the access log (and debug lines): the redaction sees them all
    running.login()
    yield running
    running.stop()


def test_the_ready_line(serve):
    line = serve.line
    assert set(line) == {"url", "token", "mode", "sandbox_url", "publishable_key"}
    assert line["mode"] == "training"
    assert line["url"].startswith("http://127.0.0.1:")
    assert line["sandbox_url"].startswith("http://127.0.0.1:") and line["sandbox_url"] != line["url"]
    assert line["publishable_key"].startswith("pk_test_")
    assert len(line["token"]) >= 32


def test_the_newcomer_s_curl_session(serve):
    """POST /session/login, GET /cart, POST /cart, POST /create-payment-intent, pay as Stripe.js would,
    POST /checkout/complete, GET /orders."""
    assert serve.json("POST", "/session/logout")[1] == {"user": None}
    status, refused = serve.json("POST", "/cart", {"items": {"item1": {"qty": 1}}})
    assert status == 401 and refused["error"]["code"] == "login_required"
    assert serve.login(DEMO_PINS["cashier"]) == {"user": {"name": "Demo Cashier", "role": "cashier"}}
    assert serve.json("GET", "/session")[1]["user"]["role"] == "cashier"
    status, cart = serve.json("GET", "/cart")
    assert status == 200 and cart["items"] == {}
    status, cart = serve.json("POST", "/cart", {"items": {"item1": {"qty": 2}, "item2": {"qty": 1, "price": 1}}})
    assert status == 200
    assert cart["items"]["item1"] == {"price": 500, "qty": 2, "name": "Item 1", "line_total": 1000}
    assert cart["items"]["item2"]["price"] == 1000
    status, again = serve.json("POST", "/cart", {"items": {"item1": {"qty": 2}, "item2": {"qty": 1}}})
    assert again["uuid"] == cart["uuid"]

    status, payment = serve.json("POST", "/create-payment-intent", {"amount": 1})
    assert status == 200 and payment["amount"] == cart["total"] and payment["currency"] == "usd"
    assert serve.json("POST", "/create-payment-intent")[1] == payment
    assert serve.json("POST", "/cart", {"items": {}})[0] == 409

    declined = confirm_as_browser(serve.line, payment["client_secret"], DECLINED)
    assert declined["error"]["code"] == "card_declined"
    assert serve.json("POST", "/checkout/complete", {"payment_intent": payment["payment_intent"]})[0] == 409
    paid = confirm_as_browser(serve.line, payment["client_secret"], SUCCEEDS)
    assert paid["status"] == "succeeded"

    status, done = serve.json("POST", "/checkout/complete", {"payment_intent": payment["payment_intent"]})
    assert status == 200 and done["order"]["amount"] == cart["total"]
    assert serve.json("POST", "/checkout/complete", {"payment_intent": payment["payment_intent"]})[1] == done
    status, orders = serve.json("GET", "/orders")
    assert [o["payment_intent"] for o in orders["orders"]] == [payment["payment_intent"]]
    assert orders["orders"][0]["lines"][0]["sku"] == "item1"
    assert serve.json("GET", "/cart")[1]["items"] == {}

    # Per-line updates and the pages, over the wire.
    assert serve.json("PUT", "/cart/items/item3", {"qty": 2})[1]["line"]["qty"] == 2
    assert serve.json("DELETE", "/cart/items/item3")[1]["line"] is None
    status, headers, _ = serve.request("GET", f"/checkout?token={serve.line['token']}", token=False)
    assert status == 303 and "HttpOnly" in headers["Set-Cookie"]

    assert serve.stop() == 0
    assert serve.rest_of_stdout == ""  # one line, nothing else
    # Neither answers nor logs carry the secret key; logs don't carry the token either.
    logs = "".join(serve.stderr_lines)
    for text in [*serve.seen, logs]:
        assert serve.sandbox_secret_key not in text
    assert serve.line["token"] not in logs
    assert payment["client_secret"] not in logs
    assert '"pin"' not in logs  # the PIN went in a body, which no log line holds
    assert "POST /session/login" in logs and "POST /checkout/complete" in logs  # the access log is there, only redacted


def test_refusals_over_the_wire(serve):
    port = serve.port
    assert serve.request("GET", "/cart", token=False)[0] == 401
    assert serve.request("GET", "/cart", headers={"Authorization": "Bearer nope"})[0] == 401
    assert serve.request("GET", "/cart", headers={"Host": f"evil.example:{port}"})[0] == 403
    assert serve.request("GET", "/cart", headers={"Host": "127.0.0.1"})[0] == 403
    assert serve.request("GET", "/cart", headers={"Host": f"localhost:{port}"})[0] == 200
    assert serve.request("POST", "/cart", {"items": {}}, headers={"Origin": "http://evil.example"})[0] == 403
    assert serve.request("POST", "/cart", {"items": {}}, headers={"Origin": serve.line["sandbox_url"]})[0] == 403
    assert serve.request("POST", "/cart", {"items": {}}, headers={"Origin": serve.url})[0] == 200
    assert serve.json("POST", "/cart", {"items": {"nope": {"qty": 1}}})[0] == 400
    assert serve.request("POST", "/cart", raw=b"{", headers={"Content-Type": "application/json"})[0] == 400

    big = json.dumps({"items": {"item1": {"qty": 1, "note": "x" * 70_000}}}).encode()
    for headers in ({"Content-Type": "application/json"},
                    {"Content-Type": "application/json", "Transfer-Encoding": "chunked"}):
        status, _, content = serve.request("POST", "/cart", raw=big, headers=headers)
        assert status == 413, headers
        assert "64 KiB" in json.loads(content)["error"]["message"]
    status, _, _ = serve.request("POST", "/cart", raw=json.dumps({"items": {"item1": {"qty": 1}}}).encode(),
                                 headers={"Content-Type": "application/json", "Transfer-Encoding": "chunked"})
    assert status == 200
    assert serve.json("GET", "/cart")[1]["items"]["item1"]["qty"] == 1

    for path in ("/cart", "/checkout", "/static/checkout.js", "/nope"):
        _, headers, _ = serve.request("GET", path)
        assert "default-src 'self'" in headers["Content-Security-Policy"]
        assert serve.line["sandbox_url"] in headers["Content-Security-Policy"]
    assert not [t for t in serve.seen if serve.sandbox_secret_key in t]


def test_sigint_stops_it_cleanly_and_the_data_survives(tmp_path):
    first = Serve(tmp_path)
    try:
        first.login()
        assert first.json("PUT", "/cart/items/item4", {"qty": 3})[0] == 200
        started = time.monotonic()
        assert first.stop(signal.SIGINT) == 0
        assert time.monotonic() - started < 5
        assert "Traceback" not in "".join(first.stderr_lines)
    finally:
        first.stop()
    second = Serve(tmp_path)
    try:
        assert second.line["token"] != first.line["token"]  # a new token per launch
        assert second.json("GET", "/cart")[1]["items"]["item4"]["qty"] == 3
        with pytest.raises(urllib.error.HTTPError) as refused:  # the old token opens nothing
            urllib.request.urlopen(urllib.request.Request(
                second.url + "/cart", headers={"Authorization": f"Bearer {first.line['token']}"}), timeout=10)
        assert refused.value.code == 401
        refused.value.close()
    finally:
        assert second.stop() == 0


def test_a_fixed_port(tmp_path):
    import socket
    with socket.socket() as probe:  # a port free a moment ago; fine for a test of --port
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    running = Serve(tmp_path, "--port", str(port))
    try:
        assert running.url == f"http://127.0.0.1:{port}"
    finally:
        assert running.stop() == 0
