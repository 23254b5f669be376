"""In-text citations: author–year, numeric brackets, LaTeX cite keys and titles in prose."""

from __future__ import annotations

import re

from citecheck.extract.types import Citation, CitedFields
from citecheck.records import display_name

_NAME = (r"(?:(?:van|von|de|der|van\sder|de\sla|da|di|le|la)\s)?"
         r"[A-Z][^\W\d_]{1,40}(?:[-'’][A-Z]?[^\W\d_]{1,40})?")
_AUTHORS = rf"{_NAME}(?:(?:,\s{_NAME}){{0,3}},?\s(?:&|and)\s{_NAME}|\set\.?\sal\.?)?"
_YEAR = r"(?:19|20)\d\d[a-z]?"
PAREN_GROUP = re.compile(r"\(([^()\n]{4,400})\)")
ONE_AUTHOR_YEAR = re.compile(
    rf"(?:see\s|e\.g\.,?\s|cf\.\s)?({_AUTHORS}),?\s({_YEAR}(?:,\s{_YEAR}){{0,5}})"
)
NARRATIVE_AUTHOR_YEAR = re.compile(rf"\b({_AUTHORS})\s\(({_YEAR})\)")
# "Abel et al. showed", "Dao and Ré propose": a narrative cite without a year. Only the
# forms that name authors unmistakably; kept only when a reference entry matches them.
NARRATIVE_NO_YEAR = re.compile(
    rf"\b({_NAME}(?:\set\.?\sal\.?|\s(?:&|and)\s{_NAME}))(?![\w-]|,?\s\(?{_YEAR}|'s?\b)")
# What every match of a pattern holds, found much faster than the pattern is tried at each
# character: a text without it is not scanned (most texts hold no narrative cite at all).
_PAREN_YEAR = re.compile(rf"\s\({_YEAR}\)")  # NARRATIVE_AUTHOR_YEAR's "(2020)"
_NAME_JOIN = re.compile(r"\s(?<=[^\W\d_]\s)(?:et\.?\sal|&\s|and\s)")  # "Abel et al", "Dao and"
_SUPERSCRIPT_DIGIT = re.compile("[¹²³⁴⁵⁶⁷⁸⁹⁰]")
NUMERIC = re.compile(r"\[(\d{1,4}(?:\s{0,2}[\-–,]\s{0,2}\d{1,4}){0,20})\]")
SUPERSCRIPT = re.compile(r"(?<=[^\W\d_])([¹²³⁴⁵⁶⁷⁸⁹⁰]{1,4}(?:[,⁻–][¹²³⁴⁵⁶⁷⁸⁹⁰]{1,4}){0,6})")
LATEX_CITE = re.compile(r"\\(?:cite|citep|citet|parencite|textcite|autocite)\*?"
                        r"(?:\[[^\]\n]{0,100}\]){0,2}\{([^}\n]{1,500})\}")
QUOTED_TITLE = re.compile(r"[\"“]([A-Z0-9][^\"“”\n]{10,300}?)[\"”]")
ITALIC_TITLE = re.compile(r"(?<![*\w])(\*{1,2}|_)([A-Z0-9][^*_\n]{10,300}?)\1(?![*\w])")
# An italic or quoted phrase is a title when the words around it say so ("the paper *X*"),
# or a date follows it: "“X” (ICLR 2018)", "“X” (2017)". A quoted one after "in" or a verb
# of authorship is one too ("introduced in “X”"); an italic one after "In" is a venue.
TITLE_CUE = re.compile(
    r"\b(?:paper|article|book|study|work|titled|entitled|called|read|survey|preprint|"
    r"classic|seminal|then read|see)\b[^.\n]{0,25}$",
    re.IGNORECASE,
)
QUOTE_CUE = re.compile(r"\b(?:introduced|proposed|presented|described|in)\b[^.\n]{0,25}$",
                       re.IGNORECASE)
TITLE_DATE = re.compile(rf"[,.]?\s{{0,2}}\((?:(?P<venue>[A-Z][A-Za-z]*[A-Z][A-Za-z]*),?\s"
                        rf"|(?P<authors>{_AUTHORS}),?\s)?(?P<year>{_YEAR})\)")
NOT_A_NAME = frozenset({"In", "The", "See", "As", "From", "Since", "Between", "After", "Before",
                        "Until", "By", "During", "Table", "Figure", "Section", "Version"})


def _author_fields(authors_text: str, year_text: str | None) -> CitedFields:
    et_al = bool(re.search(r"\bet\.?\sal\b", authors_text))
    names = re.split(r",\s|\s(?:&|and)\s|,?\set\.?\sal\.?", authors_text)
    return CitedFields(authors=[display_name(n.strip(" ,")) for n in names if n.strip(" ,")],
                       year=int(year_text[:4]) if year_text else None, et_al=et_al)


