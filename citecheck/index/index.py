"""Opening an index directory (manifest + store + vectors + encoder), checked for consistency."""

from __future__ import annotations

import os
import sqlite3
from dataclasses import dataclass
from pathlib import Path

from citecheck.config import default_index_dir
from citecheck.errors import IndexCorruptError, IndexError_, IndexMismatchError
from citecheck.index.encoders import Encoder, get_encoder
from citecheck.index.integrity import check_changed_files
from citecheck.index.manifest import Manifest, load_manifest, rebuild_hint
from citecheck.index.store import STORE_FILE, Store, corrupt_store_error
from citecheck.index.swap import recover_interrupted_swap, remove_stale_staging
from citecheck.index.vectors import VECTORS_FILE, Vectors

# An update may swap the directory while it is being opened; then open again.
OPEN_ATTEMPTS = 5


def _identity(directory: Path) -> tuple[int, int] | None:
    try:
        info = os.stat(directory)
    except OSError:
        return None
    return info.st_dev, info.st_ino


@dataclass
class Index:
    """An opened index: everything a Verifier reads, loaded once and shared across threads."""

    path: Path
    manifest: Manifest
    store: Store
    vectors: Vectors
    encoder: Encoder

    @classmethod
    def open(cls, path: Path | str, *, encoder: Encoder | None = None) -> Index:
        directory = Path(path)
        recover_interrupted_swap(directory)
        # A writer killed mid-build leaves a staging directory beside the index; only dead
        # writers' leftovers are removed (index verify reports any that remain).
        remove_stale_staging(directory)
        for attempt in range(OPEN_ATTEMPTS):
            before = _identity(directory)
            try:
                index = cls._open_files(directory, encoder)
            except IndexError_:
                if attempt + 1 < OPEN_ATTEMPTS and _identity(directory) != before:
                    continue
                raise
            if _identity(directory) == before:
                return index
            index.close()  # files from two versions: try again
        return cls._open_files(directory, encoder)

    @classmethod
    def _open_files(cls, directory: Path, encoder: Encoder | None) -> Index:
        manifest = load_manifest(directory)
        if encoder is not None and encoder.name != manifest.model:
            raise IndexMismatchError(
                f"index {directory} was built with encoder {manifest.model!r}, not "
                f"{encoder.name!r}; {rebuild_hint(directory, encoder.name)}"
            )
        if encoder is None:
            try:
                encoder = get_encoder(manifest.model)
            except IndexMismatchError as exc:
                raise IndexMismatchError(
                    f"index {directory} was built with {exc}; install that encoder's "
                    f"packages, or {rebuild_hint(directory, 'static')}"
                ) from None
        if encoder.dimension != manifest.dimension:
            raise IndexMismatchError(
                f"index {directory} has dimension {manifest.dimension} but encoder "
                f"{encoder.name!r} gives {encoder.dimension}; {rebuild_hint(directory)}"
            )
        check_changed_files(directory, manifest)
        try:
            vectors = Vectors.load(directory / VECTORS_FILE, mapped=True)
        except RuntimeError:
            raise IndexCorruptError(
                f"cannot read {directory / VECTORS_FILE}; {rebuild_hint(directory)}"
            ) from None
        if vectors.dimension != manifest.dimension:
            raise IndexMismatchError(
                f"vectors in {directory} have dimension {vectors.dimension}, the manifest says "
                f"{manifest.dimension}; {rebuild_hint(directory)}"
            )
        try:
            store = Store(directory / STORE_FILE)
        except (sqlite3.Error, OSError) as exc:
            raise corrupt_store_error(directory / STORE_FILE, exc) from None
        try:
            store.check_schema()
            count = store.count()
        except IndexError_:
            store.close()
            raise
        if count != manifest.count or vectors.count != manifest.count:
            store.close()
            raise IndexCorruptError(
                f"index {directory} holds {count} records and {vectors.count} vectors, the "
                f"manifest says {manifest.count}; {rebuild_hint(directory)}"
            )
        return cls(directory, manifest, store, vectors, encoder)

    def close(self) -> None:
        self.store.close()


__all__ = ["Index", "default_index_dir"]
