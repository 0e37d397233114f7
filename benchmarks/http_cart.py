"""Benchmark 4: cart updates over real HTTP on loopback (the local endpoint of a started AppCore).

Two AppCores in training mode over two copies of the same catalogue: one holds a 1-line cart,
the other a 1,000-line cart. Each run is one request through http.client asking for keep-alive; the endpoint's werkzeug
server answers every request with "Connection: close", so each one includes a loopback TCP
connect (reported as keep_alive: false),
timed from sending to having read the whole answer; requests alternate between the two carts
(A B A B) so drift hits both. Every request is a real change (the qty alternates), so each one
commits a new cart revision to SQLite (WAL, synchronous=FULL).

- PUT /cart/items/<sku> {"qty": n} on the 1-line cart (the baseline) and on the 1,000-line cart;
- POST /cart with all 1,000 lines (the seed's whole-cart update, one qty changed each time),
  interleaved with the PUT on the 1,000-line cart.
"""

from __future__ import annotations

import http.client
import json
from pathlib import Path

from benchmarks.stats import now_ms, paired_ratio, summary


class Client:
    def __init__(self, core) -> None:
        self.core = core
        self.conn = http.client.HTTPConnection("127.0.0.1", int(core.url.rsplit(":", 1)[1]), timeout=30)
        self.closed_by_server = False
        self.headers = {"Authorization": f"Bearer {core.token}", "Content-Type": "application/json"}

    def request(self, method: str, path: str, body: dict | None = None) -> tuple[float, dict]:
        data = json.dumps(body).encode() if body is not None else None
        t0 = now_ms()
        self.conn.request(method, path, body=data, headers=self.headers)
        response = self.conn.getresponse()
        raw = response.read()
        elapsed = now_ms() - t0
        if response.status != 200:
            raise RuntimeError(f"{method} {path}: {response.status} {raw[:200]!r}")
        # werkzeug's server (3.x) answers "Connection: close" to every request, so http.client
        # reconnects for the next one: each timed request includes a loopback TCP connect.
        self.closed_by_server = response.getheader("Connection", "").lower() == "close"
        return elapsed, json.loads(raw)

    def close(self) -> None:
        self.conn.close()


def _start_core(data_dir: Path):
    from pos_app.config import Settings
    from pos_app.core import AppCore

    settings = Settings.load(environ={}, env_file=None).with_(data_dir=data_dir, seed_demo_catalogue=False)
    from pos_app.testing.plugin import ensure_open_shift
    from pos_app.testing.staff import log_in

    core = AppCore(settings).start()
    ensure_open_shift(core.open().store, settings)  # a till sells only within an open shift
    log_in(core.open(), "manager")  # and with someone logged in
    return core


def run(data_dirs: tuple[Path, Path], lines: int, runs: int, warmup: int = 5, profile_to: Path | None = None,
        log=print) -> dict:
    small_core, large_core = _start_core(data_dirs[0]), _start_core(data_dirs[1])
    try:
        skus = [r[0] for r in large_core.local.store.catalogue.db.query(
            "SELECT sku FROM items ORDER BY rowid LIMIT ?", (lines,))]
        if len(skus) < lines:
            raise RuntimeError(f"the catalogue holds fewer than {lines} items")
        small_core.local.store.carts.replace({skus[0]: 1})
        large_core.local.store.carts.replace({sku: 1 for sku in skus})
        target = skus[lines // 2]  # a line in the middle of the big cart
        small, large = Client(small_core), Client(large_core)
        put_small, put_large, post_large, put_large_2 = [], [], [], []
        qty = 1
        for i in range(warmup + runs):
            qty = 2 if qty != 2 else 3
            a, body_a = small.request("PUT", f"/cart/items/{skus[0]}", {"qty": qty})
            b, body_b = large.request("PUT", f"/cart/items/{target}", {"qty": qty})
            assert body_a["line"]["qty"] == qty and body_b["line"]["qty"] == qty
            if i >= warmup:
                put_small.append(a)
                put_large.append(b)
        whole = {sku: {"qty": 1} for sku in skus}
        for i in range(warmup + runs):
            qty = 2 if qty != 2 else 3
            whole[target] = {"qty": qty}
            c, body_c = large.request("POST", "/cart", {"items": whole})
            assert len(body_c["items"]) == lines and body_c["items"][target]["qty"] == qty
            qty = 2 if qty != 2 else 3
            d, _ = large.request("PUT", f"/cart/items/{target}", {"qty": qty})
            whole[target] = {"qty": qty}
            if i >= warmup:
                post_large.append(c)
                put_large_2.append(d)
        if profile_to is not None:
            _profile(large_core, target, profile_to)
        small.close()
        large.close()
        revisions_distinct = len({small_core.local.store.carts.uuid, large_core.local.store.carts.uuid}) == 2
    finally:
        small_core.stop()
        large_core.stop()
    out = {
        "lines_large": lines,
        "put_1_line": summary(put_small),
        f"put_{lines}_lines": summary(put_large),
        f"post_whole_cart_{lines}_lines": summary(post_large),
        f"put_{lines}_lines_during_post_runs": summary(put_large_2),
        f"ratio_put_{lines}_vs_1": paired_ratio(put_large, put_small),
        f"ratio_post_{lines}_vs_put_{lines}": paired_ratio(post_large, put_large_2),
        "checked": revisions_distinct,
        "keep_alive": not large.closed_by_server,
    }
    log(f"  PUT 1 line median {out['put_1_line']['median_ms']:.2f} ms, {lines} lines "
        f"{out[f'put_{lines}_lines']['median_ms']:.2f} ms, POST {lines} "
        f"{out[f'post_whole_cart_{lines}_lines']['median_ms']:.2f} ms")
    return out


def _profile(core, sku: str, out_file: Path, n: int = 300) -> None:
    """The same PUT n times under pyinstrument. pyinstrument samples one thread and the endpoint
    answers on werkzeug's threads, so this drives a second create_app() over the same services
    with Flask's test client on this thread: the same view, guards and CartService, minus the socket."""
    from pyinstrument import Profiler

    from pos_app.web import create_app

    app = create_app(core.local, core.payments.checkout, {"TOKEN": core.token}, sandbox_url=core.sandbox_url)
    app.config["ENDPOINT_URL"] = core.url
    client = app.test_client()
    headers = {"Authorization": f"Bearer {core.token}"}
    profiler = Profiler(interval=0.0002)
    qty = 2
    profiler.start()
    for _ in range(n):
        qty = 5 - qty
        answer = client.put(f"/cart/items/{sku}", json={"qty": qty}, headers=headers, base_url=core.url)
        assert answer.status_code == 200, answer.data[:200]
    profiler.stop()
    out_file.parent.mkdir(parents=True, exist_ok=True)
    out_file.write_text(profiler.output_text(unicode=True, color=False, show_all=False))
