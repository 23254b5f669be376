"""Dense-channel search structures side by side: time a query and recall against exact search.

The default index's dense channel is a pq-sq8 FAISS index (a random rotation, 4-bit
product-quantiser codes scanned by FAISS's fast-scan kernels, the nearest re-ranked by 8-bit
codes; binary-sq8 sign bits before it, and IVF-SQ8 before that). This script measures it and
the alternatives on the real corpus's vectors (the static encoder's,
cached by benchmarks/encoders.py) with HALLMARK dev VALID titles as queries, as cited and
garbled, plus invented references (benchmarks/speed.py's), in one run:
- recall@10 against exact inner-product search (share of the exact top 10 found);
- right record in the top 10 for dev queries whose record the corpus holds;
- milliseconds a query, one query at a time on one thread (as `citecheck` asks on a worker).

    .venv/bin/python benchmarks/ann.py [--queries 300]
"""

from __future__ import annotations

import argparse
import math
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

import faiss
import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from encoders import corpus_vectors, dev_queries, load_corpus
from speed import corpus_records, invented

from citecheck.index.encoders import get_encoder
from citecheck.index.vectors import Vectors, new_binary_index, new_pq_index

TOP = 10
Search = Callable[[np.ndarray], np.ndarray]


def timed(search: Search, queries: np.ndarray) -> tuple[np.ndarray, float]:
    """Ids of the top TOP per query, and the median milliseconds of one query."""
    ids, times = [], []
    for row in queries:
        started = time.perf_counter()
        ids.append(search(row[None, :]))
        times.append(time.perf_counter() - started)
    return np.vstack(ids), 1000 * statistics.median(times)


def ivf_sq8(vectors: np.ndarray, probes: int, lists: int) -> Search:
    quantizer = faiss.IndexFlatIP(vectors.shape[1])
    index = faiss.IndexIVFScalarQuantizer(quantizer, vectors.shape[1], lists,
                                          faiss.ScalarQuantizer.QT_8bit,
                                          faiss.METRIC_INNER_PRODUCT)
    training = vectors[np.random.default_rng(0).choice(len(vectors), min(len(vectors), lists * 40),
                                                       replace=False)]
    index.train(training)
    index.add(vectors)
    index.nprobe = probes
    return lambda q: index.search(q, TOP)[1]


