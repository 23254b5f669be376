"""Reference-list entries: finding them in text (lists, paragraphs, inside sentences)."""

from __future__ import annotations

import re
from collections.abc import Iterator

from citecheck.extract.fields import (
    DATE_SLOT,
    EDITOR_MARK,
    MARKER,
    parse_reference,
    quoted_at,
    sentence_end,
)
from citecheck.extract.names import names_only, scan_authors
from citecheck.extract.types import Citation, CitedFields
from citecheck.extract.venue_rules import VENUE_OPENING, VENUE_START

__all__ = ["find_references", "parse_reference"]

BIBITEM = re.compile(r"^\s{0,8}\\bibitem\s{0,3}(?:\[[^\]\n]{0,200}\])?\s{0,3}\{([^}\n]{1,200})\}")
LATEX_NOISE = re.compile(
    r"\\bibitem\s{0,3}(?:\[[^\]\n]{0,200}\])?\s{0,3}\{[^}\n]{0,200}\}|\\newblock"
)
# A tie joins an initial to its name ("K.~Agarwal", "et~al."); one in a web address
# ("/~hinton/") stays.
LATEX_TIE = re.compile(r"(?<=[^\s/])~(?=[^\W\d_])")
FENCE = re.compile(r"^\s{0,3}(```|~~~)")
YEAR = re.compile(r"(?<![\d.])(?:1[6-9]|20)\d\d(?![\d])")
IDENTIFIER_HINT = re.compile(r"\b10\.\d{4,9}/|arxiv|doi|https?://", re.IGNORECASE)
VENUE_HINT = re.compile(
    r"\b(?:In\b|Proc\.|Proceedings|Conference|Journal|Trans\.|Transactions|Workshop|Symposium|"
    r"arXiv|NeurIPS|NIPS|ICML|ICLR|CVPR|ICCV|ECCV|ACL|EMNLP|NAACL|AAAI|IJCAI|KDD|Nature|Science|"
    r"Press|Springer|JMLR|Lancet|JAMA|Med\b|Rev\b|Letters|Review)"
)
# Sentences that start like this are prose around a reference, not part of it.
PROSE_START = re.compile(
    r"(?:This|These|That|It|Its|They|Their|We|Our|He|She|His|Her|However|Here|There|Note|"
    r"See|As|The\s[a-z]+\s(?:is|was|are|were|has|have|shows?|showed)|[A-Z][a-z]+\s(?:is|was|are|"
    r"were|has|have|remains?|introduced|showed|argued|proposed))\b"
)
# Where a reference can start inside a sentence: "As shown in <ref>", "Their paper, <ref>".
EMBEDDED_START = re.compile(
    r"(?:(?<=[.!?:])\s{1,3}|\b(?:in|see|is|was|by|from|cf\.|e\.g\.,?|paper,|work,|article,|"
    r"reference,|version,)\s{1,3})(?=[A-Z])"
)
LEADING_IDENTIFIER = re.compile(r"(?:https?://|doi:\s?|arXiv:\s?|10\.\d{4,9}/)\S{1,500}",
                                re.IGNORECASE)
# How the venue after a title starts: "In ...", "Proceedings ...", an emphasised name.
_VENUE_STARTS = re.compile(rf"(?:In[\s:]|[*_]{{1,2}}[A-Z]|<i>|{VENUE_OPENING})")
_ENDS_DATED = re.compile(r"(?:19|20)\d\d[a-z]?$|\d$")
_DIGIT = re.compile(r"\d")
_LABELLED_SENTENCE = re.compile(r"[A-Z][\w .,]{1,40}:\s[A-Z]")
MAX_ENTRY_CHARS = 2000
# Sentence starts tried per paragraph: bounds the work on megabyte-long lines of prose.
MAX_EMBEDDED_CANDIDATES = 5000
MIN_ENTRY_CHARS = 20
MAX_TRAILING_SENTENCES = 4


