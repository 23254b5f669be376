"""FAISS vectors over record embeddings; the FAISS id of a vector is the record's store rid."""

from __future__ import annotations

from pathlib import Path

import faiss
import numpy as np

from citecheck.records import Record

VECTORS_FILE = "vectors.faiss"
# Exact inner-product search costs ~1 ms a query at 20 k vectors on 2 cores but
# ~6 ms at 100 k, more than the whole verify budget (500 references/s); above the
# limit a cheaper first pass keeps latency flat at a small recall cost.
EXACT_SEARCH_LIMIT = 20_000
# Above the limit ("pq-sq8"): a random rotation, then 4-bit product-quantiser codes (64
# sub-vectors of 6 dimensions, 32 bytes a vector) scanned with FAISS's SIMD fast-scan kernels,
# and the REFINE_FACTOR x k nearest re-ranked by 8-bit quantised vectors (IndexPQFastScan +
# IndexRefine). One query on one thread, 331 k-record corpus (benchmarks/ann.py, timed
# interleaved on the same queries): 1.9 ms against 3.8 ms for "binary-sq8" (the sign bits of
# each vector, 48 bytes, scanned by Hamming distance: the structure of the builds before),
# with more of the exact top 10 (recall@10 0.90 / 0.81 for cited / garbled queries against
# 0.80 / 0.72) and a garbled title's record among the 10 nearest for 0.85 of HALLMARK dev
# queries against 0.82 (exact search: 0.85). Both beat IVF-SQ8 (5.1 ms, 0.66), which misses
# whatever falls outside the probed lists; sign bits of a learned rotation (PCA/ITQ to 256 or
# 128 bits) were faster than binary-sq8 only at a lower garbled figure. Training: 16-centroid
# k-means per sub-vector and SQ8's ranges on a sample (a few seconds at 331 k).
REFINE_FACTOR = 10
PQ_SUBVECTORS = 64
SQ8_TRAINING_SAMPLE = 50_000
# The kinds of earlier builds, still read and searched: "binary-sq8" (sign bits re-ranked by
# SQ8 codes) and, before it, "ivf-sq8" (IVF lists of SQ8 codes, IVF_PROBES of them probed).
IVF_PROBES = 64
# How readers map the file. IO_FLAG_MMAP serves an IVF file's lists through
# OnDiskInvertedLists, which scans them 1.4x slower than lists in memory (7.6 vs 5.5 ms a
# query at 331 k records); IO_FLAG_MMAP_IFC (faiss >= 1.11) maps them as plain array lists,
# as fast as a private copy, with the same results and the same shared pages. It maps the
# flat codes of the binary and SQ8 indexes the same way; fast-scan PQ codes (10 MB at 331 k
# vectors) are read into memory.
MAP_FLAG = getattr(faiss, "IO_FLAG_MMAP_IFC", faiss.IO_FLAG_MMAP)


def embedding_text(title: str, family_names: list[str]) -> str:
    """The text embedded for a record: title, then family names (the parts citations repeat)."""
    families = ", ".join(family_names[:6])
    return f"{title}. {families}" if families else title


def record_text(record: Record) -> str:
    return embedding_text(record.title, record.family_names)


def vector_kind(count: int) -> str:
    """The kind of FAISS index new builds use for ``count`` vectors: "flat" (exact) or "pq-sq8"."""
    return "flat" if count <= EXACT_SEARCH_LIMIT else "pq-sq8"


# Kinds whose scores are squared L2 distances from SQ8 re-ranking, and whose parts FAISS
# cannot remove from.
REFINED_KINDS = ("pq-sq8", "binary-sq8")


def new_flat_index(dimension: int) -> faiss.Index:
    return faiss.IndexIDMap2(faiss.IndexFlatIP(dimension))


def _refined(first: faiss.Index, training: np.ndarray) -> faiss.Index:
    """``first`` re-ranked by SQ8 codes, both trained on ``training``, inside an id map.

    Both parts rank by L2 distance, which orders unit vectors as cosine does; ``search``
    turns distances back into cosines.
    """
    dimension = training.shape[1]
    codes = faiss.IndexScalarQuantizer(dimension, faiss.ScalarQuantizer.QT_8bit,
                                       faiss.METRIC_L2)
    refine = faiss.IndexRefine(first, codes)
    refine.k_factor = REFINE_FACTOR
    refine.train(np.ascontiguousarray(training, dtype=np.float32))
    # The refine index must own its parts or they dangle once this function returns.
    refine.own_fields = True
    refine.own_refine_index = True
    first.this.disown()
    codes.this.disown()
    return _id_map(refine)


def _id_map(inner: faiss.Index) -> faiss.Index:
    index = faiss.IndexIDMap2(inner)
    index.own_fields = True
    inner.this.disown()
    return index


