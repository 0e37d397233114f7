"""Stripe object shapes: records as stored, the public JSON, expansion and list pages.

A record is the object's JSON plus private keys starting with "_" (creation sequence, the test
card's behaviour); public() drops them.
"""

from __future__ import annotations

import copy
from typing import Any

from pos_app.sandbox.auth import require
from pos_app.sandbox.cards import CardDetails
from pos_app.sandbox.errors import invalid_request, validation_error
from pos_app.sandbox.keys import Caller
from pos_app.sandbox.state import SandboxState, random_token

#: Fields of a PaymentIntent that Stripe also returns to a publishable key.
CLIENT_SAFE_PI_FIELDS = (
    "id", "object", "amount", "automatic_payment_methods", "canceled_at", "cancellation_reason",
    "capture_method", "client_secret", "confirmation_method", "created", "currency", "description",
    "last_payment_error", "livemode", "next_action", "payment_method", "payment_method_types",
    "processing", "receipt_email", "setup_future_usage", "shipping", "source", "status",
)

#: kind -> {field that may be expanded: kind of the object it names}
EXPANDABLE = {
    "payment_intent": {"payment_method": "payment_method", "latest_charge": "charge"},
    "charge": {"payment_intent": "payment_intent", "balance_transaction": "balance_transaction"},
    "refund": {"charge": "charge", "payment_intent": "payment_intent",
               "balance_transaction": "balance_transaction"},
    "balance_transaction": {"source": "source"},
    "payment_method": {},
}
#: Stripe expands at most four levels deep (`a.b.c.d`).
MAX_EXPANSION_DEPTH = 4
_SOURCE_KINDS = {"ch": "charge", "re": "refund"}


def public(record: dict) -> dict:
    return {k: copy.deepcopy(v) for k, v in record.items() if not k.startswith("_")}


def client_view(pi: dict) -> dict:
    return {k: copy.deepcopy(pi[k]) for k in CLIENT_SAFE_PI_FIELDS if k in pi}


def render(state: SandboxState, kind: str, record: dict, expand: list[str],
           publishable: bool = False, caller: Caller | None = None) -> dict:
    """The object's JSON, with `expand` paths (`latest_charge.balance_transaction`) replaced by
    the objects they name (a restricted caller needs read permission on each)."""
    obj = client_view(record) if publishable and kind == "payment_intent" else public(record)
    tree: dict = {}
    for path in expand:
        parts = path.split(".")
        if len(parts) > MAX_EXPANSION_DEPTH:
            raise validation_error(f"You cannot expand more than {MAX_EXPANSION_DEPTH} levels of "
                                   f"a property. Property: {path}", param="expand")
        node = tree
        for part in parts:
            node = node.setdefault(part, {})
    _expand(state, kind, obj, tree, publishable, "", caller)
    return obj


def _expand(state: SandboxState, kind: str, obj: dict, tree: dict, publishable: bool,
            prefix: str, caller: Caller | None) -> None:
    for field, below in tree.items():
        target = EXPANDABLE[kind].get(field)
        if target is None or (publishable and field not in obj):
            raise validation_error(f"This property cannot be expanded ({prefix}{field}).",
                                   param="expand")
        value = obj.get(field)
        if isinstance(value, str):
            related_kind = _SOURCE_KINDS.get(value.split("_")[0]) if target == "source" else target
            related = state.get(related_kind, value) if related_kind else None
            if related is None:
                continue
            if caller is not None:
                require(caller, f"{related_kind}s", write=False)
            obj[field] = value = public(related)
        if below and isinstance(value, dict):  # null stays null, as on Stripe
            _expand(state, value["object"], value, below, False, f"{prefix}{field}.", caller)


_RANGE_SQL = {"eq": "=", "gt": ">", "gte": ">=", "lt": "<", "lte": "<="}