def _items(text: str) -> Iterator[tuple[int, int, str | None]]:
    """(start, end, number or key) of each list item or paragraph line group of ``text``."""
    offset = 0
    in_fence = False
    current: list[int] = []  # start, end of the item being built
    key: str | None = None
    for line in text.splitlines(keepends=True):
        # Trailing blanks are not part of an item (HTML tags laid out as text leave some).
        start, end = offset, offset + len(line.rstrip())
        offset += len(line)
        stripped = line.strip()
        if FENCE.match(line):
            in_fence = not in_fence
        if in_fence or FENCE.match(line) or not stripped or stripped.startswith(("|", "#")) \
                or stripped.startswith(("\\begin", "\\end", "\\section")):
            if current:
                yield current[0], current[1], key
            current, key = [], None
            continue
        marker = MARKER.match(line)
        if marker and current and line[:1].isspace() and YEAR.fullmatch(
                next((g for g in marker.groups() if g), "")):
            marker = None  # "    2014." wrapped onto its own line ends an entry, starts none
        bibitem = BIBITEM.match(line)
        # The item so far, as far as it tells whether this line continues it: its first
        # words and its end (a bounded slice, so long items cost linear time).
        previous = (text[current[0]:min(current[1], current[0] + 200)] + " "
                    + text[max(current[0] + 200, current[1] - 100):current[1]]
                    if current else "")
        # A short unpunctuated line ("Reference list") is a heading, not the start of an entry.
        continuation = bool(current) and not marker and not bibitem and (
            line[:1].isspace() or stripped.startswith("\\newblock")
            or bool(BIBITEM.match(previous))
            or (not _ends_entry(previous) and len(previous.split()) > 4))
        if continuation:
            current[1] = end
            continue
        if current:
            yield current[0], current[1], key
        current = [start, end]
        key = bibitem.group(1) if bibitem else _marker_number(line)
    if current:
        yield current[0], current[1], key


def _ends_entry(text: str) -> bool:
    # Only the end matters; looking at the whole item would cost quadratic time on an item
    # that grows line by line.
    stripped = text[-100:].rstrip()
    return stripped.endswith((".", ")", "]", "*", "”", "\"", "'", ">")) or bool(
        _ENDS_DATED.search(stripped))


def _marker_number(entry: str) -> str | None:
    match = MARKER.match(entry)
    if match:
        for group in match.groups():
            if group:
                return group
    return None


def _body_start(text: str, start: int, end: int) -> int:
    """Offset of the entry text after a list marker, bibitem or blockquote sign."""
    segment = text[start:end]
    match = BIBITEM.match(segment) or MARKER.match(segment)
    pos = start + (match.end() if match else len(segment) - len(segment.lstrip()))
    while pos < end and text[pos] in " \t>\n":
        pos += 1
    return pos


def _structural_end(text: str, start: int, end: int) -> int:
    """Where a reference starting at ``start`` ends: after title, venue and year sentences."""
    segment = text[start:end]
    authors = scan_authors(segment)
    pos = authors.end
    pos = _skip(segment, pos)
    editor = EDITOR_MARK.match(segment, pos)
    if editor and authors.names:
        pos = _skip(segment, editor.end())
    date = DATE_SLOT.match(segment, pos)
    has_year = bool(date and date.end() > pos)
    if has_year and date:
        pos = _skip(segment, date.end())
    quoted = quoted_at(segment, pos)
    pos = quoted[1] if quoted else _title_end(segment, pos)
    for _ in range(MAX_TRAILING_SENTENCES):
        nxt = _skip(segment, pos)
        if nxt >= len(segment):
            return end
        identifier = LEADING_IDENTIFIER.match(segment, nxt)
        # A URL or DOI is one "sentence" of its own: the dots inside it end nothing.
        stop = identifier.end() if identifier else sentence_end(segment, nxt)
        sentence = segment[nxt:stop]
        if PROSE_START.match(sentence) and not IDENTIFIER_HINT.search(sentence):
            break
        if has_year and not (IDENTIFIER_HINT.search(sentence) or _DIGIT.search(sentence)
                             or len(sentence.split()) <= 4 or VENUE_HINT.search(sentence)
                             or _LABELLED_SENTENCE.match(sentence) or sentence[:1].islower()
                             or _VENUE_STARTS.match(segment, _skip(segment, stop))):
            # (A sentence the venue follows is the title's second part: "The IMAGACT Visual
            # Ontology. An Extendable Multilingual Infrastructure ... In *Proceedings ...*";
            # so is one in lower case: "... of Japanese. zero pronouns from ...". Prose
            # starts with a capital.)
            break
        pos = stop
        has_year = has_year or bool(YEAR.search(sentence))
    return start + len(segment[:pos].rstrip())


