"""Run a WSGI app on loopback in a daemon thread (werkzeug's make_server, port 0 by default).

Used by the local endpoint and by the training sandbox. The bound port is read back from the
server, never probed first and bound later (that races with other programs).
"""

from __future__ import annotations

import logging
import ssl
import threading

from werkzeug.serving import BaseWSGIServer, make_server

log = logging.getLogger(__name__)

LOOPBACK = "127.0.0.1"


class LoopbackServer:
    """A threaded werkzeug server bound to 127.0.0.1; start() returns once it accepts connections."""

    def __init__(self, app, *, port: int = 0, ssl_context: ssl.SSLContext | None = None,
                 name: str = "server") -> None:
        self._app = app
        self._requested_port = port
        self._ssl_context = ssl_context
        self._name = name
        self._server: BaseWSGIServer | None = None
        self._thread: threading.Thread | None = None

    @property
    def port(self) -> int:
        if self._server is None:
            raise RuntimeError(f"{self._name} is not running")
        return self._server.server_port

    @property
    def url(self) -> str:
        scheme = "https" if self._ssl_context else "http"
        return f"{scheme}://{LOOPBACK}:{self.port}"

    @property
    def running(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    def start(self) -> str:
        if self._server is not None:
            raise RuntimeError(f"{self._name} already started")
        self._server = make_server(LOOPBACK, self._requested_port, self._app, threaded=True,
                                   ssl_context=self._ssl_context)
        self._server.daemon_threads = True
        # A short poll interval makes stop() take ~50 ms instead of werkzeug's 0.5 s.
        self._thread = threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.05},
                                        name=f"pos-{self._name}", daemon=True)
        self._thread.start()
        log.info("%s listening on %s", self._name, self.url)
        return self.url

    def stop(self, timeout: float = 5.0) -> None:
        if self._server is None:
            return
        self._server.shutdown()
        if self._thread is not None:
            self._thread.join(timeout)
        self._server.server_close()
        log.info("%s stopped", self._name)
        self._server = None
        self._thread = None

    def __enter__(self) -> "LoopbackServer":
        self.start()
        return self

    def __exit__(self, *exc) -> None:
        self.stop()
