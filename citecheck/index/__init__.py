"""The verified-record index: SQLite store + FAISS vectors + manifest, opened once and shared."""

from citecheck.index.index import Index, default_index_dir

__all__ = ["Index", "default_index_dir"]
