"""The SQLite record store: records, FTS5 over title/authors/venue, identifier lookups."""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
import threading
from collections.abc import Iterable, Iterator
from functools import cached_property
from itertools import combinations
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
from rapidfuzz import fuzz, process

if TYPE_CHECKING:
    import sqlite_utils

from citecheck.errors import IndexCorruptError, IndexError_
from citecheck.records import DISTINCTIVE_TITLE_CHARS, Record, normalize_text, title_key

STORE_FILE = "records.db"
# Lexical search narrows by the rarest query words: at least this many, at most that
# many in one AND; an OR scored by bm25 keeps words while their postings stay under the
# budget (bm25 costs ~1 us a posting on 2 cores).
MIN_QUERY_TERMS = 3
MAX_QUERY_TERMS = 6
POSTINGS_BUDGET = 1_000
COMMON_WORD_DOCS = 10_000
# Up to this many matches are ranked in Python, which is cheaper than FTS5's bm25().
PYTHON_RANKED = 100
# Bound parameters per statement, well under SQLite's limit of 32766.
SQL_CHUNK = 900
# Reads through a memory map skip a copy per page: record fetches at 1 M records take a
# third of the time (benchmarks/scale.py). Pages are file-backed and shared, not heap.
MMAP_BYTES = 2**30
# Records one title look-up returns at most (versions of a work share a title).
TITLE_HITS = 20
# A short title is looked up among the titles starting with its words (there are few: 3
# start with "attention is all you need", 5 with "deep residual learning").
SHORT_TITLE_WORDS = 3
SHORT_TITLE_SCAN = 200
# Words whose record counts a store remembers (~100 bytes each); full, it starts afresh.
TERM_CACHE_SIZE = 200_000
_RECORD_COLUMNS = "rid, id, title, authors, year, venue, doi, arxiv, url, type, source, ids, work"


def create_store(path: Path) -> sqlite_utils.Database:
    """Create an empty store with its tables and identifier indexes (search comes later)."""
    # Imported here: sqlite_utils imports pandas when present (~1 s), and reading an
    # index never needs it.
    import sqlite_utils

    db = sqlite_utils.Database(path)
    db.conn.execute("PRAGMA journal_mode=WAL")
    db["records"].create(
        {
            "rid": int, "id": str, "title": str, "authors": str, "family_names": str,
            "year": int, "venue": str, "doi": str, "arxiv": str, "url": str, "type": str,
            "source": str, "content_hash": str, "ids": str, "work": str,
        },
        pk="rid",
    )
    # ids: every source's id for this record (provenance of merged duplicates);
    # work: the id shared by all versions of one work (preprint, published, ...).
    db["records"].create_index(["id"], unique=True)
    db["records"].create_index(["doi"])
    db["records"].create_index(["arxiv"])
    db["records"].create_index(["source"])
    db["records"].create_index(["work"])
    db["keys"].create({"key": str, "rid": int}, pk="key")
    db["keys"].create_index(["rid"])
    return db


def enable_search(db: sqlite_utils.Database) -> None:
    """Index title/authors/venue with FTS5, kept in sync by triggers from then on.

    Called once after a bulk load: filling FTS5 in one pass is ~3x faster than
    row-by-row triggers (benchmarks/scale.py).
    """
    db["records"].enable_fts(
        ["title", "family_names", "venue"], fts_version="FTS5",
        tokenize="unicode61 remove_diacritics 2", create_triggers=True,
    )


def finish_search(conn: sqlite3.Connection) -> None:
    """Ready search after records changed: the FTS index in one segment, fresh word counts.

    A bulk load leaves FTS5 several segments (11 in the 331 k-record default index) and
    each update adds more; FTS5 looks up every word of a query in each segment, which was
    most of a search's cost. Merged, the same queries find the same records in the same
    order with the same bm25 scores, at 1.35 M instead of 3.04 M instructions a search of
    an invented reference (0.46 against 1.09 ms CPU) and 0.60 M instead of 1.04 M of a
    real one (0.25 against 0.43 ms). Merging costs ~1.5 s CPU at 331 k records.
    """
    conn.execute("INSERT INTO records_fts(records_fts) VALUES('optimize')")
    write_term_counts(conn)


