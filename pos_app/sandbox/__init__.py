"""Training mode: a Stripe-compatible local payments API (a subset, faithful to Stripe's wire format).

Each sandbox makes its own random keys (kept in its data folder's database); point stripe-python
at it with
``stripe.StripeClient(server.secret_key, base_addresses={"api": server.url})``
and Stripe.js (the lookalike at ``<server.url>/v3/``) with ``server.publishable_key``.
"""

from pos_app.sandbox.state import SandboxState
from pos_app.sandbox.app import create_sandbox_app
from pos_app.sandbox.server import SandboxServer, run_standalone

__all__ = ["SandboxState", "SandboxServer", "create_sandbox_app", "run_standalone"]
