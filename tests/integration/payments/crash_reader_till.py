"""A till process that dies (os._exit: no cleanup, no finally) during a payment on the card reader.

    python -m tests.integration.payments.crash_reader_till <data_dir> <sandbox_url> <reader_id> <stage>

with the sandbox's keys in the environment (POS_TEST_SANDBOX_SK, POS_TEST_SANDBOX_PK), never argv, and
POS_DATABASE_URL there when the till runs on a shop's PostgreSQL database (else its SQLite file).
The sale is item1 + 2 x item3 (35.00). Stages: "after_create" dies the moment the reader part's
PaymentIntent create returns, before the ledger learns its id (the one wrapped call: the crash
injected, nothing mocked); "waiting" dies once the reader waits for the card; "tip_waiting" the
same with tips on (manual capture).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from pos_app.config import Settings
from pos_app.payments.checkout import CheckoutService
from pos_app.payments.stripe_gateway import StripeGateway
from pos_app.store import open_store
from pos_app.testing.plugin import ensure_open_shift

KILLED = 137


def main(data_dir: str, sandbox_url: str, reader_id: str, stage: str) -> None:
    settings = Settings(data_dir=Path(data_dir), currency="usd", terminal_id="till-7",
                        database_url=os.environ.get("POS_DATABASE_URL", ""), reader_id=reader_id,
                        reader_tipping=stage == "tip_waiting")
    store = open_store(settings.database_location, settings.pricing, seed_demo=True,
                       till=settings.terminal_id)
    ensure_open_shift(store, settings)
    gateway = StripeGateway(os.environ["POS_TEST_SANDBOX_SK"], os.environ["POS_TEST_SANDBOX_PK"],
                            api_base=sandbox_url)
    if stage == "after_create":
        create = gateway.create_reader_intent

        def create_then_die(**kwargs):
            create(**kwargs)
            os._exit(KILLED)

        gateway.create_reader_intent = create_then_die  # type: ignore[method-assign]
    checkout = CheckoutService(store, gateway, settings)
    store.carts.replace({"item1": 1, "item3": 2})
    checkout.charge_on_reader()
    if stage in ("waiting", "tip_waiting"):
        os._exit(KILLED)
    os._exit(1)  # the stage did not kill the process: the test must notice


if __name__ == "__main__":
    main(*sys.argv[1:])
