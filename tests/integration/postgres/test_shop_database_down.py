"""When the shop database is down: a real PostgreSQL server of the test's own, stopped as a crash
does (pg_ctl stop -m immediate) under a till, then started again.

The server is durable (fsync and synchronous_commit on, as a shop runs it): an acknowledged
COMMIT is on disk before its reply, so a crash never takes it back.
"""

from __future__ import annotations

import contextlib
import json
import urllib.error
import urllib.request

import pytest

from pos_app.core import AppCore
from pos_app.domain.order import Order
from pos_app.store.pg import PgDatabase, ShopDatabaseUnavailable
from pos_app.store.pg_link import commit_in_doubt_text, unavailable_text
from pos_app.store.pg_schema import PG_MIGRATIONS
from pos_app.testing.plugin import ensure_open_shift, training_settings
from pos_app.testing.staff import log_in
from tests.integration.payments.helpers import VISA, confirm_as_browser


@pytest.fixture
def server(crashable_postgres_server):
    return crashable_postgres_server  # our own: the tests stop and start it


@pytest.fixture
def url(server, request):
    name = f"down_{request.node.name.split('[')[0][-40:]}".replace("-", "_")
    url = server.create_database(name)
    yield url
    if not (server.data_dir / "postmaster.pid").exists():
        server.start_again()
    server.drop_database(name)


@pytest.fixture
def db(url):
    database = PgDatabase(url, migrations=PG_MIGRATIONS)
    with database.transaction() as conn:
        conn.execute("CREATE TABLE notes (text text NOT NULL)")
    yield database
    database.close()


@contextlib.contextmanager
def till(url: str, tmp_path):
    """A till on the shop database: its core started, a shift open, the demo manager logged in."""
    settings = training_settings(tmp_path / "pos-data", database_url=url)
    with AppCore(settings) as core:
        local = core.start().open()
        ensure_open_shift(local.store, settings)
        log_in(local, "manager")
        yield core, local


def notes(url: str) -> list[str]:
    import psycopg
    with psycopg.connect(url) as conn:
        return [r[0] for r in conn.execute("SELECT text FROM notes ORDER BY text")]


def write(db: PgDatabase, *texts: str) -> None:
    with db.transaction() as conn:
        for text in texts:
            conn.execute("INSERT INTO notes (text) VALUES (?)", (text,))


def test_a_lost_connection_fails_that_call_and_the_next_connects_again(db, server, url):
    hooks = []
    db.on_connect(lambda conn: hooks.append(conn.execute("SELECT pg_backend_pid()").fetchone()[0]))
    seen = []
    db.subscribe_availability(seen.append)
    write(db, "before")

    server.stop_immediately()
    with pytest.raises(ShopDatabaseUnavailable, match="can't be reached"):
        write(db, "while down")
    assert not db.available and seen == [False]
    with pytest.raises(ShopDatabaseUnavailable):  # known down: refused at once, no connect tried
        db.query("SELECT 1")

    server.start_again()
    assert db.check(watcher=False)
    write(db, "after")
    assert notes(url) == ["after", "before"]  # the refused one left nothing; nothing acknowledged lost
    assert len(hooks) == 2 and hooks[0] != hooks[1]  # the on-connect hook ran again, on the new session
    assert seen == [False, True]


def test_while_a_watcher_checks_calls_never_connect_themselves(db, server):
    """The window's monitor checks (off the GUI thread): a call on the GUI thread then fails at
    once while the server is away instead of waiting on a host that doesn't answer."""
    server.stop_immediately()
    assert not db.check()
    server.start_again()
    with pytest.raises(ShopDatabaseUnavailable):
        db.query("SELECT 1")  # back, but only the watcher's next check connects
    assert db.check()
    assert db.count("SELECT 1") == 1


def test_the_first_call_after_a_restart_while_idle_just_works(db, server, url):
    """The connection died while nobody used it: BEGIN (which changes nothing) finds out, and the
    call goes on over a new one rather than failing a cashier's first action after the restart."""
    write(db, "one")
    server.stop_immediately()
    server.start_again()
    write(db, "two")
    assert db.count("SELECT count(*) FROM notes") == 2


def test_a_transaction_cut_off_midway_leaves_nothing_and_is_never_finished_on_a_new_connection(db, server, url):
    with pytest.raises(ShopDatabaseUnavailable), db.transaction() as conn:
        conn.execute("INSERT INTO notes (text) VALUES (?)", ("first half",))
        server.stop_immediately()
        server.start_again()
        # The server is back, but this transaction's first half died with its connection:
        # the second half must fail too, not commit on its own over a new connection.
        conn.execute("INSERT INTO notes (text) VALUES (?)", ("second half",))
    assert notes(url) == []
    assert db.check(watcher=False)
    write(db, "next")
    assert notes(url) == ["next"]


def test_a_transaction_whose_connection_went_never_goes_on_over_a_new_one(db, server, url, monkeypatch):
    """Even when a caller swallows the failure and goes on inside its transaction, and a new
    connection could be made at once: the rest fails too, or half a change would commit."""
    from pos_app.store import pg_link
    monkeypatch.setattr(pg_link, "RETRY_AFTER_S", 0.0)  # a call may connect again at once
    with pytest.raises(ShopDatabaseUnavailable), db.transaction() as conn:
        conn.execute("INSERT INTO notes (text) VALUES (?)", ("first half",))
        server.stop_immediately()
        server.start_again()
        with pytest.raises(ShopDatabaseUnavailable):
            conn.execute("INSERT INTO notes (text) VALUES (?)", ("lost",))
        conn.execute("INSERT INTO notes (text) VALUES (?)", ("second half",))
    assert notes(url) == []