def expand_numbers(numbers: str) -> list[str]:
    """"1–4, 7" -> ["1", "2", "3", "4", "7"] (ranges capped, so "[1-9999]" stays cheap)."""
    result: list[str] = []
    for part in re.split(r"\s*,\s*", numbers.replace("–", "-")):
        if "-" in part:
            low, _, high = part.partition("-")
            if low.strip().isdigit() and high.strip().isdigit():
                first, last = int(low), int(high)
                result.extend(str(n) for n in range(first, min(last, first + 50) + 1))
        elif part.strip().isdigit():
            result.append(part.strip())
    return result


def _title_in_prose(text: str, match: re.Match[str], group: int,
                    quoted: bool) -> Citation | None:
    """A quoted or italic phrase as a title citation, when a cue before it or a date after
    it says it is one; with the date's year, and its venue or authors."""
    title = match.group(group).strip().rstrip(",.")
    if len(title.split()) < 3:
        return None
    before = text[max(0, match.start() - 60): match.start()]
    dated = TITLE_DATE.match(text, match.end())
    if dated is not None and not quoted and not dated["authors"]:
        dated = None  # "*Nature* (2015)": an italic venue and its year
    cued = TITLE_CUE.search(before) or (quoted and QUOTE_CUE.search(before))
    if dated is None and not cued:
        return None
    fields = CitedFields(title=title)
    end = match.end()
    if dated is not None:
        # "“X” (ICLR 2018)": the year, and the venue when it is one word in capitals (an
        # acronym); "“X” (Vaswani et al., 2017)": the year and the authors.
        fields.year, fields.venue = int(dated["year"][:4]), dated["venue"]
        if dated["authors"]:
            named = _author_fields(dated["authors"], None)
            fields.authors, fields.et_al = named.authors, named.et_al
        end = dated.end()
    return Citation(text[match.start():end], (match.start(), end), "title", fields)


def find_inline(text: str) -> list[Citation]:
    found: list[Citation] = []
    for group in PAREN_GROUP.finditer(text):
        inner = group.group(1)
        if not re.search(_YEAR, inner):
            continue
        for one in ONE_AUTHOR_YEAR.finditer(inner):
            if one.group(1).split()[0] in NOT_A_NAME or one.group(1).isupper():
                continue
            start = group.start(1) + one.start(1)
            end = group.start(1) + one.end()
            found.append(Citation(text[start:end], (start, end), "inline",
                                  _author_fields(one.group(1), one.group(2))))
    for match in NARRATIVE_AUTHOR_YEAR.finditer(text) if _PAREN_YEAR.search(text) else ():
        if match.group(1).split()[0] in NOT_A_NAME:
            continue
        found.append(Citation(match.group(0), match.span(), "inline",
                              _author_fields(match.group(1), match.group(2))))
    for match in NARRATIVE_NO_YEAR.finditer(text) if _NAME_JOIN.search(text) else ():
        if not any(name in NOT_A_NAME for name in re.findall(r"[A-Z]\w+", match.group(1))):
            found.append(Citation(match.group(0), match.span(), "inline",
                                  _author_fields(match.group(1), None)))
    for match in NUMERIC.finditer(text):
        found.append(Citation(match.group(0), match.span(), "inline", CitedFields(),
                              key=match.group(1)))
    for match in SUPERSCRIPT.finditer(text) if _SUPERSCRIPT_DIGIT.search(text) else ():
        digits = match.group(1).translate(str.maketrans("¹²³⁴⁵⁶⁷⁸⁹⁰⁻", "1234567890-"))
        found.append(Citation(match.group(0), match.span(), "inline", CitedFields(), key=digits))
    for match in LATEX_CITE.finditer(text):
        offset = match.start(1)
        for key_match in re.finditer(r"[^,\s]{1,200}", match.group(1)):
            start, end = offset + key_match.start(), offset + key_match.end()
            found.append(Citation(text[start:end], (start, end), "inline", CitedFields(),
                                  key=key_match.group(0)))
    titles = [(QUOTED_TITLE, 1, True)]
    if "*" in text or "_" in text:  # the signs of ITALIC_TITLE's emphasis
        titles.append((ITALIC_TITLE, 2, False))
    for pattern, group, quoted in titles:
        for match in pattern.finditer(text):
            citation = _title_in_prose(text, match, group, quoted)
            if citation is not None:
                found.append(citation)
    return found
