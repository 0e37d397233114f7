"""Write turns between processes: after a bulk writer's transaction, a writer already waiting goes
next; with nobody waiting the bulk writer carries straight on."""

from __future__ import annotations

import fcntl
import threading

from pos_app.store.turns import WriteTurn


def holds_turn(path) -> bool:
    """Whether some writer holds the turn now (a third party's non-blocking look)."""
    probe = WriteTurn(path, timeout_s=0)
    try:
        fcntl.flock(probe._fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return True
    finally:
        probe.close()
    return False


def waiting_writers(path) -> bool:
    probe = WriteTurn(path, timeout_s=0)
    try:
        fcntl.flock(probe._waiting_fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return True
    finally:
        probe.close()
    return False


def test_a_waiting_writer_has_the_turn_when_the_bulk_writer_lets_it_in(tmp_path):
    path = tmp_path / "pos.sqlite3"
    bulk, till = WriteTurn(path, timeout_s=30), WriteTurn(path, timeout_s=30)
    till_has_turn, till_done = threading.Event(), threading.Event()

    def till_writes():
        with till:
            till_has_turn.set()
            till_done.wait(30)

    bulk.__enter__()
    thread = threading.Thread(target=till_writes)
    thread.start()
    try:
        while not waiting_writers(path):  # the till has announced that it waits
            assert thread.is_alive()
        bulk.__exit__()
        bulk.let_waiting_writers_in(max_s=30)
        assert holds_turn(path) and till_has_turn.wait(30)  # the till went first, not the bulk writer
    finally:
        till_done.set()
        thread.join()
        bulk.close()
        till.close()
    assert not waiting_writers(path) and not holds_turn(path)


def test_with_nobody_waiting_the_bulk_writer_carries_on(tmp_path):
    path = tmp_path / "pos.sqlite3"
    bulk = WriteTurn(path, timeout_s=30)
    try:
        with bulk:
            pass
        bulk.let_waiting_writers_in(max_s=600)  # returns at once: a pause of max_s would time the test out
        with bulk:
            assert holds_turn(path)
    finally:
        bulk.close()
