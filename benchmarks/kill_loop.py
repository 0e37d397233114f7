"""kill -9 a real till in the middle of a split sale, restart it, resume the sale, check nothing was lost.

    python benchmarks/kill_loop.py                     # 100 runs, seed 16
    python benchmarks/kill_loop.py --runs 300 --seed 7 --json docs/kill-loop-latest.json
    python benchmarks/kill_loop.py --keep /tmp/kill    # keep every run's data folder and till logs
    python benchmarks/kill_loop.py --target void       # every kill inside a void (or cash, card)

Each run: a fresh data folder; `pos-app serve` (training mode, its sandbox inside it); open a
shift (float 100.00), ring 35.00 and pay it split by a plan (cash-card, card-cash, cash-card-cash,
card-card, card-card-cash, some ending in a void; benchmarks/kill_sale.py) over the HTTP API.
A thread sends SIGKILL after a random number of requests plus a random 0-6 ms, so kills land
inside requests (the till's or the sandbox's) as well as between them. Then the till starts again
on the same folder (its start-up reconciliation runs before the ready line), the cashier resumes
as at a till, and the invariants (benchmarks/kill_checks.py) are checked from the files. Prints a
table per run and the totals; exits 1 on any violation.

The plan and the kill's request count and delay come from --seed and the run number; where the
kill lands inside a request also depends on the machine's timing, so the kill point is printed.
This lives in benchmarks/ (not scripts/): it is a package the suite imports (its smoke test,
tests/integration/payments/test_kill_loop.py) and ships in the sdist with the other repeatable
runs; it is kept out of run.py because it checks correctness, not speed.
"""

from __future__ import annotations

import argparse
import json
import random
import shutil
import sys
import tempfile
import time
from collections import Counter
from dataclasses import asdict, dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from benchmarks.kill_checks import check_sale  # noqa: E402
from benchmarks.kill_sale import FLOAT, Cashier, Sale, Step, choose_plan  # noqa: E402
from benchmarks.kill_till import Killer, TillClient, TillGone, TillProcess  # noqa: E402

REQUESTS = {"cash": 1, "card": 4, "void": 1}  # card: create, PaymentMethod, confirm, complete
SETUP_REQUESTS = 3  # GET /shift, POST /shift/open, POST /cart
MAX_DELAY = 0.006  # most requests answer in a few ms: a longer delay lands mostly in the slowest one


@dataclass
class RunResult:
    run: int
    plan: str
    kill_after: int
    delay_ms: float
    kill_point: str = ""
    outcome: str = ""
    seconds: float = 0.0
    violations: list[str] = field(default_factory=list)


def one_run(run: int, seed: int, root: Path, target: str | None = None) -> RunResult:
    """One run; with `target` (cash, card or void) the kill lands in a request of such a step."""
    rng = random.Random(f"{seed}:{run}" if target is None else f"{seed}:{run}:{target}")
    name, plan = choose_plan(rng, void=True if target == "void" else None)
    kill_after = rng.randint(*_requests_of(plan, target)) if target else rng.randint(1, _requests(plan))
    result = RunResult(run, name, kill_after, round(rng.uniform(0, MAX_DELAY) * 1000, 1))
    data_dir = root / f"run-{run:03d}"
    data_dir.mkdir(parents=True)
    started = time.perf_counter()
    sale = Sale(run, plan)
    try:
        result.kill_point = _sell_until_killed(data_dir, sale, result)
        result.outcome = _restart_and_check(data_dir, sale, rng)
    except Exception as exc:  # an answer the cashier could not go on from is a finding, not a crash
        sale.violations.append(f"unexpected: {type(exc).__name__}: {exc}")
        result.outcome = result.outcome or "stuck"
    result.violations = sale.violations
    result.seconds = round(time.perf_counter() - started, 2)
    return result


def _requests(plan: list[Step]) -> int:
    return SETUP_REQUESTS + sum(REQUESTS[step.kind] for step in plan)


def _requests_of(plan: list[Step], kind: str) -> tuple[int, int]:
    """The first and last request number of the plan's first `kind` step (its whole plan if none)."""
    begun = SETUP_REQUESTS
    for step in plan:
        if step.kind == kind:
            return begun + 1, begun + REQUESTS[kind]
        begun += REQUESTS[step.kind]
    return 1, _requests(plan)


