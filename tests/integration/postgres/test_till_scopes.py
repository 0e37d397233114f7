"""What a till follows up on a shared database is its own: ledger rows, tenders, refunds, set-aside carts.

Start-up reconciliation walks every unfinished ledger row, pending tender and pending refund it is
given; on a shop's database another till's payment in flight is that till's to finish or cancel.
Store level on both backends (two tills on one SQLite file stand in for a shared database there),
then reconcile itself with two tills on the shop's database and the sandbox they share.
"""

from __future__ import annotations

from pos_app.domain.statuses import PaymentStatus, RefundStatus
from pos_app.domain.tenders import TenderKind, TenderStatus
from pos_app.store.ledger import ChargeSnapshot

from .tills import ShopTill, open_till_store, record_sale

SNAPSHOT = ChargeSnapshot((), 0, 0, 1000)


def open_payment(store, key: str):
    """An unfinished ledger row and a pending card tender for the till's active cart."""
    cart = store.carts.snapshot()
    entry = store.ledger.begin(cart_id=cart.cart_id, cart_uuid=cart.uuid, idempotency_key=key, amount=1000,
                               currency="usd", snapshot=SNAPSHOT)
    shift = store.shifts.open(store.journal.till, 0, "usd")
    tender = store.tenders.add(cart_id=cart.cart_id, cart_uuid=cart.uuid, kind=TenderKind.CARD,
                               status=TenderStatus.PENDING, amount=1000, currency="usd", shift_id=shift.id,
                               snapshot=SNAPSHOT, payment_id=entry.id)
    return entry, tender


def test_each_till_scans_only_its_own_payments_tenders_and_refunds(database_location):
    one, two = open_till_store(database_location, 1), open_till_store(database_location, 2)
    try:
        entry_1, tender_1 = open_payment(one, "key-1")
        entry_2, tender_2 = open_payment(two, "key-2")
        assert [e.id for e in one.ledger.unfinished()] == [entry_1.id]
        assert [e.id for e in two.ledger.unfinished()] == [entry_2.id]
        assert [t.id for t in one.tenders.pending()] == [tender_1.id]
        assert [t.id for t in two.tenders.pending()] == [tender_2.id]
        order = record_sale(one, {"item1": 1}, "pi_sold_at_1")
        pending = two.orders.begin_refund(order.id, 100, None)  # till 2 refunds till 1's sale
        processing = one.orders.begin_refund(order.id, 100, None)
        one.orders.finish_refund(processing.id, status=RefundStatus.PROCESSING, refund_id="re_1")
        assert [r.id for r in two.orders.pending_refunds()] == [pending.id] and one.orders.pending_refunds() == []
        assert [r.id for r in one.orders.processing_refunds()] == [processing.id]
        assert two.orders.processing_refunds() == []
        assert [r.id for r in two.orders.processing_refunds(order.id)] == [processing.id]  # one order's: any till's
        two.carts.replace({"item1": 1})
        with two.unit_of_work() as work:
            two.carts.park(work, label="Table 4", user=None)
        assert one.carts.set_aside_cart_ids() == []  # till 2's parked cart and its open payment are its own
        assert two.carts.set_aside_cart_ids() == [entry_2.cart_id]
    finally:
        one.close(), two.close()


def test_a_till_starting_up_leaves_another_tills_payment_in_flight_alone(shop_database_url, sandbox_server,
                                                                         tmp_path):
    """Till 1's customer is at the card form (paid, not yet recorded) while till 2 starts: before, till 2's
    reconcile recorded till 1's sale as its own (an open intent of another cart it would have cancelled)."""
    from tests.integration.payments.helpers import VISA, confirm_as_browser
    one = ShopTill(shop_database_url, 1, sandbox_server, tmp_path / "one")
    two = ShopTill(shop_database_url, 2, sandbox_server, tmp_path / "two")
    try:
        one.store.carts.replace({"item2": 1})
        paid = one.checkout.prepare()
        report = two.checkout.reconcile()  # an open intent of a cart not its own: it would have cancelled it
        assert (report.finalized, report.closed, report.kept) == ([], [], [])
        page = {"sandbox_url": sandbox_server.url, "publishable_key": one.gateway.publishable_key}
        assert confirm_as_browser(page, paid.client_secret, VISA)["status"] == "succeeded"
        report = two.checkout.reconcile()  # paid, not recorded yet: it would have recorded it as its sale
        assert (report.finalized, report.closed, report.review) == ([], [], [])
        assert two.store.orders.count() == 0
        [entry] = one.store.ledger.unfinished()
        assert entry.payment_intent == paid.payment_intent and entry.status != PaymentStatus.CANCELED
        order = one.checkout.finalize(paid.payment_intent)  # till 1 records its own sale
        assert order.number == "T01-000001"
    finally:
        one.close(), two.close()


def test_a_refund_leaves_another_tills_pending_refund_of_the_order_alone(shop_database_url, sandbox_server,
                                                                        sandbox_refunds, tmp_path):
    """Till 1 has reserved a refund whose answer is on its way; till 2 refunds the same amount of the same
    sale: before, till 2 sent till 1's refund (its key) and took it as its own answer."""
    from .test_concurrent_refunds import sell_by_card
    one = ShopTill(shop_database_url, 1, sandbox_server, tmp_path / "one")
    two = ShopTill(shop_database_url, 2, sandbox_server, tmp_path / "two")
    try:
        order = sell_by_card(one, sandbox_server, {"item2": 1})  # 10.00
        on_its_way = one.store.orders.begin_refund(order.id, 400, "requested_by_customer")
        mine = two.checkout.refund(order.id, 400)
        assert mine.id != on_its_way.id and mine.status == RefundStatus.SUCCEEDED
        assert one.store.orders.refund(on_its_way.id).status == RefundStatus.PENDING  # still till 1's to settle
        assert [r["metadata"]["refund_seq"] for r in sandbox_refunds(order.payment_intent)] == ["2"]
        settled = one.checkout.reconcile().refunds  # till 1 settles its own
        assert [r.id for r in settled] == [on_its_way.id] and settled[0].status == RefundStatus.SUCCEEDED
        assert two.store.orders.get(order.id).refunded == 800
    finally:
        one.close(), two.close()
