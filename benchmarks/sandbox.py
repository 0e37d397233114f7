"""Benchmark: a training sale costs the same after 10,000 PaymentIntents as after 100.

Two real sandboxes (SandboxServer on loopback, each its own SQLite file with synchronous=FULL)
are filled with a history of paid sales (through the sandbox's own app, one transaction per
history so filling is quick), then the same sale runs against each, interleaved, so drift on a
shared machine cancels: the till's gateway creates the PaymentIntent (idempotency key, metadata),
the page's two publishable-key calls (PaymentMethod, confirm) and the finalize's retrieve with
expand. Figures: per history size, and the ratio of medians (target <= 1.2x, docs/benchmarks.md).

    python benchmarks/sandbox.py [--sizes 100,10000] [--runs 40] [--json]
    python benchmarks/run.py --only sandbox
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from benchmarks.stats import fmt, now_ms, paired_ratio, ratio, summary  # noqa: E402
from benchmarks import standalone  # noqa: E402

CARD = "4242424242424242"
TARGET_RATIO = 1.2


def fill(state, n: int) -> None:
    """n paid sales in the sandbox's history, made by its own handlers (as the API makes them)."""
    from pos_app.sandbox import create_sandbox_app
    http = create_sandbox_app(state).test_client()
    auth = {"Authorization": f"Bearer {state.keys.secret}"}
    with state.transaction():  # one commit for the whole history: the requests are savepoints
        for i in range(n):
            answer = http.post("/v1/payment_intents", headers={**auth, "Idempotency-Key": f"hist-{i}"},
                               data={"amount": str(500 + i % 1000), "currency": "usd", "confirm": "true",
                                     "payment_method": "pm_card_visa", "metadata[cart_uuid]": f"hist-{i}"})
            assert answer.status_code == 200, answer.json


class Sandbox:
    def __init__(self, n: int, work: Path) -> None:
        from pos_app.payments.stripe_gateway import StripeGateway
        from pos_app.sandbox import SandboxServer, SandboxState
        state = SandboxState(work / f"history-{n}" / "sandbox.sqlite3")
        fill(state, n)
        self.n = n
        self.server = SandboxServer(state)
        self.server.start()
        self.gateway = StripeGateway(self.server.secret_key, self.server.publishable_key,
                                     api_base=self.server.url, max_network_retries=0)
        self.sales = 0

    def sale(self) -> float:
        from tests.integration.payments.helpers import confirm_as_browser
        self.sales += 1
        key = f"bench-{self.n}-{self.sales}"
        started = now_ms()
        intent = self.gateway.create_intent(amount=1250, currency="usd", idempotency_key=key,
                                            metadata={"cart_uuid": key}, description="bench")
        paid = confirm_as_browser(self.server, intent.client_secret, CARD)
        final = self.gateway.retrieve_intent(intent.id)
        elapsed = now_ms() - started
        assert paid.get("status") == final.status == "succeeded", paid
        return elapsed

    def close(self) -> None:
        self.server.stop()


def run(sizes: list[int], runs: int, work: Path, log=print) -> dict:
    sandboxes = []
    try:
        for n in sizes:
            log(f"   filling a sandbox with {n:,} paid PaymentIntents ...")
            sandboxes.append(Sandbox(n, work))
        for sandbox in sandboxes:  # warm-up: imports, connections, caches
            for _ in range(3):
                sandbox.sale()
        times: dict[int, list[float]] = {n: [] for n in sizes}
        for r in range(runs):
            for sandbox in (sandboxes if r % 2 == 0 else sandboxes[::-1]):
                times[sandbox.n].append(sandbox.sale())
    finally:
        for sandbox in sandboxes:
            sandbox.close()
    small, large = sizes[0], sizes[-1]
    out = {f"sale_after_{n}": summary(times[n]) for n in sizes}
    out["sizes"] = sizes
    out["ratio_large_vs_small"] = ratio(out[f"sale_after_{large}"], out[f"sale_after_{small}"])
    out["paired_ratio"] = paired_ratio(times[large], times[small])
    out["target"] = {"ratio_max": TARGET_RATIO,
                     "met": (out["ratio_large_vs_small"] or 99) <= TARGET_RATIO}
    return out


def print_human(r: dict) -> None:
    print("\n5. sandbox: one training sale (create, PaymentMethod, confirm, retrieve) over loopback")
    for n in r["sizes"]:
        print(f"   after {n:>7,} PaymentIntents  {fmt(r[f'sale_after_{n}'])}")
    print(f"   ratio of medians {r['ratio_large_vs_small']}  paired {r['paired_ratio']}  "
          f"target <= {r['target']['ratio_max']}x: {'met' if r['target']['met'] else 'MISSED'}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="100,10000")
    parser.add_argument("--runs", type=int, default=40)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    sizes = [int(s) for s in args.sizes.split(",")]
    return standalone.main("sandbox", args.json, lambda work, log: run(sizes, args.runs, work, log=log), print_human)


if __name__ == "__main__":
    sys.exit(main())