def new_pq_index(training: np.ndarray) -> faiss.Index:
    """A "pq-sq8" index: rotated 4-bit PQ codes (fast scan) re-ranked by SQ8 codes."""
    dimension = training.shape[1]
    rotation = faiss.RandomRotationMatrix(dimension, dimension)  # fixed seed: reproducible
    codes = faiss.IndexPQFastScan(dimension, PQ_SUBVECTORS, 4, faiss.METRIC_L2)
    # k-means of 16 centroids needs few points; FAISS warns below 39 a centroid.
    codes.pq.cp.min_points_per_centroid = 1
    first = faiss.IndexPreTransform(rotation, codes)
    first.own_fields = True
    rotation.this.disown()
    codes.this.disown()
    return _refined(first, training)


def new_binary_index(training: np.ndarray) -> faiss.Index:
    """A "binary-sq8" index (the kind of earlier builds): sign bits, no rotation, re-ranked by
    SQ8 codes."""
    dimension = training.shape[1]
    return _refined(faiss.IndexLSH(dimension, dimension, False, False), training)


def new_large_index(training: np.ndarray) -> faiss.Index:
    """The index new builds use above the exact-search limit (``vector_kind``'s "pq-sq8")."""
    return new_pq_index(training)


def training_sample(count: int) -> int:
    """The step that spreads SQ8's training sample evenly over ``count`` vectors."""
    return max(1, count // SQ8_TRAINING_SAMPLE)


class Vectors:
    """A FAISS index plus the operations citecheck needs from it."""

    def __init__(self, index: faiss.Index) -> None:
        self.index = index
        ivf = faiss.try_extract_index_ivf(index)
        if ivf is not None:
            ivf.nprobe = IVF_PROBES
        self.kind = "ivf-sq8" if ivf is not None else "flat"
        inner = self._inner
        if isinstance(inner, faiss.IndexRefine):
            first = faiss.downcast_index(inner.base_index)
            self.kind = "binary-sq8" if isinstance(first, faiss.IndexLSH) else "pq-sq8"

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
    def _inner(self) -> faiss.Index:
        """The index inside the id map."""
        return faiss.downcast_index(self.index.index)

    @property
    def dimension(self) -> int:
        return int(self.index.d)

    @property
    def count(self) -> int:
        return int(self.index.ntotal)

    def add(self, vectors: np.ndarray, rids: np.ndarray) -> None:
        if len(rids) == 0:  # FAISS 1.15's fast-scan PQ crashes on adding no vectors
            return
        self.index.add_with_ids(np.ascontiguousarray(vectors, dtype=np.float32),
                                np.asarray(rids, dtype=np.int64))

    def remove(self, rids: list[int]) -> int:
        if not rids:
            return 0
        if self.kind not in REFINED_KINDS:
            return int(self.index.remove_ids(np.asarray(rids, dtype=np.int64)))
        # FAISS cannot remove from a refine index: refill an empty copy of it (trained parts
        # kept, so the kind stays the same) from its own SQ8 codes (331 k vectors: 5.5 s for
        # pq-sq8, which re-encodes the PQ codes, 2.4 s for binary-sq8; updates are rare and
        # staged beside the index).
        stored, stored_rids = self.all_vectors()
        keep = ~np.isin(stored_rids, np.asarray(rids, dtype=np.int64))
        empty = faiss.clone_index(self._inner)
        empty.reset()
        self.index = _id_map(empty)
        self.add(stored[keep], stored_rids[keep])
        return int((~keep).sum())

    def all_vectors(self) -> tuple[np.ndarray, np.ndarray]:
        """(vectors, rids) as stored (SQ8 codes decoded above the exact limit), to move them
        into another index without re-embedding."""
        vectors = self._inner.reconstruct_n(0, self.count)
        return vectors, faiss.vector_to_array(self.index.id_map).astype(np.int64)

    def search(self, queries: np.ndarray, k: int) -> list[list[tuple[int, float]]]:
        """Top-k (rid, cosine) per query row."""
        if self.count == 0 or len(queries) == 0:
            return [[] for _ in range(len(queries))]
        scores, ids = self.index.search(np.ascontiguousarray(queries, dtype=np.float32),
                                        min(k, self.count))
        if self.kind in REFINED_KINDS:
            scores = 1.0 - scores / 2.0  # squared L2 between unit vectors -> cosine
        return [
            [(int(rid), float(score)) for rid, score in zip(id_row, score_row, strict=True)
             if rid >= 0]
            for id_row, score_row in zip(ids, scores, strict=True)
        ]

    def save(self, path: Path) -> None:
        faiss.write_index(self.index, str(path))