def _title_end(segment: str, pos: int) -> int:
    """End of an unquoted title starting at ``pos``: its first sentence, and the next one
    when the first asks or exclaims ("How Faithful is your Synthetic Data? Sample-level
    Metrics for ...": the subtitle follows a question mark) unless that one is prose."""
    end = sentence_end(segment, pos)
    if segment[pos:end].rstrip("\"”’)").endswith(("?", "!")):
        nxt = _skip(segment, end)
        sentence = segment[nxt:sentence_end(segment, nxt)]
        # (Sentence case may write the subtitle in lower case: "... attacks!” gender biases".)
        if sentence[:1].isalpha() and not PROSE_START.match(sentence):
            return nxt + len(sentence)
    return end


def _skip(text: str, pos: int) -> int:
    while pos < len(text) and text[pos] in " \t\r\n,.;:—–-":
        pos += 1
    return pos


# Titles may start in lower case with a one-letter prefix: "f-Domain ...", "k-Means ...",
# with a name that holds digits or an underscore: "wav2vec 2.0: ...", "cp_measure: ...", or
# with a lower-case name and a colon: "fairseq: A Fast, ..." (no verb does).
LOWER_PREFIX_TITLE = re.compile(r"[a-z]{1,3}-[A-Z0-9]|[a-z][A-Z]|[a-z]+[\d_]|[a-z][\w.-]*:\s")


def looks_like_reference(fields: CitedFields, entry: str) -> bool:
    """Parsed fields amount to a reference: a title plus authors, and a year, venue or id.

    Any reading of the entry may qualify ("Psomas A, Verma P. Fair and efficient ..." reads
    as a lower-case title only when "Verma P. Fair" is taken for one name).
    """
    if not (MIN_ENTRY_CHARS <= len(entry) <= MAX_ENTRY_CHARS):
        return False
    return any(_reference_reading(reading, entry) for reading in [fields, *fields.readings])


def _reference_reading(fields: CitedFields, entry: str) -> bool:
    has_id = bool(fields.doi or fields.arxiv or fields.isbn or fields.pmid)
    title = fields.title or ""
    if not fields.authors:
        return False
    # One word is a title only in quotes ("J. A. Bilmes, “Q-Clustering,” in Proc. NeurIPS").
    if len(title.split()) < 2 and not has_id and not _quoted(title, entry):
        return False
    if title[:1].islower() and not has_id and not LOWER_PREFIX_TITLE.match(title):
        return False  # "Ho et al. (2020) introduced diffusion." -- a verb, not a title
    return bool(fields.year or fields.venue or has_id)


def _quoted(title: str, entry: str) -> bool:
    return bool(title) and any(f"{opener}{title}" in entry for opener in "\"“‘'")


def _clean(entry: str) -> str:
    """LaTeX bibliography markup removed so the rule parser sees plain reference text."""
    return LATEX_TIE.sub(" ", LATEX_NOISE.sub(" ", entry)) if "\\" in entry else entry


PAST_CAP = "not checked: past the per-input cap on citations"


def _listed(text: str, item_start: int, item_end: int) -> bool:
    """The item is numbered or bulleted (or a \\bibitem): a list entry, not a paragraph."""
    item = text[item_start:min(item_end, item_start + 300)]
    return bool(MARKER.match(item) or BIBITEM.match(item))


