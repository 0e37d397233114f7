"""The sandbox's own controls (training only, secret key only): fault rules and restricted keys."""

from __future__ import annotations

from pos_app.sandbox.calls import Call
from pos_app.sandbox.forms import Enum, Hash
from pos_app.sandbox.keys import RESOURCES

FAULT_LIST: dict = {}
FAULT_CLEAR: dict = {}
RESTRICTED_KEY_CREATE = {"permissions": Hash({
    name: Enum("none", "read", "write") for name in RESOURCES}, required=True)}


def add_fault(call: Call):
    return 200, call.state.faults.add(call.params).public()


def list_faults(call: Call):
    return 200, {"object": "list", "url": "/_sandbox/faults", "has_more": False,
                 "data": [f.public() for f in call.state.faults.rules()]}


def clear_faults(call: Call):
    call.state.faults.clear()
    return 200, {"object": "list", "url": "/_sandbox/faults", "has_more": False, "data": []}


def create_restricted_key(call: Call):
    permissions = call.params["permissions"]
    key = call.state.keys.create_restricted(permissions)
    return 200, {"object": "sandbox.restricted_key", "secret": key, "permissions": permissions}
