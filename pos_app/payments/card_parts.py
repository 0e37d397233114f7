"""CardParts: the card parts of a split sale, each its own PaymentIntent keyed "<uuid>.part<n>".

A part's ledger row and tender row are written together BEFORE the create call, its amount fixed
then; the page's report is checked at the processor; a paid part is recorded (with the order when
it covers the rest) in one unit of work; a part paid wrongly or after its void goes to the review
list; an open part is resumed, never created again; a part that closed unpaid has failed.
"""

from __future__ import annotations

import dataclasses
import logging
from typing import TYPE_CHECKING

from pos_app.domain.currencies import maximum_charge, minimum_charge
from pos_app.domain.money import Money
from pos_app.domain.order import Order
from pos_app.domain.people import Permission
from pos_app.domain.statuses import PaymentStatus
from pos_app.domain.tenders import TenderKind, TenderStatus
from pos_app.errors import PaymentError
from pos_app.i18n import _
from pos_app.payments.gateway import (
    AmountTooLarge, AmountTooSmall, Intent, InvalidPayment,
    PaymentNotSucceeded,
)
from pos_app.payments.intents import mismatches
from pos_app.store import CartSnapshot, ChargeSnapshot, LedgerEntry, Shift, Tender
from pos_app.payments.tender_sale import (PartPaid, SaleTenders, TenderRefused, TenderSale, charge_snapshot,
                                         sale_snapshot)
from pos_app.store.reviews import ReviewReason

if TYPE_CHECKING:
    from pos_app.payments.checkout import PreparedPayment

log = logging.getLogger(__name__)


