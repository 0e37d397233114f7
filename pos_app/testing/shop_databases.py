"""Fresh shop databases for tests, copied from the migrated template ahead of time on a thread of their own.

A test on PostgreSQL gets a database no other test touched (a copy of `pos_template`), as on SQLite
it gets a new file. Copying one takes a few hundred milliseconds (CREATE DATABASE ... TEMPLATE writes
every page of it, the system catalogues included), longer than many a test; so the copies are made
`AHEAD` at a time while tests run, and the used ones are dropped there too: a test waits only when
it outruns the copying. Emptying a used database for the next test was measured slower than a copy
(TRUNCATE of the store's tables ~0.4 s against ~0.3 s) and would let one test's schema change leak.
"""

from __future__ import annotations

import collections
import itertools
import logging
from concurrent.futures import Future, ThreadPoolExecutor

from pos_app.testing.postgres import PostgresServer

log = logging.getLogger(__name__)

AHEAD = 2  # copies made ahead: the next test's, and one more while that test runs


class ShopDatabases:
    """Copies of `template` on `server`, made ahead; take() one, release() it when done."""

    def __init__(self, server: PostgresServer, template: str, ahead: int = AHEAD) -> None:
        self._server, self._template, self._ahead = server, template, ahead
        self._numbers = itertools.count(1)
        self._worker = ThreadPoolExecutor(max_workers=1, thread_name_prefix="shop-databases")
        self._made: collections.deque[Future[tuple[str, str]]] = collections.deque()

    def _copy(self) -> tuple[str, str]:
        name = f"shop_{next(self._numbers)}"
        return name, self._server.create_database(name, template=self._template)

    def take(self) -> tuple[str, str]:
        """(name, URL) of a new database, a copy of the template that no one has opened."""
        while len(self._made) < self._ahead + 1:
            self._made.append(self._worker.submit(self._copy))
        return self._made.popleft().result()

    def release(self, name: str) -> None:
        """Drop a database once its test is done (in the background: nothing waits for it)."""
        self._worker.submit(self._drop, name)

    def _drop(self, name: str) -> None:
        try:
            self._server.drop_database(name)
        except Exception:  # the server dies with the session anyway: a leftover costs only disk
            log.warning("could not drop the test database %s", name, exc_info=True)

    def close(self) -> None:
        """Drop the copies no test took, after the drops under way; then the thread ends."""
        for made in self._made:
            self._worker.submit(self._drop, made.result()[0])
        self._made.clear()
        self._worker.shutdown(wait=True)
