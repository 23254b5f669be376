"""A model2vec-style static encoder distilled from MiniLM: one vector per token, derived once offline."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from citecheck.index.encoders import (
    DISTILLED_ENCODER,
    SPECIAL_TOKENS,
    WORD_CACHE_SIZE,
    StaticEncoder,
    _model_dir,
)
from citecheck.index.model_files import cached_file

TABLE_FILE = "minilm-distilled-256.npy"
# model2vec's defaults (distill(pca_dims=256, sif_coefficient=1e-4)); 256 dimensions also
# make the FAISS index a third smaller than MiniLM's 384.
PCA_DIMENSIONS = 256
SIF_COEFFICIENT = 1e-4
# Vocabulary tokens passed through MiniLM at once; each is 3 tokens long ([CLS] t [SEP]).
DISTILL_BATCH = 1024


def distilled_encoder(*, word_cache_size: int = WORD_CACHE_SIZE) -> StaticEncoder:
    """The distilled table behind the static encoder's tokenising and pooling."""
    # Memory-mapped: a CLI run reads only the rows of the tokens it embeds.
    table = np.load(cached_file(TABLE_FILE, derive_table), mmap_mode="r")
    return StaticEncoder(table=table, name=DISTILLED_ENCODER, word_cache_size=word_cache_size)


def derive_table(target: Path) -> None:
    """Distil MiniLM into a (vocabulary x PCA_DIMENSIONS) table, as model2vec's ``distill`` does.

    Each vocabulary token is embedded alone ([CLS] token [SEP], mean-pooled) by the ONNX
    export of MiniLM; PCA keeps the main directions; Zipf-estimated frequencies (rank =
    token id) give SIF weights, so frequent sub-words count less in a text's mean.
    model2vec's own ``distill`` needs transformers < 5.4, which citecheck does not pin.
    """
    import onnxruntime
    from tokenizers import Tokenizer

    from citecheck.index.onnx_encoder import model_file

    tokenizer = Tokenizer.from_file(str(_model_dir() / "tokenizer.json"))
    vocabulary = tokenizer.get_vocab_size(with_added_tokens=True)
    cls, sep = tokenizer.token_to_id("[CLS]"), tokenizer.token_to_id("[SEP]")
    options = onnxruntime.SessionOptions()
    options.log_severity_level = 3
    session = onnxruntime.InferenceSession(str(model_file(quantized=False)), options,
                                           providers=["CPUExecutionProvider"])
    token_vectors = np.empty((vocabulary, 384), dtype=np.float32)
    for start in range(0, vocabulary, DISTILL_BATCH):
        ids = np.arange(start, min(start + DISTILL_BATCH, vocabulary), dtype=np.int64)
        batch = np.stack([np.full_like(ids, cls), ids, np.full_like(ids, sep)], axis=1)
        (pooled,) = session.run(None, {"input_ids": batch, "attention_mask": np.ones_like(batch),
                                       "token_type_ids": np.zeros_like(batch)})
        token_vectors[start:start + len(ids)] = pooled
    table = principal_components(token_vectors, PCA_DIMENSIONS) * sif_weights(vocabulary)[:, None]
    for token in SPECIAL_TOKENS:  # they say nothing about a text: they add nothing to its mean
        token_id = tokenizer.token_to_id(token)
        if token_id is not None:
            table[token_id] = 0.0
    with target.open("wb") as handle:
        np.save(handle, table.astype(np.float32))


def principal_components(vectors: np.ndarray, dimensions: int) -> np.ndarray:
    """``vectors`` centred and projected on their top ``dimensions`` principal axes (signs fixed)."""
    centred = vectors - vectors.mean(axis=0)
    covariance = (centred.T @ centred) / (len(vectors) - 1)
    _, axes = np.linalg.eigh(covariance)  # ascending eigenvalues
    projected = centred @ axes[:, ::-1][:, :dimensions]
    # An eigenvector's sign is arbitrary: fix it so a derivation is reproducible.
    signs = np.sign(projected[np.argmax(np.abs(projected), axis=0), np.arange(projected.shape[1])])
    return projected * signs


def sif_weights(vocabulary: int) -> np.ndarray:
    """SIF weight a / (a + p(token)) with p from Zipf's law over token ids as frequency ranks."""
    inverse_rank = 1.0 / np.arange(2, vocabulary + 2)
    probability = inverse_rank / inverse_rank.sum()
    return SIF_COEFFICIENT / (SIF_COEFFICIENT + probability)
