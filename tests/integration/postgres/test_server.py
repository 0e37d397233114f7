"""The throwaway PostgreSQL server the shop tests run against (pos_app/testing/postgres.py) is real."""

from __future__ import annotations

import threading

import psycopg
import pytest

from pos_app.testing.postgres import PostgresServer, PostgresUnavailable


def test_two_connections_share_one_database(postgres_server):
    url = postgres_server.create_database("shared_one")
    with psycopg.connect(url, autocommit=True) as till_1, psycopg.connect(url, autocommit=True) as till_2:
        till_1.execute("CREATE TABLE orders (number text PRIMARY KEY)")
        till_1.execute("INSERT INTO orders VALUES ('T01-000001')")
        assert till_2.execute("SELECT number FROM orders").fetchall() == [("T01-000001",)]
    postgres_server.drop_database("shared_one")


def test_a_row_lock_makes_the_second_till_wait(postgres_server):
    """The server is a real server: a row locked by one connection blocks another until commit."""
    url = postgres_server.create_database("locks")
    with psycopg.connect(url, autocommit=True) as setup:
        setup.execute("CREATE TABLE counter (n int)")
        setup.execute("INSERT INTO counter VALUES (0)")
    seen: list[int] = []
    with psycopg.connect(url) as first:
        first.execute("SELECT n FROM counter FOR UPDATE")
        waiter = threading.Thread(target=lambda: seen.append(_increment(url)))
        waiter.start()
        waiter.join(0.3)
        assert waiter.is_alive(), "the second connection should wait for the first one's row lock"
        first.execute("UPDATE counter SET n = n + 1")
        first.commit()
        waiter.join(10)
    assert seen == [2]


def _increment(url: str) -> int:
    with psycopg.connect(url) as conn:
        return conn.execute("UPDATE counter SET n = n + 1 RETURNING n").fetchone()[0]


def test_pg_trgm_is_available_for_catalogue_search(postgres_server):
    url = postgres_server.create_database("trgm")
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("CREATE EXTENSION pg_trgm")
        assert conn.execute("SELECT similarity('chocolate', 'choc') > 0").fetchone()[0] is True


def test_stop_removes_the_folder_and_frees_the_port():
    server = PostgresServer().start()
    folder, url = server.data_dir.parent, server.url()
    server.stop()
    assert not folder.exists()
    with pytest.raises(psycopg.OperationalError):
        psycopg.connect(url, connect_timeout=2)


def test_a_database_name_is_checked(postgres_server):
    with pytest.raises(ValueError, match="letters, digits"):
        postgres_server.create_database('x"; DROP DATABASE postgres; --')


def test_missing_binaries_say_what_to_install(monkeypatch):
    # Fault injected: no binaries anywhere (PATH emptied, the versioned folder glob finds nothing).
    monkeypatch.setenv("PATH", "")
    monkeypatch.setattr("pos_app.testing.postgres.glob.glob", lambda pattern: [])
    with pytest.raises(PostgresUnavailable, match="install the system's postgresql package"):
        PostgresServer()
