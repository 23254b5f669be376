"""citecheck: verify citations in LLM-generated text against verified bibliographic records."""

from citecheck.errors import (
    CitecheckError,
    DeadlineError,
    IndexCorruptError,
    IndexError_,
    IndexMismatchError,
    IndexMissingError,
    IndexWriteError,
    InputError,
    OnlineError,
    SourceError,
)
from citecheck.extract import Citation, CitedFields
from citecheck.guard import GuardChange, GuardResult, guard
from citecheck.records import Record
from citecheck.report import Report
from citecheck.verdict import CitationResult, Suggestion
from citecheck.verifier import Verifier

__all__ = [
    "Citation",
    "CitationResult",
    "CitecheckError",
    "CitedFields",
    "DeadlineError",
    "GuardChange",
    "GuardResult",
    "IndexCorruptError",
    "IndexError_",
    "IndexMismatchError",
    "IndexMissingError",
    "IndexWriteError",
    "InputError",
    "OnlineError",
    "Record",
    "Report",
    "SourceError",
    "Suggestion",
    "Verifier",
    "guard",
]