def write_term_counts(conn: sqlite3.Connection) -> None:
    """Store each indexed word's document count, so searches can skip the common ones."""
    conn.execute("DROP TABLE IF EXISTS terms")
    conn.execute("CREATE TABLE terms (term TEXT PRIMARY KEY, docs INTEGER) WITHOUT ROWID")
    conn.execute("CREATE VIRTUAL TABLE temp.records_vocab USING fts5vocab(main, 'records_fts', "
                 "'row')")
    conn.execute("INSERT INTO terms SELECT term, doc FROM temp.records_vocab")
    conn.execute("DROP TABLE temp.records_vocab")


def ensure_title_keys(conn: sqlite3.Connection) -> None:
    """Give a store its whole-title look-up table (filled from its records) if it has none.

    Full-text search narrows a query by its rarest words, which are often the family names:
    a real title cited with another paper's authors (HALLMARK's swapped authors, merged
    citations) then finds those authors' papers, and the dense channel, which embeds the
    names too, misses it as well. Each record's title key (records.title_key: the title
    less its typography), and its main title's, is kept as a 64-bit hash (12 MB with the
    index by rid at 331 k records, against 51 MB for the keys as text); a collision only adds
    a candidate, which the comparison then rejects. StoreWriter keeps the table in step with
    the records, as it keeps the dedupe keys.
    """
    if conn.execute("SELECT 1 FROM sqlite_master WHERE name = 'titles'").fetchone():
        return
    conn.execute("CREATE TABLE titles (hash INTEGER NOT NULL, rid INTEGER NOT NULL, "
                 "PRIMARY KEY (hash, rid)) WITHOUT ROWID")
    conn.execute("CREATE INDEX titles_rid ON titles (rid)")
    rows = conn.execute("SELECT rid, title FROM records").fetchall()
    add_title_rows(conn, sorted(row for rid, title in rows for row in title_rows(rid, title)))


def title_rows(rid: int, title: str | None) -> list[tuple[int, int]]:
    """The (hash, rid) rows by which the titles table finds a record."""
    return [(_key_hash(key), rid) for key in title_lookup_keys(title)]


def add_title_rows(conn: sqlite3.Connection, rows: Iterable[tuple[int, int]]) -> None:
    """Add ``title_rows`` to the titles table (a row it holds already stays one)."""
    conn.executemany("INSERT OR IGNORE INTO titles (hash, rid) VALUES (?, ?)", rows)


def _key_hash(key: str) -> int:
    """A title key as a signed 64-bit integer, the same in every process (unlike hash())."""
    return int.from_bytes(hashlib.blake2b(key.encode("utf-8"), digest_size=8).digest(),
                          "big", signed=True)


def title_lookup_keys(title: str | None) -> list[str]:
    """The keys a title is found by: its own and, as compare.title_similarity counts a
    citation of the main title alone as the same title, its main title's. Short titles
    ("Attention", "Deep learning") name many works, and are left to full-text search."""
    if not title:
        return []
    keys = [title_key(title)]
    if ":" in title:
        keys.append(title_key(title.split(":")[0]))
    return [key for key in dict.fromkeys(keys) if len(key) >= DISTINCTIVE_TITLE_CHARS]


# What a reader needs: the table and columns every query here names, and the FTS index.
REQUIRED_COLUMNS = {
    "records": {"rid", "id", "title", "authors", "family_names", "year", "venue", "doi",
                "arxiv", "url", "type", "source", "ids", "work"},
    "records_fts": {"title", "family_names", "venue"},
}


def corrupt_store_error(path: Path, exc: BaseException) -> IndexCorruptError:
    """The one-line error for an unreadable store, saying how to rebuild."""
    reason = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
    return IndexCorruptError(
        f"cannot read {path} ({reason}); rebuild it with: citecheck index build --index "
        f"{path.parent} SOURCE..."
    )


