"""Refunds through the sandbox: full, partial, per line with tax, refused, double clicks, retries."""

from __future__ import annotations

import threading

import pytest

from pos_app.domain import Item, Money
from pos_app.payments.refunding import DOUBLE_CLICK_SECONDS
from pos_app.payments.gateway import GatewayUnavailable, RefundRefused
from pos_app.store import RefundRefused as StoreRefundRefused
from pos_app.web.errors import http_status_for

from .helpers import VISA, confirm_as_browser


def sell(till, sandbox_url: str, lines: dict[str, int]):
    till.carts.replace(lines)
    prepared = till.checkout.prepare()
    page = {"sandbox_url": sandbox_url, "publishable_key": till.gateway.publishable_key}
    assert confirm_as_browser(page, prepared.client_secret, VISA)["status"] == "succeeded"
    return till.checkout.finalize(prepared.payment_intent)


def refunds_at_sandbox(state, payment_intent: str) -> list[dict]:
    return [r for r in state.all("refund") if r["payment_intent"] == payment_intent]


def test_full_refund(till, sandbox, sandbox_state):
    order = sell(till, sandbox.url, {"item2": 2})
    record = till.checkout.refund(order.id)
    assert (record.status, record.amount, record.idempotency_key) == (
        "succeeded", 2000, f"refund-{order.payment_intent}-1")
    assert record.refund_id.startswith("re_")
    assert till.store.orders.get(order.id).refunded == 2000
    [refund] = refunds_at_sandbox(sandbox_state, order.payment_intent)
    assert (refund["amount"], refund["reason"]) == (2000, "requested_by_customer")
    assert refund["metadata"] == {"order_number": "000001", "refund_seq": "1", "terminal_id": "till-7"}
    with pytest.raises(RefundRefused, match="already refunded in full") as info:
        till.checkout.refund(order.id, reason="duplicate")
    assert isinstance(info.value, StoreRefundRefused) and http_status_for(info.value) == 409


def test_partial_refunds_up_to_what_was_paid(till, sandbox, sandbox_state):
    order = sell(till, sandbox.url, {"item1": 1, "item2": 1})  # 15.00
    assert till.checkout.refund(order.id, 400).amount == 400
    assert till.checkout.refund(order.id, 600).idempotency_key == f"refund-{order.payment_intent}-2"
    with pytest.raises(RefundRefused, match="500 left"):
        till.checkout.refund(order.id, 501)
    assert till.store.orders.get(order.id).refunded == 1000
    rest = till.checkout.refund(order.id)  # "the rest"
    assert rest.amount == 500 and till.store.orders.get(order.id).refundable == 0
    assert sum(r["amount"] for r in refunds_at_sandbox(sandbox_state, order.payment_intent)) == 1500


def test_per_line_refund_includes_the_lines_share_of_tax(make_till, settings, sandbox, sandbox_state):
    till = make_till()
    till.store.catalogue.upsert([
        Item("wine", "Wine", Money(1999, "usd"), tax_rate_bp=2000),   # 20 %
        Item("bread", "Bread", Money(333, "usd"), tax_rate_bp=550),   # 5.5 %
    ])
    order = sell(till, sandbox.url, {"wine": 1, "bread": 3})
    # base wine 1999 -> tax 400 (399.8); bread 999 -> tax 55 (54.945); total 3453
    assert (order.subtotal, order.tax, order.total) == (2998, 455, 3453)

    bread = till.checkout.refund(order.id, lines=[("bread", 1)])
    assert bread.amount == 333 + 18  # 55 * 333 / 999 = 18.33 -> 18
    assert bread.lines == [{"sku": "bread", "qty": 1, "amount": 351}]
    wine = till.checkout.refund(order.id, lines=[("wine", 1)])
    assert wine.amount == 1999 + 400
    with pytest.raises(RefundRefused, match="only 2 of bread"):
        till.checkout.refund(order.id, lines=[("bread", 3)])
    last = till.checkout.refund(order.id, lines=[("bread", 2)])  # everything back: the exact rest
    assert last.amount == 3453 - 351 - 2399 == 703
    assert till.store.orders.get(order.id).refunded == order.total
    assert sum(r["amount"] for r in refunds_at_sandbox(sandbox_state, order.payment_intent)) == 3453


def test_a_refused_refund_changes_nothing(till, sandbox, sandbox_state):
    order = sell(till, sandbox.url, {"item1": 1})
    with till.store.db.transaction() as conn:  # the books say more was paid than was charged
        conn.execute("UPDATE orders SET total = 900 WHERE id = ?", (order.id,))
    with pytest.raises(RefundRefused, match="refused") as info:
        till.checkout.refund(order.id)
    assert "sk_" not in info.value.message
    [record] = till.store.orders.refunds_for(order.id)
    assert record.status == "failed"
    assert till.store.orders.get(order.id).refunded == 0
    assert refunds_at_sandbox(sandbox_state, order.payment_intent) == []


def test_double_click_refunds_once(till, sandbox, sandbox_state):
    order = sell(till, sandbox.url, {"item3": 2})
    first = till.checkout.refund(order.id, 500)
    second = till.checkout.refund(order.id, 500)  # the same request again, a moment later
    assert second == first
    assert len(refunds_at_sandbox(sandbox_state, order.payment_intent)) == 1
    assert till.store.orders.get(order.id).refunded == 500
    assert DOUBLE_CLICK_SECONDS <= 5


