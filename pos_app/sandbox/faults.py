"""Fault injection for the project's own tests: the sandbox misbehaves on request, at the network's edge.

Control surface (secret key only; see docs/sandbox.md): `POST /_sandbox/faults` adds a rule,
`GET /_sandbox/faults` lists rules with their hit counts, `DELETE /_sandbox/faults` clears them.
A rule matches requests by method and path (a glob: `/v1/payment_intents/*/confirm`) and fires `times`
times (default 1):

- `drop_response`: the request runs and commits, then the connection is closed without an answer
  (the client sees a connection error, as when the network fails after Stripe acted);
- `error_500`: the request is answered Stripe's 500 api_error as if it failed at execution: nothing
  changes, and the 500 is saved against its Idempotency-Key (Stripe replays 500s);
- `delay`: the request waits `delay_ms` before it runs (a client with a shorter timeout gives up);
- `unreachable`: for `duration_ms`, every connection (except to this control surface) is closed
  unanswered, as if the sandbox were down.

Terminal reader faults (`reader`: a reader id, or any reader when left out), acted on by the reader
endpoints themselves (sandbox/readers.py), not at the network's edge:

- `reader_offline`: the reader shows `status: offline` and its actions answer Stripe's
  terminal_reader_offline, for `duration_ms`, or else for the next `times` action requests;
- `reader_busy`: the next `times` action requests answer terminal_reader_busy (as when another
  till's action is in progress on it);
- `customer_cancel`: the next `times` process_payment_intent start, then the customer presses
  Cancel on the reader: the action fails (failure_code customer_canceled) when next looked at;
- `reader_timeout`: the next `times` process_payment_intent never finish: the action stays
  in_progress and taps are lost, until cancel_action.

FaultControl is the client the tests use.
"""

from __future__ import annotations

import fnmatch
import json
import socket
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import asdict, dataclass

from pos_app.sandbox.forms import Enum, Int, Str
from pos_app.sandbox.state import random_token

HTTP_ACTIONS = ("drop_response", "error_500", "delay")
READER_ACTIONS = ("reader_offline", "reader_busy", "customer_cancel", "reader_timeout")
ACTIONS = (*HTTP_ACTIONS, "unreachable", *READER_ACTIONS)
CONTROL_PATH = "/_sandbox/faults"
ENVIRON_KEY = "pos_sandbox.fault"

CREATE = {"action": Enum(*ACTIONS, required=True), "method": Enum("GET", "POST", "DELETE"),
          "path": Str(), "times": Int(), "delay_ms": Int(), "duration_ms": Int(), "reader": Str()}


@dataclass
class Fault:
    id: str
    action: str
    method: str | None
    path: str | None
    times: int
    delay_ms: int
    duration_ms: int
    hits: int = 0
    reader: str | None = None
    expires: float = 0.0  # monotonic time a timed reader_offline ends (0: counted by times)

    def matches(self, method: str, path: str) -> bool:
        if self.method and self.method != method:
            return False
        return not self.path or fnmatch.fnmatchcase(path, self.path)

    def public(self) -> dict:
        public = {k: v for k, v in asdict(self).items() if k != "expires"}
        return {"object": "sandbox.fault", **public, "remaining": self.times - self.hits}

    def for_reader(self, action: str, reader_id: str) -> bool:
        return self.action == action and self.reader in (None, reader_id)

    def live(self, now: float) -> bool:
        return now < self.expires if self.expires else self.hits < self.times


