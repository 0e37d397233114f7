"""Stripe Terminal's setup objects: Locations and Readers (register, retrieve, list).

A reader is registered from a registration code; as in Stripe's test mode only the simulated codes
work (`simulated-wpe` -> simulated_wisepos_e, `simulated-s700` -> simulated_stripe_s700), and any
other code is refused. A reader's `action` (sandbox/readers.py) is kept on its record, so an action
in progress survives a restart of the sandbox. Neither object has a public `created`: the records
keep it as `_created` for ordering. `status` is online unless a reader_offline fault holds it.
"""

from __future__ import annotations

import uuid

from pos_app.sandbox import objects
from pos_app.sandbox.calls import Call
from pos_app.sandbox.errors import StripeError, invalid_request, no_such, validation_error
from pos_app.sandbox.forms import Enum, Hash, Int, List, Metadata, Str
from pos_app.sandbox.validation import merge_metadata

LOCATION = "terminal.location"
READER = "terminal.reader"
#: Stripe's test-mode registration codes -> the simulated reader's device_type.
SIMULATED_CODES = {"simulated-wpe": "simulated_wisepos_e", "simulated-s700": "simulated_stripe_s700"}
SIMULATED_SOFTWARE = "2.41.0.0"

ADDRESS = Hash({k: Str() for k in ("city", "country", "line1", "line2", "postal_code", "state")},
               required=True)
LOCATION_CREATE = {"display_name": Str(1000, required=True), "address": ADDRESS,
                   "metadata": Metadata(), "configuration_overrides": Str(), "phone": Str(),
                   "expand": List(Str())}
READER_CREATE = {"registration_code": Str(required=True), "label": Str(1000),
                 "location": Str(), "metadata": Metadata(), "expand": List(Str())}
RETRIEVE = {"expand": List(Str())}
_PAGING = {"limit": Int(), "starting_after": Str(), "ending_before": Str(), "expand": List(Str())}
LOCATION_LIST = _PAGING
READER_LIST = {**_PAGING, "location": Str(), "status": Enum("online", "offline"),
               "device_type": Str(), "serial_number": Str()}


# ---------------------------------------------------------------------------------- locations

def create_location(call: Call):
    p = call.params
    address = p["address"]
    if not address.get("country"):
        raise validation_error("Missing required param: address[country].",
                               param="address[country]", code="parameter_missing")
    location = {
        "id": call.state.new_id("tml"), "object": LOCATION,
        "address": {k: address.get(k) for k in
                    ("city", "country", "line1", "line2", "postal_code", "state")},
        "display_name": p["display_name"], "livemode": False,
        "metadata": merge_metadata({}, p.get("metadata")), "_created": call.state.now(),
    }
    if p.get("configuration_overrides"):
        location["configuration_overrides"] = p["configuration_overrides"]
    call.state.put(LOCATION, location)
    return 200, objects.public(location)


def retrieve_location(call: Call, location_id: str):
    return 200, objects.public(_find(call, LOCATION, "location", location_id))


def list_locations(call: Call):
    return 200, _list(call, LOCATION, "/v1/terminal/locations", lambda record: True)


# ------------------------------------------------------------------------------------ readers

def create_reader(call: Call):
    p = call.params
    device_type = SIMULATED_CODES.get(p["registration_code"])
    if device_type is None:
        # Stripe's answer to a code no reader is showing; in test mode only simulated codes work.
        raise invalid_request("The registration code provided is invalid. In test mode, use "
                              "simulated-wpe or simulated-s700 to register a simulated reader.",
                              param="registration_code")
    location = p.get("location")
    if not location:
        raise invalid_request("A location is required to register a reader: create one with "
                              "POST /v1/terminal/locations.", param="location",
                              code="terminal_reader_invalid_location_for_activation")
    _find(call, LOCATION, "location", location, param="location")
    reader = {
        "id": call.state.new_id("tmr"), "object": READER, "action": None,
        "device_sw_version": SIMULATED_SOFTWARE, "device_type": device_type,
        "ip_address": "0.0.0.0", "label": p.get("label") or device_type.replace("_", " "),
        "last_seen_at": None, "livemode": False, "location": location,
        "metadata": merge_metadata({}, p.get("metadata")),
        "serial_number": str(uuid.uuid4()), "status": "online", "_created": call.state.now(),
    }
    call.state.put(READER, reader)
    return 200, render_reader(call, reader)