class CardParts(TenderSale):
    """The card-part steps of CheckoutService (a mixin, as TenderSale is)."""

    # -- card parts ------------------------------------------------------------------------------

    def prepare_part(self, amount: int | None = None, *, manager_pin: str | None = None) -> PreparedPayment:
        """The PaymentIntent of a card part of `amount` (None: all that is left) for the active sale.

        A card part already open (pending) is resumed when `amount` is None or its own."""
        self._require(Permission.SELL)
        self._require_keyed(manager_pin)
        with self._lock:
            self._open_shift()
            snap = self._freeze_for_tender()
            try:
                prepared = self._prepare_part_frozen(snap, amount)
            except BaseException:
                self._release_cart()
                raise
            self._current = prepared
        self._emit("prepared")
        return prepared

    def _prepare_part_frozen(self, snap: CartSnapshot, amount: int | None) -> PreparedPayment:
        sale = self.sale_tenders()
        pending = [t for t in sale.tenders if t.status == TenderStatus.PENDING]
        if pending:
            part = pending[0]
            if part.card_present:  # its intent is card_present: the card page can't take it
                raise TenderRefused(_("Card part {part} is open on the card reader: finish or cancel it there "
                                      "first.").format(part=part.part))
            if amount not in (None, part.amount):
                raise TenderRefused(_("Card part {part} of {amount} is still open: finish or cancel it first.")
                                    .format(part=part.part, amount=self._money(part.amount)))
            return self._resume_part(part)
        amount, shift, number, base = self._new_part(sale, snap, amount)
        key = f"{snap.uuid}.part{number}"
        with self._store.unit_of_work() as work:
            entry = work.ledger.begin(cart_id=snap.cart_id, cart_uuid=snap.uuid, idempotency_key=key,
                                      amount=amount, currency=sale.currency,
                                      snapshot=self._part_snapshot(base, snap, number))
            part = work.tenders.add(cart_id=snap.cart_id, cart_uuid=snap.uuid, kind=TenderKind.CARD,
                                    status=TenderStatus.PENDING, amount=amount, currency=sale.currency,
                                    shift_id=shift.id, snapshot=base, payment_id=entry.id)
        log.info("card part %d of cart %s: %d (key %s)", part.part, snap.uuid, amount, key)
        return self._resume_part(part)

    def _resume_part(self, part: Tender) -> PreparedPayment:
        entry = self._part_entry(part)
        intent = self._intents.intent_for(entry, create_if_lost=True)
        if intent.status == PaymentStatus.SUCCEEDED:
            self._record_part(entry, intent)
            raise TenderRefused(_("Card part {part} was already paid; see what is still due.").format(part=part.part))
        problems = mismatches(entry, intent, paid=False)
        if intent.status == PaymentStatus.CANCELED or problems:
            with self._store.unit_of_work() as work:
                work.ledger.set_status(entry.id, PaymentStatus.CANCELED)
                work.tenders.set_status(part.id, TenderStatus.FAILED)
            raise TenderRefused(_("Card part {part} can't be used ({value}); charge again for a new one.").format(
                part=part.part, value='; '.join(problems) or 'cancelled'))
        if intent.status != entry.status:
            self._store.ledger.set_status(entry.id, intent.status)
        return self._prepared(entry, intent)

    def _require_keyed(self, manager_pin: str | None) -> None:
        """With a card reader set up, a card keyed on the card page (card not present: more fees, no
        liability shift) is a manager's fallback; the card form already showing for the cart is not
        asked again (the page reloading)."""
        if self._settings.reader_id and self._current is None:
            self._require(Permission.KEYED_CARD, manager_pin)

    def _new_part(self, sale: SaleTenders, snap: CartSnapshot,
                  amount: int | None) -> tuple[int, Shift, int, ChargeSnapshot]:
        """A new card part's amount (what is left, unless given), the open shift, the part's number and
        the charge it is part of: the card page's and the reader's parts start alike."""
        if sale.remaining == 0:
            raise TenderRefused(_("Nothing is left to pay on this sale."))
        amount = sale.remaining if amount is None else amount
        self._check_part_amount(amount, sale.remaining)
        shift = self._open_shift()
        number = self._store.tenders.next_part(snap.cart_id)
        return amount, shift, number, sale_snapshot(sale.tenders) or charge_snapshot(snap)

    def _check_part_amount(self, amount: int, remaining: int) -> None:
        currency = self._settings.currency
        if isinstance(amount, bool) or not isinstance(amount, int) or amount <= 0:
            raise TenderRefused(_("A card part is a positive amount in minor units."))
        if amount > remaining:
            raise TenderRefused(_("A card part can't be more than what is left to pay ({amount}).").format(
                amount=self._money(remaining)))
        least, most = minimum_charge(currency), maximum_charge(currency)
        if amount < least.amount:
            raise AmountTooSmall(Money(amount, currency), least, self._settings.locale)
        if amount > most.amount:
            raise AmountTooLarge(Money(amount, currency), most, self._settings.locale)

    def _part_snapshot(self, base: ChargeSnapshot, snap: CartSnapshot, number: int) -> ChargeSnapshot:
        """The part's create parameters: a pure function of the revision and the part number."""
        metadata = {"cart_uuid": snap.uuid, "terminal_id": self._settings.terminal_id,
                    "line_count": str(len(base.lines)), "part": str(number)}
        return dataclasses.replace(base, metadata=metadata,
                                   description=f"{self._settings.shop_name} ({self._settings.terminal_id}): "
                                               f"part {number} of a sale")

    def _part_of(self, entry: LedgerEntry) -> Tender | None:
        """The tender a ledger row is the card part of (None for a whole-card sale's row)."""
        return self._store.tenders.by_payment(entry.id)

    def _part_entry(self, part: Tender) -> LedgerEntry:
        entry = self._store.ledger.get(part.payment_id) if part.payment_id is not None else None
        if entry is None:  # written with the tender in one transaction: cannot happen
            raise LookupError(f"card part {part.id} has no ledger row")
        return entry

    def finalize_part(self, entry: LedgerEntry) -> Order | PartPaid:
        """The page reported a card part paid: check it at the processor, then record it."""
        intent = self._gateway.retrieve_intent(entry.payment_intent or "")
        if intent.status != PaymentStatus.SUCCEEDED:
            raise PaymentNotSucceeded(_("Card part not paid (status {status}).").format(
                status=intent.status), status=intent.status)
        order = self._record_part(entry, intent)
        part = self._part_of(entry)
        if order is None and part is not None and part.status != TenderStatus.SUCCEEDED:
            raise PaymentNotSucceeded(_("The card processor reports a payment this till can't take as the part (see "
                                        "the review list); nothing was recorded as paid."))
        self._after_tender(entry.cart_id, order)
        paid = self._store.tenders.get(part.id) if part is not None else None
        if order is not None or paid is None:
            return order or self._missing(entry)
        return PartPaid(paid, self.sale_tenders().remaining)

    @staticmethod
    def _missing(entry: LedgerEntry) -> Order:
        raise LookupError(f"ledger row {entry.id} is no card part")

    def _record_part(self, entry: LedgerEntry, intent: Intent) -> Order | None:
        """A part's intent succeeded: the tender is paid (and the sale recorded if it is covered),
        in one unit of work; paid wrongly or after its void, it goes to the review list."""
        part = self._part_of(entry)
        if part is None:
            raise LookupError(f"ledger row {entry.id} is no card part")
        if self._current is not None and self._current.payment_intent == intent.id:
            self._current = None
        tip = reader_tip(part, entry, intent)
        problems = mismatches(dataclasses.replace(entry, amount=entry.amount + tip), intent, paid=True)
        if problems or part.status in (TenderStatus.VOIDED, TenderStatus.FAILED):
            reason = ReviewReason.MISMATCH if problems else ReviewReason.PAID_AFTER_VOID
            self._to_review(entry, intent, reason, "; ".join(problems) or f"card part {part.part} was voided")
            if part.status == TenderStatus.PENDING:
                self._store.tenders.set_status(part.id, TenderStatus.FAILED)
            return None
        if part.paid:
            order = self._store.orders.get(part.order_id) if part.order_id is not None else None
            return order
        with self._store.unit_of_work() as work:
            work.tenders.set_status(part.id, TenderStatus.SUCCEEDED, card_brand=intent.card_brand,
                                    card_last4=intent.card_last4, tip=tip)
            work.ledger.set_status(entry.id, PaymentStatus.SUCCEEDED)
            return self._complete_if_covered(work, entry.cart_id)

    def _void_card(self, part: Tender) -> None:
        entry = self._part_entry(part)
        intent = self._intents.intent_for(entry, create_if_lost=False)
        if intent is not None and intent.status not in (PaymentStatus.SUCCEEDED, PaymentStatus.CANCELED):
            try:
                intent = self._gateway.cancel_intent(intent.id, "abandoned")
            except InvalidPayment:  # its state changed meanwhile (e.g. just paid): look again
                intent = self._gateway.retrieve_intent(intent.id)
        if intent is not None and intent.status == PaymentStatus.SUCCEEDED:
            self._gateway.refund(payment_intent=intent.id, amount=intent.amount_received, currency=entry.currency,
                                 reason="requested_by_customer", idempotency_key=f"void-{intent.id}",
                                 metadata={"cart_uuid": part.cart_uuid, "part": part.part})
            log.info("card part %d voided: %s refunded", part.part, intent.id)
        with self._store.unit_of_work() as work:
            paid = intent is not None and intent.status == PaymentStatus.SUCCEEDED
            work.ledger.set_status(entry.id, PaymentStatus.SUCCEEDED if paid else PaymentStatus.CANCELED)
            work.tenders.set_status(part.id, TenderStatus.VOIDED)

    def _void_unpaid_parts(self, cart_id: int) -> None:
        """The card form closed without paying: its open part is cancelled (a paid one is recorded)."""
        for part in self._store.tenders.for_cart(cart_id):
            if part.kind != TenderKind.CARD or part.status != TenderStatus.PENDING:
                continue
            try:
                self._void_card(part)
            except PaymentError as exc:  # reconcile follows it up
                log.warning("could not cancel card part %d: %s", part.part, exc.message)

    def _follow_parts(self) -> None:
        """Reconcile's last step: a pending card part whose ledger row closed unpaid has failed, and a
        paid part of the open sale whose money went back (a void cut short after its refund) is voided."""
        for part in self._store.tenders.pending():
            if part.kind == TenderKind.CARD and self._part_entry(part).status == PaymentStatus.CANCELED:
                self._store.tenders.set_status(part.id, TenderStatus.FAILED)
        for part in self._store.tenders.live_for_cart(self._store.carts.snapshot().cart_id):
            if part.kind != TenderKind.CARD or not part.paid or part.order_id is not None or not part.payment_intent:
                continue
            try:  # only a void refunds a part of a sale not yet recorded (refunds need the order)
                refunded = self._gateway.retrieve_intent(part.payment_intent).amount_refunded
            except PaymentError as exc:
                log.warning("could not check card part %d for a refund: %s", part.part, exc.message)
                continue
            if refunded:
                self._store.tenders.set_status(part.id, TenderStatus.VOIDED)
                log.warning("card part %d was refunded by a void cut short: voided", part.part)


def reader_tip(part: Tender, entry: LedgerEntry, intent: Intent) -> int:
    """The tip a customer added on the reader (inside the intent's amount; manual capture only)."""
    if not part.card_present or entry.snapshot.metadata.get("capture") != "manual":
        return 0
    return intent.amount_tip
