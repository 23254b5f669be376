"""A citation's readings: its likeliest parse and the alternatives kept for the record to choose."""

from __future__ import annotations

from citecheck.extract.types import CitedFields
from citecheck.records import title_key


def all_readings(fields: CitedFields) -> list[CitedFields]:
    """The likeliest reading first, then the alternatives the parser found plausible."""
    return [fields, *fields.readings]


def reading_with_title(fields: CitedFields, record_title: str) -> CitedFields:
    """The reading whose title is the record's (the likeliest one when none is): where the
    parser was unsure of a title boundary, the record shows which text is the title."""
    wanted = title_key(record_title)
    return next((r for r in all_readings(fields) if r.title and title_key(r.title) == wanted),
                fields)
