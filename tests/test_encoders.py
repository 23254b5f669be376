"""Encoders: names and aliases, the thread-safe word cache, ONNX and distilled MiniLM, cached model files."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
from pathlib import Path

import numpy as np
import pytest

from citecheck.config import SourceSpec
from citecheck.errors import IndexMismatchError
from citecheck.index.encoders import (
    DEFAULT_ENCODER,
    DISTILLED_ENCODER,
    ENCODERS,
    ONNX_ENCODER,
    ONNX_INT8_ENCODER,
    STATIC_ENCODER,
    Encoder,
    StaticEncoder,
    WordTokenCache,
    canonical_encoder_name,
    get_encoder,
)
from citecheck.index.model_files import cached_file

from conftest import ROOT, hallmark_slice

THREADS = 8
# A cache this small is evicted many times a batch by THREADS threads of distinct words.
TINY_CACHE = 16

TITLES = [
    "Attention Is All You Need. Vaswani, Shazeer, Parmar",
    "BERT: Pre-training of Deep Bidirectional Transformers for Language Understanding. Devlin, Chang",
    "Deep Residual Learning for Image Recognition. He, Zhang, Ren, Sun",
    "Learning Transferable Visual Models From Natural Language Supervision. Radford, Kim",
    "Combinatorial Optimization for Panoptic Segmentation: A Fully Differentiable Approach. Abbas, Swoboda",
    "Denoising Diffusion Probabilistic Models. Ho, Jain, Abbeel",
]


def _words(seed: int, count: int) -> list[str]:
    """Texts of made-up words, distinct per seed, so every batch brings new words to the cache."""
    rng = np.random.default_rng(seed)
    letters = np.array(list("abcdefghijklmnopqrstuvwxyz"))
    return [" ".join("".join(rng.choice(letters, 7)) for _ in range(6)) for _ in range(count)]


@pytest.mark.parametrize(("alias", "canonical"), [
    ("minilm", DEFAULT_ENCODER), ("onnx", ONNX_ENCODER), ("onnx-int8", ONNX_INT8_ENCODER),
    ("static", STATIC_ENCODER), ("distilled", DISTILLED_ENCODER), (ONNX_INT8_ENCODER, ONNX_INT8_ENCODER),
])
def test_aliases_resolve_to_the_name_the_manifest_records(alias: str, canonical: str) -> None:
    assert canonical_encoder_name(alias) == canonical
    assert canonical in ENCODERS


def test_an_unknown_encoder_is_refused_with_the_names_to_choose_from() -> None:
    with pytest.raises(IndexMismatchError, match="onnx-int8-MiniLM-L6-v2"):
        get_encoder("word2vec")


def test_word_cache_under_eviction_by_8_threads_returns_every_texts_own_ids() -> None:
    def tokenize(words: list[str]) -> list[list[int]]:
        return [[ord(ch) for ch in word] for word in words]

    cache = WordTokenCache(tokenize, size=TINY_CACHE)
    failures: list[BaseException] = []

    def worker(seed: int) -> None:
        try:
            for round_ in range(50):
                texts = _words(seed * 1000 + round_, 5)
                ids, lengths = cache.token_ids(texts)
                assert ids == [ord(ch) for text in texts for ch in text if ch != " "]
                assert lengths == [len(text.replace(" ", "")) for text in texts]
        except BaseException as exc:  # a KeyError here is the bug this guards against
            failures.append(exc)

    threads = [threading.Thread(target=worker, args=(seed,)) for seed in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert failures == []
    assert len(cache) <= TINY_CACHE + 5 * 6


@pytest.mark.slow
def test_static_encoder_shared_by_8_threads_with_a_tiny_cache_gives_single_thread_vectors() -> None:
    encoder = StaticEncoder(word_cache_size=TINY_CACHE)
    batches = [_words(seed, 40) + TITLES for seed in range(THREADS * 4)]
    expected = [StaticEncoder().encode_batch(batch) for batch in batches]
    results: dict[int, np.ndarray] = {}
    failures: list[BaseException] = []

    def worker(first: int) -> None:
        try:
            for position in range(first, len(batches), THREADS):
                results[position] = encoder.encode_batch(batches[position])
        except BaseException as exc:
            failures.append(exc)

    threads = [threading.Thread(target=worker, args=(first,)) for first in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert failures == []
    for position, vectors in enumerate(expected):
        np.testing.assert_allclose(results[position], vectors, rtol=1e-5, atol=1e-6)


def test_a_cached_model_file_appears_whole_or_not_at_all(tmp_path: Path,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CITECHECK_CACHE", str(tmp_path))
    seen_during_derivation: list[bool] = []

    def derive(target: Path) -> None:
        target.write_bytes(b"half")
        seen_during_derivation.append(any(p.name == "model.bin" for p in tmp_path.rglob("*")))
        with target.open("ab") as handle:
            handle.write(b" and the rest")

    path = cached_file("model.bin", derive)
    assert seen_during_derivation == [False]
    assert path.read_bytes() == b"half and the rest"
    assert [p.name for p in path.parent.iterdir()] == ["model.bin"]
    assert cached_file("model.bin", lambda target: pytest.fail("derived twice")) == path


def test_a_failed_derivation_is_an_index_error_and_leaves_no_file_behind(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CITECHECK_CACHE", str(tmp_path))

    def derive(target: Path) -> None:
        target.write_bytes(b"half")
        raise OSError("disk full")

    with pytest.raises(IndexMismatchError, match="disk full"):
        cached_file("model.bin", derive)
    assert [p for p in tmp_path.rglob("*") if p.is_file()] == []


def test_onnx_encoder_without_onnxruntime_is_refused_naming_the_package(
        monkeypatch: pytest.MonkeyPatch) -> None:
    import importlib.util

    from citecheck.index.onnx_encoder import OnnxEncoder

    real_find_spec = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec",
                        lambda name, *a: None if name == "onnxruntime" else real_find_spec(name, *a))
    with pytest.raises(IndexMismatchError, match="pip install onnxruntime"):
        OnnxEncoder(quantized=True)


def _cosines(first: np.ndarray, second: np.ndarray) -> np.ndarray:
    return np.asarray((first * second).sum(axis=1))


@pytest.fixture(scope="module")
def minilm_vectors() -> np.ndarray:
    return get_encoder(DEFAULT_ENCODER).encode_batch(TITLES)


@pytest.mark.slow
def test_onnx_fp32_gives_the_torch_models_vectors(minilm_vectors: np.ndarray) -> None:
    vectors = get_encoder("onnx").encode_batch(TITLES)
    assert vectors.shape == (len(TITLES), 384)
    assert _cosines(vectors, minilm_vectors).min() > 0.9999


@pytest.mark.slow
def test_onnx_int8_stays_close_to_the_torch_model(minilm_vectors: np.ndarray) -> None:
    # Per-channel int8 of the matrix products: cosine ~0.99 to fp32 on HALLMARK titles
    # (benchmarks/encoders.py); per-tensor weights fell to 0.90.
    cosines = _cosines(get_encoder("onnx-int8").encode_batch(TITLES), minilm_vectors)
    assert cosines.min() > 0.97


@pytest.mark.slow
def test_onnx_batches_of_mixed_lengths_give_each_texts_own_vector() -> None:
    encoder = get_encoder("onnx")
    alone = np.vstack([encoder.encode_batch([title]) for title in TITLES])
    together = encoder.encode_batch(TITLES)
    assert _cosines(alone, together).min() > 0.9999


@pytest.mark.slow
@pytest.mark.parametrize("name", ["distilled", "static", "onnx-int8"])
def test_a_garbled_citation_finds_its_title_first(name: str) -> None:
    encoder = get_encoder(name)
    corpus = encoder.encode_batch(TITLES)
    query = encoder.encode_batch(["Denoising difusion probabilistic model. Ho, Abbeel"])
    assert int(np.argmax(corpus @ query[0])) == TITLES.index(
        "Denoising Diffusion Probabilistic Models. Ho, Jain, Abbeel")


@pytest.mark.slow
def test_distilled_encoder_gives_normalised_256_dimension_vectors() -> None:
    encoder = get_encoder("distilled")
    vectors = encoder.encode_batch([*TITLES, ""])
    assert encoder.name == DISTILLED_ENCODER and encoder.dimension == 256
    assert vectors.shape == (len(TITLES) + 1, 256)
    np.testing.assert_allclose(np.linalg.norm(vectors[:-1], axis=1), 1.0, rtol=1e-5)
    assert not vectors[-1].any()


@pytest.mark.slow
@pytest.mark.parametrize("name", ["onnx-int8", "distilled"])
def test_loading_an_encoder_from_its_cached_files_never_imports_torch(name: str) -> None:
    get_encoder(name).encode_batch(["derive the model files first"])
    script = ("import sys; from citecheck.index.encoders import get_encoder; "
              f"get_encoder({name!r}).encode_batch(['Attention is all you need']); "
              "print('torch' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True,
                         cwd=ROOT, env={**os.environ, "HF_HUB_OFFLINE": "1"})
    assert out.stdout.strip() == "False"


@pytest.mark.slow
@pytest.mark.parametrize("name", ["onnx-int8", "distilled"])
def test_an_index_built_with_an_encoder_records_it_and_reopens_with_it(name: str, tmp_path: Path) -> None:
    from citecheck.index import Index
    from citecheck.index.build import build_index

    source = hallmark_slice(tmp_path / "records.jsonl", 60)
    encoder: Encoder = get_encoder(name)
    build_index(tmp_path / "idx", [SourceSpec(source, "hallmark")], encoder)
    assert json.loads((tmp_path / "idx" / "manifest.json").read_text())["model"] == encoder.name
    index = Index.open(tmp_path / "idx")
    try:
        assert index.encoder is encoder
        title = json.loads(source.read_text().splitlines()[7])["fields"]["title"]
        (hits,) = index.vectors.search(encoder.encode_batch([title]), 3)
        assert title in [index.store.get([rid])[rid].title for rid, _ in hits]
    finally:
        index.close()


@pytest.mark.slow
def test_static_sums_of_a_large_batch_equal_those_of_small_batches() -> None:
    # Large batches go through a scipy sparse product, small ones through numpy alone.
    encoder = get_encoder("static")
    texts = _words(7, 300) + TITLES
    small = np.vstack([encoder.encode_batch(texts[start:start + 50]) for start in range(0, len(texts), 50)])
    np.testing.assert_allclose(encoder.encode_batch(texts), small, rtol=1e-5, atol=1e-6)


@pytest.mark.slow
def test_an_index_whose_encoder_is_not_installed_is_refused_saying_how_to_rebuild(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import importlib.util

    from citecheck.index import Index
    from citecheck.index import encoders as encoders_module
    from citecheck.index.build import build_index

    source = hallmark_slice(tmp_path / "records.jsonl", 20)
    build_index(tmp_path / "idx", [SourceSpec(source, "hallmark")], get_encoder("static"))
    manifest_path = tmp_path / "idx" / "manifest.json"
    manifest = json.loads(manifest_path.read_text())
    manifest["model"] = ONNX_INT8_ENCODER  # same dimension: only the encoder's package is missing
    manifest_path.write_text(json.dumps(manifest))
    real_find_spec = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec",
                        lambda name, *a: None if name == "onnxruntime" else real_find_spec(name, *a))
    encoders_module._shared_encoder.cache_clear()
    try:
        with pytest.raises(IndexMismatchError) as refused:
            Index.open(tmp_path / "idx")
    finally:
        encoders_module._shared_encoder.cache_clear()
    message = str(refused.value)
    assert "\n" not in message
    assert "pip install onnxruntime" in message and "citecheck index build" in message


@pytest.mark.slow
def test_onnx_encoder_shared_by_8_threads_gives_each_thread_its_own_vectors() -> None:
    encoder = get_encoder("onnx-int8")
    expected = encoder.encode_batch(TITLES)
    results: dict[int, np.ndarray] = {}

    def worker(thread: int) -> None:
        rotated = TITLES[thread % len(TITLES):] + TITLES[:thread % len(TITLES)]
        results[thread] = np.roll(encoder.encode_batch(rotated), thread % len(TITLES), axis=0)

    threads = [threading.Thread(target=worker, args=(thread,)) for thread in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(results) == list(range(THREADS))
    for vectors in results.values():
        assert _cosines(vectors, expected).min() > 0.9999


@pytest.mark.slow
def test_static_table_mapped_from_the_cache_gives_the_weight_files_vectors(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from citecheck.index.encoders import _input_embedding_rows, _model_dir

    from_weights = StaticEncoder(table=_input_embedding_rows(_model_dir())).encode_batch(TITLES)
    monkeypatch.setenv("CITECHECK_CACHE", str(tmp_path))
    mapped = StaticEncoder()
    assert isinstance(mapped.table, np.memmap)
    np.testing.assert_allclose(mapped.encode_batch(TITLES), from_weights, rtol=1e-6)
    unwritable = tmp_path / "not-a-directory"
    unwritable.write_text("")
    monkeypatch.setenv("CITECHECK_CACHE", str(unwritable))
    np.testing.assert_allclose(StaticEncoder().encode_batch(TITLES), from_weights, rtol=1e-6)
