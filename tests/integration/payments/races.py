"""Race tooling: hold one thread's request at the HTTP client; see another thread wait for a lock.

No sleeps: a held request waits on an Event the test sets once the other thread is "inside" (its
own request reached the client, or it is blocked on the service's lock, or it has returned).
"""

from __future__ import annotations

import threading
from collections.abc import Callable

import stripe

#: Safety net only: a hold that is never released fails the test instead of hanging the suite.
HOLD_LIMIT = 15.0


class HoldingClient(stripe.RequestsClient):
    """The real HTTP client, with hooks run before each request is sent: `hook(method, url)` may
    block the calling thread (it is the thread that made the call). `sent` lists what went out."""

    def __init__(self) -> None:
        super().__init__(timeout=10)
        self.hooks: list[Callable[[str, str], None]] = []
        self.sent: list[tuple[str, str, str]] = []  # (thread name, method, url)

    def request(self, method, url, headers, post_data=None):
        for hook in list(self.hooks):
            hook(method.upper(), url)
        self.sent.append((threading.current_thread().name, method.upper(), url))
        return super().request(method, url, headers, post_data)


class Hold:
    """Holds the first request of thread `thread` that `picks(method, url)` until `release` is set.

    `reached` is set when that request is held. Install with `client.hooks.append(hold)`.
    """

    def __init__(self, thread: str, picks: Callable[[str, str], bool]) -> None:
        self.thread, self.picks = thread, picks
        self.reached, self.release = threading.Event(), threading.Event()
        self._done = False

    def __call__(self, method: str, url: str) -> None:
        if self._done or threading.current_thread().name != self.thread or not self.picks(method, url):
            return
        self._done = True
        self.reached.set()
        if not self.release.wait(HOLD_LIMIT):
            raise AssertionError(f"the held request {method} {url} was never released")


class Arrival:
    """Sets `event` when thread `thread` sends a request `picks` chooses (it got past any lock)."""

    def __init__(self, thread: str, picks: Callable[[str, str], bool], event: threading.Event) -> None:
        self.thread, self.picks, self.event = thread, picks, event

    def __call__(self, method: str, url: str) -> None:
        if threading.current_thread().name == self.thread and self.picks(method, url):
            self.event.set()


class WatchedLock:
    """The service's own lock, unchanged, except that `contended` is set when a thread has to wait
    for it (another thread holds it). It observes; it never lets anyone in earlier or later."""

    def __init__(self, inner, contended: threading.Event) -> None:
        self._inner, self.contended = inner, contended

    def acquire(self, blocking: bool = True, timeout: float = -1) -> bool:
        if not hasattr(self._inner, "acquire"):  # the lock was replaced by a nullcontext: no waiting
            self._inner.__enter__()
            return True
        if self._inner.acquire(blocking=False):
            return True
        self.contended.set()
        return self._inner.acquire(blocking, timeout)

    def release(self) -> None:
        if not hasattr(self._inner, "release"):
            self._inner.__exit__(None, None, None)
            return
        self._inner.release()

    def __enter__(self) -> bool:
        return self.acquire()

    def __exit__(self, *exc) -> None:
        self.release()


def run_in_thread(name: str, call: Callable[[], object], done: threading.Event | None = None):
    """Start `call` in a thread named `name`; returns (thread, outcome list: result or exception).
    `done` is set when the call returns or raises."""
    outcome: list[object] = []

    def target() -> None:
        try:
            outcome.append(call())
        except BaseException as exc:  # the test looks at it
            outcome.append(exc)
        finally:
            if done is not None:
                done.set()

    thread = threading.Thread(target=target, name=name, daemon=True)
    thread.start()
    return thread, outcome


def join(*threads: threading.Thread) -> None:
    for thread in threads:
        thread.join(HOLD_LIMIT)
        assert not thread.is_alive(), f"{thread.name} did not finish"


def confirms_intent(method: str, url: str) -> bool:
    return method == "POST" and url.endswith("/confirm")


def any_request(method: str, url: str) -> bool:
    return True
