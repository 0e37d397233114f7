"""The application core without a window: the composition root below the Qt app.

Store, training sandbox, payment gateway, checkout service and the local endpoint, wired in one
place for `pos-app serve`, the Qt app and the tester kit, and handed out as two frozen contexts
(pos_app/contexts.py): open() -> LocalContext, start_services() -> PaymentsContext.
"""

from __future__ import annotations

import logging
import secrets
from typing import TYPE_CHECKING

from pos_app.config import LIVE, Settings
from pos_app.contexts import Endpoint, LocalContext, PaymentsContext
from pos_app.datalock import DataFolderLock
from pos_app.gateways import sandbox_url, start_gateway, stop_sandbox
from pos_app.store import open_store
from pos_app.store.faults import prepare_data_dir

if TYPE_CHECKING:
    from pos_app.payments.checkout import CheckoutService
    from pos_app.sandbox import SandboxServer
    from pos_app.serving import LoopbackServer

log = logging.getLogger(__name__)

#: A till on a shop's database searches its local copy of the catalogue (store/catalogue_replica.py).
REPLICA_FILE = "shop-catalogue.sqlite3"


def open_session(local: LocalContext) -> None:
    """Who is at the till gates the cart (selling, clearing) from the start; a training till has
    its demo users (README), created before anyone is asked for a PIN."""
    local.store.carts.set_gate(local.session)
    if local.settings.training:
        local.session.staff.ensure_demo_users()


class AppCore:
    """Owns what runs (the data folder's lock, the store, the servers); start() and stop() are idempotent.

    start() is open() (the store: local and quick) then start_services() (payments, training
    sandbox and local endpoint: they import stripe, flask and werkzeug, a few hundred ms). The till
    window calls the two apart so it can show the catalogue and cart before the slow half is done.
    `local` is set by open(), `payments` by start_services(); each is complete when set.
    """

    def __init__(self, settings: Settings, command: str = "pos-app") -> None:
        self.settings = settings
        self._lock = DataFolderLock(settings.data_dir, command)
        self.token = secrets.token_urlsafe(32)
        self.local: LocalContext | None = None
        self.payments: PaymentsContext | None = None
        self._sandbox: SandboxServer | None = None
        self._server: LoopbackServer | None = None

    # -- shortcuts for the tester kit and `pos-app serve` (views of the contexts) ----------------

    @property
    def mode(self) -> str:
        return self.settings.mode

    @property
    def url(self) -> str | None:
        """The endpoint's base URL; None until start_services()."""
        return self.payments.endpoint.url if self.payments is not None else None

    @property
    def sandbox_url(self) -> str | None:
        """Training mode: the sandbox's URL while it runs (None once stopped, or with Stripe keys)."""
        if self._sandbox is None and self.payments is None:
            return None  # not started, or stopped
        return sandbox_url(self.settings, self._sandbox)

    @property
    def sandbox_secret_key(self) -> str | None:
        """Training mode: the sandbox's own secret key (for tests that inspect or steer it)."""
        if self._sandbox is None and self.payments is not None and self.settings.shared_sandbox is not None:
            return self.settings.shared_sandbox.secret_key  # the shop's sandbox (POS_SANDBOX_URL)
        return self._sandbox.secret_key if self._sandbox is not None else None

    @property
    def ready(self) -> bool:
        """True once payments and the endpoint run (a Charge can be taken)."""
        return self.payments is not None

    # -- the two halves --------------------------------------------------------------------------

    def start(self) -> AppCore:
        self.open()
        self.start_services()
        return self

    def open(self) -> LocalContext:
        """Open (create, migrate, seed) the store; no network, no servers."""
        if self.local is not None:
            return self.local
        settings = self.settings
        from pos_app.devices import CashDrawer, open_printer
        printer = open_printer(settings.receipt_printer)  # a setting this machine can't serve stops here
        prepare_data_dir(settings.data_dir)  # owner only (0700); a full or read-only disk is one clear line
        self._lock.acquire()  # one till per data folder: refused here, before anything is read
        try:
            store = open_store(settings.database_location, settings.pricing,
                               receipt_series=settings.receipt_series, seed_demo=settings.seed_demo_catalogue,
                               till=settings.terminal_id, training=settings.training, claim_till=True,
                               catalogue_replica=settings.data_dir / REPLICA_FILE if settings.shared_database else None)
        except BaseException:
            self._lock.release()
            raise
        drawer = CashDrawer(store.drawer, printer.kick_drawer if printer else None, printer.device if printer else "")
        self.local = LocalContext(settings, store, drawer, printer)
        open_session(self.local)
        return self.local

    def start_services(self) -> PaymentsContext:
        """Start the gateway (and training sandbox), the checkout service and the local endpoint."""
        if self.payments is not None:
            return self.payments
        local = self.open()
        try:
            self.payments = self._start_payments(local)
        except BaseException:
            # Undo only this half: the store stays open for a window already showing it.
            self._stop_services()
            raise
        return self.payments

    def _start_payments(self, local: LocalContext) -> PaymentsContext:
        from pos_app.payments.checkout import CheckoutService
        from pos_app.payments.review_desk import ReviewDesk

        gateway, self._sandbox = start_gateway(self.settings)
        training_url = sandbox_url(self.settings, self._sandbox)  # the till's own sandbox, or the shop's
        checkout = CheckoutService(local.store, gateway, self.settings, local.drawer, session=local.session)
        if self.settings.auto_print and local.printer is not None:
            from pos_app.devices.auto_print import ReceiptAutoPrint
            auto_print = ReceiptAutoPrint(local.store.orders, local.store.tenders, local.printer,
                                          self.settings)
            checkout.events.subscribe(auto_print.on_checkout_event)
        endpoint = self._start_endpoint(local, checkout, training_url)
        desk = ReviewDesk(local.store, gateway, session=local.session)
        return PaymentsContext(gateway, checkout, desk, gateway.publishable_key, training_url, endpoint)

    def _start_endpoint(self, local: LocalContext, checkout: CheckoutService, sandbox_url: str | None) -> Endpoint:
        from pos_app.serving import LoopbackServer
        from pos_app.web import create_app

        ssl_context, fingerprint = None, None
        if self.settings.mode == LIVE:
            from pos_app.web.tls import ensure_certificate, server_ssl_context
            cert = ensure_certificate(self.settings.data_dir)
            ssl_context, fingerprint = server_ssl_context(cert), cert.fingerprint_sha256
        app = create_app(local, checkout, {"TOKEN": self.token}, sandbox_url=sandbox_url)
        server = self._server = LoopbackServer(app, port=self.settings.port, ssl_context=ssl_context,
                                               name="endpoint", log_redact=app.extensions["pos_redactor"].redact)
        server.start()
        # The app needs its own origin for Host/Origin checks; it is known only once bound.
        app.config["ENDPOINT_URL"] = server.url
        return Endpoint(server.url, self.token, fingerprint, lambda: server.running)

    def _stop_services(self) -> None:
        if self._server is not None:
            self._server.stop()
            self._server = None
        if self._sandbox is not None:
            stop_sandbox(self._sandbox)  # and close its SQLite file
            self._sandbox = None
        self.payments = None

    def stop(self) -> None:
        self._stop_services()
        if self.local is not None:
            if self.local.printer is not None:
                self.local.printer.stop()  # the receipts queued are printed first
            self.local.store.close()
            self.local = None
        self._lock.release()

    def __enter__(self) -> AppCore:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