def render_list(state: SandboxState, kind: str, *, url: str, limit: int,
                starting_after: str | None, ending_before: str | None, expand: list[str],
                created: dict[str, int] | None = None, caller: Caller | None = None,
                **columns: str | None) -> dict:
    """A Stripe list page, newest first, cursor by object id, has_more past the page.

    Paged in SQL (by the created/seq index), so a page costs the same at any history size.
    `columns` filter on the stored columns: payment_intent=…, charge=… ("id" for a charge)."""
    if not 1 <= limit <= 100:
        raise validation_error("This value must be less than or equal to 100 and greater than or "
                               "equal to 1.", param="limit", code="parameter_invalid_integer")
    if starting_after and ending_before:
        raise validation_error("You may only specify one of these parameters: ending_before, "
                               "starting_after.", param="ending_before")
    if any(not e.startswith("data.") for e in expand):
        raise validation_error("Expansions on lists must start with 'data.'.", param="expand")
    where, args = ["1 = 1"], []
    for op, value in (created or {}).items():
        where.append(f"created {_RANGE_SQL[op]} ?")
        args.append(value)
    for column, value in columns.items():
        if value is not None:
            where.append(f"{column} = ?")
            args.append(value)
    newest_first = True
    if starting_after or ending_before:
        param = "starting_after" if starting_after else "ending_before"
        cursor = state.get(kind, starting_after or ending_before)
        if cursor is None:
            raise invalid_request(f"No such {kind}: '{starting_after or ending_before}'",
                                  param=param, code="resource_missing", status=404)
        newest_first = bool(starting_after)
        older, newer = "(created < ? OR (created = ? AND seq < ?))", \
            "(created > ? OR (created = ? AND seq > ?))"
        where.append(older if starting_after else newer)
        args.extend([cursor["created"], cursor["created"], cursor["_seq"]])
    rows = state.records(" AND ".join(where), tuple(args), kind, newest_first=newest_first,
                         limit=limit + 1)
    page, has_more = rows[:limit], len(rows) > limit
    if not newest_first:
        page.reverse()
    item_expand = [e.removeprefix("data.") for e in expand]
    return {"object": "list", "url": url, "has_more": has_more,
            "data": [render(state, kind, r, item_expand, caller=caller) for r in page]}


# ------------------------------------------------------------------------------------ builders

def payment_method_record(state: SandboxState, card: CardDetails, billing_details: dict,
                          metadata: dict) -> dict:
    address = billing_details.get("address") or {}
    return {
        "id": state.new_id("pm"), "object": "payment_method", "type": "card",
        "allow_redisplay": "unspecified",
        "billing_details": {
            "address": {k: address.get(k) for k in
                        ("city", "country", "line1", "line2", "postal_code", "state")},
            "email": billing_details.get("email"), "name": billing_details.get("name"),
            "phone": billing_details.get("phone"), "tax_id": None,
        },
        "card": {
            "brand": card.brand, "display_brand": card.brand, "country": "US",
            "exp_month": card.exp_month, "exp_year": card.exp_year, "funding": card.funding,
            "fingerprint": card.fingerprint, "last4": card.last4, "generated_from": None,
            "checks": {"address_line1_check": None, "address_postal_code_check": None,
                       "cvc_check": "unchecked" if card.cvc_provided else None},
            "networks": {"available": [card.brand], "preferred": None},
            "regulated_status": None,
            "three_d_secure_usage": {"supported": True}, "wallet": None,
        },
        "created": state.now(), "customer": None, "customer_account": None, "livemode": False,
        "metadata": metadata, "_outcome": card.outcome.name,
    }


