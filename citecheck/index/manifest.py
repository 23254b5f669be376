"""manifest.json: what an index was built from and with, checked every time it is opened."""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from citecheck.errors import IndexCorruptError, IndexMismatchError, IndexMissingError

MANIFEST_FILE = "manifest.json"
FORMAT_VERSION = 2  # 2: records carry provenance (ids) and their work (versions)
# What a build does to its sources that the format does not show, so readers still read
# older builds while the default index, a cache of data/default_index.json, is rebuilt:
# 1: duplicates that disagree on a version's authors kept apart; whole-title keys.
BUILD_RECIPE = 1


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
    recipe: int = 0
    """The BUILD_RECIPE of the build (0: before recipes were recorded); updates keep it."""

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    def save(self, directory: Path) -> None:
        target = directory / MANIFEST_FILE
        partial = directory / (MANIFEST_FILE + ".partial")
        partial.write_text(json.dumps(self.to_dict(), indent=2) + "\n", encoding="utf-8")
        partial.replace(target)


def rebuild_hint(directory: Path, encoder: str | None = None) -> str:
    """How to rebuild an index, naming the encoder when the index's own cannot be used."""
    choice = f" --encoder {encoder}" if encoder else ""
    return f"rebuild it with: citecheck index build --index {directory}{choice} SOURCE..."


# The JSON type each manifest field must have; a hand-edited or damaged manifest
# ("files": null) is refused with one line instead of failing later with a traceback.
_FIELD_TYPES: dict[str, type | tuple[type, ...]] = {
    "model": str, "dimension": int, "count": int, "format_version": int, "sources": list,
    "files": dict, "built_at": str, "updated_at": str, "vector_index": str, "coverage": dict,
    "recipe": int,
}


def manifest_type_problem(manifest: Manifest) -> str:
    """What is wrong with the types of a manifest's fields, or "" when nothing is."""
    for name, expected in _FIELD_TYPES.items():
        value = getattr(manifest, name)
        # bool is an int in Python but never a count or a dimension.
        if isinstance(value, bool) or not isinstance(value, expected):
            return f"field {name!r} is {type(value).__name__}, not {_type_name(expected)}"
    if manifest.dimension <= 0 or manifest.count < 0:
        return f"dimension {manifest.dimension} and count {manifest.count} are not valid"
    if not all(isinstance(source, dict) for source in manifest.sources):
        return "field 'sources' holds something other than objects"
    for name, info in manifest.files.items():
        if (not isinstance(info, dict) or isinstance(info.get("size"), bool)
                or not isinstance(info.get("size"), int)
                or not isinstance(info.get("sha256", ""), str)):
            return f"files entry {name!r} needs an integer size and a sha256 string"
        if Path(name).name != name or name in ("", ".", ".."):
            return f"files entry {name!r} is not a file name inside the index"
    return ""


def _type_name(expected: type | tuple[type, ...]) -> str:
    names = {int: "integer", str: "string", list: "list", dict: "object"}
    kinds = expected if isinstance(expected, tuple) else (expected,)
    return " or ".join(names.get(kind, kind.__name__) for kind in kinds)


def load_manifest(directory: Path) -> Manifest:
    """Read and sanity-check a manifest; every failure says how to rebuild."""
    path = directory / MANIFEST_FILE
    if not directory.exists():
        raise IndexMissingError(f"no index at {directory}; {rebuild_hint(directory)}")
    if not path.is_file():
        raise IndexCorruptError(f"{directory} has no {MANIFEST_FILE}; {rebuild_hint(directory)}")
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        if not isinstance(data, dict):
            raise TypeError("not a JSON object")
        manifest = Manifest(**data)
    except (ValueError, TypeError, UnicodeDecodeError, OSError) as exc:
        raise IndexCorruptError(
            f"unreadable {path} ({exc.__class__.__name__}); {rebuild_hint(directory)}"
        ) from None
    problem = manifest_type_problem(manifest)
    if problem:
        raise IndexCorruptError(f"{path}: {problem}; {rebuild_hint(directory)}")
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
