"""Checking an index: every file's sha256 against the manifest (in full, or on open for files
changed since they were last checked), SQLite's own check, leftovers."""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from citecheck.config import cache_dir
from citecheck.errors import IndexCorruptError, IndexError_
from citecheck.index.manifest import (
    MANIFEST_FILE,
    Manifest,
    file_digest,
    load_manifest,
    rebuild_hint,
)
from citecheck.index.store import STORE_FILE
from citecheck.index.vectors import VECTORS_FILE

# Files a published index must have checksums for; anything less cannot be verified.
CHECKED_FILES = (STORE_FILE, VECTORS_FILE)
# Staging directories beside an index, named by index/swap.py.
STAGING_TAGS = ("building", "updating", "previous")
# Files a killed writer can leave inside a directory (manifest.save, SQLite journals).
LEFTOVER_SUFFIXES = (".partial", "-journal", "-wal", "-shm")


@dataclass(slots=True)
class IntegrityReport:
    """What ``verify_index`` checked, and leftovers it found that are not corruption."""

    directory: Path
    records: int
    files: dict[str, str] = field(default_factory=dict)
    """File name -> its verified sha256."""
    leftovers: list[str] = field(default_factory=list)


def leftovers(directory: Path) -> list[str]:
    """Staging directories and partial files a killed or running writer left behind."""
    found = []
    for tag in STAGING_TAGS:
        for stale in sorted(directory.parent.glob(f".{directory.name}.{tag}-*")):
            found.append(f"staging directory {stale} (from writer process "
                         f"{stale.name.rsplit('-', 1)[-1]})")
    if directory.is_dir():
        for path in sorted(directory.iterdir()):
            if path.name.endswith(LEFTOVER_SUFFIXES):
                found.append(f"partial file {path}")
    return found


def verify_index(directory: Path | str) -> IntegrityReport:
    """Check every file of an index against its manifest; IndexCorruptError lists all problems.

    Opening an index checks sizes, schema and counts; this also reads every byte (so
    it costs a pass over the files) and runs SQLite's integrity check, which together
    catch a page or a vector overwritten in place with the size kept.
    """
    from citecheck.index.index import Index

    directory = Path(directory)
    manifest = load_manifest(directory)
    problems: list[str] = []
    verified: dict[str, str] = {}
    for name in CHECKED_FILES:
        if name not in manifest.files:
            problems.append(f"{MANIFEST_FILE} records no checksum for {name}")
    for name, info in sorted(manifest.files.items()):
        expected = info.get("sha256")
        if not expected:
            problems.append(f"{MANIFEST_FILE} records no sha256 for {name}")
            continue
        actual = file_digest(directory / name)["sha256"]
        if actual != expected:
            problems.append(_digest_problem(name, actual, str(expected)))
        else:
            verified[name] = str(actual)
    problems += _sqlite_problems(directory / STORE_FILE)
    records = manifest.count
    if not problems:
        try:
            Index.open(directory).close()
        except IndexError_ as exc:
            problems.append(str(exc))
    if problems:
        raise IndexCorruptError(f"index {directory} failed verification: "
                                f"{'; '.join(problems)}; {rebuild_hint(directory)}")
    return IntegrityReport(directory, records, verified, leftovers(directory))


def _sqlite_problems(path: Path) -> list[str]:
    """What SQLite's own integrity check reports on the store (first few lines)."""
    if not path.is_file():
        return [f"{path.name} is missing"]
    try:
        conn = sqlite3.connect(f"file:{path}?mode=ro&immutable=1", uri=True)
        try:
            rows = conn.execute("PRAGMA integrity_check(5)").fetchall()
        finally:
            conn.close()
    except sqlite3.Error as exc:
        return [f"{path.name} is not a readable SQLite database ({exc})"]
    messages = [str(row[0]) for row in rows]
    return [] if messages == ["ok"] else [f"{path.name}: {m}" for m in messages]


def _digest_problem(name: str, actual: str, expected: str) -> str:
    return (f"{name} has sha256 {actual[:12]}…, the manifest says {expected[:12]}… "
            "(modified or damaged)")


def check_changed_files(directory: Path, manifest: Manifest) -> None:
    """On open: hash each file changed since it was last found intact, against the manifest.

    Bytes overwritten in place keep a file's size, so only its checksum can tell; hashing
    the default index costs ~0.5 s, too much for every run. A file whose size, mtime and
    inode are those it had when last found intact is not hashed again; a file written
    since then (an overwrite changes its mtime) is. What changes no metadata (bit rot) is
    left to `index verify`. The stamps live in the user cache: an index directory may be
    read-only, and a stamp there would travel with a copy of the files.
    """
    try:
        stamps_path: Path | None = cache_dir() / "checked" / (
            hashlib.sha256(str(directory.resolve()).encode()).hexdigest()[:24] + ".json")
    except OSError:  # no writable cache: every open hashes
        stamps_path = None
    stamps = _read_stamps(stamps_path) if stamps_path else {}
    changed = False
    for name in CHECKED_FILES:
        expected = (manifest.files.get(name) or {}).get("sha256")
        try:
            info = os.stat(directory / name)
        except OSError:
            continue  # a missing file is reported by what reads it, with its own message
        if not expected:
            continue  # an index built before checksums: nothing to compare with
        stamp = [info.st_size, info.st_mtime_ns, info.st_ino, str(expected)]
        if stamps.get(name) == stamp:
            continue
        actual = str(file_digest(directory / name)["sha256"])
        if actual != expected:
            raise IndexCorruptError(f"index {directory}: {_digest_problem(name, actual, expected)}"
                                    f"; {rebuild_hint(directory)}")
        stamps[name] = stamp
        changed = True
    if changed and stamps_path:
        _write_stamps(stamps_path, stamps)


def _read_stamps(path: Path) -> dict[str, Any]:
    try:
        stamps = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return stamps if isinstance(stamps, dict) else {}


def _write_stamps(path: Path, stamps: dict[str, Any]) -> None:
    """Write atomically; a cache that cannot be written only costs a hash on the next open."""
    partial = path.with_name(f"{path.name}.{os.getpid()}.partial")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        partial.write_text(json.dumps(stamps), encoding="utf-8")
        os.replace(partial, path)
    except OSError:
        partial.unlink(missing_ok=True)
