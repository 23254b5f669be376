"""manifest.json: what an index was built from and with, checked every time it is opened."""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from citecheck.errors import IndexCorruptError, IndexMismatchError, IndexMissingError

MANIFEST_FILE = "manifest.json"
FORMAT_VERSION = 1


@dataclass(slots=True)
class Manifest:
    """The self-description of an index directory."""

    model: str
    dimension: int
    count: int
    format_version: int = FORMAT_VERSION
    sources: list[dict[str, Any]] = field(default_factory=list)
    files: dict[str, dict[str, Any]] = field(default_factory=dict)
    built_at: str = ""
    updated_at: str = ""
    vector_index: str = "flat"
    coverage: dict[str, Any] = field(default_factory=dict)
    """Canonical venues and years present, so absence outside them is not called fabrication."""

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    def save(self, directory: Path) -> None:
        target = directory / MANIFEST_FILE
        partial = directory / (MANIFEST_FILE + ".partial")
        partial.write_text(json.dumps(self.to_dict(), indent=2) + "\n", encoding="utf-8")
        partial.replace(target)


def rebuild_hint(directory: Path) -> str:
    return f"rebuild it with: citecheck index build --index {directory} SOURCE..."


def load_manifest(directory: Path) -> Manifest:
    """Read and sanity-check a manifest; every failure says how to rebuild."""
    path = directory / MANIFEST_FILE
    if not directory.exists():
        raise IndexMissingError(f"no index at {directory}; {rebuild_hint(directory)}")
    if not path.is_file():
        raise IndexCorruptError(f"{directory} has no {MANIFEST_FILE}; {rebuild_hint(directory)}")
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        manifest = Manifest(**data)
    except (ValueError, TypeError, UnicodeDecodeError) as exc:
        raise IndexCorruptError(
            f"unreadable {path} ({exc.__class__.__name__}); {rebuild_hint(directory)}"
        ) from None
    if manifest.format_version != FORMAT_VERSION:
        raise IndexMismatchError(
            f"index {directory} has format version {manifest.format_version}, this citecheck "
            f"reads version {FORMAT_VERSION}; {rebuild_hint(directory)}"
        )
    for name, info in manifest.files.items():
        file = directory / name
        if not file.is_file():
            raise IndexCorruptError(f"index file {file} is missing; {rebuild_hint(directory)}")
        if file.stat().st_size != info.get("size"):
            raise IndexCorruptError(
                f"index file {file} is {file.stat().st_size} bytes, the manifest says "
                f"{info.get('size')} (truncated or modified); {rebuild_hint(directory)}"
            )
    return manifest


def file_digest(path: Path) -> dict[str, Any]:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return {"size": path.stat().st_size, "sha256": digest.hexdigest()}


def source_digest(path: Path) -> str:
    """SHA-256 of a source file, or of a directory source's file names, sizes and contents."""
    if not path.is_dir():
        return str(file_digest(path)["sha256"])
    digest = hashlib.sha256()
    for file in sorted(p for p in path.rglob("*") if p.is_file()):
        digest.update(f"{file.relative_to(path)}\0{file_digest(file)['sha256']}\n".encode())
    return digest.hexdigest()
