"""Training mode: a Stripe-compatible local payments API (a subset, faithful to Stripe's wire format).

Point stripe-python at it with
``stripe.StripeClient(SANDBOX_SECRET_KEY, base_addresses={"api": server.url})``.
"""

#: Fixed fake keys the app uses in training mode; the sandbox accepts any sk_test_/pk_test_ key.
SANDBOX_SECRET_KEY = "sk_test_sandbox_0000000000000000000000000000"
SANDBOX_PUBLISHABLE_KEY = "pk_test_sandbox_0000000000000000000000000000"

from pos_app.sandbox.state import SandboxState  # noqa: E402
from pos_app.sandbox.app import create_sandbox_app  # noqa: E402
from pos_app.sandbox.server import SandboxServer, run_standalone  # noqa: E402

__all__ = ["SANDBOX_SECRET_KEY", "SANDBOX_PUBLISHABLE_KEY", "SandboxState", "SandboxServer",
           "create_sandbox_app", "run_standalone"]
