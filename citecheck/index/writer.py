"""Writing records into a store: dedupe by DOI, arXiv id and title+year+first author, in batches."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from itertools import islice
from pathlib import Path

from citecheck.compare import compare_authors, title_similarity
from citecheck.index.store import SQL_CHUNK, add_title_rows, ensure_title_keys, title_rows
from citecheck.index.vectors import embedding_text
from citecheck.records import Record, normalize_text
from citecheck.venues import default_venue_table

WRITE_BATCH = 2000
_ROW_FIELDS = ("rid", "id", "title", "authors", "family_names", "year", "venue", "doi", "arxiv",
               "url", "type", "source", "content_hash", "ids", "work")
# Fields whose change alters nothing the encoder sees: the row is updated, the vector kept.
_COMPARED = ("title", "authors", "year", "venue", "doi", "arxiv", "url", "type")


@dataclass(slots=True)
class WriteStats:
    """What writing one source did to the store."""

    added: int = 0
    updated: int = 0
    unchanged: int = 0
    duplicates: int = 0

    def to_dict(self) -> dict[str, int]:
        return {"added": self.added, "updated": self.updated, "unchanged": self.unchanged,
                "duplicates": self.duplicates}


@dataclass(slots=True)
class EmbedWork:
    """Records of one batch whose vectors must be (re)computed."""

    rids: list[int] = field(default_factory=list)
    texts: list[str] = field(default_factory=list)
    replaced: list[int] = field(default_factory=list)
    """rids whose old vector must go first (changed records keep their rid)."""


def _row(rid: int, record: Record) -> dict[str, object]:
    families = record.family_names
    return {
        "rid": rid, "id": record.id, "title": record.title,
        "authors": json.dumps(record.authors, ensure_ascii=False),
        "family_names": " ".join(families), "year": record.year, "venue": record.venue,
        "doi": record.doi, "arxiv": record.arxiv, "url": record.url, "type": record.type,
        "source": record.source, "content_hash": record.content_hash(),
        "ids": json.dumps(record.ids or [record.id], ensure_ascii=False),
        "work": record.work or record.id,
        "_text": embedding_text(record.title, families),
    }


def _version_of(venue: object, year: object) -> tuple[str, object]:
    """What tells two versions of a work apart: the canonical venue and the year."""
    text = str(venue or "")
    resolved = default_venue_table().resolve(text)
    return (resolved.canonical if resolved else normalize_text(text)), year


def same_version(record: Record, stored: dict[str, object]) -> bool:
    """A record from another source that is the stored version, not another version."""
    venue, year = _version_of(record.venue, record.year)
    stored_venue, stored_year = _version_of(stored["venue"], stored["year"])
    return (venue == stored_venue or not venue or not stored_venue) and (
        year == stored_year or year is None or stored_year is None)


def _same_title(record: Record, stored: dict[str, object]) -> bool:
    return title_similarity(record.title, str(stored["title"] or "")) >= 1.0


def _same_authors(record: Record, stored: dict[str, object]) -> bool:
    """The same people, up to the forms of names that compare.py counts as one person."""
    authors = json.loads(str(stored["authors"] or "[]"))
    if not authors or not record.authors:
        return True  # a list on one side only contradicts nothing
    one, other = compare_authors(record.authors, authors), compare_authors(authors, record.authors)
    return (one.first_matches and one.matched == one.cited == one.expected
            and other.matched == other.cited == other.expected)


def _merge_into(row: dict[str, object], record: Record) -> None:
    """Add a duplicate's ids (and identifiers the row lacks) to a stored row."""
    ids = json.loads(str(row["ids"] or "[]"))
    row["ids"] = json.dumps(list(dict.fromkeys([*ids, record.id, *record.ids])),
                            ensure_ascii=False)
    row["doi"] = row["doi"] or record.doi
    row["arxiv"] = row["arxiv"] or record.arxiv


