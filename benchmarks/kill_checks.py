"""The kill loop's invariants, read from the till's database and the sandbox's records after the run.

Read straight from the files (SQLite, read-only) and from what the sandbox (the "Stripe" side)
recorded, not through the till's own code, so a bug there can't hide itself:

- no tender lost: every PaymentIntent the sandbox holds money for is a paid card part of the
  recorded sale; every paid card part has its money at the sandbox;
- none doubled: one live tender per part and per Idempotency-Key, one sale and at most one change
  movement per cash tender, one order per sale;
- the sale complete (one order, total = its paid tenders, none pending) or voided (no order, no
  live tender, every card part refunded or cancelled, the cash handed back);
- expected cash (the X report) = float + the cash the sale kept = the cashier's drawer;
- the cart not frozen once nothing is live.
"""

from __future__ import annotations

import sqlite3
from collections import Counter
from pathlib import Path

from pos_app.sandbox import SandboxState
from pos_app.sandbox.server import STATE_FILE_NAME

LIVE = ("pending", "succeeded")


def _rows(data_dir: Path, sql: str, args: tuple = ()) -> list[sqlite3.Row]:
    connection = sqlite3.connect(f"file:{data_dir / 'pos.sqlite3'}?mode=ro", uri=True)
    connection.row_factory = sqlite3.Row
    try:
        return connection.execute(sql, args).fetchall()
    finally:
        connection.close()


def _net_card_money(data_dir: Path) -> dict[str, tuple[int, dict]]:
    """PaymentIntent id -> (amount received less refunds, the intent), as the sandbox recorded them."""
    state = SandboxState(data_dir / STATE_FILE_NAME)
    try:
        refunds = Counter()
        for refund in state.all("refund"):
            if refund["status"] in ("succeeded", "pending"):
                refunds[refund["payment_intent"]] += refund["amount"]
        return {pi["id"]: ((pi.get("amount_received") or 0) - refunds[pi["id"]], pi)
                for pi in state.all("payment_intent")}
    finally:
        state.close()


def check_sale(data_dir: Path, cart_uuid: str | None, *, voided: bool, expected_cash: int, float_amount: int,
               drawer: int, frozen: bool) -> list[str]:
    """Every invariant the run broke, in words (empty: none)."""
    problems: list[str] = []
    tenders = _rows(data_dir, "SELECT tenders.*, payments.payment_intent AS pi FROM tenders"
                              " LEFT JOIN payments ON payments.id = tenders.payment_id ORDER BY tenders.id")
    orders = _rows(data_dir, "SELECT * FROM orders")
    problems += _check_order(tenders, orders, cart_uuid, voided)
    problems += _check_card(tenders, _net_card_money(data_dir))
    problems += _check_cash(data_dir, tenders, expected_cash, float_amount, drawer)
    if frozen and not any(t["status"] in LIVE for t in tenders if t["order_id"] is None):
        problems.append("the cart is frozen with no live tender")
    return problems


def _check_order(tenders: list[sqlite3.Row], orders: list[sqlite3.Row], cart_uuid: str | None,
                 voided: bool) -> list[str]:
    problems = []
    mine = [o for o in orders if o["cart_uuid"] == cart_uuid]
    if len(orders) != len(mine):
        problems.append(f"orders for another cart: {[o['cart_uuid'] for o in orders]}")
    live = [t for t in tenders if t["status"] in LIVE]
    if voided:
        if mine:
            problems.append(f"a voided sale has an order: {[o['number'] for o in mine]}")
        if live:
            problems.append(f"live tenders after a void: parts {[t['part'] for t in live]}")
        return problems
    if len(mine) != 1:
        return [*problems, f"{len(mine)} orders for the sale (want 1)"]
    order = mine[0]
    paid = [t for t in live if t["order_id"] == order["id"]]
    pending = [t["part"] for t in live if t["status"] == "pending"]
    if pending:
        problems.append(f"a pending tender after the sale: parts {pending}")
    if len(paid) != len(live):
        problems.append("a live tender not on the order")
    if sum(t["amount"] for t in paid) != order["total"]:
        problems.append(f"order total {order['total']} != paid tenders {sum(t['amount'] for t in paid)}")
    return problems


def _check_card(tenders: list[sqlite3.Row], money: dict[str, tuple[int, dict]]) -> list[str]:
    problems = []
    paid_parts = {t["pi"]: t for t in tenders if t["kind"] == "card" and t["status"] == "succeeded"}
    by_part = Counter()
    for pi, (net, intent) in money.items():
        if net and intent.get("status") == "succeeded":
            by_part[(intent["metadata"].get("cart_uuid"), intent["metadata"].get("part"))] += 1
        if net and pi not in paid_parts:
            problems.append(f"tender lost: {pi} holds {net} at the card processor, the till has no paid part for it")
        if pi in paid_parts and net != paid_parts[pi]["amount"]:
            problems.append(f"card part {paid_parts[pi]['part']}: {pi} holds {net}, the part says "
                            f"{paid_parts[pi]['amount']}")
        if intent.get("status") not in ("succeeded", "canceled"):
            problems.append(f"{pi} left open ({intent.get('status')})")
    problems += [f"doubled: {n} paid PaymentIntents for part {part}" for part, n in by_part.items() if n > 1]
    missing = [t["part"] for pi, t in paid_parts.items() if pi not in money]
    if missing:
        problems.append(f"paid card parts {missing} with no PaymentIntent at the processor")
    return problems


def _check_cash(data_dir: Path, tenders: list[sqlite3.Row], expected_cash: int, float_amount: int,
                drawer: int) -> list[str]:
    problems = []
    movements = _rows(data_dir, "SELECT kind, amount, reference FROM cash_movements ORDER BY id")
    keys = Counter(t["request_key"] for t in tenders if t["request_key"])
    problems += [f"doubled: Idempotency-Key {k} made {n} tenders" for k, n in keys.items() if n > 1]
    per_tender = Counter((m["reference"], m["kind"]) for m in movements)
    problems += [f"doubled: {n} {kind} movements for {ref}" for (ref, kind), n in per_tender.items() if n > 1]
    kept = 0
    for t in (t for t in tenders if t["kind"] == "cash"):
        ref = f"tender:{t['id']}"
        got = {m["kind"]: m["amount"] for m in movements if m["reference"] == ref}
        if got.get("sale") != t["tendered"] or got.get("change", 0) != t["change_given"]:
            problems.append(f"cash tender {t['part']}: movements {got} for {t['tendered']} tendered, "
                            f"{t['change_given']} change")
        received = t["tendered"] - t["change_given"]
        if t["status"] == "voided" and got.get("refund") != (received or None):
            problems.append(f"cash tender {t['part']} voided but {received} not handed back: {got}")
        if t["status"] == "succeeded":
            kept += received
    if expected_cash != float_amount + kept:
        problems.append(f"expected cash {expected_cash} != float {float_amount} + cash kept {kept}")
    if drawer != kept:
        problems.append(f"the drawer holds {float_amount + drawer} by the cashier's count, the till expects "
                        f"{float_amount + kept}")
    return problems
