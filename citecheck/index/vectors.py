"""FAISS vectors over record embeddings; the FAISS id of a vector is the record's store rid."""

from __future__ import annotations

import math
from pathlib import Path

import faiss
import numpy as np

from citecheck.records import Record

VECTORS_FILE = "vectors.faiss"
# Exact inner-product search costs ~1 ms a query at 20 k vectors on 2 cores but
# ~6 ms at 100 k, more than the whole verify budget (500 references/s); above the
# limit an inverted file keeps latency flat at a small recall cost (benchmarks/scale.py).
EXACT_SEARCH_LIMIT = 20_000
# Above the limit: IVF with 8-bit scalar quantisation. Unlike HNSW it removes ids in
# place (so updates never rebuild the graph), adds fast, and at 384 bytes a vector
# 1 M records take ~0.4 GB instead of HNSW-Flat's ~1.8 GB (benchmarks/scale.py).
IVF_LISTS_PER_SQRT = 1
IVF_TRAINING_PER_LIST = 40  # FAISS's k-means wants >= 39 points per centroid
IVF_TRAINING_ITERATIONS = 10  # k-means converges enough for routing; 25 doubles build time
IVF_PROBES = 64  # of sqrt(n) lists: recall@10 vs exact 0.92 at 1 M (32: 0.88), ~2 ms a query
# How readers map the file. IO_FLAG_MMAP serves an IVF file's lists through
# OnDiskInvertedLists, which scans them 1.4x slower than lists in memory (7.6 vs 5.5 ms a
# query at 331 k records); IO_FLAG_MMAP_IFC (faiss >= 1.11) maps them as plain array lists,
# as fast as a private copy, with the same results and the same shared pages.
MAP_FLAG = getattr(faiss, "IO_FLAG_MMAP_IFC", faiss.IO_FLAG_MMAP)


def embedding_text(title: str, family_names: list[str]) -> str:
    """The text embedded for a record: title, then family names (the parts citations repeat)."""
    families = ", ".join(family_names[:6])
    return f"{title}. {families}" if families else title


def record_text(record: Record) -> str:
    return embedding_text(record.title, record.family_names)


def ivf_lists(count: int) -> int:
    return max(64, int(IVF_LISTS_PER_SQRT * math.sqrt(count)))


def vector_kind(count: int) -> str:
    """The kind of FAISS index suited to ``count`` vectors: "flat" (exact) or "ivf-sq8"."""
    return "flat" if count <= EXACT_SEARCH_LIMIT else "ivf-sq8"


def new_flat_index(dimension: int) -> faiss.Index:
    return faiss.IndexIDMap2(faiss.IndexFlatIP(dimension))


def new_ivf_index(training: np.ndarray, lists: int) -> faiss.Index:
    """An IVF-SQ8 inner-product index trained on a sample of the vectors it will hold."""
    dimension = training.shape[1]
    lists = max(1, min(lists, len(training) // IVF_TRAINING_PER_LIST))
    quantizer = faiss.IndexFlatIP(dimension)
    index = faiss.IndexIVFScalarQuantizer(quantizer, dimension, lists,
                                          faiss.ScalarQuantizer.QT_8bit,
                                          faiss.METRIC_INNER_PRODUCT)
    # The sample is sized for the lists; this only stops FAISS warning on stderr.
    index.cp.max_points_per_centroid = 10_000
    index.cp.niter = IVF_TRAINING_ITERATIONS
    index.train(np.ascontiguousarray(training, dtype=np.float32))
    # The IVF index must own its quantizer or it dangles once this function returns.
    index.own_fields = True
    quantizer.this.disown()
    index.nprobe = IVF_PROBES
    return index


class Vectors:
    """A FAISS index plus the operations citecheck needs from it."""

    def __init__(self, index: faiss.Index) -> None:
        self.index = index
        ivf = faiss.try_extract_index_ivf(index)
        if ivf is not None:
            ivf.nprobe = IVF_PROBES

    @classmethod
    def load(cls, path: Path, *, mapped: bool = False) -> Vectors:
        """Read a FAISS file; ``mapped`` maps it read-only instead of reading it whole.

        A published index is never written again, so readers map it: opening the
        default index's 130 MB of vectors then takes 0.01 s instead of 0.6 s, and
        processes sharing it share the pages. Writers (updates) read a private copy.
        """
        if mapped:
            return cls(faiss.read_index(str(path), MAP_FLAG))
        return cls(faiss.read_index(str(path)))

    @property
    def kind(self) -> str:
        return "flat" if faiss.try_extract_index_ivf(self.index) is None else "ivf-sq8"

    @property
    def dimension(self) -> int:
        return int(self.index.d)

    @property
    def count(self) -> int:
        return int(self.index.ntotal)

    def add(self, vectors: np.ndarray, rids: np.ndarray) -> None:
        self.index.add_with_ids(np.ascontiguousarray(vectors, dtype=np.float32),
                                np.asarray(rids, dtype=np.int64))

    def remove(self, rids: list[int]) -> int:
        if not rids:
            return 0
        return int(self.index.remove_ids(np.asarray(rids, dtype=np.int64)))

    def all_vectors(self) -> tuple[np.ndarray, np.ndarray]:
        """(vectors, rids) of a flat index, to move them into an IVF one without re-embedding."""
        flat = faiss.downcast_index(self.index.index)
        vectors = flat.reconstruct_n(0, self.count)
        return vectors, faiss.vector_to_array(self.index.id_map).astype(np.int64)

    def search(self, queries: np.ndarray, k: int) -> list[list[tuple[int, float]]]:
        """Top-k (rid, cosine) per query row."""
        if self.count == 0 or len(queries) == 0:
            return [[] for _ in range(len(queries))]
        scores, ids = self.index.search(np.ascontiguousarray(queries, dtype=np.float32),
                                        min(k, self.count))
        return [
            [(int(rid), float(score)) for rid, score in zip(id_row, score_row, strict=True)
             if rid >= 0]
            for id_row, score_row in zip(ids, scores, strict=True)
        ]

    def save(self, path: Path) -> None:
        faiss.write_index(self.index, str(path))
