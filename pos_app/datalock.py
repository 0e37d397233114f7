"""One till per data folder: an exclusive lock that every command that writes takes at start-up.

Two processes on one folder (the window and `pos-app serve`, two windows) would keep two in-memory
carts and two sandbox states over one database, and one's acknowledged change would be lost. The
lock is an OS advisory lock (flock on POSIX, msvcrt.locking on Windows) on `<data dir>/pos.lock`,
held for the life of the process and dropped by the OS when it dies (kill -9 included), so a crash
never leaves a stale lock. The file also says who holds it, for the refusal message.

Written by hand rather than with `filelock`: that library truncates the lock file on every attempt,
which would erase the holder's name before the refusal could show it.
"""

from __future__ import annotations

import json
import os
import sys
import time
from pathlib import Path

from pos_app.errors import UserFacingError
from pos_app.store.faults import os_error

LOCK_FILE_NAME = "pos.lock"


class DataFolderInUse(UserFacingError):
    """Another process holds the data folder."""


class DataFolderLock:
    """`with DataFolderLock(folder, "pos-app serve"):` or acquire()/release(); not reentrant."""

    def __init__(self, folder: Path, command: str) -> None:
        self.folder = Path(folder)
        self.path = self.folder / LOCK_FILE_NAME
        self.command = command
        self._fd: int | None = None

    @property
    def held(self) -> bool:
        return self._fd is not None

    def acquire(self) -> DataFolderLock:
        if self._fd is not None:
            return self
        try:
            fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)
        except OSError as exc:  # a read-only or full folder: one clear line, as the store says it
            raise os_error(exc, self.path) from None
        try:
            _lock(fd)
        except OSError:
            holder = _read_holder(fd)
            os.close(fd)
            raise DataFolderInUse(
                f"the data folder {self.folder} is in use by {holder}: one till per data folder. "
                f"Stop that first, or give this one another folder (POS_DATA_DIR or --data-dir); "
                f"read-only commands (orders, report, review) work beside it") from None
        info = {"command": self.command, "pid": os.getpid(),
                "since": time.strftime("%Y-%m-%d %H:%M:%S")}
        try:
            os.ftruncate(fd, 0)
            os.lseek(fd, 0, os.SEEK_SET)
            os.write(fd, json.dumps(info).encode())
        except OSError as exc:  # e.g. a full disk: the lock would hold, but the till can't work
            os.close(fd)
            raise os_error(exc, self.path) from None
        self._fd = fd
        return self

    def release(self) -> None:
        fd, self._fd = self._fd, None
        if fd is not None:
            os.close(fd)  # closing drops the lock

    def __enter__(self) -> DataFolderLock:
        return self.acquire()

    def __exit__(self, *exc) -> None:
        self.release()


def _read_holder(fd: int) -> str:
    try:
        info = json.loads(os.read(fd, 4096) or b"{}")
        return f"{info['command']} (process {info['pid']}, since {info['since']})"
    except (OSError, ValueError, KeyError, TypeError):
        return "another pos-app process"


if sys.platform == "win32":  # pragma: no cover - exercised on Windows only
    import msvcrt

    def _lock(fd: int) -> None:
        # Lock a byte far past the holder's text, so the text itself stays readable to others.
        os.lseek(fd, 1 << 20, os.SEEK_SET)
        msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)
        os.lseek(fd, 0, os.SEEK_SET)
else:
    import fcntl

    def _lock(fd: int) -> None:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