def payment_intent_record(state: SandboxState, *, amount: int, currency: str,
                          params: dict[str, Any]) -> dict:
    pi_id = state.new_id("pi")
    return {
        "id": pi_id, "object": "payment_intent", "amount": amount, "amount_capturable": 0,
        "amount_details": {"tip": {}}, "amount_received": 0, "application": None,
        "application_fee_amount": None,
        "automatic_payment_methods": params.get("automatic_payment_methods"),
        "canceled_at": None, "cancellation_reason": None,
        "capture_method": params.get("capture_method", "automatic"),
        "client_secret": f"{pi_id}_secret_{random_token(25)}",
        "confirmation_method": params.get("confirmation_method", "automatic"),
        "created": state.now(), "currency": currency, "customer": None,
        "customer_account": None, "description": params.get("description") or None,
        "excluded_payment_method_types": None,
        "last_payment_error": None, "latest_charge": None, "livemode": False,
        "metadata": params.get("metadata_merged", {}), "next_action": None,
        "on_behalf_of": None, "payment_method": None,
        "payment_method_configuration_details": None,
        "payment_method_options": _payment_method_options(params),
        "payment_method_types": params.get("payment_method_types") or ["card"], "processing": None,
        "receipt_email": params.get("receipt_email") or None, "review": None,
        "setup_future_usage": None, "shipping": None, "source": None,
        "statement_descriptor": params.get("statement_descriptor") or None,
        "statement_descriptor_suffix": params.get("statement_descriptor_suffix") or None,
        "status": "requires_payment_method", "transfer_data": None, "transfer_group": None,
    }


def _payment_method_options(params: dict[str, Any]) -> dict:
    types = params.get("payment_method_types") or ["card"]
    given = params.get("payment_method_options") or {}
    options: dict[str, dict] = {}
    if "card" in types:
        options["card"] = {"installments": None, "mandate_options": None, "network": None,
                           "request_three_d_secure": "automatic"}
    if "card_present" in types:
        options["card_present"] = {"request_extended_authorization": False,
                                   "request_incremental_authorization_support": False,
                                   **given.get("card_present", {})}
    if "interac_present" in types:
        options["interac_present"] = {}
    return options


def _payment_method_details(pm: dict, three_d_secure: bool, cvc_check: str) -> dict:
    """The charge's record of what paid: a keyed card, or a card (Interac) tapped on a reader."""
    if pm["type"] != "card":
        present = pm[pm["type"]]
        return {"type": pm["type"], pm["type"]: {
            **{k: present[k] for k in ("brand", "last4", "exp_month", "exp_year", "fingerprint",
                                       "funding", "country", "cardholder_name", "read_method")},
            "network": present["networks"]["preferred"] or present["brand"],
            "amount_authorized": None, "capture_before": None, "emv_auth_data": "8A023030",
            "generated_card": None, "incremental_authorization_supported": False,
            "overcapture_supported": False, "network_transaction_id": None, "offline": None,
            "preferred_locales": ["en"], "wallet": {"type": None},
            "receipt": {"account_type": "checking" if pm["type"] == "interac_present" else "credit",
                        "application_cryptogram": "", "application_preferred_name": "",
                        "authorization_code": "123456", "authorization_response_code": "3030",
                        "cardholder_verification_method": "approval", "dedicated_file_name": "",
                        "terminal_verification_results": "", "transaction_status_information": ""},
        }}
    card = pm["card"]
    return {"type": "card", "card": {
        "brand": card["brand"], "last4": card["last4"], "exp_month": card["exp_month"],
        "exp_year": card["exp_year"], "fingerprint": card["fingerprint"],
        "funding": card["funding"], "country": card["country"], "network": card["brand"],
        "checks": {"address_line1_check": None, "address_postal_code_check": None,
                   "cvc_check": cvc_check if card["checks"]["cvc_check"] else None},
        "three_d_secure": ({"authentication_flow": "challenge", "result": "authenticated",
                            "version": "2.2.0"} if three_d_secure else None),
    }}


