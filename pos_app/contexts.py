"""What the till works with, as two complete contexts: the local one and the payments one.

`AppCore.open()` gives a LocalContext (settings and the store: the catalogue and cart work at once,
offline); `AppCore.start_services()` gives a PaymentsContext (the gateway, the checkout and its
events, the review desk, the local endpoint). Both are frozen and complete when handed out: no
field is None until later, so whoever holds one can use all of it. A window that opens before
payments are up holds a LocalContext and is handed the PaymentsContext when it exists; everything
else (dialogs, the endpoint, the health check) receives only the parts it uses.

This module imports no payments, store or web code at run time: open() stays quick.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING

from pos_app.config import Settings

if TYPE_CHECKING:
    from pos_app.cash_office import ShiftService
    from pos_app.payments.checkout import CheckoutService
    from pos_app.payments.events import CheckoutEvents
    from pos_app.payments.gateway import PaymentGateway
    from pos_app.payments.review_desk import ReviewDesk
    from pos_app.devices import CashDrawer, ReceiptPrinter
    from pos_app.selling import CartTerms, Parking
    from pos_app.staff.session import TillSession
    from pos_app.store import CartService, Store


@dataclass(frozen=True)
class LocalContext:
    """The till's local half: its settings and its one open store (quick, no network)."""

    settings: Settings
    store: Store
    drawer: CashDrawer  # the cash drawer (kicked by the receipt printer, when one is set); openings recorded
    printer: ReceiptPrinter | None = None  # the ESC/POS receipt printer (POS_PRINTER), None when there is none

    @property
    def carts(self) -> CartService:
        """The active cart's one source of truth (the store's CartService)."""
        return self.store.carts

    @property
    def mode(self) -> str:
        """training, test or live (from the settings)."""
        return self.settings.mode

    @cached_property
    def shifts(self) -> ShiftService:
        """The till's cash office (one per context: the window, the endpoint and the tester kit share
        it, so a blind count under way in one hides the expected cash from all)."""
        from pos_app.cash_office import ShiftService
        return ShiftService(self.store, self.drawer, self.settings.terminal_id, self.settings.currency,
                            session=self.session)

    @cached_property
    def session(self) -> TillSession:
        """Who is at the till (one per context, shared like `shifts`); the journal names them."""
        from pos_app.staff import StaffService
        from pos_app.staff.session import TillSession
        session = TillSession(StaffService(self.store, self.settings.terminal_id))
        self.store.journal.attribute_to(session.user_name)
        return session

    @cached_property
    def terms(self) -> CartTerms:
        """The active cart's discounts and prices, with the manager's check (selling/terms.py)."""
        from pos_app.selling import CartTerms
        return CartTerms(self.store, self.session, limit_bp=self.settings.discount_limit_bp)

    @cached_property
    def parking(self) -> Parking:
        """Parked sales: park, list, recall, a cashier's actions (selling/parking.py)."""
        from pos_app.selling import Parking
        return Parking(self.store, self.session)


@dataclass(frozen=True)
class Endpoint:
    """The local endpoint as the embedded page reaches it."""

    url: str  # http(s)://127.0.0.1:<port>, bound
    token: str = field(repr=False)  # the per-launch token the page is opened with
    certificate_fingerprint: str | None  # SHA-256 hex of its TLS certificate (live mode), else None
    is_running: Callable[[], bool] = field(repr=False, compare=False)  # its server thread still serves


@dataclass(frozen=True)
class PaymentsContext:
    """The till's payments half, started: everything a Charge, a refund or a report needs."""

    gateway: PaymentGateway
    checkout: CheckoutService
    review_desk: ReviewDesk
    publishable_key: str
    sandbox_url: str | None  # training mode: where the sandbox (and its Stripe.js) answers; else None
    endpoint: Endpoint

    @property
    def events(self) -> CheckoutEvents:
        """The checkout's one event bus (subscribe(callback) -> unsubscribe)."""
        return self.checkout.events
