"""BibTeX entry spans in text, parsed with bibtexparser."""

from __future__ import annotations

import re

from citecheck.extract.types import Citation, CitedFields
from citecheck.sources.bibtex import record_from_fields

ENTRY_START = re.compile(r"@([A-Za-z]{2,20})\s{0,5}[{(]")
MAX_ENTRY_CHARS = 20_000
SKIPPED_TYPES = frozenset({"comment", "preamble", "string"})


def _closing_braces(text: str, openings: set[int]) -> dict[int, int]:
    """For each ``{`` position in ``openings``: the index just past its matching ``}``.

    One left-to-right pass with a stack, so unterminated or deeply nested entries cost
    linear time instead of a rescan per candidate entry.
    """
    closing: dict[int, int] = {}
    stack: list[int] = []
    for match in re.finditer(r"[{}]", text):
        if match.group(0) == "{":
            stack.append(match.start())
        elif stack:
            start = stack.pop()
            if start in openings:
                closing[start] = match.end()
    return closing


FIELD_LINE = re.compile(r"^\s{0,20}([A-Za-z][\w-]{0,30})\s{0,5}=\s{0,5}(.{0,2000}?)\s{0,5},?\s{0,5}$",
                        re.MULTILINE)
HEADER = re.compile(r"@([A-Za-z]{2,20})\s{0,5}[{(]\s{0,5}([^,\n]{0,200}),")


def _lenient_entry(entry_text: str) -> tuple[str, CitedFields] | None:
    """(key, fields) read line by line, for entries whose braces do not balance.

    Generated BibTeX often breaks on one value ("R{\\'e"); the other fields are still
    worth checking, and one field per line is how nearly all BibTeX is written.
    """
    header = HEADER.match(entry_text)
    if header is None:
        return None
    fields = {}
    for match in FIELD_LINE.finditer(entry_text, header.end()):
        value = match.group(2).strip()
        if value[:1] in "{\"":
            value = value[1:]
        if value[-1:] in "}\"":
            value = value[:-1]
        fields[match.group(1).lower()] = value.replace("{", "").replace("}", "")
    if not fields:
        return None
    return _cited(header.group(2).strip(), fields, header.group(1).lower())


def _cited(key: str, raw: dict[str, str], entry_type: str) -> tuple[str, CitedFields]:
    record = record_from_fields(key, raw, entry_type)
    if record is None:
        return key, CitedFields()
    authors = [a for a in record.authors if a != "et al."]
    return key, CitedFields(
        **{**record.work_fields(), "authors": authors}, volume=raw.get("volume"),
        pages=raw.get("pages"), et_al=len(authors) != len(record.authors),
    )


def fields_from_bibtex(entry_text: str) -> tuple[str | None, CitedFields] | None:
    """(key, fields) of one BibTeX entry; None when bibtexparser finds no entry in it."""
    import bibtexparser

    library = bibtexparser.parse_string(entry_text)
    if not library.entries:
        # Keys with LaTeX in them (m{\"u}ller2019) defeat bibtexparser; retry with a plain key.
        plain = re.sub(r"^(@[A-Za-z]{2,20}\s{0,5}[{(])[^,\n]{0,200},", r"\1key,", entry_text)
        library = bibtexparser.parse_string(plain)
        if not library.entries:
            return None
        key_match = re.match(r"@[A-Za-z]{2,20}\s{0,5}[{(]([^,\n]{0,200}),", entry_text)
        library.entries[0].key = key_match.group(1).strip() if key_match else ""
    entry = library.entries[0]
    raw = {f.key.lower(): str(f.value) for f in entry.fields}
    return _cited(entry.key, raw, entry.entry_type.lower())


UNPARSED = "could not parse this BibTeX entry (kept as written)"


def find_bibtex(text: str) -> list[Citation]:
    """Every ``@type{key, ...}`` entry: parsed by bibtexparser, or line by line when its
    braces do not balance. An entry never runs into the next one that starts a line (an
    unclosed brace would swallow it), and one that cannot be parsed is still returned,
    with its ``problem``, so that it is reported and written back, never lost."""
    starts = [m for m in ENTRY_START.finditer(text) if m.group(1).lower() not in SKIPPED_TYPES]
    if not starts:
        return []
    closing = _closing_braces(text, {m.end() - 1 for m in starts if m.group(0).endswith("{")})
    line_starts = [m.start() for m in starts if _starts_line(text, m.start())]
    found: list[Citation] = []
    position = 0
    following = 0  # index into line_starts of the first entry start after the current one
    for match in starts:
        if match.start() < position:
            continue
        while following < len(line_starts) and line_starts[following] <= match.start():
            following += 1
        next_entry = line_starts[following] if following < len(line_starts) else len(text)
        end = closing.get(match.end() - 1)
        if end is not None and end > next_entry:
            end = None  # the brace that closes it belongs to a later entry
        if end is None:
            end = _unbalanced_entry_end(text, match.start(), next_entry)
            if end is None:
                continue
            parsed = _lenient_entry(text[match.start():end])
        elif end - match.start() > MAX_ENTRY_CHARS:
            continue
        else:
            parsed = fields_from_bibtex(text[match.start():end])
        if parsed is not None:
            key, fields = parsed
            found.append(Citation(text[match.start():end], (match.start(), end), "bibtex",
                                  fields, key=key))
        elif _starts_line(text, match.start()):
            found.append(Citation(text[match.start():end], (match.start(), end), "bibtex",
                                  CitedFields(), key=_header_key(text, match.start()),
                                  problem=UNPARSED))
        else:
            continue  # an "@" inside prose ("mail me @home{...") is no entry
        position = end
    return found


def _starts_line(text: str, index: int) -> bool:
    line_start = index
    while line_start > 0 and text[line_start - 1] in " \t":
        line_start -= 1
    return line_start == 0 or text[line_start - 1] == "\n"


def _header_key(text: str, start: int) -> str | None:
    header = HEADER.match(text, start)
    return header.group(2).strip() if header else None


def _unbalanced_entry_end(text: str, start: int, next_entry: int) -> int | None:
    """End of an entry whose braces do not balance: up to a blank line, the next entry or
    the end of the text, without the blank lines before them."""
    limit = min(len(text), start + MAX_ENTRY_CHARS, next_entry)
    following = ENTRY_START.search(text, start + 1, limit)
    blank = text.find("\n\n", start, limit)
    stop = min(p for p in (following.start() if following else limit,
                          blank if blank >= 0 else limit, limit))
    end = start + len(text[start:stop].rstrip())
    return end if end > start + 1 else None
