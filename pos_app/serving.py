"""Run a WSGI app on loopback in a daemon thread (werkzeug's threaded server, port 0 by default).

Used by the local endpoint and by the training sandbox. The bound port is read back from the
server, never probed first and bound later (that races with other programs). Any local program can
connect, so the server is hardened against idle and half-open clients: every connection has a socket
timeout (an idle keep-alive or a stalled request is closed), at most MAX_CONNECTIONS are served at
once (more get an immediate 503), and the TLS handshake runs on the connection's thread, under that
timeout, not in the accept loop (where one silent client would stop the server).
"""

from __future__ import annotations

import logging
import ssl
import threading
from collections.abc import Callable

from werkzeug.serving import ThreadedWSGIServer, WSGIRequestHandler

log = logging.getLogger(__name__)

LOOPBACK = "127.0.0.1"
CONNECTION_TIMEOUT_S = 15.0  # an idle or stalled connection is closed after this long
MAX_CONNECTIONS = 32  # connection threads at once; the till itself needs a handful

BUSY_RESPONSE = (b"HTTP/1.1 503 Service Unavailable\r\nContent-Type: application/json\r\n"
                 b"Connection: close\r\nContent-Length: 58\r\n\r\n"
                 b'{"error": {"message": "too many connections; try again"}}\n')


class _RequestHandler(WSGIRequestHandler):
    """werkzeug's handler with its server's connection timeout and access-log redaction."""

    log_redact: Callable[[str], str] | None = None

    def log(self, type: str, message: str, *args) -> None:
        redact = self.log_redact
        if redact is None:
            super().log(type, message, *args)
            return
        super().log(type, "%s", redact(message % args if args else message))


class BoundedServer(ThreadedWSGIServer):
    """werkzeug's ThreadedWSGIServer with a connection cap, a socket timeout and lazy TLS."""

    def __init__(self, host: str, port: int, app, *, ssl_context: ssl.SSLContext | None,
                 timeout_s: float, max_connections: int, log_redact: Callable[[str], str] | None = None) -> None:
        # staticmethod: the redaction is a plain function, not a method of the handler.
        handler = type("TimedRequestHandler", (_RequestHandler,),
                       {"timeout": timeout_s, "log_redact": staticmethod(log_redact) if log_redact else None})
        super().__init__(host, port, app, handler=handler)  # plain socket: TLS is per connection
        self.ssl_context = ssl_context  # werkzeug reads it for wsgi.url_scheme
        self._slots = threading.BoundedSemaphore(max_connections)
        self.daemon_threads = True

    def get_request(self):
        sock, address = self.socket.accept()
        if self.ssl_context is not None:
            # The handshake happens on the first read, on the connection's thread, under its timeout.
            sock = self.ssl_context.wrap_socket(sock, server_side=True, do_handshake_on_connect=False)
        return sock, address

    def process_request(self, request, client_address) -> None:
        if not self._slots.acquire(blocking=False):
            try:
                request.settimeout(1.0)
                if self.ssl_context is None:
                    request.sendall(BUSY_RESPONSE)
            except OSError:
                pass
            self.shutdown_request(request)
            return
        try:
            super().process_request(request, client_address)
        except BaseException:
            self._slots.release()
            raise

    def process_request_thread(self, request, client_address) -> None:
        try:
            super().process_request_thread(request, client_address)
        finally:
            self._slots.release()


class LoopbackServer:
    """A threaded werkzeug server bound to 127.0.0.1; start() returns once it accepts connections."""

    def __init__(self, app, *, port: int = 0, ssl_context: ssl.SSLContext | None = None,
                 name: str = "server", timeout_s: float = CONNECTION_TIMEOUT_S,
                 max_connections: int = MAX_CONNECTIONS, log_redact: Callable[[str], str] | None = None,
                 host: str = LOOPBACK) -> None:
        """log_redact: applied to every access-log line of this server (its own, not process-wide).
        host: loopback, except for a shop's shared training sandbox served to its tills on the LAN."""
        self._app = app
        self._host = host
        self._log_redact = log_redact
        self._timeout_s, self._max_connections = timeout_s, max_connections
        self._requested_port = port
        self._ssl_context = ssl_context
        self._name = name
        self._server: BoundedServer | None = None
        self._thread: threading.Thread | None = None

    @property
    def port(self) -> int:
        if self._server is None:
            raise RuntimeError(f"{self._name} is not running")
        return self._server.server_port

    @property
    def url(self) -> str:
        scheme = "https" if self._ssl_context else "http"
        return f"{scheme}://{self._host}:{self.port}"

    @property
    def running(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    def start(self) -> str:
        if self._server is not None:
            raise RuntimeError(f"{self._name} already started")
        self._server = BoundedServer(self._host, self._requested_port, self._app, ssl_context=self._ssl_context,
                                     timeout_s=self._timeout_s, max_connections=self._max_connections,
                                     log_redact=self._log_redact)
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

    def __enter__(self) -> LoopbackServer:
        self.start()
        return self

    def __exit__(self, *exc) -> None:
        self.stop()
