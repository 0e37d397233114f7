"""ReaderParts: a card part taken on this till's Stripe Terminal reader (card present), followed by polling.

A mixin of CheckoutService, as card_parts.py is, whose rules it keeps: the part's ledger row and
tender row (kind card, `reader_id` set) are written together BEFORE the create call, keyed
"<uuid>.part<n>" (a reader part is always a part, so it never shares the cart UUID key, and its
create parameters, with the card page's whole-card intent); the intent's create parameters carry
`reader` (and `capture=manual` when the shop takes tips), so a replay after a crash asks for the
same card_present intent. The reader is told to collect it (process_payment_intent) after the
cart is shown on its screen; the till then polls (`follow_reader`, off the GUI thread) the
PaymentIntent and the reader's action. Only a PaymentIntent the processor reports succeeded is
recorded (finalize_part); one waiting for capture (tips) is captured with its tip first. A part
that ends unpaid (declined, cancelled, timed out, the reader offline or busy) is voided, so the
cart is released and the next try is a new part. One payment at a time is on the reader.
"""

from __future__ import annotations

import dataclasses
import enum
import logging
import uuid
from dataclasses import dataclass

from pos_app.domain.order import Order
from pos_app.domain.people import Permission
from pos_app.domain.statuses import PaymentStatus
from pos_app.domain.tenders import TenderKind, TenderStatus
from pos_app.errors import PaymentError
from pos_app.i18n import _
from pos_app.payments.card_parts import CardParts
from pos_app.payments.gateway import Intent, NoPaymentInProgress
from pos_app.payments.readers import (
    ActionStatus, DisplayLine, ReaderError, ReaderGateway, ReaderStatus, ReaderTimeout, reader_gateway,
)
from pos_app.payments.tender_sale import PartPaid, SaleTenders, TenderRefused
from pos_app.store import CartSnapshot, LedgerEntry, Tender

log = logging.getLogger(__name__)

PAID = frozenset({PaymentStatus.SUCCEEDED, PaymentStatus.REQUIRES_CAPTURE})


@dataclass(frozen=True)
class ReaderPayment:
    """The payment waiting on the reader: what the till follows until it ends."""

    payment_intent: str
    reader_id: str
    part: int
    amount: int
    currency: str
    tips: bool


class ReaderOutcome(enum.StrEnum):
    WAITING = "waiting"
    APPROVED = "approved"
    DECLINED = "declined"
    CANCELLED = "cancelled"
    FAILED = "failed"


@dataclass(frozen=True)
class ReaderProgress:
    """One look at the reader payment; `message` is for the cashier."""

    outcome: ReaderOutcome
    message: str = ""
    order: Order | None = None  # the sale, when this part completed it
    paid: PartPaid | None = None  # the part, when the sale still has something due

    @property
    def ended(self) -> bool:
        return self.outcome is not ReaderOutcome.WAITING


