"""Finding citation spans in text and parsing their fields: ``extract(text) -> list[Citation]``."""

from citecheck.extract.pipeline import extract
from citecheck.extract.types import Citation, CitedFields

__all__ = ["Citation", "CitedFields", "extract"]