def test_two_racing_full_refunds_refund_once(till, sandbox, sandbox_state):
    order = sell(till, sandbox.url, {"item2": 1})
    barrier = threading.Barrier(2)
    outcomes = []

    def click():
        barrier.wait()
        try:
            outcomes.append(till.checkout.refund(order.id))
        except RefundRefused as exc:  # pragma: no cover - either outcome is fine, once
            outcomes.append(exc)

    threads = [threading.Thread(target=click) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(10)
    assert len(outcomes) == 2
    assert len(refunds_at_sandbox(sandbox_state, order.payment_intent)) == 1
    assert till.store.orders.get(order.id).refunded == 1000


def test_a_refund_whose_reply_was_lost_is_settled_once_at_start_up(make_till, sandbox, sandbox_state, faults):
    faults.drop_response("POST", "/v1/refunds")  # the refund is made at the sandbox, the reply is lost
    till = make_till(max_network_retries=0)
    order = sell(till, sandbox.url, {"item1": 2})
    with pytest.raises(GatewayUnavailable):
        till.checkout.refund(order.id, 300)
    [pending] = till.store.orders.pending_refunds()
    assert till.store.orders.get(order.id).refunded == 0
    with pytest.raises(StoreRefundRefused, match="700 left"):  # the pending one is reserved
        till.store.orders.begin_refund(order.id, 800, None)

    report = make_till().checkout.reconcile()  # next start: retried with the same key
    assert [(r.id, r.status) for r in report.refunds] == [(pending.id, "succeeded")]
    assert till.store.orders.get(order.id).refunded == 300
    assert len(refunds_at_sandbox(sandbox_state, order.payment_intent)) == 1


@pytest.mark.parametrize("request_", [{"amount": 300}, {"lines": [("item1", 1)]}, {}])
def test_asking_again_after_a_lost_reply_retries_the_same_refund(make_till, sandbox, sandbox_state, faults,
                                                                 request_):
    faults.drop_response("POST", "/v1/refunds")
    till = make_till(max_network_retries=0)
    order = sell(till, sandbox.url, {"item1": 2})
    with pytest.raises(GatewayUnavailable):
        till.checkout.refund(order.id, **request_)
    [pending] = till.store.orders.pending_refunds()

    again = till.checkout.refund(order.id, **request_)  # the cashier clicks Refund again
    assert (again.id, again.status, again.idempotency_key) == (pending.id, "succeeded", pending.idempotency_key)
    assert len(refunds_at_sandbox(sandbox_state, order.payment_intent)) == 1
    assert till.store.orders.get(order.id).refunded == pending.amount


def test_a_different_refund_after_a_lost_reply_settles_the_pending_one_first(make_till, sandbox, sandbox_state,
                                                                              faults):
    faults.drop_response("POST", "/v1/refunds")
    till = make_till(max_network_retries=0)
    order = sell(till, sandbox.url, {"item1": 2})
    with pytest.raises(GatewayUnavailable):
        till.checkout.refund(order.id, 300)
    other = till.checkout.refund(order.id, 200)
    assert other.amount == 200 and other.seq == 2
    assert sorted(r["amount"] for r in refunds_at_sandbox(sandbox_state, order.payment_intent)) == [200, 300]
    assert till.store.orders.get(order.id).refunded == 500


def test_a_full_refund_after_a_lost_partial_reply_refunds_the_rest(make_till, sandbox, sandbox_state, faults):
    faults.drop_response("POST", "/v1/refunds")
    till = make_till(max_network_retries=0)
    order = sell(till, sandbox.url, {"item1": 2})  # 10.00
    with pytest.raises(GatewayUnavailable):
        till.checkout.refund(order.id, 300)  # a partial refund whose reply is lost

    full = till.checkout.refund(order.id)  # then "refund everything": not answered by the 3.00 one

    assert full.amount == 700 and full.seq == 2
    assert till.store.orders.get(order.id).refunded == 1000
    assert sorted(r["amount"] for r in refunds_at_sandbox(sandbox_state, order.payment_intent)) == [300, 700]


def test_refund_of_an_unknown_order_or_bad_reason(till):
    with pytest.raises(RefundRefused):
        till.checkout.refund(999)
    with pytest.raises(Exception, match="reason"):
        till.checkout.refund(1, reason="because")


def test_refund_keys_differ_between_tills_sharing_one_stripe_account(make_till, sandbox, tmp_path):
    """Order numbers start at 000001 on every till (and after a reinstall); the refund key must not."""
    from pos_app.config import Settings
    first = make_till()
    other = make_till(settings_=Settings(data_dir=tmp_path / "till-2", currency="usd", terminal_id="till-2"))
    a = sell(first, sandbox.url, {"item2": 1})
    b = sell(other, sandbox.url, {"item4": 1})
    assert a.number == b.number == "000001"
    ra, rb = first.checkout.refund(a.id), other.checkout.refund(b.id)
    assert (ra.status, rb.status) == ("succeeded", "succeeded") and ra.idempotency_key != rb.idempotency_key
    assert other.store.orders.get(b.id).refunded == 700
    report = other.checkout.reconcile()  # nothing left pending: the cart is not in doubt
    assert not report.in_doubt and other.store.orders.pending_refunds() == []


def test_a_refund_key_taken_by_another_request_fails_that_refund_and_nothing_else(till, sandbox):
    order = sell(till, sandbox.url, {"item2": 1})
    reserved = till.store.orders.begin_refund(order.id, 100, "requested_by_customer")  # left pending
    # Another request already used that key at the processor, with other parameters.
    till.gateway.refund(payment_intent=order.payment_intent, amount=200, currency="usd", reason=None,
                        idempotency_key=reserved.idempotency_key)

    report = till.checkout.reconcile()

    assert not report.in_doubt  # a refund's trouble never blocks charging
    assert till.store.orders.refund(reserved.id).status == "failed"
    assert till.store.orders.pending_refunds() == []