def product(vectors: np.ndarray, new: Callable[[np.ndarray], faiss.Index]) -> Search:
    """An index citecheck builds above the exact-search limit, searched as citecheck does."""
    built = Vectors(new(vectors[:: max(1, len(vectors) // 50_000)]))
    built.add(vectors, np.arange(len(vectors)))
    # citecheck asks for 20 (match.CHANNEL_DEPTH): 200 codes re-ranked.
    return lambda q: np.array([[rid for rid, _ in built.search(q, 20)[0][:TOP]]])


def refined(vectors: np.ndarray, first: str, factor: int) -> Search:
    """A FAISS factory index (``first``) whose ``factor`` x 20 nearest are re-ranked by SQ8
    codes, asked for 20 as citecheck asks."""
    codes = faiss.IndexScalarQuantizer(vectors.shape[1], faiss.ScalarQuantizer.QT_8bit,
                                       faiss.METRIC_L2)
    index = faiss.IndexRefine(faiss.index_factory(vectors.shape[1], first), codes)
    index.k_factor = factor
    index.train(vectors[:: max(1, len(vectors) // 50_000)])
    index.add(vectors)
    return lambda q: index.search(q, 20)[1][:, :TOP]


def binary_rerank(vectors: np.ndarray, shortlist: int, lists: int = 0, probes: int = 0) -> Search:
    """Sign bits searched by Hamming distance (flat, or IVF with ``lists``), the ``shortlist``
    nearest re-ranked by their 8-bit quantised vectors."""
    codes = np.packbits(vectors > 0, axis=1)
    bits = vectors.shape[1]
    if lists:
        quantizer = faiss.IndexBinaryFlat(bits)
        index: faiss.IndexBinary = faiss.IndexBinaryIVF(quantizer, bits, lists)
        index.train(codes[np.random.default_rng(0).choice(len(codes), lists * 40, replace=False)])
        index.nprobe = probes
    else:
        index = faiss.IndexBinaryFlat(bits)
    index.add(codes)
    sq = faiss.ScalarQuantizer(vectors.shape[1], faiss.ScalarQuantizer.QT_8bit)
    sq.train(vectors)
    stored = sq.compute_codes(vectors)

    def search(q: np.ndarray) -> np.ndarray:
        _, near = index.search(np.packbits(q > 0, axis=1), shortlist)
        near = near[0][near[0] >= 0]
        scores = sq.decode(stored[near]) @ q[0]
        return near[np.argsort(-scores)[:TOP]][None, :]

    return search


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--queries", type=int, default=300, help="queries of each kind")
    args = parser.parse_args()
    faiss.omp_set_num_threads(1)
    encoder = get_encoder("static")
    dev = dev_queries(None)
    corpus = load_corpus({q.key for q in dev})
    vectors = np.ascontiguousarray(corpus_vectors(encoder, corpus, list(range(len(corpus.texts)))),
                                   dtype=np.float32)
    present = set(corpus.keys)
    answerable = [q for q in dev if q.key in present][: args.queries]
    fakes = invented(corpus_records(args.queries, seed=7), seed=7)
    kinds = {
        "cited": [q.cited for q in answerable],
        "garbled": [q.garbled for q in answerable],
        "invented": [f"{f['title']}. {', '.join(a.split()[-1] for a in f['authors'])}"
                     for f in fakes],
    }
    encoded = {kind: encoder.encode_batch(texts) for kind, texts in kinds.items()}
    lists = max(64, int(math.sqrt(len(vectors))))  # the IVF default before binary-sq8
    print(f"{len(vectors):,} vectors of {vectors.shape[1]} dimensions ({encoder.name}); "
          f"{len(answerable)} dev queries as cited and garbled, {len(fakes)} invented; "
          f"one query at a time, one thread")

    exact = faiss.IndexFlatIP(vectors.shape[1])
    exact.add(vectors)
    truth = {kind: exact.search(q, TOP)[1] for kind, q in encoded.items()}
    candidates: dict[str, Callable[[], Search]] = {
        "exact (flat)": lambda: (lambda q: exact.search(q, TOP)[1]),
        "pq-sq8: citecheck's index (rotation, 64 x 4-bit PQ fast scan, top 10 x k re-ranked by "
        "SQ8)": lambda: product(vectors, new_pq_index),
        "binary-sq8: the builds before (sign bits, top 10 x k re-ranked by SQ8)": lambda: product(
            vectors, new_binary_index),
        "64 x 4-bit PQ fast scan, no rotation, top 10 x k re-ranked": lambda: refined(
            vectors, "PQ64x4fs", 10),
        "rotation, 48 x 4-bit PQ fast scan, top 20 x k re-ranked": lambda: refined(
            vectors, "RR384,PQ48x4fs", 20),
        "rotation, 96 x 4-bit PQ fast scan, top 5 x k re-ranked": lambda: refined(
            vectors, "RR384,PQ96x4fs", 5),
        "PCA 256 sign bits, top 25 x k re-ranked": lambda: refined(vectors, "PCA256,LSH", 25),
        "ITQ 256 sign bits, top 25 x k re-ranked": lambda: refined(vectors, "ITQ256,LSH", 25),
        "ITQ 128 sign bits, top 50 x k re-ranked": lambda: refined(vectors, "ITQ128,LSH", 50),
        f"IVF-SQ8 {lists} lists, 64 probes (default before)": lambda: ivf_sq8(vectors, 64, lists),
        f"IVF-SQ8 {lists} lists, 32 probes": lambda: ivf_sq8(vectors, 32, lists),
        "binary flat, top 1000 re-ranked (SQ8)": lambda: binary_rerank(vectors, 1000),
        f"binary IVF {lists} lists, 32 probes, top 200 re-ranked": lambda: binary_rerank(
            vectors, 200, lists, 32),
        f"binary IVF {lists} lists, 64 probes, top 400 re-ranked": lambda: binary_rerank(
            vectors, 400, lists, 64),
    }
    print("| structure | build s | ms a query (cited / garbled / invented) | recall@10 vs exact "
          "(cited / garbled / invented) | right record in top 10 (cited / garbled) |")
    print("|---|---|---|---|---|")
    for name, make in candidates.items():
        started = time.perf_counter()
        search = make()
        built = time.perf_counter() - started
        ms, recall, right = [], [], []
        for kind, queries in encoded.items():
            found, median_ms = timed(search, queries)
            ms.append(median_ms)
            recall.append(np.mean([len(set(f) & set(t)) / TOP
                                   for f, t in zip(found, truth[kind], strict=True)]))
            if kind != "invented":
                right.append(np.mean([any(corpus.keys[i] == q.key for i in row if i >= 0)
                                      for q, row in zip(answerable, found, strict=True)]))
        print(f"| {name} | {built:.0f} | {' / '.join(f'{m:.2f}' for m in ms)} | "
              f"{' / '.join(f'{r:.3f}' for r in recall)} | {' / '.join(f'{r:.3f}' for r in right)} |",
              flush=True)


if __name__ == "__main__":
    main()
