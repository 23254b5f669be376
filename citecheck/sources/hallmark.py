"""HALLMARK-style JSONL: one BibTeX entry as JSON per line (``bibtex_key``, ``fields``, ``label``)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

from citecheck.records import Record
from citecheck.sources.base import ImportStats, open_text
from citecheck.sources.bibtex import record_from_fields

# HALLMARK labels each entry; only VALID ones are real works. An entry without a label
# (a plain export in the same shape) is taken as a record.
VALID_LABEL = "VALID"


def read_hallmark(path: Path, stats: ImportStats) -> Iterator[Record]:
    with open_text(path) as handle:
        for number, line in enumerate(handle, 1):
            if not line.strip():
                continue
            try:
                entry = json.loads(line)
                label = entry.get("label", VALID_LABEL)
                if label != VALID_LABEL:
                    # A labelled fabrication indexed as a record would verify itself.
                    stats.skip(f"line {number}: label {label!r} is not {VALID_LABEL}")
                    continue
                fields = entry["fields"]
                key = entry.get("bibtex_key") or f"{path.stem}:{number}"
                record = record_from_fields(
                    key, {k.lower(): str(v) for k, v in fields.items()},
                    entry.get("bibtex_type"), source=path.name,
                )
            except (ValueError, KeyError, TypeError, AttributeError) as exc:
                stats.skip(f"line {number}: {exc.__class__.__name__}: {exc}")
                continue
            if record is None:
                stats.skip(f"line {number}: no title")
                continue
            stats.read += 1
            yield record
