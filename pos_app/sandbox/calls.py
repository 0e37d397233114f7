"""What an endpoint handler is given: the state, who is calling, and the checked parameters."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from pos_app.sandbox.errors import no_such, validation_error
from pos_app.sandbox.keys import Caller
from pos_app.sandbox.state import SandboxState


@dataclass
class Call:
    state: SandboxState
    caller: Caller
    base_url: str           # e.g. "http://127.0.0.1:5123", for links the browser follows
    params: dict[str, Any] = field(default_factory=dict)

    @property
    def publishable(self) -> bool:
        return self.caller.publishable

    @property
    def expand(self) -> list[str]:
        return self.params.get("expand", [])

    def find(self, kind: str, object_id: str, param: str = "id") -> dict:
        """The stored object, or Stripe's 404 "No such <kind>" naming the parameter."""
        found = self.state.get(kind, object_id)
        if found is None:
            raise no_such(kind, object_id, param)
        return found

    def check_client_secret(self, pi: dict) -> None:
        """A publishable key only reaches a PaymentIntent whose client_secret it presents."""
        if not self.publishable:
            return
        secret = self.params.get("client_secret")
        if not secret:
            raise validation_error("A client_secret is required to use this PaymentIntent with a "
                                  "publishable key.", param="client_secret",
                                  code="parameter_missing")
        if secret != pi["client_secret"]:
            raise validation_error("The client_secret provided does not match the client_secret "
                                  "associated with the PaymentIntent.", param="client_secret")
