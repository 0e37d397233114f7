"""The one place that builds the till's payment gateway: Stripe with keys, else the training sandbox.

Training mode starts the sandbox on the data folder's own state (its keys, made once per folder,
are the only ones it accepts) and points stripe-python at it, or at the shop's one sandbox
(POS_SANDBOX_URL, shared_sandbox.py); test and live mode talk to Stripe.
AppCore keeps what start_gateway returns for its lifetime; `pos-app report` uses open_gateway.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

from pos_app.config import TRAINING, ConfigError, Settings

if TYPE_CHECKING:
    from pos_app.payments.stripe_gateway import StripeGateway
    from pos_app.sandbox import SandboxServer


def start_gateway(settings: Settings) -> tuple[StripeGateway, SandboxServer | None]:
    """The gateway, and the training sandbox it talks to (started; None with Stripe keys)."""
    from pos_app.payments.stripe_gateway import StripeGateway
    if settings.mode != TRAINING:
        secret, publishable = settings.stripe_secret_key, settings.stripe_publishable_key
        if not secret or not publishable:  # Settings.load checks both come together; mode says one is set
            raise ConfigError("set both STRIPE_SECRET_KEY and STRIPE_PUBLISHABLE_KEY, or neither (training mode)")
        return StripeGateway(secret, publishable), None
    shared = settings.shared_sandbox
    if shared is not None:  # the shop's one sandbox (POS_SANDBOX_URL): every till's payments in one place
        return StripeGateway(shared.secret_key, shared.publishable_key, api_base=shared.url), None
    from pos_app.sandbox import SandboxServer, SandboxState
    from pos_app.sandbox.server import STATE_FILE_NAME
    sandbox = SandboxServer(SandboxState(settings.data_dir / STATE_FILE_NAME))
    sandbox.start()
    try:
        return StripeGateway(sandbox.secret_key, sandbox.publishable_key, api_base=sandbox.url), sandbox
    except BaseException:
        stop_sandbox(sandbox)
        raise


def sandbox_url(settings: Settings, sandbox: SandboxServer | None) -> str | None:
    """Where the training sandbox (and its Stripe.js) answers: the till's own, or the shop's; None with Stripe keys."""
    if sandbox is not None:
        return sandbox.url
    return settings.shared_sandbox.url if settings.shared_sandbox is not None and settings.training else None


def stop_sandbox(sandbox: SandboxServer | None) -> None:
    """Stop the training sandbox and close its state file (nothing for Stripe)."""
    if sandbox is not None:
        sandbox.stop()
        sandbox.state.close()


@contextmanager
def open_gateway(settings: Settings) -> Iterator[StripeGateway]:
    """The gateway for one command (e.g. the Z report's check), stopped afterwards."""
    gateway, sandbox = start_gateway(settings)
    try:
        yield gateway
    finally:
        stop_sandbox(sandbox)
