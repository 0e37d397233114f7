"""The application core without a window: the composition root below the Qt app.

Store, training sandbox, payment gateway, checkout service and the local endpoint, wired in one
place for `pos-app serve`, the Qt app and the tester kit.
"""

from __future__ import annotations

import logging
import secrets
from dataclasses import dataclass

from pos_app.config import LIVE, Settings
from pos_app.datalock import DataFolderLock
from pos_app.gateways import start_gateway, stop_sandbox
from pos_app.store import Store, open_store
from pos_app.store.faults import prepare_data_dir

log = logging.getLogger(__name__)


@dataclass
class Services:
    """What the web endpoint and the window work with."""

    settings: Settings
    store: Store
    gateway: object = None  # pos_app.payments.gateway.PaymentGateway, once started
    checkout: object = None  # pos_app.payments.checkout.CheckoutService, once started
    review_desk: object = None  # pos_app.payments.review_desk.ReviewDesk, once started
    publishable_key: str = ""
    sandbox_url: str | None = None

    @property
    def carts(self):
        return self.store.carts


class AppCore:
    """Start with start(), stop with stop(); both are idempotent.

    start() is open() (the store: local and quick) then start_services() (payments, training
    sandbox and local endpoint: they import stripe, flask and werkzeug, a few hundred ms). The till
    window calls the two apart so it can show the catalogue and cart before the slow half is done;
    `services` exists after open() and gains its gateway and checkout in start_services().
    """

    def __init__(self, settings: Settings, command: str = "pos-app") -> None:
        self.settings = settings
        self._lock = DataFolderLock(settings.data_dir, command)
        self.token = secrets.token_urlsafe(32)
        self.services: Services | None = None
        self.store: Store | None = None
        self._sandbox = None
        self._server = None  # pos_app.serving.LoopbackServer
        self.certificate_fingerprint: str | None = None  # SHA-256 hex of the endpoint's TLS cert (live)

    @property
    def mode(self) -> str:
        return self.settings.mode

    @property
    def url(self) -> str | None:
        """The endpoint's base URL; None until start_services()."""
        return self._server.url if self._server is not None else None

    @property
    def sandbox_url(self) -> str | None:
        return self._sandbox.url if self._sandbox else None

    @property
    def sandbox_secret_key(self) -> str | None:
        """Training mode: the sandbox's own secret key (for tests that inspect or steer it)."""
        return self._sandbox.secret_key if self._sandbox else None

    @property
    def endpoint_running(self) -> bool:
        return self._server is not None and self._server.running

    @property
    def ready(self) -> bool:
        """True once payments and the endpoint run (a Charge can be taken)."""
        return self._server is not None and self.services is not None and self.services.checkout is not None

    def start(self) -> AppCore:
        self.open()
        return self.start_services()

    def open(self) -> AppCore:
        """Open (create, migrate, seed) the store; no network, no servers."""
        if self.store is not None:
            return self
        settings = self.settings
        prepare_data_dir(settings.data_dir)  # owner only (0700); a full or read-only disk is one clear line
        self._lock.acquire()  # one till per data folder: refused here, before anything is read
        try:
            self.store = open_store(settings.database_path, settings.pricing,
                                    seed_demo=settings.seed_demo_catalogue)
        except BaseException:
            self._lock.release()
            raise
        self.services = Services(settings, self.store)
        return self

    def start_services(self) -> AppCore:
        """Start the gateway (and training sandbox), the checkout service and the local endpoint."""
        if self.ready:
            return self
        if self.store is None:
            self.open()
        try:
            self._start_payments()
            self._start_endpoint()
        except BaseException:
            # Undo only this half: the store stays open for a window already showing it.
            self._stop_services()
            raise
        return self

    def _start_payments(self) -> None:
        from pos_app.payments.checkout import CheckoutService
        from pos_app.payments.review_desk import ReviewDesk

        settings = self.settings
        gateway, self._sandbox = start_gateway(settings)
        services = self.services
        services.gateway, services.publishable_key = gateway, gateway.publishable_key
        services.sandbox_url = self.sandbox_url
        services.checkout = CheckoutService(self.store, gateway, settings)
        services.review_desk = ReviewDesk(self.store, gateway)

    def _start_endpoint(self) -> None:
        from pos_app.serving import LoopbackServer
        from pos_app.web import create_app

        ssl_context = None
        if self.settings.mode == LIVE:
            from pos_app.web.tls import ensure_certificate, server_ssl_context
            cert = ensure_certificate(self.settings.data_dir)
            ssl_context = server_ssl_context(cert)
            self.certificate_fingerprint = cert.fingerprint_sha256
        app = create_app(self.services, {"TOKEN": self.token})
        self._server = LoopbackServer(app, port=self.settings.port, ssl_context=ssl_context, name="endpoint",
                                      log_redact=app.extensions["pos_redactor"].redact)
        self._server.start()
        # The app needs its own origin for Host/Origin checks; it is known only once bound.
        app.config["ENDPOINT_URL"] = self._server.url

    def _stop_services(self) -> None:
        if self._server is not None:
            self._server.stop()
            self._server = None
        if self._sandbox is not None:
            stop_sandbox(self._sandbox)  # and close its SQLite file
            self._sandbox = None
        if self.services is not None:
            self.services.gateway = self.services.checkout = self.services.review_desk = None

    def stop(self) -> None:
        self._stop_services()
        if self.store is not None:
            self.store.close()
            self.store = None
        self.services = None
        self._lock.release()

    def __enter__(self) -> AppCore:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()
