"""The ReaderGateway half of StripeGateway: Stripe Terminal's server-driven reader calls.

A mixin, so stripe_gateway.py stays the one module that imports stripe: it reaches stripe-python
only through the host's `_client`, runs every call inside the host's `_translated()` (Stripe's
terminal_reader_offline / _busy / _timeout become ReaderOffline / ReaderBusy / ReaderTimeout) and
maps PaymentIntents with the host's `_intent()`. Amounts cross here converted between the till's
minor units and Stripe's scale, as for card intents.

Capture: a tipped sale is authorized and captured afterwards (amount + tip). Interac (CAD) is
single-message and can't be captured manually (Stripe API 2025-03-31.basil on), so a CAD sale with
manual capture asks for payment_method_options[card_present][capture_method]=manual_preferred:
cards wait in requires_capture, Interac succeeds at once.
"""

from __future__ import annotations

from contextlib import AbstractContextManager
from typing import Any

from pos_app.domain.currencies import from_stripe, to_stripe
from pos_app.domain.money import Money
from pos_app.payments.gateway import Intent
from pos_app.payments.readers import (ActionStatus, DisplayLine, Location, Reader, ReaderAction,
                                      ReaderStatus)

#: Actions that name a PaymentIntent: where its id sits in the action's own hash.
_ACTION_INTENT = ("process_payment_intent", "refund_payment", "confirm_payment_intent",
                  "collect_payment_method")


class StripeReaders:
    """Reader operations over a StripeClient; the host provides _client, _translated, _intent."""

    _client: Any

    def _translated(self) -> AbstractContextManager[None]:
        raise NotImplementedError

    def _intent(self, pi: Any) -> Intent:
        raise NotImplementedError

    # -- setup ---------------------------------------------------------------------------------

    def create_location(self, *, display_name: str, address: dict[str, str]) -> Location:
        with self._translated():
            location = self._client.v1.terminal.locations.create(
                params={"display_name": display_name, "address": dict(address)})
        return Location(id=location["id"], display_name=location["display_name"])

    def list_locations(self) -> list[Location]:
        with self._translated():
            page = self._client.v1.terminal.locations.list(params={"limit": 100})
            return [Location(id=loc["id"], display_name=loc["display_name"])
                    for loc in page.auto_paging_iter()]

    def register_reader(self, *, registration_code: str, label: str, location: str) -> Reader:
        with self._translated():
            return reader_from_stripe(self._client.v1.terminal.readers.create(params={
                "registration_code": registration_code, "label": label, "location": location}))

    def list_readers(self, *, location: str | None = None) -> list[Reader]:
        params: dict[str, Any] = {"limit": 100}
        if location:
            params["location"] = location
        with self._translated():
            page = self._client.v1.terminal.readers.list(params=params)
            return [reader_from_stripe(r) for r in page.auto_paging_iter()]

    def retrieve_reader(self, reader_id: str) -> Reader:
        with self._translated():
            return reader_from_stripe(self._client.v1.terminal.readers.retrieve(reader_id))

    # -- a sale --------------------------------------------------------------------------------

    def create_reader_intent(self, *, amount: int, currency: str, idempotency_key: str,
                             metadata: dict[str, str], description: str,
                             manual_capture: bool = False) -> Intent:
        params: dict[str, Any] = {
            "amount": to_stripe(Money(amount, currency)), "currency": currency,
            "payment_method_types": reader_payment_method_types(currency),
            "metadata": dict(metadata), "description": description,
            **capture_params(currency, manual_capture)}
        with self._translated():
            pi = self._client.v1.payment_intents.create(
                params=params, options={"idempotency_key": idempotency_key})
        return self._intent(pi)

    def process_payment_intent(self, reader_id: str, payment_intent: str, *, tipping: bool = False,
                               idempotency_key: str) -> Reader:
        # The customer may cancel on the reader (the till shows it as such); tips only when asked.
        config: dict[str, Any] = {"enable_customer_cancellation": True}
        if not tipping:
            config["skip_tipping"] = True
        with self._translated():
            return reader_from_stripe(self._client.v1.terminal.readers.process_payment_intent(
                reader_id, params={"payment_intent": payment_intent, "process_config": config},
                options={"idempotency_key": idempotency_key}))

    def set_reader_display(self, reader_id: str, *, lines: list[DisplayLine], tax: int, total: int,
                           currency: str) -> Reader:
        def stripe_amount(amount: int) -> int:
            return to_stripe(Money(amount, currency))
        cart = {"currency": currency, "tax": stripe_amount(tax), "total": stripe_amount(total),
                "line_items": [{"description": line.description[:100], "quantity": line.quantity,
                                "amount": stripe_amount(line.amount)} for line in lines]}
        with self._translated():
            return reader_from_stripe(self._client.v1.terminal.readers.set_reader_display(
                reader_id, params={"type": "cart", "cart": cart}))

    def cancel_reader_action(self, reader_id: str) -> Reader:
        with self._translated():
            return reader_from_stripe(self._client.v1.terminal.readers.cancel_action(reader_id))

    def capture_intent(self, pi_id: str, *, amount_to_capture: int | None,
                       idempotency_key: str) -> Intent:
        params: dict[str, Any] = {}
        with self._translated():
            if amount_to_capture is not None:
                currency = self._client.v1.payment_intents.retrieve(pi_id)["currency"]
                params["amount_to_capture"] = to_stripe(Money(amount_to_capture, currency))
            pi = self._client.v1.payment_intents.capture(
                pi_id, params=params, options={"idempotency_key": idempotency_key})
        return self._intent(pi)

    def refund_on_reader(self, reader_id: str, *, payment_intent: str, amount: int | None,
                         currency: str, idempotency_key: str) -> Reader:
        params: dict[str, Any] = {"payment_intent": payment_intent}
        if amount is not None:
            params["amount"] = to_stripe(Money(amount, currency))
        with self._translated():
            return reader_from_stripe(self._client.v1.terminal.readers.refund_payment(
                reader_id, params=params, options={"idempotency_key": idempotency_key}))

    def present_payment_method(self, reader_id: str, *, number: str = "4242424242424242",
                               amount_tip: int = 0, currency: str = "usd",
                               interac: bool = False) -> Reader:
        kind = "interac_present" if interac else "card_present"
        params: dict[str, Any] = {"type": kind}
        if not (interac and number == "4242424242424242"):  # Interac: Stripe's own test card
            params[kind] = {"number": number}
        if amount_tip:
            params["amount_tip"] = to_stripe(Money(amount_tip, currency))
        with self._translated():
            return reader_from_stripe(
                self._client.v1.test_helpers.terminal.readers.present_payment_method(
                    reader_id, params=params))


