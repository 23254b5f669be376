"""JSONL in citecheck's own record schema (the fields of ``Record``)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

from citecheck.records import Record, parse_year
from citecheck.sources.base import ImportStats, open_text


def read_jsonl(path: Path, stats: ImportStats) -> Iterator[Record]:
    with open_text(path) as handle:
        for number, line in enumerate(handle, 1):
            if not line.strip():
                continue
            try:
                data = json.loads(line)
                if not data.get("title"):
                    raise ValueError("no title")
                data.setdefault("id", f"{path.stem}:{number}")
                data["year"] = parse_year(data.get("year"))
                data.setdefault("source", path.name)
                record = Record.from_dict(data)
            except (ValueError, KeyError, TypeError, AttributeError) as exc:
                stats.skip(f"line {number}: {exc}")
                continue
            stats.read += 1
            yield record