class CommitReplyLost:
    """Injected fault (a reply lost on the wire can't be caused on demand): COMMIT reaches the server
    and commits, then the connection dies before its reply is read; `then` runs in between."""

    def __init__(self, raw, then=lambda: None) -> None:
        self._raw, self._then = raw, then

    def __getattr__(self, name):
        return getattr(self._raw, name)

    wrote = False

    def execute(self, sql, *args, **kwargs):
        import psycopg
        result = self._raw.execute(sql, *args, **kwargs)
        self.wrote |= sql.lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE"))
        if sql == "COMMIT" and self.wrote:
            self._then()
            self._raw.close()
            raise psycopg.OperationalError("server closed the connection unexpectedly")
        return result


def test_a_commit_whose_reply_was_lost_is_settled_by_its_transaction_id(db, url):
    db.link.raw = CommitReplyLost(db.link.raw)
    write(db, "committed")  # returns: pg_xact_status says it committed, so it is acknowledged
    assert notes(url) == ["committed"]
    assert db.available and db.generation == 0


def test_a_commit_in_doubt_while_the_server_stays_away_reloads_the_cart_when_back(url, server, tmp_path):
    with till(url, tmp_path) as (_core, local):
        carts, db = local.carts, local.store.db
        carts.add("item1", 1)
        db.link.raw = CommitReplyLost(db.link.raw, then=server.stop_immediately)
        with pytest.raises(ShopDatabaseUnavailable) as refused:
            carts.add("item1", 1)
        assert str(refused.value) == commit_in_doubt_text()
        assert carts.snapshot().lines == {"item1": 1}  # not shown as done: it was not acknowledged

        server.start_again()
        assert db.check()
        assert db.generation == 1
        carts.add("item1", 1)  # the commit was made after all: the cart first reloads what the database holds
        assert carts.snapshot().lines == {"item1": 3}
        assert not carts.resync()  # once


def test_the_http_api_answers_503_in_the_tills_words(url, server, tmp_path):
    with till(url, tmp_path) as (core, _local):
        core.start_services()
        server.stop_immediately()
        body = json.dumps({"items": {"item1": {"qty": 2}}}).encode()
        request = urllib.request.Request(f"{core.url}/cart", data=body, method="POST", headers={
            "Content-Type": "application/json", "Authorization": f"Bearer {core.token}"})
        with pytest.raises(urllib.error.HTTPError) as answer:
            urllib.request.urlopen(request, timeout=10)
        assert answer.value.code == 503
        assert json.loads(answer.value.read())["error"]["message"] == unavailable_text()
        server.start_again()


def test_a_card_paid_while_the_database_was_down_is_recorded_once_when_it_is_back(url, server, tmp_path):
    with till(url, tmp_path) as (core, local):
        payments = core.start_services()
        checkout, carts = payments.checkout, local.carts
        carts.replace({"item1": 2, "item2": 1})
        paid = carts.snapshot()
        prepared = checkout.prepare()

        server.stop_immediately()  # the card is charged while the till can't record the sale
        result = confirm_as_browser(payments, prepared.client_secret, VISA)
        assert result.get("status") == "succeeded", result
        with pytest.raises(ShopDatabaseUnavailable):
            checkout.finalize(prepared.payment_intent)
        with pytest.raises(ShopDatabaseUnavailable):
            checkout.reconcile()
        assert carts.snapshot().lines == paid.lines and carts.snapshot().frozen  # kept as charged

        server.start_again()
        assert local.store.db.check()
        report = checkout.reconcile()
        assert [o.payment_intent for o in report.finalized] == [prepared.payment_intent]
        order = report.finalized[0]
        assert isinstance(order, Order) and order.total == paid.totals.total.amount
        assert checkout.reconcile().finalized == []  # once
        assert local.store.orders.by_intent(prepared.payment_intent) == order
        assert local.store.db.count("SELECT count(*) FROM orders WHERE payment_intent = ?",
                                    (prepared.payment_intent,)) == 1
        after = carts.snapshot()
        assert after.empty and not after.frozen and after.cart_id != paid.cart_id
        carts.add("item1", 1)  # and selling goes on


def test_a_sale_whose_commit_was_in_doubt_is_recorded_once_and_the_cart_follows(url, server, tmp_path):
    with till(url, tmp_path) as (core, local):
        payments = core.start_services()
        checkout, carts, db = payments.checkout, local.carts, local.store.db
        carts.replace({"item1": 1})
        paid = carts.snapshot()
        prepared = checkout.prepare()
        assert confirm_as_browser(payments, prepared.client_secret, VISA).get("status") == "succeeded"

        db.link.raw = CommitReplyLost(db.link.raw, then=server.stop_immediately)  # the sale's COMMIT
        with pytest.raises(ShopDatabaseUnavailable, match="whether the last change was saved"):
            checkout.finalize(prepared.payment_intent)
        assert carts.snapshot().cart_id == paid.cart_id  # not shown as done

        server.start_again()
        assert db.check()
        report = checkout.reconcile()
        assert report.finalized == []  # the sale was recorded by that COMMIT: never twice
        assert db.count("SELECT count(*) FROM orders WHERE payment_intent = ?", (prepared.payment_intent,)) == 1
        after = carts.snapshot()
        assert after.cart_id != paid.cart_id and after.empty and not after.frozen
