"""Shared pieces of the importers: skip statistics, gzip-transparent reading, markup cleanup."""

from __future__ import annotations

import gzip
import html
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, cast

MAX_REASONS = 5
_TAG = re.compile(r"</?[A-Za-z][\w:.-]*(?:\s[^<>]*)?/?>")


@dataclass(slots=True)
class ImportStats:
    """How many records a source gave and why some were skipped."""

    read: int = 0
    skipped: int = 0
    reasons: list[str] = field(default_factory=list)

    def skip(self, reason: str) -> None:
        self.skipped += 1
        if len(self.reasons) < MAX_REASONS:
            self.reasons.append(reason)


def open_text(path: Path) -> IO[str]:
    if path.name.endswith(".gz"):
        return gzip.open(path, "rt", encoding="utf-8", errors="replace")
    return path.open("r", encoding="utf-8", errors="replace")


def open_binary(path: Path) -> IO[bytes]:
    if path.name.endswith(".gz"):
        return cast(IO[bytes], gzip.open(path, "rb"))
    return path.open("rb")


def read_head(path: Path, size: int = 4096) -> str:
    """The first ``size`` characters of a (possibly gzipped) text file, for format sniffing."""
    try:
        with open_text(path) as handle:
            return handle.read(size)
    except (OSError, EOFError):
        return ""


def source_files(directory: Path, suffixes: Iterable[str]) -> list[Path]:
    """Files under ``directory`` (recursively) ending in one of ``suffixes``, in a stable order."""
    endings = tuple(suffixes)
    return sorted(p for p in directory.rglob("*") if p.is_file() and p.name.endswith(endings))


def clean_markup(text: str) -> str:
    """Drop inline HTML/JATS tags (``<i>``, ``<sub>``) and entities from a title."""
    return " ".join(html.unescape(_TAG.sub("", text)).split())


def first_text(value: object) -> str:
    """The first non-empty string of a value that is a string or a list of strings (Crossref)."""
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, list):
        return next((item.strip() for item in value if isinstance(item, str) and item.strip()), "")
    return ""