class Faults:
    """The active rules of one sandbox (in memory: a restart clears them)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._rules: list[Fault] = []
        self._down_until = 0.0

    def add(self, params: dict) -> Fault:
        fault = Fault(id=f"fault_{random_token(10)}", action=params["action"],
                      method=params.get("method"), path=params.get("path"),
                      times=max(1, params.get("times", 1)), delay_ms=max(0, params.get("delay_ms", 0)),
                      duration_ms=max(0, params.get("duration_ms", 0)),
                      reader=params.get("reader"))
        with self._lock:
            if fault.action == "reader_offline" and fault.duration_ms:
                fault.expires = time.monotonic() + fault.duration_ms / 1000
            if fault.action == "unreachable":
                fault.hits = fault.times  # not a per-request rule
                self._down_until = time.monotonic() + fault.duration_ms / 1000
            self._rules.append(fault)
        return fault

    def clear(self) -> None:
        with self._lock:
            self._rules.clear()
            self._down_until = 0.0

    def rules(self) -> list[Fault]:
        with self._lock:
            return list(self._rules)

    def down(self) -> bool:
        with self._lock:
            return time.monotonic() < self._down_until

    def reader_offline(self, reader_id: str) -> bool:
        """Whether a reader_offline rule holds the reader offline now (nothing counted)."""
        now = time.monotonic()
        with self._lock:
            return any(f.for_reader("reader_offline", reader_id) and f.live(now)
                       for f in self._rules)

    def take_reader(self, action: str, reader_id: str) -> bool:
        """Whether a live reader rule of this kind fires for the reader (counted as fired)."""
        now = time.monotonic()
        with self._lock:
            for fault in self._rules:
                if fault.for_reader(action, reader_id) and fault.live(now):
                    fault.hits += 0 if fault.expires else 1
                    return True
        return False

    def take(self, method: str, path: str) -> Fault | None:
        """The first live rule matching the request, counted as fired."""
        with self._lock:
            for fault in self._rules:
                if fault.action in HTTP_ACTIONS and fault.hits < fault.times \
                        and fault.matches(method, path):
                    fault.hits += 1
                    return fault
        return None


class FaultInjector:
    """WSGI middleware around the sandbox's Flask app that carries out the rules."""

    def __init__(self, app, faults: Faults) -> None:
        self.app = app
        self.faults = faults

    def __call__(self, environ, start_response):
        path = environ.get("PATH_INFO", "")
        if path == CONTROL_PATH:
            return self.app(environ, start_response)
        if self.faults.down():
            _drop_connection(environ)
        fault = self.faults.take(environ.get("REQUEST_METHOD", "GET"), path)
        if fault is None:
            return self.app(environ, start_response)
        if fault.action == "delay":
            threading.Event().wait(fault.delay_ms / 1000)
            return self.app(environ, start_response)
        if fault.action == "error_500":
            environ[ENVIRON_KEY] = "error_500"  # acted on inside the request's execution
            return self.app(environ, start_response)
        response = self.app(environ, lambda *args, **kwargs: None)
        try:
            for _ in response:  # run it to the end: the change is committed
                pass
        finally:
            close = getattr(response, "close", None)
            if close is not None:
                close()
        _drop_connection(environ)


def _drop_connection(environ) -> None:
    """Close the client's connection unanswered; werkzeug treats the ConnectionError as a drop."""
    sock = environ.get("werkzeug.socket")
    if sock is not None:
        try:
            sock.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass
    raise ConnectionAbortedError("connection dropped by an injected sandbox fault")


# ------------------------------------------------------------------------------------- client

class FaultControl:
    """The control surface over HTTP, as a test uses it: `FaultControl(url, secret_key)`."""

    def __init__(self, sandbox_url: str, secret_key: str) -> None:
        self._url = sandbox_url.rstrip("/") + CONTROL_PATH
        self._auth = {"Authorization": f"Bearer {secret_key}"}

    def drop_response(self, method: str, path: str, times: int = 1) -> dict:
        return self._add(action="drop_response", method=method, path=path, times=times)

    def error_500(self, method: str, path: str, times: int = 1) -> dict:
        return self._add(action="error_500", method=method, path=path, times=times)

    def delay(self, method: str, path: str, delay_ms: int, times: int = 1) -> dict:
        return self._add(action="delay", method=method, path=path, delay_ms=delay_ms, times=times)

    def unreachable(self, duration_ms: int) -> dict:
        return self._add(action="unreachable", duration_ms=duration_ms)

    def reader_offline(self, reader: str | None = None, *, duration_ms: int = 0,
                       times: int = 1) -> dict:
        return self._reader_fault("reader_offline", reader, times, duration_ms=duration_ms)

    def reader_busy(self, reader: str | None = None, times: int = 1) -> dict:
        return self._reader_fault("reader_busy", reader, times)

    def customer_cancel(self, reader: str | None = None, times: int = 1) -> dict:
        return self._reader_fault("customer_cancel", reader, times)

    def reader_timeout(self, reader: str | None = None, times: int = 1) -> dict:
        return self._reader_fault("reader_timeout", reader, times)

    def _reader_fault(self, action: str, reader: str | None, times: int, **fields) -> dict:
        if reader is not None:
            fields["reader"] = reader
        return self._add(action=action, times=times, **fields)

    def clear(self) -> None:
        self._send("DELETE")

    def rules(self) -> list[dict]:
        return self._send("GET")["data"]

    def hits(self, fault_id: str) -> int:
        return next(r["hits"] for r in self.rules() if r["id"] == fault_id)

    def _add(self, **fields) -> dict:
        return self._send("POST", {k: str(v) for k, v in fields.items()})

    def _send(self, method: str, fields: dict | None = None) -> dict:
        body = urllib.parse.urlencode(fields).encode() if fields else None
        request = urllib.request.Request(self._url, data=body, method=method, headers=self._auth)
        try:
            with urllib.request.urlopen(request, timeout=10) as response:
                return json.loads(response.read())
        except urllib.error.HTTPError as exc:
            with exc:
                raise RuntimeError(f"sandbox fault control refused: {exc.read()!r}") from None