class StoreWriter:
    """Adds records to a store; with ``update_existing`` a known work with new content replaces
    the stored one, otherwise the first record of a work wins and later ones are duplicates."""

    def __init__(self, path: Path, *, update_existing: bool) -> None:
        self.conn = sqlite3.connect(path)
        with self.conn:  # an index built before title keys gets them on its first update
            ensure_title_keys(self.conn)
        self.update_existing = update_existing
        self.next_rid = int(self.conn.execute(
            "SELECT coalesce(max(rid), -1) + 1 FROM records").fetchone()[0])
        self._last_suffix: dict[str, int] = {}

    def _lookup(self, sql: str, values: list[str]) -> dict[str, object]:
        found: dict[str, object] = {}
        for start in range(0, len(values), SQL_CHUNK):
            chunk = values[start:start + SQL_CHUNK]
            found.update(self.conn.execute(sql.format(",".join("?" * len(chunk))), chunk))
        return found

    def _unique_id(self, record_id: str, taken: set[str]) -> str:
        # Distinct works may share a citation key across sources: keep ids unique. Some
        # sources give thousands of records one id (CVPR's in paperlists), so the search
        # for a free suffix resumes where the last one for that id stopped.
        suffix = self._last_suffix.get(record_id, 1)
        candidate = record_id if suffix == 1 else f"{record_id}~{suffix}"
        while candidate in taken or self.conn.execute(
                "SELECT 1 FROM records WHERE id = ?", [candidate]).fetchone():
            suffix += 1
            candidate = f"{record_id}~{suffix}"
        self._last_suffix[record_id] = suffix
        return candidate

    def write(self, records: Iterable[Record], stats: WriteStats) -> Iterator[EmbedWork]:
        """Write records batch by batch, yielding after each the vectors to (re)compute."""
        iterator = iter(records)
        while batch := list(islice(iterator, WRITE_BATCH)):
            with self.conn:
                yield self._write_batch(batch, stats)

    def _write_batch(self, batch: list[Record], stats: WriteStats) -> EmbedWork:
        keys_of = [record.dedupe_keys() for record in batch]
        known = self._lookup("SELECT key, rid FROM keys WHERE key IN ({})",
                             list({key for keys in keys_of for key in keys}))
        taken_ids = set(self._lookup("SELECT id, 1 FROM records WHERE id IN ({})",
                                     list({record.id for record in batch})))
        stored = self._stored_rows({int(rid) for rid in known.values()})  # type: ignore[call-overload]
        work = EmbedWork()
        pending: dict[int, dict[str, object]] = {}
        merged: dict[int, dict[str, object]] = {}
        key_rows: list[tuple[str, int]] = []
        batch_keys: dict[str, int] = {}
        for record, keys in zip(batch, keys_of, strict=True):
            hit = next((batch_keys[k] for k in keys if k in batch_keys), None)
            if hit is None:
                hit = next((int(known[k]) for k in keys if k in known), None)  # type: ignore[call-overload]
            if hit is not None and self.update_existing and hit in stored:
                self._update(hit, record, keys, stored[hit], work, stats)
                continue
            if hit is not None:
                existing = pending.get(hit) or merged.get(hit) or stored[hit]
                version = same_version(record, existing)
                same_title = _same_title(record, existing)
                if version and same_title and _same_authors(record, existing):
                    # One version of one work from two sources: one row with both ids.
                    _merge_into(existing, record)
                    if hit not in pending:
                        merged[hit] = existing
                    key_rows.extend((key, hit) for key in keys)
                    batch_keys.update((key, hit) for key in keys)
                    stats.duplicates += 1
                    continue
                # Two sources that disagree on one version's authors (one lacks or replaces
                # an author) keep both rows, as versions of one work, so that a citation
                # agreeing with either is not held against the other: the verdict compares
                # it with each version. Another title at the same venue-year is another
                # paper that a source gave the same DOI (the ACL Anthology's J10-1006 and
                # J10-1008), not a version.
                if same_title or not version:
                    record.work = str(existing["work"])  # another version of a known work
            record.id = self._unique_id(record.id, taken_ids)
            taken_ids.add(record.id)
            record.ids = list(dict.fromkeys([record.id, *record.ids]))
            rid = self.next_rid
            self.next_rid += 1
            row = _row(rid, record)
            pending[rid] = row
            key_rows.extend((key, rid) for key in keys)
            batch_keys.update((key, rid) for key in keys)
            work.rids.append(rid)
            work.texts.append(str(row["_text"]))
            stats.added += 1
        self.conn.executemany(
            f"INSERT INTO records ({', '.join(_ROW_FIELDS)}) "
            f"VALUES ({', '.join('?' * len(_ROW_FIELDS))})",
            [tuple(row[name] for name in _ROW_FIELDS) for row in pending.values()])
        self.conn.executemany(
            "UPDATE records SET ids = ?, doi = ?, arxiv = ? WHERE rid = ?",
            [(row["ids"], row["doi"], row["arxiv"], rid) for rid, row in merged.items()])
        self.conn.executemany("INSERT OR IGNORE INTO keys (key, rid) VALUES (?, ?)", key_rows)
        add_title_rows(self.conn, [row for rid, new in pending.items()
                                   for row in title_rows(rid, str(new["title"]))])
        return work

    def _stored_rows(self, rids: set[int]) -> dict[int, dict[str, object]]:
        if not rids:
            return {}
        columns = ("rid", "content_hash", *_COMPARED, "ids", "work")
        rows: dict[int, dict[str, object]] = {}
        rid_list = sorted(rids)
        for start in range(0, len(rid_list), SQL_CHUNK):
            chunk = rid_list[start:start + SQL_CHUNK]
            for values in self.conn.execute(
                    f"SELECT {', '.join(columns)} FROM records WHERE rid IN "
                    f"({','.join('?' * len(chunk))})", chunk):
                rows[int(values[0])] = dict(zip(columns, values, strict=True))
        return rows

    def _update(self, rid: int, record: Record, keys: list[str], old: dict[str, object],
                work: EmbedWork, stats: WriteStats) -> None:
        row = _row(rid, record)
        if all(row[name] == old[name] for name in _COMPARED):
            stats.unchanged += 1
            return
        # The stored id stays: other tools may refer to the record by it; so do its
        # provenance and its work.
        changes = [name for name in _ROW_FIELDS if name not in ("rid", "id", "ids", "work")]
        self.conn.execute(
            f"UPDATE records SET {', '.join(f'{name} = ?' for name in changes)} WHERE rid = ?",
            [*(row[name] for name in changes), rid])
        self.conn.execute("DELETE FROM keys WHERE rid = ?", [rid])
        self.conn.executemany("INSERT OR IGNORE INTO keys (key, rid) VALUES (?, ?)",
                              [(key, rid) for key in keys])
        self.conn.execute("DELETE FROM titles WHERE rid = ?", [rid])
        add_title_rows(self.conn, title_rows(rid, record.title))
        stats.updated += 1
        if row["content_hash"] != old["content_hash"]:
            work.rids.append(rid)
            work.texts.append(str(row["_text"]))
            work.replaced.append(rid)

    def delete(self, rids: list[int]) -> None:
        with self.conn:
            for start in range(0, len(rids), SQL_CHUNK):
                chunk = rids[start:start + SQL_CHUNK]
                marks = ",".join("?" * len(chunk))
                self.conn.execute(f"DELETE FROM records WHERE rid IN ({marks})", chunk)
                self.conn.execute(f"DELETE FROM keys WHERE rid IN ({marks})", chunk)
                self.conn.execute(f"DELETE FROM titles WHERE rid IN ({marks})", chunk)

    def count(self) -> int:
        return int(self.conn.execute("SELECT count(*) FROM records").fetchone()[0])

    def close(self) -> None:
        """Fold everything into the main file: published stores are opened immutable."""
        self.conn.execute("PRAGMA journal_mode=DELETE")
        self.conn.close()
