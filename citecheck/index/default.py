"""The default index: built on first use from data/default_index.json, rebuilt when that changes."""

from __future__ import annotations

import json
from pathlib import Path

from citecheck.config import default_encoder_name, default_index_dir, default_sources
from citecheck.index.build import Progress, build_index
from citecheck.index.encoders import canonical_encoder_name, get_encoder
from citecheck.index.manifest import BUILD_RECIPE, FORMAT_VERSION, MANIFEST_FILE


def default_index_state(directory: Path) -> str | None:
    """Why the default index must be (re)built, or None when it is current."""
    path = directory / MANIFEST_FILE
    if not path.exists():
        return "first run only"
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None  # opening it reports the damage and how to rebuild
    if not isinstance(manifest, dict):
        return None
    if manifest.get("format_version") != FORMAT_VERSION:
        return "its format changed"
    if manifest.get("recipe", 0) != BUILD_RECIPE:
        return "this citecheck builds it differently"
    # Compared by name: loading the encoder here would cost a CLI run its start-up.
    if manifest.get("model") != canonical_encoder_name(default_encoder_name()):
        return "its encoder changed"
    built_from = sorted(str(s.get("path")) for s in manifest.get("sources") or []
                        if isinstance(s, dict))
    if built_from != sorted(str(spec.path) for spec in default_sources()):
        return "its source list changed"
    return None


def ensure_default_index(progress: Progress | None = None,
                         directory: Path | None = None) -> tuple[Path, str | None]:
    """The default index's directory, built (atomically) first if missing or outdated.

    Returns the directory and why it was built (None when it was already current).
    """
    directory = directory or default_index_dir()
    why = default_index_state(directory)
    if why is not None:
        kwargs = {"progress": progress} if progress is not None else {}
        build_index(directory, default_sources(), get_encoder(default_encoder_name()), **kwargs)
    return directory, why
