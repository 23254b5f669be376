"""A small SQLite cache of online replies, so repeated lookups never hit the network twice."""

from __future__ import annotations

import sqlite3
import threading
import time
from pathlib import Path

from citecheck.errors import OnlineError

# Bibliographic metadata rarely changes; a month keeps the cache useful while letting
# corrections (and newly registered DOIs) through eventually.
DEFAULT_TTL_SECONDS = 30 * 24 * 3600


class ResponseCache:
    """Replies by request key: status and body, with the time they were fetched.

    A cache that breaks after opening (disk full, damaged page) only costs lookups: a
    read that fails is a miss and a write that fails is skipped, never a crash.
    """

    def __init__(self, path: Path | str, *, ttl_seconds: float = DEFAULT_TTL_SECONDS) -> None:
        path = Path(path)
        self.ttl_seconds = ttl_seconds
        self._lock = threading.Lock()
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            self._conn = sqlite3.connect(path, check_same_thread=False)
            with self._conn:
                self._conn.execute(
                    "CREATE TABLE IF NOT EXISTS replies "
                    "(key TEXT PRIMARY KEY, status INTEGER, body TEXT, fetched_at REAL)")
        except (OSError, sqlite3.Error) as exc:
            raise OnlineError(f"cannot use the online reply cache {path} ({exc}); delete it "
                              "to start a new one") from None

    def get(self, key: str) -> tuple[int, str] | None:
        try:
            with self._lock:
                row = self._conn.execute(
                    "SELECT status, body, fetched_at FROM replies WHERE key = ?",
                    [key]).fetchone()
        except sqlite3.Error:
            return None
        if row is None or time.time() - float(row[2]) > self.ttl_seconds:
            return None
        return int(row[0]), str(row[1])

    def put(self, key: str, status: int, body: str) -> None:
        try:
            with self._lock, self._conn:
                self._conn.execute("INSERT OR REPLACE INTO replies VALUES (?, ?, ?, ?)",
                                   [key, status, body, time.time()])
        except sqlite3.Error:
            return

    def close(self) -> None:
        with self._lock:
            self._conn.close()