class ReaderParts(CardParts):
    """The reader steps of CheckoutService (a mixin over CardParts)."""

    _on_reader: ReaderPayment | None = None

    @property
    def reader_payment(self) -> ReaderPayment | None:
        """The payment waiting on the reader, if any."""
        return self._on_reader

    # -- start -----------------------------------------------------------------------------------

    def charge_on_reader(self, amount: int | None = None) -> ReaderPayment:
        """Charge `amount` (None: all that is left) on this till's reader: the part and its intent,
        the cart on the reader's screen, the reader collecting it. Network: off the GUI thread."""
        self._require(Permission.SELL)
        reader_id = self._settings.reader_id
        if not reader_id:
            raise TenderRefused(_("No card reader is set up for this till (POS_READER_ID)."))
        readers = reader_gateway(self._gateway)
        with self._lock:
            if self._on_reader is not None:  # the guard against charging twice
                raise TenderRefused(_("A payment is already waiting on the card reader: finish or cancel it first."))
            self._open_shift()
            snap = self._freeze_for_tender()
            part: Tender | None = None
            try:
                part = self._reader_part(snap, amount, reader_id)
                entry = self._part_entry(part)
                intent = self._intents.intent_for(entry, create_if_lost=True)
                if intent.status not in PAID:
                    self._send_to_reader(readers, reader_id, entry, intent)
            except ReaderError:
                if part is not None:
                    self._give_up_part(part)
                self._release_cart()
                raise
            except BaseException:
                self._release_cart()
                raise
            payment = ReaderPayment(intent.id, reader_id, part.part, part.amount, part.currency,
                                    entry.snapshot.metadata.get("capture") == "manual")
            self._on_reader = payment
        self._emit("tendered")
        log.info("card part %d of %s waiting on reader %s (%s)", part.part, snap.uuid, reader_id, intent.id)
        return payment

    def _reader_part(self, snap: CartSnapshot, amount: int | None, reader_id: str) -> Tender:
        """The sale's pending reader part (resumed after a restart), or a new one written before any create."""
        sale: SaleTenders = self.sale_tenders()
        pending = [t for t in sale.tenders if t.status == TenderStatus.PENDING]
        if pending:
            part = pending[0]
            if part.reader_id != reader_id or amount not in (None, part.amount):
                raise TenderRefused(_("Card part {part} of {amount} is still open: finish or cancel it first.")
                                    .format(part=part.part, amount=self._money(part.amount)))
            return part
        amount, shift, number, base = self._new_part(sale, snap, amount)
        params = self._part_snapshot(base, snap, number)
        metadata = dict(params.metadata) | {"reader": reader_id}
        if self._settings.reader_tipping:
            metadata["capture"] = "manual"
        params = dataclasses.replace(params, metadata=metadata)
        with self._store.unit_of_work() as work:
            entry = work.ledger.begin(cart_id=snap.cart_id, cart_uuid=snap.uuid,
                                      idempotency_key=f"{snap.uuid}.part{number}", amount=amount,
                                      currency=sale.currency, snapshot=params)
            return work.tenders.add(cart_id=snap.cart_id, cart_uuid=snap.uuid, kind=TenderKind.CARD,
                                    status=TenderStatus.PENDING, amount=amount, currency=sale.currency,
                                    shift_id=shift.id, snapshot=base, payment_id=entry.id, reader_id=reader_id)

    def _send_to_reader(self, readers: ReaderGateway, reader_id: str, entry: LedgerEntry, intent: Intent) -> None:
        """The cart on the reader's screen, then the reader collecting the intent (unless it already is:
        a till restarted while the customer was paying)."""
        reader = readers.retrieve_reader(reader_id)
        action = reader.action
        if action is not None and action.payment_intent == intent.id and action.status is ActionStatus.IN_PROGRESS:
            return
        readers.set_reader_display(reader_id, lines=display_lines(entry), tax=entry.snapshot.tax
                                   if entry.amount == entry.snapshot.total else 0, total=entry.amount,
                                   currency=entry.currency)
        readers.process_payment_intent(reader_id, intent.id, tipping=entry.snapshot.metadata.get("capture") == "manual",
                                       idempotency_key=f"{entry.idempotency_key}.process.{uuid.uuid4().hex}")

    # -- follow ----------------------------------------------------------------------------------

    def follow_reader(self) -> ReaderProgress:
        """One poll: the PaymentIntent and the reader's action; a paid part is verified and recorded."""
        readers = reader_gateway(self._gateway)
        with self._lock:
            payment = self._waiting()
            entry = self._payment_entry(payment)
            intent = self._gateway.retrieve_intent(payment.payment_intent)
            if intent.status in PAID:
                return self._reader_paid(entry, intent)
            if intent.status == PaymentStatus.CANCELED:
                return self._end(payment, ReaderOutcome.CANCELLED, _("The payment was cancelled."))
            reader = readers.retrieve_reader(payment.reader_id)
            action = reader.action
            if action is None or action.payment_intent != payment.payment_intent:
                return ReaderProgress(ReaderOutcome.WAITING, self._waiting_text(reader.status))
            if action.status is ActionStatus.FAILED:
                if action.failure_code == "customer_canceled":
                    return self._end(payment, ReaderOutcome.CANCELLED, _("The customer cancelled on the reader."))
                reason = action.failure_message or intent.last_error_message or _("The card was declined.")
                return self._end(payment, ReaderOutcome.DECLINED, _("Declined: {reason}").format(reason=reason))
            return ReaderProgress(ReaderOutcome.WAITING, self._waiting_text(reader.status))

    @staticmethod
    def _waiting_text(status: ReaderStatus) -> str:
        if status is ReaderStatus.OFFLINE:
            return _("The card reader is offline: check its power and network.")
        return _("Present card on the reader.")

    def cancel_on_reader(self, *, timed_out: bool = False) -> ReaderProgress:
        """The cashier's Cancel (or the poll deadline): the reader stops collecting; a payment made
        meanwhile is recorded, anything else voided."""
        readers = reader_gateway(self._gateway)
        with self._lock:
            payment = self._waiting()
            try:
                readers.cancel_reader_action(payment.reader_id)
            except ReaderError as exc:  # nothing to cancel any more: what the intent says decides
                log.info("cancel on reader %s: %s", payment.reader_id, exc.message)
            entry = self._payment_entry(payment)
            intent = self._gateway.retrieve_intent(payment.payment_intent)
            if intent.status in PAID:
                return self._reader_paid(entry, intent)
            if timed_out:
                return self._end(payment, ReaderOutcome.FAILED, ReaderTimeout().message)
            return self._end(payment, ReaderOutcome.CANCELLED, _("The payment was cancelled on the reader."))

    def _waiting(self) -> ReaderPayment:
        if self._on_reader is None:
            raise NoPaymentInProgress(_("No payment is waiting on the card reader."))
        return self._on_reader

    def _payment_entry(self, payment: ReaderPayment) -> LedgerEntry:
        entry = self._store.ledger.by_intent(payment.payment_intent)
        if entry is None:  # attached before the reader was told about it: cannot happen
            raise LookupError(f"{payment.payment_intent} has no ledger row")
        return entry

    # -- end -------------------------------------------------------------------------------------

    def _reader_paid(self, entry: LedgerEntry, intent: Intent) -> ReaderProgress:
        """Captured with its tip if it waits for capture, verified with the processor, recorded."""
        intent = self._captured(entry, intent)
        self._on_reader = None
        try:
            result = self.finalize_part(entry)
        except PaymentError as exc:
            return ReaderProgress(ReaderOutcome.FAILED, exc.message)
        if isinstance(result, Order):
            return ReaderProgress(ReaderOutcome.APPROVED, _("Approved."), order=result)
        return ReaderProgress(ReaderOutcome.APPROVED, _("Approved."), paid=result)

    def _captured(self, entry: LedgerEntry, intent: Intent) -> Intent:
        """A reader part authorised with a tip (manual capture) captured for its amount plus the tip."""
        if intent.status != PaymentStatus.REQUIRES_CAPTURE or not entry.snapshot.metadata.get("reader"):
            return intent
        tip = intent.amount_tip
        log.info("capturing %s: %d + tip %d", intent.id, entry.amount, tip)
        return reader_gateway(self._gateway).capture_intent(intent.id, amount_to_capture=entry.amount + tip,
                                                            idempotency_key=f"capture-{intent.id}")

    def _end(self, payment: ReaderPayment, outcome: ReaderOutcome, message: str) -> ReaderProgress:
        part = self._store.tenders.by_payment(self._payment_entry(payment).id)
        self._on_reader = None
        if part is not None:
            self._give_up_part(part)
        self._release_cart()
        self._emit("voided")
        return ReaderProgress(outcome, message)

    def _give_up_part(self, part: Tender) -> None:
        """A reader part that ended unpaid is voided (its intent cancelled): the next try is a new part."""
        try:
            self._void_card(part)
        except PaymentError as exc:  # reconcile follows it up; Void payments gives it back meanwhile
            log.warning("could not void reader part %d: %s", part.part, exc.message)


def display_lines(entry: LedgerEntry) -> list[DisplayLine]:
    """What the reader's screen lists: the sale's lines, or the part alone when it pays part of it."""
    snapshot = entry.snapshot
    if entry.amount != snapshot.total:
        return [DisplayLine(_("Part {part} of the sale").format(part=snapshot.metadata.get("part", "")), 1,
                            entry.amount)]
    return [DisplayLine(line.name, line.qty, line.line_total) for line in snapshot.lines]
