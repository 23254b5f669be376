"""Record-guided re-parsing: split a reference string around a known title found inside it.

Rule-based parsing can misplace the title boundary (initials, abbreviations,
unusual styles). When a candidate record's title occurs almost verbatim in the
raw string, quoting it there and parsing again puts the authors and venue on
the right side of it, which makes the comparison robust to parser errors.
"""

from __future__ import annotations

from dataclasses import replace

from rapidfuzz import fuzz

from citecheck.extract.references import parse_reference
from citecheck.extract.types import CitedFields

# The record title must occur verbatim (ignoring case): a near-miss title must stay
# visible as a title mismatch, not be papered over by the record's own title.
CONTAINED = 100.0
MIN_TITLE_CHARS = 12
MAX_REFERENCE_CHARS = 5000


def guided_fields(raw: str, parsed: CitedFields, record_title: str) -> CitedFields | None:
    """Fields of ``raw`` re-parsed around ``record_title``; None when the title is not in it."""
    if len(record_title) < MIN_TITLE_CHARS or len(raw) > MAX_REFERENCE_CHARS:
        return None
    alignment = fuzz.partial_ratio_alignment(record_title.lower(), raw.lower())
    if alignment is None or alignment.score < CONTAINED:
        return None
    start, end = alignment.dest_start, alignment.dest_end
    # "Subspace Differential Privacy" inside "... Privacys": not the same title.
    if (start > 0 and raw[start - 1].isalnum()) or (end < len(raw) and raw[end].isalnum()):
        return None
    title = raw[start:end].strip(" \"“”*_")
    before = raw[:start].rstrip(" \"“”*_")
    after = raw[end:].lstrip(" \"“”*_.")
    reparsed = parse_reference(f"{before} “{title}.” {after}")
    return replace(
        parsed, title=title,
        authors=reparsed.authors or parsed.authors, et_al=reparsed.et_al or parsed.et_al,
        year=parsed.year or reparsed.year, venue=reparsed.venue,
    )
