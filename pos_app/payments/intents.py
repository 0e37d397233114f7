"""RevisionIntents: the one PaymentIntent of a cart revision, and how it must look.

- The idempotency key is the revision UUID ("<uuid>.2", ... only after that revision's intent was
  cancelled elsewhere); the create parameters are a pure function of the revision, kept in the
  ledger snapshot and replayed as they are.
- The ledger row is written BEFORE the create call (status 'creating'); a row older than
  KEY_REISSUE_LIMIT may have lost its key at Stripe (pruned after 24 h), so its intent is looked up
  by metadata instead of being created again.
- `mismatches` says how an intent differs from what the ledger asked for (amount, currency, an
  amount the till can't represent, another cart's metadata).
"""

from __future__ import annotations

from typing import Literal, overload

from pos_app.config import Settings
from pos_app.domain.statuses import PaymentStatus
from pos_app.i18n import _
from pos_app.payments.gateway import Intent, PaymentGateway
from pos_app.payments.readers import reader_gateway
from pos_app.store import CartSnapshot, ChargeSnapshot, LedgerEntry, Store
from pos_app.store.db import now

#: A 'creating' ledger row older than this may have lost its key at Stripe (pruned after 24 h):
#: look the intent up by metadata instead of re-issuing the create.
KEY_REISSUE_LIMIT = 23 * 60 * 60


class RevisionIntents:
    def __init__(self, store: Store, gateway: PaymentGateway, settings: Settings) -> None:
        self._store = store
        self._gateway = gateway
        self._settings = settings

    def entry_for_revision(self, snap: CartSnapshot) -> LedgerEntry:
        """The open ledger row for this revision, or a new one written before any create call.

        The key is the revision UUID; only if that revision's intent was cancelled elsewhere does
        a retry get "<uuid>.2", "<uuid>.3", ...
        """
        ledger = self._store.ledger
        attempt = 1
        while True:
            key = snap.uuid if attempt == 1 else f"{snap.uuid}.{attempt}"
            entry = ledger.by_key(key)
            if entry is None:
                return ledger.begin(cart_id=snap.cart_id, cart_uuid=snap.uuid, idempotency_key=key,
                                    amount=snap.totals.total.amount, currency=snap.totals.currency,
                                    snapshot=self.ledger_snapshot(snap, attempt))
            if not entry.final:
                return entry
            attempt += 1

    def ledger_snapshot(self, snap: CartSnapshot, attempt: int) -> ChargeSnapshot:
        """What was charged, and the create parameters: a pure function of the revision."""
        totals = snap.totals
        metadata = {"cart_uuid": snap.uuid, "terminal_id": self._settings.terminal_id,
                    "line_count": str(len(totals.lines))}
        if attempt > 1:
            metadata["attempt"] = str(attempt)
        count = sum(line.qty for line in totals.lines)
        return ChargeSnapshot.of_cart(snap, metadata=metadata,
                                 description=f"{self._settings.shop_name} ({self._settings.terminal_id}): "
                                             f"{count} item{'s' if count != 1 else ''}")

    @overload
    def intent_for(self, entry: LedgerEntry, *, create_if_lost: Literal[True]) -> Intent: ...

    @overload
    def intent_for(self, entry: LedgerEntry, *, create_if_lost: Literal[False]) -> Intent | None: ...

    def intent_for(self, entry: LedgerEntry, *, create_if_lost: bool) -> Intent | None:
        """The intent of a ledger row: retrieved if known, else created/replayed or searched."""
        if entry.payment_intent:
            return self._gateway.retrieve_intent(entry.payment_intent)
        if now() - entry.created_at > KEY_REISSUE_LIMIT:
            found = self._search(entry)
            if found is not None or not create_if_lost:
                if found is not None:
                    self._store.ledger.attach_intent(entry.id, found.id, found.status)
                return found
        snapshot = entry.snapshot
        if snapshot.metadata.get("reader"):  # a card-present part: replayed as it was first asked for
            intent = reader_gateway(self._gateway).create_reader_intent(
                amount=entry.amount, currency=entry.currency, idempotency_key=entry.idempotency_key,
                metadata=dict(snapshot.metadata), description=snapshot.description,
                manual_capture=snapshot.metadata.get("capture") == "manual")
        else:
            intent = self._gateway.create_intent(
                amount=entry.amount, currency=entry.currency, idempotency_key=entry.idempotency_key,
                metadata=dict(snapshot.metadata), description=snapshot.description)
        self._store.ledger.attach_intent(entry.id, intent.id, intent.status)
        return intent

    def _search(self, entry: LedgerEntry) -> Intent | None:
        """Find the intent of an old 'creating' row by its metadata (its key may be pruned)."""
        wanted = entry.snapshot.metadata
        candidates = self._gateway.list_intents(created_gte=entry.created_at - 86_400,
                                                created_lt=entry.created_at + 2 * 86_400)
        for intent in candidates:
            if all(intent.metadata.get(k) == v for k, v in wanted.items()) and intent.amount == entry.amount:
                return intent
        return None


def mismatches(entry: LedgerEntry, intent: Intent, *, paid: bool) -> list[str]:
    """What differs between the intent and the ledger row ([] when it is the payment asked for)."""
    problems = []
    if intent.currency != entry.currency:
        problems.append(f"currency {intent.currency} instead of {entry.currency}")
    if not intent.amount_exact:
        problems.append("an amount the till can't represent (changed outside the till)")
    if intent.amount != entry.amount:
        problems.append(f"amount {intent.amount} instead of {entry.amount}")
    if paid and intent.amount_received != entry.amount:
        problems.append(f"amount received {intent.amount_received} instead of {entry.amount}")
    if intent.metadata.get("cart_uuid") != entry.cart_uuid:
        problems.append("it belongs to another cart")
    return problems


def not_succeeded_text(intent: Intent) -> str:
    """What the cashier reads about an intent finalize was asked to record but that has not succeeded."""
    if intent.status == PaymentStatus.REQUIRES_PAYMENT_METHOD and intent.last_error_message:
        return _("The payment did not go through: {message}").format(message=intent.last_error_message)
    if intent.status == PaymentStatus.CANCELED:
        return _("This payment was cancelled.")
    return _("The payment has not succeeded (status {status}).").format(status=intent.status)