def _row_to_record(row: tuple[object, ...]) -> Record:
    _, rid_id, title, authors, year, venue, doi, arxiv, url, kind, source, ids, work = row
    return Record(
        id=str(rid_id), title=str(title or ""), authors=json.loads(str(authors or "[]")),
        year=int(year) if year is not None else None,  # type: ignore[call-overload]
        venue=venue, doi=doi, arxiv=arxiv, url=url, type=kind, source=source,  # type: ignore[arg-type]
        ids=json.loads(str(ids)) if ids else [], work=str(work) if work else None,
    )


def fts_query(text: str, max_terms: int = 32) -> str:
    """An FTS5 OR-query of the distinct words of ``text``, each quoted so none is an operator."""
    # A dict keeps first-seen order with O(1) membership: a list made long inputs quadratic.
    words: dict[str, None] = {}
    for word in normalize_text(text).split():
        if len(word) > 1:
            words.setdefault(word)
            if len(words) >= max_terms:
                break
    return " OR ".join(f'"{word}"' for word in words)


class Store:
    """Read access to a published store, shareable across threads.

    Published stores are never written again (updates are copy-on-write), so they
    are opened ``immutable``: no locks, no journal files. Each thread gets its own
    connection while the file at ``path`` is still the one opened first; once an
    update has replaced it, threads share the first connection, which keeps
    reading the old, now unlinked, file, so an open index never mixes versions.
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        self._local = threading.local()
        self._primary = self._connect()
        self._term_cache: dict[str, int | None] = {}
        self._primary_lock = threading.Lock()
        self._inode = os.stat(path).st_ino
        self._local.conn = self._primary
        self._inherited: tuple[object, ...] = ()

    def _connect(self) -> sqlite3.Connection:
        conn = sqlite3.connect(f"file:{self.path}?mode=ro&immutable=1", uri=True,
                               check_same_thread=False)
        conn.execute(f"PRAGMA mmap_size={MMAP_BYTES}")
        return conn

    @property
    def conn(self) -> sqlite3.Connection:
        conn = getattr(self._local, "conn", None)
        if conn is None:
            conn = self._connect() if self.is_published() else _Serialized(self._primary,
                                                                  self._primary_lock)
            self._local.conn = conn
        return conn  # type: ignore[no-any-return]

    def is_published(self) -> bool:
        """Whether the file at ``path`` is still the one opened (no update has replaced it)."""
        try:
            return os.stat(self.path).st_ino == self._inode
        except OSError:
            return False

    def reconnect(self) -> None:
        """Connect anew, in a process forked from the one that opened this store.

        SQLite connections must not be used across a fork, so the inherited ones are set
        aside unused, not even closed. Raises IndexError_ if an update has replaced the file
        since it was opened: the rest of the index (its vectors) is the old version's.
        """
        if not self.is_published():
            raise IndexError_(f"{self.path} was replaced while it was being opened; run again")
        self._inherited = (self._primary, self._local)
        self._local = threading.local()
        self._primary = self._connect()
        self._primary_lock = threading.Lock()
        self._local.conn = self._primary

    def count(self) -> int:
        return int(self._rows("SELECT count(*) FROM records")[0][0])  # type: ignore[call-overload]

    def check_schema(self) -> None:
        """Raise IndexCorruptError unless every table and column the queries use is there."""
        for table, columns in REQUIRED_COLUMNS.items():
            present = {str(row[1]) for row in self._rows(f"PRAGMA table_info({table})")}
            missing = sorted(columns - present)
            if missing:
                what = f"table {table}" if not present else f"{table} columns {', '.join(missing)}"
                raise corrupt_store_error(self.path, ValueError(f"{what} missing"))

    def _rows(self, sql: str, parameters: Iterable[object] = ()) -> list[tuple[object, ...]]:
        """Run one statement and fetch every row; any SQLite failure is a corrupt index.

        Turning errors into empty results would make a damaged index answer "not found"
        for everything (issue 13), so no SQLite error is swallowed here.
        """
        try:
            return list(self.conn.execute(sql, list(parameters)).fetchall())
        except sqlite3.Error as exc:
            raise corrupt_store_error(self.path, exc) from None

    def get(self, rids: Iterable[int]) -> dict[int, Record]:
        rid_list = list(dict.fromkeys(rids))
        if not rid_list:
            return {}
        marks = ",".join("?" * len(rid_list))
        rows = self._rows(f"SELECT {_RECORD_COLUMNS} FROM records WHERE rid IN ({marks})",
                          rid_list)
        return {int(row[0]): _row_to_record(row) for row in rows}

    def by_id(self, record_id: str) -> Record | None:
        rows = self._rows(f"SELECT {_RECORD_COLUMNS} FROM records WHERE id = ?", [record_id])
        return _row_to_record(rows[0]) if rows else None

    def versions(self, work: str) -> list[Record]:
        """Every record of one work: its preprint, published and other versions."""
        rows = self._rows(f"SELECT {_RECORD_COLUMNS} FROM records WHERE work = ? LIMIT 20",
                          [work])
        return [_row_to_record(row) for row in rows]

    def rids_by_doi(self, doi: str) -> list[int]:
        return [int(r[0]) for r in self._rows("SELECT rid FROM records WHERE doi = ?", [doi])]  # type: ignore[call-overload]

    def rids_by_title(self, title: str) -> list[int]:
        """Records whose title, or main title, is ``title`` up to typography; none for a short
        title, or in an index built before title keys existed."""
        key = title_key(title)
        if len(key) < DISTINCTIVE_TITLE_CHARS or not self.has_title_keys:
            return []
        rows = self._rows("SELECT rid FROM titles WHERE hash = ? LIMIT ?",
                          [_key_hash(key), TITLE_HITS])
        return [int(r[0]) for r in rows]  # type: ignore[call-overload]

    def rids_by_short_title(self, title: str) -> list[int]:
        """Records whose title is ``title`` up to typography, for a title too short for the
        titles table but of three words or more ("Attention Is All You Need"): the titles
        starting with its words, kept when they are nothing more."""
        key = title_key(title)
        words = normalize_text(title).split()
        if len(key) >= DISTINCTIVE_TITLE_CHARS or len(words) < SHORT_TITLE_WORDS:
            return []
        rows = self._rows("SELECT rowid, title FROM records_fts WHERE records_fts MATCH ? LIMIT ?",
                          [f'title : ^"{" ".join(words)}"', SHORT_TITLE_SCAN])
        return [int(rid) for rid, found in rows if title_key(str(found)) == key][:TITLE_HITS]  # type: ignore[call-overload]

    def rids_by_family_year(self, family: str, year: int, limit: int = 50) -> list[int]:
        """Records of ``year`` with an author of family name ``family`` (up to ``limit``)."""
        words = normalize_text(family).split()
        if not words:
            return []
        rows = self._rows(
            "SELECT r.rid FROM records_fts f JOIN records r ON r.rid = f.rowid "
            "WHERE records_fts MATCH ? AND r.year = ? LIMIT ?",
            [f'family_names : "{" ".join(words)}"', year, limit])
        return [int(r[0]) for r in rows]  # type: ignore[call-overload]

    @cached_property
    def has_title_keys(self) -> bool:
        return self._has_table("titles")

    def rids_by_arxiv(self, arxiv: str) -> list[int]:
        rows = self._rows("SELECT rid FROM records WHERE arxiv = ?", [arxiv])
        return [int(r[0]) for r in rows]  # type: ignore[call-overload]

    def search(self, text: str, limit: int = 20) -> list[tuple[int, float]]:
        """Records sharing words with ``text``, as (rid, score), best first.

        Scoring is the cost in a large index: FTS5's bm25() reads every posting of
        every query word, and an OR of common words matches most records. So the
        rarest words narrow the search first: records with the three rarest, then
        the four rarest and so on while too many match; else records with two of the
        four rarest (a garbled or invented title), and none when no record has two of
        them. A few matches are ranked in Python; bm25 ranks only what narrowing could
        not make small.
        """
        query = fts_query(text)
        if not query:
            return []
        if not self.has_term_counts:  # an index built before term counts existed
            return self._ranked(query, limit)
        counted = self._by_rarity(query)
        words = [f'"{word}"' for word, _ in counted]
        too_many = None
        for size in range(MIN_QUERY_TERMS, min(len(words), MAX_QUERY_TERMS) + 1):
            narrowed = " AND ".join(words[:size])
            matches = self._matching(narrowed, PYTHON_RANKED + 1)
            if not matches:
                break
            if len(matches) <= PYTHON_RANKED:
                return _rank_by_similarity(text, matches)[:limit]
            too_many = narrowed
        if too_many is None and len(words) >= 2:  # no record has the rarest words together
            any_two = _any_two(words[:MIN_QUERY_TERMS + 1])
            matches = self._matching(any_two, PYTHON_RANKED + 1)
            if not matches:
                # No record shares two of the rarest words: records sharing one are no more
                # the cited work than any other, and ranking them by bm25 was 60 % of the
                # store's time for invented titles. The dense channel runs for these.
                return []
            if len(matches) <= PYTHON_RANKED:
                return _rank_by_similarity(text, matches)[:limit]
            # bm25 weighs each phrase of the query as often as it is written: rank by one
            # AND per pair, as the matches were always ranked.
            too_many = " OR ".join(f"({a} AND {b})"
                                   for a, b in combinations(words[:MIN_QUERY_TERMS + 1], 2))
        query = too_many or _within_budget(counted)
        return self._ranked(query, limit) if query else []

    def _matching(self, query: str, limit: int) -> list[tuple[int, str]]:
        """Up to ``limit`` (rid, title and family names) matching ``query``, unranked.

        FTS5's bm25() counts every document holding each query word before ranking
        anything (~0.6 ms a query at 1 M records); a handful of matches is cheaper to
        rank in Python.
        """
        rows = self._rows(
            "SELECT rowid, title, family_names FROM records_fts WHERE records_fts MATCH ? "
            "LIMIT ?", [query, limit])
        return [(int(rid), f"{title} {families or ''}") for rid, title, families in rows]

    def _ranked(self, query: str, limit: int) -> list[tuple[int, float]]:
        rows = self._rows(
            "SELECT rowid, bm25(records_fts) FROM records_fts WHERE records_fts MATCH ? "
            "ORDER BY bm25(records_fts) LIMIT ?",
            [query, limit],
        )
        return [(int(rid), -float(score)) for rid, score in rows]  # type: ignore[call-overload,arg-type]

    @cached_property
    def has_term_counts(self) -> bool:
        return self._has_table("terms")

    def _has_table(self, name: str) -> bool:
        """Whether the store has table ``name`` (indexes of older builds lack some)."""
        return bool(self._rows("SELECT 1 FROM sqlite_master WHERE name = ?", [name]))

    def _by_rarity(self, query: str) -> list[tuple[str, int]]:
        """The words of an OR-query that some record has, with their record counts, rarest first."""
        words = [word.strip('"') for word in query.split(" OR ")]
        docs = self._term_docs(words)
        return sorted(((word, count) for word in words if (count := docs[word]) is not None),
                      key=lambda item: item[1])

    def _term_docs(self, words: list[str]) -> dict[str, int | None]:
        """Each word's record count (None: no record has it), remembered across searches.

        Citations repeat their words (titles, family names, venues), and a published store
        never changes, so most searches need no look-up in the terms table.
        """
        known = self._term_cache  # this call's snapshot: never cleared, only replaced
        new = [word for word in dict.fromkeys(words) if word not in known]
        fresh: dict[str, int | None] = {}
        if new:
            marks = ",".join("?" * len(new))
            found: dict[str, int] = dict(self._rows(  # type: ignore[arg-type]
                f"SELECT term, docs FROM terms WHERE term IN ({marks})", new))
            fresh = {word: found.get(word) for word in new}
            if len(known) + len(fresh) > TERM_CACHE_SIZE:
                self._term_cache = {}
            self._term_cache.update(fresh)
        return {word: fresh[word] if word in fresh else known[word] for word in words}

    def rids_by_ids(self, record_ids: Iterable[str]) -> dict[str, int]:
        """Record id -> rid for the ids present."""
        found: dict[str, int] = {}
        id_list = list(dict.fromkeys(record_ids))
        for start in range(0, len(id_list), SQL_CHUNK):
            chunk = id_list[start:start + SQL_CHUNK]
            marks = ",".join("?" * len(chunk))
            found.update(self._rows(  # type: ignore[arg-type]
                f"SELECT id, rid FROM records WHERE id IN ({marks})", chunk))
        return found

    def rids_by_source(self, source: str) -> list[int]:
        rows = self._rows("SELECT rid FROM records WHERE source = ?", [source])
        return [int(r[0]) for r in rows]  # type: ignore[call-overload]

    def iter_records(self, batch: int = 5000) -> Iterator[tuple[int, Record]]:
        last = -1
        while True:
            rows = self._rows(
                f"SELECT {_RECORD_COLUMNS} FROM records WHERE rid > ? ORDER BY rid LIMIT ?",
                [last, batch],
            )
            if not rows:
                return
            for row in rows:
                yield int(row[0]), _row_to_record(row)  # type: ignore[call-overload]
            last = int(rows[-1][0])  # type: ignore[call-overload]

    def close(self) -> None:
        conn = getattr(self._local, "conn", None)
        if conn is not None and conn is not self._primary and isinstance(conn,
                                                                         sqlite3.Connection):
            conn.close()
        self._local.conn = None
        self._primary.close()


def _any_two(words: list[str]) -> str:
    """An FTS5 query for records with at least two of ``words``.

    Written as "a AND (b OR c OR d) OR b AND (c OR d) OR c AND d" rather than one AND per
    pair, which reads each word's postings fewer times (0.66 against 0.80 ms a query at
    331 k records, the same records in the same order). Not for bm25, which would weigh
    the words differently.
    """
    parts = []
    for position, word in enumerate(words[:-1]):
        rest = words[position + 1:]
        either = rest[0] if len(rest) == 1 else f"({' OR '.join(rest)})"
        parts.append(f"({word} AND {either})")
    return " OR ".join(parts)


def _within_budget(words: list[tuple[str, int]]) -> str:
    """An OR-query of the rarest words, stopping once their postings exceed the budget.

    bm25() scores every document matching any word: with common words ("of",
    "learning") that is most of a large index (~100 ms a query at 100 k records,
    ~4 ms for 4 k postings, ~1 ms within the budget). A word in more than
    COMMON_WORD_DOCS records is left out altogether: alone it singles nothing out.
    """
    kept: list[str] = []
    postings = 0
    for word, docs in words:
        if docs > COMMON_WORD_DOCS or (len(kept) >= MIN_QUERY_TERMS
                                       and postings + docs > POSTINGS_BUDGET):
            break
        kept.append(word)
        postings += docs
    return " OR ".join(f'"{word}"' for word in kept)


def _rank_by_similarity(text: str, matches: list[tuple[int, str]]) -> list[tuple[int, float]]:
    """(rid, score) by fuzzy similarity of each match's title and names to ``text``."""
    query = normalize_text(text)
    # One cdist call scores every match in C; float64 keeps WRatio's scores exact.
    scores = process.cdist([query], [normalize_text(content) for _, content in matches],
                           scorer=fuzz.WRatio, dtype=np.float64)[0]
    scored = [(rid, float(score) / 100) for (rid, _), score in zip(matches, scores, strict=True)]
    return sorted(scored, key=lambda hit: -hit[1])


class _Serialized:
    """A connection shared by threads, one statement (fetched in full) at a time."""

    def __init__(self, conn: sqlite3.Connection, lock: threading.Lock) -> None:
        self._conn = conn
        self._lock = lock

    def execute(self, sql: str, parameters: Iterable[object] = ()) -> _Rows:
        with self._lock:
            return _Rows(self._conn.execute(sql, list(parameters)).fetchall())


class _Rows(list):  # type: ignore[type-arg]
    """Fetched rows with the cursor methods the store uses."""

    def fetchall(self) -> list[tuple[object, ...]]:
        return list(self)

    def fetchone(self) -> tuple[object, ...] | None:
        return self[0] if self else None