def charge_record(state: SandboxState, pi: dict, pm: dict, *, failure: tuple[str, str] | None,
                  three_d_secure: bool, cvc_check: str, base_url: str) -> dict:
    """A charge attempt; a successful one is captured later (charging._settle)."""
    paid = failure is None
    charge_id = state.new_id("ch")
    receipt = random_token(32)
    return {
        "id": charge_id, "object": "charge", "amount": pi["amount"],
        "amount_captured": 0, "amount_refunded": 0, "application": None,
        "application_fee": None, "application_fee_amount": None,
        "balance_transaction": None, "billing_details": copy.deepcopy(pm["billing_details"]),
        "calculated_statement_descriptor": "SANDBOX* TRAINING" if paid else None,
        "captured": False, "created": state.now(), "currency": pi["currency"],
        "customer": None, "description": pi["description"], "disputed": False,
        "failure_balance_transaction": None,
        "failure_code": failure[0] if failure else None,
        "failure_message": failure[1] if failure else None, "fraud_details": {},
        "livemode": False, "metadata": dict(pi["metadata"]), "on_behalf_of": None,
        "outcome": {"network_status": "approved_by_network" if paid else "declined_by_network",
                    "reason": None, "risk_level": "normal", "seller_message":
                    "Payment complete." if paid else "The bank did not return any further details "
                    "with this decline.", "type": "authorized" if paid else "issuer_declined"},
        "paid": paid, "payment_intent": pi["id"], "payment_method": pm["id"],
        "payment_method_details": _payment_method_details(pm, three_d_secure, cvc_check),
        "receipt_email": pi["receipt_email"], "receipt_number": None,
        "receipt_url": f"{base_url}/receipts/payment/{charge_id}/{receipt}" if paid else None,
        "refunded": False, "review": None, "shipping": None, "source": None,
        "source_transfer": None, "statement_descriptor": pi["statement_descriptor"],
        "statement_descriptor_suffix": pi["statement_descriptor_suffix"],
        "status": "succeeded" if paid else "failed", "transfer_data": None,
        "transfer_group": None, "_receipt_token": receipt,
    }


def refund_record(state: SandboxState, charge: dict, amount: int, reason: str | None,
                  metadata: dict, balance_transaction: str) -> dict:
    return {
        "id": state.new_id("re"), "object": "refund", "amount": amount,
        "balance_transaction": balance_transaction, "charge": charge["id"],
        "created": state.now(), "currency": charge["currency"], "customer": None,
        "customer_account": None,
        "destination_details": {"card": {"reference_status": "pending",
                                         "reference_type": "acquirer_reference_number",
                                         "type": "refund"}, "type": "card"},
        "metadata": metadata, "payment_intent": charge["payment_intent"],
        "payment_method": charge["payment_method"], "reason": reason, "receipt_number": None,
        "source_transfer_reversal": None, "status": "succeeded", "transfer_reversal": None,
    }


def stripe_fee(amount: int, currency: str) -> int:
    """The sandbox's fee schedule (Stripe's US card price): 2.9 % rounded half up, plus 30 minor
    units in two-decimal currencies. Integers only."""
    from pos_app.sandbox.validation import ZERO_DECIMAL
    fixed = 0 if currency in ZERO_DECIMAL else 30
    return (amount * 29 + 500) // 1000 + fixed


def balance_transaction_record(state: SandboxState, *, source: str, amount: int, currency: str,
                               type: str) -> dict:
    """A charge's (amount, fee, net) or a refund's (negative amount, no fee) effect on balance."""
    fee = stripe_fee(amount, currency) if type == "charge" else 0
    created = state.now()
    return {
        "id": state.new_id("txn"), "object": "balance_transaction", "amount": amount,
        "available_on": created + 2 * 24 * 3600, "balance_type": "payments", "created": created,
        "currency": currency, "description": None, "exchange_rate": None, "fee": fee,
        "fee_details": [{"amount": fee, "application": None, "currency": currency,
                         "description": "Stripe processing fees", "type": "stripe_fee"}] if fee else [],
        "net": amount - fee, "reporting_category": type, "source": source, "status": "pending",
        "type": type,
    }
