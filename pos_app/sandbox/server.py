"""Serving the sandbox: in a thread of the app (SandboxServer) or standalone (`pos-app sandbox`)."""

from __future__ import annotations

import json
import logging
import re
import signal
import sys
import threading
from pathlib import Path

from pos_app.datalock import DataFolderLock
from pos_app.sandbox.app import create_sandbox_app
from pos_app.sandbox.state import SandboxState
from pos_app.serving import LOOPBACK, LoopbackServer

log = logging.getLogger(__name__)

STATE_FILE_NAME = "sandbox.sqlite3"


class _RedactClientSecrets:
    """werkzeug logs each request line; Stripe.js puts the client_secret in the query string, and
    the 3-D Secure redirect and receipt pages carry their own token in the path."""

    _SECRET = re.compile(r"(client_secret=)[^&\s\"]+")
    _PATH_TOKEN = re.compile(r"(/_sandbox/3ds/redirect/[^/\s]+/|/receipts/payment/[^/\s]+/)[^?\s\"]+")

    def __call__(self, text: str) -> str:
        return self._PATH_TOKEN.sub(r"\1[redacted]", self._SECRET.sub(r"\1[redacted]", text))


_redaction = _RedactClientSecrets()


class SandboxServer:
    """The sandbox API on 127.0.0.1 (port 0 = the OS picks); start() returns its base URL."""

    def __init__(self, state: SandboxState, port: int = 0, host: str = LOOPBACK) -> None:
        self.state = state
        self.app = create_sandbox_app(state)
        self._server = LoopbackServer(self.app, port=port, name="sandbox", log_redact=_redaction, host=host)

    @property
    def secret_key(self) -> str:
        return self.state.keys.secret

    @property
    def publishable_key(self) -> str:
        return self.state.keys.publishable

    @property
    def url(self) -> str:
        return self._server.url

    @property
    def running(self) -> bool:
        return self._server.running

    def start(self) -> str:
        return self._server.start()

    def stop(self) -> None:
        self._server.stop()

    def __enter__(self) -> SandboxServer:
        self.start()
        return self

    def __exit__(self, *exc) -> None:
        self.stop()


def run_standalone(port: int, data_dir: Path | None, host: str = LOOPBACK, keys_file: Path | None = None) -> int:
    """Serve until SIGINT/SIGTERM; print one JSON line with the URL, the publishable key and where
    the keys file is. The secret key goes only into that file (0600; default: the data folder's
    sandbox-keys.env): the settings lines a shop's tills need to share this sandbox (shared_sandbox.py)."""
    from pos_app.shared_sandbox import KEYS_FILE_NAME, SharedSandbox, write_keys_file
    path = Path(data_dir) / STATE_FILE_NAME if data_dir is not None else None
    if keys_file is None and data_dir is not None:
        keys_file = Path(data_dir) / KEYS_FILE_NAME
    lock = DataFolderLock(Path(data_dir), "pos-app sandbox") if data_dir is not None else None
    if lock is not None:
        Path(data_dir).mkdir(parents=True, exist_ok=True)
        lock.acquire()  # DataFolderInUse: the CLI prints it; nothing was read or started
    server = SandboxServer(SandboxState(path), port=port, host=host)
    try:
        url = server.start()
    except OSError as exc:
        print(f"pos-app sandbox: cannot listen on {host}:{port}: {exc}", file=sys.stderr)
        if lock is not None:
            lock.release()
        return 1
    stop = threading.Event()
    previous = {sig: signal.signal(sig, lambda *_: stop.set())
                for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        if keys_file is not None:
            write_keys_file(keys_file, SharedSandbox(url, server.publishable_key, server.secret_key))
        print(json.dumps({"sandbox_url": url, "publishable_key": server.publishable_key,
                          "state_file": str(path) if path else None,
                          "keys_file": str(keys_file) if keys_file else None}), flush=True)
        while not stop.wait(0.5):
            pass
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
        server.stop()
        if lock is not None:
            lock.release()
    return 0
