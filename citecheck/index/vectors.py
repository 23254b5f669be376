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
# Above the limit: the sign bits of each vector (48 bytes at 384 dimensions) are scanned by
# Hamming distance and the REFINE_FACTOR x k nearest re-ranked by 8-bit quantised vectors
# (faiss IndexLSH + IndexRefine). On the 331 k-record default index a query takes 3.5 ms
# against 5.1 ms for the IVF-SQ8 index used before (64 of 570 lists probed), and a garbled
# title finds its record among the 10 nearest for 0.82 of HALLMARK dev queries against
# IVF's 0.66 (exact search: 0.85): IVF misses whatever falls outside the probed lists
# (benchmarks/ann.py). No training beyond SQ8's ranges, so builds skip k-means too.
REFINE_FACTOR = 10
SQ8_TRAINING_SAMPLE = 50_000
# Indexes built before binary-sq8 hold IVF-SQ8 vectors; they are still read and searched.
IVF_PROBES = 64
# How readers map the file. IO_FLAG_MMAP serves an IVF file's lists through
# OnDiskInvertedLists, which scans them 1.4x slower than lists in memory (7.6 vs 5.5 ms a
# query at 331 k records); IO_FLAG_MMAP_IFC (faiss >= 1.11) maps them as plain array lists,
# as fast as a private copy, with the same results and the same shared pages. It maps the
# flat codes of the binary and SQ8 indexes the same way.
MAP_FLAG = getattr(faiss, "IO_FLAG_MMAP_IFC", faiss.IO_FLAG_MMAP)


def embedding_text(title: str, family_names: list[str]) -> str:
    """The text embedded for a record: title, then family names (the parts citations repeat)."""
    families = ", ".join(family_names[:6])
    return f"{title}. {families}" if families else title


def record_text(record: Record) -> str:
    return embedding_text(record.title, record.family_names)


def vector_kind(count: int) -> str:
    """The kind of FAISS index suited to ``count`` vectors: "flat" (exact) or "binary-sq8"."""
    return "flat" if count <= EXACT_SEARCH_LIMIT else "binary-sq8"


def new_flat_index(dimension: int) -> faiss.Index:
    return faiss.IndexIDMap2(faiss.IndexFlatIP(dimension))


def new_binary_index(training: np.ndarray) -> faiss.Index:
    """A binary-code index re-ranked by SQ8 codes, trained on a sample of its vectors.

    Both parts rank by L2 distance, which orders unit vectors as cosine does; ``search``
    turns distances back into cosines.
    """
    dimension = training.shape[1]
    bits = faiss.IndexLSH(dimension, dimension, False, False)  # sign bits, no rotation
    codes = faiss.IndexScalarQuantizer(dimension, faiss.ScalarQuantizer.QT_8bit,
                                       faiss.METRIC_L2)
    refine = faiss.IndexRefine(bits, codes)
    refine.k_factor = REFINE_FACTOR
    refine.train(np.ascontiguousarray(training, dtype=np.float32))
    # The refine index must own its parts or they dangle once this function returns.
    refine.own_fields = True
    refine.own_refine_index = True
    bits.this.disown()
    codes.this.disown()
    index = faiss.IndexIDMap2(refine)
    index.own_fields = True
    refine.this.disown()
    return index


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
        self.kind = "ivf-sq8" if ivf is not None else (
            "binary-sq8" if isinstance(self._inner, faiss.IndexRefine) else "flat")

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
        self.index.add_with_ids(np.ascontiguousarray(vectors, dtype=np.float32),
                                np.asarray(rids, dtype=np.int64))

    def remove(self, rids: list[int]) -> int:
        if not rids:
            return 0
        if self.kind != "binary-sq8":
            return int(self.index.remove_ids(np.asarray(rids, dtype=np.int64)))
        # FAISS cannot remove from a refine index: rebuild it from its own SQ8 codes
        # (2.6 s at 331 k vectors; updates are rare and staged beside the index).
        stored, stored_rids = self.all_vectors()
        keep = ~np.isin(stored_rids, np.asarray(rids, dtype=np.int64))
        rebuilt = new_binary_index(stored[keep][::training_sample(int(keep.sum()))])
        rebuilt.add_with_ids(stored[keep], stored_rids[keep])
        self.index = rebuilt
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
        if self.kind == "binary-sq8":
            scores = 1.0 - scores / 2.0  # squared L2 between unit vectors -> cosine
        return [
            [(int(rid), float(score)) for rid, score in zip(id_row, score_row, strict=True)
             if rid >= 0]
            for id_row, score_row in zip(ids, scores, strict=True)
        ]

    def save(self, path: Path) -> None:
        faiss.write_index(self.index, str(path))
