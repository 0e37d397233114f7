"""A till process that dies mid-payment (os._exit: no cleanup, no finally), for the crash tests.

    python -m tests.integration.payments.crash_till <data_dir> <sandbox_url> <stage>

with the sandbox's keys in the environment (POS_TEST_SANDBOX_SK, POS_TEST_SANDBOX_PK), never argv, and
POS_DATABASE_URL there when the till runs on a shop's PostgreSQL database (else its SQLite file).

stage "after_create": dies the moment the PaymentIntent create call returns, before the ledger
learns its id. stage "after_confirm": the customer's card is confirmed (succeeded), then the
process dies before finalize. The split sale's stages ("split_..."): 10.00 in cash first, then a
card part of the 25.00 left: "split_after_create" dies when that part's create returns,
"split_after_confirm" once its card is confirmed, before the part is recorded.
"split_void_after_refund": 10.00 cash and a paid 15.00 card part, then the cashier voids: dies when
the card part's refund returns, before the till has written the part down as voided.
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
from tests.integration.payments.helpers import VISA, confirm_as_browser

KILLED = 137


def main(data_dir: str, sandbox_url: str, stage: str) -> None:
    settings = Settings(data_dir=Path(data_dir), currency="usd", terminal_id="till-7",
                        database_url=os.environ.get("POS_DATABASE_URL", ""))
    store = open_store(settings.database_location, settings.pricing, seed_demo=True,
                       till=settings.terminal_id)
    ensure_open_shift(store, settings)
    gateway = StripeGateway(os.environ["POS_TEST_SANDBOX_SK"], os.environ["POS_TEST_SANDBOX_PK"],
                            api_base=sandbox_url)
    if stage in ("after_create", "split_after_create"):
        create = gateway.create_intent

        def create_then_die(**kwargs):
            create(**kwargs)
            os._exit(KILLED)

        gateway.create_intent = create_then_die
    if stage == "split_void_after_refund":
        refund = gateway.refund

        def refund_then_die(**kwargs):
            refund(**kwargs)
            os._exit(KILLED)

        gateway.refund = refund_then_die
    checkout = CheckoutService(store, gateway, settings)
    store.carts.replace({"item1": 1, "item3": 2})
    if stage.startswith("split_"):
        checkout.take_cash(1000)
    if stage == "split_void_after_refund":
        page = {"sandbox_url": sandbox_url, "publishable_key": gateway.publishable_key}
        part = checkout.prepare_part(1500)
        assert confirm_as_browser(page, part.client_secret, VISA)["status"] == "succeeded"
        checkout.finalize(part.payment_intent)
        checkout.void_tenders()
    prepared = checkout.prepare()
    if stage in ("after_confirm", "split_after_confirm"):
        page = {"sandbox_url": sandbox_url, "publishable_key": gateway.publishable_key}
        result = confirm_as_browser(page, prepared.client_secret, VISA)
        assert result["status"] == "succeeded", result
        os._exit(KILLED)
    os._exit(1)  # the stage did not kill the process: the test must notice


if __name__ == "__main__":
    main(*sys.argv[1:])