def retrieve_reader(call: Call, reader_id: str):
    return 200, render_reader(call, settled(call, find_reader(call, reader_id)))


def list_readers(call: Call):
    p = call.params

    def wanted(reader: dict) -> bool:
        status = "offline" if call.state.faults.reader_offline(reader["id"]) else "online"
        return all(p.get(name) in (None, value) for name, value in (
            ("location", reader["location"]), ("status", status),
            ("device_type", reader["device_type"]), ("serial_number", reader["serial_number"])))

    page = _list(call, READER, "/v1/terminal/readers", wanted)
    page["data"] = [render_reader(call, settled(call, find_reader(call, r["id"])))
                    for r in page["data"]]
    return 200, page


# ------------------------------------------------------------------------------------ helpers

def find_reader(call: Call, reader_id: str) -> dict:
    return _find(call, READER, "terminal.reader", reader_id)


def render_reader(call: Call, reader: dict) -> dict:
    """The reader's JSON: status from the faults, last_seen_at (ms) now when it is online."""
    out = objects.public(reader)
    if out["action"]:  # a fault's plan for the action (`_then`, `_stuck`) is the sandbox's own
        out["action"] = objects.public(out["action"])
    if call.state.faults.reader_offline(reader["id"]):
        out["status"] = "offline"
    else:
        out["status"], out["last_seen_at"] = "online", call.state.now() * 1000
    return out


def settled(call: Call, reader: dict) -> dict:
    """A customer who pressed Cancel on the reader (customer_cancel fault) is seen at the next
    look: the action in progress fails with customer_canceled."""
    action = reader.get("action")
    if action and action["status"] == "in_progress" and action.get("_then") == "customer_canceled":
        finish(call, reader, "failed", failure_code="customer_canceled",
               failure_message="The customer canceled the payment on the reader.")
    return reader


def finish(call: Call, reader: dict, status: str, *, failure_code: str | None = None,
           failure_message: str | None = None) -> None:
    action = {k: v for k, v in reader["action"].items() if not k.startswith("_")}
    action.update(status=status, failure_code=failure_code, failure_message=failure_message)
    reader["action"] = action
    call.state.put(READER, reader)


def reader_error(code: str, message: str) -> StripeError:
    return invalid_request(message, code=code)


def _find(call: Call, kind: str, name: str, object_id: str, param: str = "id") -> dict:
    found = call.state.get(kind, object_id)
    if found is None:
        raise no_such(name, object_id, param)
    return found


def _list(call: Call, kind: str, url: str, wanted) -> dict:
    """A Stripe list page over the few Terminal objects a shop has (filtered in Python)."""
    p = call.params
    limit = p.get("limit", 10)
    if not 1 <= limit <= 100:
        raise validation_error("This value must be less than or equal to 100 and greater than or "
                               "equal to 1.", param="limit", code="parameter_invalid_integer")
    records = [r for r in reversed(call.state.all(kind)) if wanted(r)]  # newest first
    ids = [r["id"] for r in records]
    for param, step in (("starting_after", 1), ("ending_before", 0)):
        cursor = p.get(param)
        if cursor:
            if cursor not in ids:
                raise no_such(kind, cursor, param)
            at = ids.index(cursor)
            records = records[at + 1:] if step else records[max(0, at - limit):at]
    page = records[:limit]
    return {"object": "list", "url": url, "has_more": len(records) > limit,
            "data": [objects.public(r) for r in page]}
