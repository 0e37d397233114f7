"""What can go wrong with the till's data folder and database file, said in one line a person can act on.

SQLite's errors ("database or disk is full", "file is not a database", …) become StoreError
subclasses naming the file and what to do; a damaged, emptied or foreign file is refused before
anything is written, so a broken till is never replaced by a fresh empty one.
"""

from __future__ import annotations

import logging
import os
import sqlite3
from pathlib import Path

from pos_app.errors import UserFacingError
from pos_app.i18n import _

log = logging.getLogger(__name__)

PRIVATE_DIR, PRIVATE_FILE = 0o700, 0o600
SQLITE_HEADER = b"SQLite format 3\x00"
# Primary result codes (sqlite3.h); Python 3.11 gives them as exc.sqlite_errorcode.
_BUSY, _READONLY, _IOERR, _CORRUPT, _FULL, _CANTOPEN, _NOTADB = 5, 8, 10, 11, 13, 14, 26


class StoreError(UserFacingError):
    """The till's data can't be read or written; the message names the file and what to do."""


class StorageFull(StoreError):
    """The disk is full: the step failed and changed nothing; it works again once space is freed."""


class StoreBusy(StoreError):
    """Another writer (a catalogue import) holds the database longer than a cashier should wait."""


class DamagedDatabase(StoreError):
    """The file is not a till database, is cut short or damaged, or is from a newer pos-app."""


def prepare_data_dir(folder: Path) -> Path:
    """Make the data folder (owner only, 0700); tighten an existing one holding a till's files."""
    folder = Path(folder)
    try:
        folder.mkdir(mode=PRIVATE_DIR, parents=True, exist_ok=True)
        if folder.stat().st_mode & 0o077 and (not any(folder.iterdir()) or (folder / "pos.sqlite3").exists()):
            os.chmod(folder, PRIVATE_DIR)
    except OSError as exc:
        raise os_error(exc, folder) from None
    return folder


def make_private(path: Path) -> None:
    """0600 for the database and its -wal/-shm companions (SQLite gives them the umask's 0644)."""
    for file in (path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
        try:
            if file.exists() and file.stat().st_mode & 0o077:
                os.chmod(file, PRIVATE_FILE)
        except OSError as exc:  # a read-only folder: opening it is refused elsewhere with a clear line
            log.debug("could not make %s private: %s", file, exc)


def check_database_file(path: Path) -> None:
    """Refuse, before SQLite opens it, a file that exists but is not a whole till database."""
    try:
        size = path.stat().st_size
    except FileNotFoundError:
        return  # a brand-new till
    except OSError as exc:
        raise os_error(exc, path) from None
    if size == 0:
        raise DamagedDatabase(
            _("{path} is empty (0 bytes) where the till's database should be: it was cut short, so the till's "
              "history is missing. Restore it from a backup; only to start a brand-new till, move it away").format(
                  path=path))
    try:
        with open(path, "rb") as handle:
            header = handle.read(100)
    except OSError as exc:
        raise os_error(exc, path) from None
    if len(header) < 100 or not header.startswith(SQLITE_HEADER):
        raise DamagedDatabase(_("{path} is not a till database (not an SQLite file): restore the till's database "
                                "from a backup, or point POS_DATA_DIR at the right folder").format(path=path))
    page_size = int.from_bytes(header[16:18], "big")
    page_size = 65536 if page_size == 1 else page_size
    pages = int.from_bytes(header[28:32], "big")
    # The page count is valid only when "version-valid-for" equals the change counter.
    if header[92:96] == header[24:28] and size < pages * page_size:
        raise DamagedDatabase(_("{path} is cut short ({size:,} of {value:,} bytes): restore the till's database "
                                "from a backup").format(path=path, size=size, value=pages * page_size))


def os_error(exc: OSError, path: Path) -> StoreError:
    """An OSError on the data folder or a file in it, as one line."""
    import errno

    if exc.errno == errno.ENOSPC:
        return StorageFull(_("the disk holding {path} is full: free some space, then try again").format(path=path))
    if exc.errno in (errno.EROFS, errno.EACCES, errno.EPERM):
        return StoreError(_("cannot write to {path}: {strerror}. Make the data folder writable, or point "
                            "POS_DATA_DIR at a folder that is").format(path=path, strerror=exc.strerror))
    return StoreError(_("cannot use {path}: {value}").format(path=path, value=exc.strerror or exc))


def sqlite_error(exc: sqlite3.Error, path: Path | str) -> StoreError | None:
    """The StoreError for an SQLite error about the file itself; None for a bug (bad SQL, constraint)."""
    code = getattr(exc, "sqlite_errorcode", 0) & 0xFF
    folder = Path(path).parent if isinstance(path, Path) else path
    if code == _FULL:
        return StorageFull(_("the disk holding {path} is full: nothing was changed; free some space, then try again")
                           .format(path=path))
    if code == _READONLY or (code == _CANTOPEN and isinstance(folder, Path) and not os.access(folder, os.W_OK)):
        return StoreError(_("cannot write to {path}: the data folder {folder} is read-only. Make it writable, or "
                            "point POS_DATA_DIR at a folder that is").format(path=path, folder=folder))
    if code == _CANTOPEN:
        return StoreError(_("cannot open {path}: {exc}").format(path=path, exc=exc))
    if code in (_CORRUPT, _NOTADB):
        return DamagedDatabase(_("{path} is damaged ({exc}): restore the till's database from a backup").format(
            path=path, exc=exc))
    if code == _IOERR:
        return StoreError(_("the disk failed reading or writing {path} ({exc}): check the disk, then try again")
                          .format(path=path, exc=exc))
    if code == _BUSY:
        return StoreBusy(_("the till's database is busy (a catalogue import is running): try again in a moment"))
    return None
