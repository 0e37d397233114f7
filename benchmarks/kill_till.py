"""The kill loop's till: a real `pos-app serve` process, its HTTP client, and the thread that kills it.

TillProcess starts `pos-app serve` in training mode on a data folder (its sandbox runs inside it,
state in the folder's sandbox.sqlite3, so what Stripe saw survives the kill) and reads the ready
line, then logs the training till's demo manager in (POST /session/login: selling needs someone
at the till, and the kill counts only the sale's own requests). TillClient talks to the endpoint
as a script would (token, JSON) and to the sandbox as the
card page's Stripe.js would (publishable key, client secret), and always knows which request is in
flight, so a kill can be attributed. Killer sends a real SIGKILL from outside the process.
"""

from __future__ import annotations

import http.client
import json
import os
import signal
import subprocess
import sys
import threading
import time
import urllib.parse
from pathlib import Path
from urllib.parse import urlsplit

from pos_app.testing.staff import DEMO_PINS

DEMO_MANAGER_PIN = DEMO_PINS["manager"]

READY_TIMEOUT = 60
REQUEST_TIMEOUT = 30
#: What a client sees when the till dies under it.
GONE = (ConnectionError, http.client.HTTPException, TimeoutError, OSError)


class TillGone(Exception):
    """The till stopped answering (killed) during a request."""


class TillProcess:
    """`pos-app serve --data-dir <folder>` in training mode, started and stopped from outside."""

    def __init__(self, data_dir: Path, log_name: str) -> None:
        env = {k: v for k, v in os.environ.items() if not k.startswith(("STRIPE_", "POS_"))}
        self.log_path = data_dir / log_name
        with open(self.log_path, "wb") as log:  # stderr to a file: nothing can fill a pipe and block it
            self.process = subprocess.Popen(
                [sys.executable, "-m", "pos_app.cli", "--env-file", os.devnull, "serve", "--data-dir", str(data_dir)],
                cwd=data_dir, env=env, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=log)
        self.line = self._ready_line()
        self._log_in()

    def _log_in(self, pin: str = DEMO_MANAGER_PIN) -> None:
        url = urlsplit(self.line["url"])
        connection = http.client.HTTPConnection(url.hostname or "127.0.0.1", url.port, timeout=10)
        try:
            connection.request("POST", "/session/login", json.dumps({"pin": pin}),
                               {"Authorization": f"Bearer {self.line['token']}", "Content-Type": "application/json"})
            response = connection.getresponse()
            if response.status != 200:
                raise RuntimeError(f"the till refused the demo manager's log-in: {response.read()[:200]!r}")
            response.read()
        finally:
            connection.close()

    def _ready_line(self) -> dict:
        result: dict = {}
        assert self.process.stdout is not None
        reader = threading.Thread(target=lambda: result.update(line=self.process.stdout.readline()), daemon=True)
        reader.start()
        reader.join(READY_TIMEOUT)
        if not result.get("line"):
            self.process.kill()
            self.process.wait()
            raise RuntimeError(f"no ready line from pos-app serve; see {self.log_path}")
        return json.loads(result["line"])

    def kill(self) -> None:
        """kill -9: no signal handler, no finally, no atexit runs."""
        try:
            os.kill(self.process.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        self.process.wait()
        self._close_stdout()

    def stop(self) -> int:
        """SIGTERM: the till's own clean stop; its exit code."""
        self.process.send_signal(signal.SIGTERM)
        code = self.process.wait(timeout=30)
        self._close_stdout()
        return code

    def _close_stdout(self) -> None:
        if self.process.stdout is not None:
            self.process.stdout.close()


class TillClient:
    """HTTP to one till's endpoint (and its sandbox, as the card page would); tracks what is in flight."""

    def __init__(self, line: dict) -> None:
        self.line = line
        self.progress = threading.Condition()
        self.started = 0  # requests begun, for the killer
        self.in_flight: str | None = None
        self.last: str = "start"
        self.finished = False

    def till(self, name: str, method: str, path: str, body: object = None,
             headers: dict[str, str] | None = None) -> tuple[int, dict]:
        all_headers = {"Authorization": f"Bearer {self.line['token']}", **(headers or {})}
        data = None
        if body is not None or method == "POST":
            data = json.dumps(body if body is not None else {}).encode()
            all_headers["Content-Type"] = "application/json"
        return self._send(name, self.line["url"], method, path, data, all_headers)

    def sandbox(self, name: str, path: str, fields: dict[str, str]) -> tuple[int, dict]:
        headers = {"Authorization": f"Bearer {self.line['publishable_key']}",
                   "Content-Type": "application/x-www-form-urlencoded"}
        return self._send(name, self.line["sandbox_url"], "POST", path, urllib.parse.urlencode(fields).encode(),
                          headers)

    def _send(self, name: str, base: str, method: str, path: str, data: bytes | None,
              headers: dict[str, str]) -> tuple[int, dict]:
        with self.progress:
            self.in_flight = name
            self.started += 1
            self.progress.notify_all()
        split = urlsplit(base)
        connection = http.client.HTTPConnection(split.hostname or "127.0.0.1", split.port, timeout=REQUEST_TIMEOUT)
        try:
            connection.request(method, path, body=data, headers=headers)
            response = connection.getresponse()
            status, raw = response.status, response.read()
        except GONE as exc:
            raise TillGone(f"{name}: {type(exc).__name__}") from None
        finally:
            connection.close()
            with self.progress:
                self.in_flight, self.last = None, name
        return status, json.loads(raw) if raw else {}

    def where(self) -> str:
        """Where the client is now: the request in flight, else the last one answered."""
        with self.progress:
            if self.in_flight is not None:
                return self.in_flight
            return "idle, sale over" if self.finished else f"after {self.last}"

    def finish(self) -> None:
        with self.progress:
            self.finished = True
            self.progress.notify_all()


class Killer(threading.Thread):
    """Kills the till once `after` requests have begun, `delay` seconds later (inside a request or
    between two), and remembers where the client was at that moment."""

    def __init__(self, till: TillProcess, client: TillClient, after: int, delay: float) -> None:
        super().__init__(name="kill-loop-killer", daemon=True)
        self.till, self.client, self.after, self.delay = till, client, after, delay
        self.point = ""

    def run(self) -> None:
        with self.client.progress:
            self.client.progress.wait_for(lambda: self.client.started >= self.after or self.client.finished,
                                          timeout=REQUEST_TIMEOUT * 4)
        time.sleep(self.delay)
        self.point = self.client.where()
        self.till.kill()