def _unread_entry(text: str, item_start: int, body_start: int, item_end: int,
                  key: str | None) -> Citation | None:
    """A list item that reads like a reference entry the parser could not take apart."""
    entry = text[body_start:item_end]
    if not _listed(text, item_start, item_end) or not (MIN_ENTRY_CHARS <= len(entry) <= MAX_ENTRY_CHARS):
        return None
    if not (YEAR.search(entry) or IDENTIFIER_HINT.search(entry)) or len(entry.split()) < 4:
        return None
    # A dated bullet of prose ("GPT-3 arrived in 2020 with 175 billion parameters.") is no
    # entry: one needs names, a venue or an identifier.
    if PROSE_START.match(entry) or not (scan_authors(entry).names or VENUE_HINT.search(entry)
                                        or IDENTIFIER_HINT.search(entry)):
        return None
    fields = parse_reference(_clean(entry))
    problem = None
    # A title needs words ("Vol. 44, no. 3, pp. 12–19, 2021" is numbering, not a title).
    words = re.findall(r"[^\W\d_]{3,}", fields.title or "")
    if len(words) < 2 and not (fields.doi or fields.arxiv):
        problem = "could not read this entry as a reference (no title or identifier found)"
    start = item_start if BIBITEM.match(text[item_start:item_end]) else body_start
    return Citation(entry, (start, item_end), "reference", fields, key=key, problem=problem)


def find_references(text: str, *, max_entries: int | None = None) -> list[Citation]:
    """Reference entries: list items, one-per-line or paragraph entries, and embedded ones.

    A numbered or bulleted item with a year or identifier that does not parse is still an
    entry when the text has a reference list (some other entry parsed): it is returned,
    with its problem when nothing checkable was read from it, rather than lost. Past
    ``max_entries`` entries (which will not be checked) items are listed without parsing.
    """
    found: list[Citation] = []
    unread: list[Citation] = []
    for item_start, item_end, key in _items(text):
        body_start = _body_start(text, item_start, item_end)
        if body_start >= item_end:
            continue
        entry = text[body_start:item_end]
        if len(entry) > MAX_ENTRY_CHARS:
            found.extend(_embedded(text, body_start, item_end))
            continue
        leading_title = quoted_at(entry, 0) is not None or entry.startswith("[")
        if max_entries is not None and len(found) >= max_entries:
            # Past the cap nothing is checked: a list item or a dated line is listed as an
            # entry without parsing it, which keeps a huge input linear and cheap.
            if _listed(text, item_start, item_end) or YEAR.search(entry):
                found.append(Citation(entry, (body_start, item_end), "reference", CitedFields(),
                                      key=key, problem=PAST_CAP))
            continue
        fields = parse_reference(_clean(entry))
        if looks_like_reference(fields, entry):
            end = item_end
            if not leading_title and key is None:
                end = _structural_end(text, body_start, item_end)
            if end < item_end and end - body_start < 0.5 * len(entry):
                fields = parse_reference(_clean(text[body_start:end]))
            # A \bibitem span keeps its command (it carries the key); list markers are dropped.
            start = item_start if BIBITEM.match(text[item_start:item_end]) else body_start
            start += len(text[start:end]) - len(text[start:end].lstrip())
            found.append(Citation(text[start:end], (start, end), "reference", fields, key=key))
            if end >= item_end - 1:
                continue
            body_start = end
        else:
            dated = _author_date_entry(entry)
            if dated is not None:
                start = body_start + len(entry) - len(entry.lstrip())
                found.append(Citation(text[start:item_end].rstrip(), (start, item_end),
                                      "reference", dated, key=key))
                continue
            embedded = _embedded(text, body_start, item_end)
            lost = _unread_entry(text, item_start, body_start, item_end, key)
            if lost is not None and not embedded:
                unread.append(lost)
            found.extend(embedded)
            continue
        found.extend(_embedded(text, body_start, item_end))
    if unread and any(c.kind == "reference" for c in found):
        found = sorted(found + unread, key=lambda c: c.span[0])
    return found


# An author-date entry whose names the name parser does not read ("LOO, E., & Deng, J.
# (2025).", "ye, j., Liu, F., ... (2024)."): the date slot after a list of "Family, I."
# pairs marks where the names end.
AUTHOR_DATE = re.compile(
    r"(?P<names>[^()\n]{3,400}?)\s\((?P<year>(?:1[6-9]|20)\d\d)[a-z]?\)[.,]?\s+(?P<rest>\S.{8,})",
    re.DOTALL)