def _sell_until_killed(data_dir: Path, sale: Sale, result: RunResult) -> str:
    till = TillProcess(data_dir, "till-1.log")
    client = TillClient(till.line)
    killer = Killer(till, client, result.kill_after, result.delay_ms / 1000)
    killer.start()
    try:
        Cashier(client, sale).drive()
        client.finish()
    except TillGone:
        pass
    except BaseException:
        till.kill()
        raise
    finally:
        killer.join()
    return killer.point


def _restart_and_check(data_dir: Path, sale: Sale, rng: random.Random) -> str:
    till = TillProcess(data_dir, "till-2.log")
    try:
        client = TillClient(till.line)
        outcome = Cashier(client, sale).resume(rng)
        _, report = client.till("GET /shift/x", "GET", "/shift/x")
        _, cart = client.till("GET /cart", "GET", "/cart")
    except BaseException:
        till.kill()
        raise
    if (code := till.stop()) != 0:
        sale.violations.append(f"the till's clean stop exited {code}")
    sale.violations += check_sale(data_dir, sale.cart_uuid, voided=sale.voided,
                                  expected_cash=report["report"]["expected_cash"], float_amount=FLOAT,
                                  drawer=sale.drawer, frozen=cart["frozen"])
    return outcome


def print_table(results: list[RunResult], seed: int, seconds: float) -> None:
    print(f"{'run':>4} {'plan':<16} {'kill after':>10} {'+ms':>5}  {'kill point':<24} {'outcome':<20} "
          f"{'s':>5}  problems")
    for r in results:
        print(f"{r.run:>4} {r.plan:<16} {r.kill_after:>10} {r.delay_ms:>5}  {r.kill_point:<24} {r.outcome:<20} "
              f"{r.seconds:>5}  {'; '.join(r.violations)}")
    print()
    outcomes = Counter(r.outcome for r in results)
    points = Counter(_kind(r.kill_point) for r in results)
    bad = [r for r in results if r.violations]
    per_run = sorted(r.seconds for r in results)
    print(f"runs: {len(results)}, seed {seed}, {seconds:.0f} s in all, per run median {per_run[len(per_run) // 2]} s, "
          f"max {per_run[-1]} s")
    print("outcomes: " + ", ".join(f"{n} {o}" for o, n in outcomes.most_common()))
    print("killed during: " + ", ".join(f"{n} {p}" for p, n in points.most_common()))
    print(f"violations: {sum(len(r.violations) for r in bad)} in {len(bad)} run(s)")


def _kind(point: str) -> str:
    """A kill point without its step number: 'card#2 confirm' -> 'card confirm'."""
    words = point.split()
    return " ".join(w.split("#")[0] for w in words)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=100)
    parser.add_argument("--seed", type=int, default=16)
    parser.add_argument("--first", type=int, default=1,
                        help="number of the first run (to repeat one: --first N --runs 1)")
    parser.add_argument("--keep", type=Path, help="keep the runs' data folders (and till logs) here")
    parser.add_argument("--json", type=Path, help="also write every run's result to this file")
    parser.add_argument("--target", choices=("cash", "card", "void"),
                        help="land every kill inside a request of this kind of step (void: every plan ends in one)")
    args = parser.parse_args(argv)
    root = args.keep or Path(tempfile.mkdtemp(prefix="pos-kill-loop-"))
    started = time.perf_counter()
    try:
        results = [one_run(n, args.seed, root, args.target) for n in range(args.first, args.first + args.runs)]
    finally:
        if args.keep is None:
            shutil.rmtree(root, ignore_errors=True)
    seconds = time.perf_counter() - started
    print_table(results, args.seed, seconds)
    if args.json:
        args.json.write_text(json.dumps({"seed": args.seed, "target": args.target, "seconds": round(seconds, 1),
                                         "runs": [asdict(r) for r in results]}, indent=1) + "\n")
    return 1 if any(r.violations for r in results) else 0


if __name__ == "__main__":
    sys.exit(main())
