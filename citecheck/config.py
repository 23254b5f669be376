"""Where citecheck finds its data files, its default index and that index's sources."""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path

from citecheck.errors import SourceError

PACKAGE_DIR = Path(__file__).resolve().parent
# In a checkout (editable install) data/ sits beside the package; in a wheel it
# is shipped as citecheck/_data.
PROJECT_ROOT = PACKAGE_DIR.parent
DEFAULT_INDEX_CONFIG = "default_index.json"
# A source's coverage claim: it lists every paper of each venue-year it holds.
COMPLETE_VENUE_YEARS = "venue-years"


def data_dir() -> Path:
    for candidate in (PACKAGE_DIR / "_data", PROJECT_ROOT / "data"):
        if candidate.is_dir():
            return candidate
    raise SourceError(f"citecheck's data directory is missing (looked in {PACKAGE_DIR / '_data'} "
                      f"and {PROJECT_ROOT / 'data'}); reinstall citecheck")


def _user_cache() -> Path:
    return Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / "citecheck"


def default_index_dir() -> Path:
    """$CITECHECK_INDEX, else indexes/default in a checkout, else the user cache."""
    if os.environ.get("CITECHECK_INDEX"):
        return Path(os.environ["CITECHECK_INDEX"])
    if (PROJECT_ROOT / "pyproject.toml").is_file():
        return PROJECT_ROOT / "indexes" / "default"
    return _user_cache() / "indexes" / "default"


def cache_dir() -> Path:
    """$CITECHECK_CACHE, else ~/.cache/citecheck: the online-lookup cache lives here."""
    path = Path(os.environ.get("CITECHECK_CACHE") or _user_cache())
    path.mkdir(parents=True, exist_ok=True)
    return path


@dataclass(frozen=True, slots=True)
class SourceSpec:
    """One source file of an index and its format."""

    path: Path
    format: str | None = None
    coverage: str | None = None
    """COMPLETE_VENUE_YEARS when the source lists each of its venue-years completely."""


def _default_index_config() -> tuple[Path, dict[str, object]]:
    config_path = data_dir() / DEFAULT_INDEX_CONFIG
    return config_path, json.loads(config_path.read_text(encoding="utf-8"))


def default_encoder_name() -> str:
    """The encoder the default index is built with ($CITECHECK_ENCODER overrides it)."""
    if os.environ.get("CITECHECK_ENCODER"):
        return os.environ["CITECHECK_ENCODER"]
    return str(_default_index_config()[1].get("encoder") or "all-MiniLM-L6-v2")


def default_sources() -> list[SourceSpec]:
    """The default index's sources: $CITECHECK_SOURCES (os.pathsep-separated) or data/default_index.json."""
    override = os.environ.get("CITECHECK_SOURCES")
    if override:
        return [SourceSpec(Path(p)) for p in override.split(os.pathsep) if p]
    config_path, config = _default_index_config()
    specs = []
    for entry in config["sources"]:  # type: ignore[attr-defined]
        # Relative paths are relative to the project root, so "../shared/..." finds
        # the shared data beside the checkout.
        path = Path(entry["path"])
        if not path.is_absolute():
            path = (PROJECT_ROOT / path).resolve()
        specs.append(SourceSpec(path, entry.get("format"), entry.get("coverage")))
    missing = [str(spec.path) for spec in specs if not spec.path.is_file()]
    if missing:
        raise SourceError(
            f"default index sources not found (looked for {', '.join(missing)}, listed in "
            f"{config_path}); set CITECHECK_SOURCES=FILE[{os.pathsep}FILE...] or build one with "
            "'citecheck index build --index DIR SOURCE...'"
        )
    return specs