_NAME_SPLIT = re.compile(r"(?<=\.),?\s(?:&\s|and\s)?|,?\s(?:&|and)\s")
_FAMILY_INITIALS = re.compile(
    r"(?P<family>[^\W\d_][\w'’\-]*(?:\s[^\W\d_][\w'’\-]*){0,3}),\s"
    r"(?P<initials>(?:[^\W\d_]{1,2}\.\s?-?){1,4})")


def _author_date_entry(entry: str) -> CitedFields | None:
    """The fields of an author-date entry whose names are all "Family, I." pairs, read
    around the names when the name parser could not read them; None for anything else."""
    match = AUTHOR_DATE.match(entry.strip())
    if match is None:
        return None
    pairs = [_FAMILY_INITIALS.fullmatch(piece.strip())
             for piece in _NAME_SPLIT.split(match["names"].strip()) if piece.strip()]
    if not pairs or not all(pairs):
        return None
    fields = parse_reference(match["rest"], alternatives=False)
    if len((fields.title or "").split()) < 2:
        return None
    fields.authors = [f"{pair['initials'].strip()} {pair['family']}"  # type: ignore[index]
                      for pair in pairs]
    fields.et_al, fields.year, fields.readings = False, int(match["year"]), []
    return fields


def _bracket_after_names(title: str) -> bool:
    """A "title" opening a bracket it does not close: the date and venue after a sentence's
    names ("by Chao Liu et al. (Proceedings of ..., 2025)"); "(Almost) Free" closes it."""
    return title.startswith("(") and ")" not in title


# The period of an initial ends no sentence: "Mateus A. Esmeraldo, ..." goes on as names.
_AFTER_INITIAL = re.compile(r"(?:^|(?<=[\s.\-]))[A-Z]\.\s{1,3}$")


def _lone_phrase(names: list[str]) -> bool:
    """One "name" of three capitalised words or more, with no initial: the words of a title
    after its label ("MixKMeans: Clustering Question-Answer Archives. *Proceedings ...*"),
    where an embedded reference does not start."""
    words = names[0].split() if len(names) == 1 else []
    return len(words) >= 3 and all(len(word) > 1 and "." not in word for word in words)


def _inside_quotes(text: str, start: int, pos: int) -> bool:
    """``pos`` lies inside a quoted phrase (a title's subtitle after its colon: "in “X: Fast
    Rate Bounds, ...”"), where no reference starts. Looks a bounded way either side."""
    before = text[max(start, pos - 300):pos]
    opened = before.count('"') % 2 == 1 or before.rfind("“") > before.rfind("”")
    return opened and bool(re.search(r"[\"”]", text[pos:pos + 300]))


def _embedded(text: str, start: int, end: int) -> list[Citation]:
    """References written inside running sentences ("As shown in A and B. Title. In X, 2021.")."""
    found: list[Citation] = []
    position = start
    for tried, match in enumerate(EMBEDDED_START.finditer(text, start, end)):
        if tried >= MAX_EMBEDDED_CANDIDATES:
            break
        candidate = match.end()
        if candidate < position or _inside_quotes(text, start, candidate) \
                or _AFTER_INITIAL.search(text, max(start, candidate - 4), candidate):
            continue
        window_end = min(end, candidate + MAX_ENTRY_CHARS)
        # An embedded reference needs a year; without one in reach the parse is skipped.
        if YEAR.search(text, candidate, window_end) is None:
            continue
        authors = scan_authors(text[candidate:min(window_end, candidate + 400)])
        if not authors.names or _lone_phrase(authors.names):
            continue
        ref_end = _structural_end(text, candidate, window_end)
        span_text = text[candidate:ref_end]
        # Most sentence starts are prose: judged on the likeliest reading alone, and parsed
        # with every reading only when they are a reference.
        fields = parse_reference(span_text, alternatives=False)
        title = fields.title or ""
        if (not (looks_like_reference(fields, span_text) and fields.year
                 and len(title.split()) >= 3)
                or names_only(title) or _bracket_after_names(title)
                # (Read from its names on, "... Wan Wei, ..., and Tengjiao Wang. Proceedings
                # of the 10th ...", a reference takes the venue for its title.)
                or VENUE_START.match(title)):
            continue
        fields = parse_reference(span_text)
        found.append(Citation(span_text, (candidate, ref_end), "reference", fields))
        position = ref_end
    return found