# ---------------------------------------------------------------------------------- mapping

def reader_payment_method_types(currency: str) -> list[str]:
    """card_present everywhere; Interac debit too where the sale is in Canadian dollars."""
    return ["card_present", "interac_present"] if currency.lower() == "cad" else ["card_present"]


def capture_params(currency: str, manual_capture: bool) -> dict[str, Any]:
    if not manual_capture:
        return {"capture_method": "automatic"}
    if "interac_present" in reader_payment_method_types(currency):
        return {"capture_method": "automatic",
                "payment_method_options": {"card_present": {"capture_method": "manual_preferred"}}}
    return {"capture_method": "manual"}


def reader_from_stripe(reader: Any) -> Reader:
    data = reader.to_dict() if hasattr(reader, "to_dict") else dict(reader)
    location = data.get("location") or ""
    return Reader(id=data["id"], label=data.get("label") or "", device_type=data["device_type"],
                  status=ReaderStatus(data.get("status") or "offline"),
                  location=str(location.get("id") if isinstance(location, dict) else location),
                  serial_number=data.get("serial_number") or "",
                  action=action_from_stripe(data.get("action")))


def action_from_stripe(action: dict[str, Any] | None) -> ReaderAction | None:
    if not action:
        return None
    own = action.get(action["type"]) or {}
    pi = own.get("payment_intent") if action["type"] in _ACTION_INTENT else None
    refund = own.get("refund") if action["type"] == "refund_payment" else None
    return ReaderAction(type=action["type"], status=ActionStatus(action["status"]),
                        payment_intent=pi.get("id") if isinstance(pi, dict) else pi,
                        failure_code=action.get("failure_code"),
                        failure_message=action.get("failure_message"),
                        refund=refund.get("id") if isinstance(refund, dict) else refund)


def tip_of(data: dict[str, Any]) -> int:
    """The on-reader tip of a PaymentIntent's JSON, in till minor units (0 when none)."""
    tip = ((data.get("amount_details") or {}).get("tip") or {}).get("amount") or 0
    return from_stripe(tip, data["currency"]).amount if tip else 0
