"""In-text citations: author–year, numeric brackets, LaTeX cite keys and titles in prose."""

from __future__ import annotations

import re

from citecheck.extract.fields import names_and_date, take_identifiers
from citecheck.extract.names import ORGANISATION, names_as_listed
from citecheck.extract.types import Citation, CitedFields, disjoint
from citecheck.extract.venue_rules import VENUE_JOINING_WORDS
from citecheck.records import display_name

# A family name, capitalised ("Žabokrtský" too), with its particles ("van den Oord", "d'Amore").
_CAPITAL = "A-ZÀ-ÖØ-ÞĀ-ŽŁİ"
_NAME = (rf"(?:(?:van(?:\sde[nr]?)?|von(?:\sder)?|de(?:\sla|\slos)?|der|del|della|da|dos|du|di|le|"
         rf"la|ter|ten)\s)?(?:[dl]['’])?[{_CAPITAL}][^\W\d_]{{1,40}}(?:[-'’][{_CAPITAL}]?[^\W\d_]{{1,40}})?")
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
# A quote right before a letter opens a phrase inside the title, not its end: "Research
# Community Perspectives on "Intelligence" and Large Language Models".
QUOTED_TITLE = re.compile(r"[\"“]([A-Z0-9](?:[^\"“”\n]|(?<=\s)[\"“][^\"“”\n]{1,80}[\"”](?=[\s,.:;!?]))"
                          r"{10,300}?)[\"”](?![^\W_])")
# "[Title](https://...)": a linked title, its address the citation's link.
LINKED_TITLE = re.compile(r"(?<!!)\[((?=[A-Z0-9])[^\[\]\n]{10,300})\]\((https?://[^()\s]{1,500})\)")
# (An emphasised title may hold the other sign: "*DUT_IR at SemEval-2025 ...*".)
ITALIC_TITLE = re.compile(r"(?<![*\w])(\*{1,2}|_)((?=[A-Z0-9])(?:(?!\1)[^\n]){10,300}?)\1(?![*\w])")
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
# The venue in such a date is an acronym, alone or with the authors: "(ICLR 2018)", "(He et
# al., CVPR 2016)", "(He et al., 2016, CVPR)".
_ACRONYM = r"[A-Z][A-Za-z]*[A-Z][A-Za-z]*"
TITLE_DATE = re.compile(rf"[,.]?\s{{0,2}}\((?:(?P<venue>{_ACRONYM}),?\s"
                        rf"|(?P<authors>{_AUTHORS}),?\s(?:(?P<named_venue>{_ACRONYM}),?\s)?)?"
                        rf"(?P<year>{_YEAR})(?:,\s(?P<venue_after>{_ACRONYM}))?\)")
# "Vaswani et al. introduced the Transformer in “X”": names before a verb of authorship,
# and "in" just before the title, are the work's authors. Only a list ("A and B", "A et
# al.") is taken: one capitalised word there may be anything ("Later work presented in").
AUTHORS_BEFORE = re.compile(
    rf"(?<![\w'’-])(?P<names>{_NAME}(?:\set\.?\sal\.?|(?:,\s{_NAME}){{0,3}},?\s(?:&|and)\s{_NAME}))"
    r"\s(?:first\s)?(?:introduced|proposed|presented|described|developed)\b"
    r"[^.\n,;:\"“”]{0,50}?\bin\s(?:their\s(?:\w+\s)?(?:paper|work|article)\s)?$")
# "“X” by Ashish Vaswani et al.", "*X* — Yin and Zhou": the names after "by" (or a dash)
# are the work's authors. A given name is a word or an initial ("J.Scott" too).
# (A nickname may stand before the family name: "Chun-Fu (Richard) Chen".)
_PERSON = (rf"(?:[{_CAPITAL}][\w'’.-]{{0,20}}\s){{0,3}}(?:\([{_CAPITAL}][^\W\d_]{{1,20}}\)\s)?"
           rf"(?!(?:Jr|Sr|II|III|IV)\b){_NAME}"
           r"(?:,?\s(?:Jr|Sr)\.?(?=[\s,)])|\s(?:II|III|IV)\b)?")
BY_AUTHORS = re.compile(
    rf",?\s(?:by|[—–]|--?)\s(?P<names>{_PERSON}(?:(?:,\s(?:and\s)?|,?\s(?:and|&)\s){_PERSON}){{0,40}}"
    rf"(?:,?\set\.?\sal\.?)?)")
BY_HINT = re.compile(r"\s(?:by|[—–]|--?)\s")
# Where such a list of names ends: a bracket, a sentence mark, or the words of a sentence.
# Anything else (a lower-case particle, a name form the pattern lacks) may mean the list
# was cut short, and a cut list would read as authors left out.
BY_AUTHORS_END = re.compile(
    r"\s?\((?![^()\n]{1,12}\)\s[A-Z])|\s?[);:\]\n]|\.(?:\s|$)|$"  # not "(J.) Chen"
    r"|\s(?:in|at|on|from|is|was|which|that|for|published|presents?|proposes?|shows?|"
    r"introduced?|describes?)\b|,\s(?:in\s)?(?:[A-Z]{2}|\d{4}|Proc|arXiv|Advances|Findings|"
    r"Journal|Conference|Workshop|Transactions|Annual)")
# The date after them: "(ICRA 2012)", "(Proceedings of ..., 2020)", ", NeurIPS 2017".
# Before "by": "*X* (ICLR 2018) by A", "*X* (Proceedings of ...) by A".
# (A venue may hold one bracket: "... Volume 1 (Long Papers)".)
_VENUE_TEXT = r"(?:[^()\n]|\([^()\n]{0,80}\)){2,250}?"
VENUE_BEFORE_BY = re.compile(rf"\s?\((?P<venue>{_VENUE_TEXT})(?:,?\s(?P<year>{_YEAR}))?\)")
BY_DATE = re.compile(rf"\s?\((?:(?P<venue>{_VENUE_TEXT}),?\s)?(?P<year>{_YEAR})\)"
                     rf"|,\s(?:in\s)?(?P<listed>[A-Z][A-Za-z]*[A-Z][A-Za-z]*)\s(?P<listed_year>{_YEAR})\b")
# A venue there is a name: its words capitalised ("J. Mach. Learn. Res.", "Proceedings of
# the 60th Annual Meeting ...") but for a few small ones; "(first published 2017)" is not.
_VENUE_SMALL_WORDS = VENUE_JOINING_WORDS | {"de", "-", "–", "arXiv", "bioRxiv", "medRxiv"}
# The DOI or address written after such a citation on its line ("... (2026). https://...").
_TRAILING_LINK = re.compile(r"[.,;]?[ \t]{0,3}(?:https?://|doi:|arXiv:|10\.\d{4,9}/)\S{1,500}",
                            re.IGNORECASE)
# A list item that is a title in title case and its authors' date: "- Deep Residual Learning
# for Image Recognition (He et al., CVPR 2016)". In sentence case it is left alone: "- Skip
# connections ease training (He et al., 2016)" is a claim with its cite, not a title.
LISTED_TITLE = re.compile(r"^[ \t]{0,8}(?:[-*•+]|\d{1,3}[.)])[ \t]{1,4}"
                          r"(?P<title>[A-Z0-9][^\n()*_\"“”\[\]]{8,300}?)(?=\s?\()", re.MULTILINE)
_LINE_END = re.compile(r"[.,;]?[ \t]*(?:$|\n)")
_SMALL_WORDS = frozenset({"a", "an", "the", "and", "or", "nor", "but", "of", "for", "in", "on",
                          "at", "to", "by", "with", "via", "from", "as", "vs", "is", "are", "be",
                          "its", "using", "into", "onto", "over", "under", "through", "toward",
                          "towards", "without", "within", "between", "across", "beyond", "than",
                          "per", "upon", "about", "against"})
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


def _title_in_prose(text: str, match: re.Match[str], pattern: re.Pattern[str]) -> Citation | None:
    """A quoted, italic or linked phrase as a title citation, when a cue before it or a
    date after it says it is one; with the date's year, and its venue or authors."""
    title = _title_of(match, pattern)
    if len(title.split()) < 3:
        return None
    italic = pattern is ITALIC_TITLE
    before = text[max(0, match.start() - 60): match.start()]
    dated = TITLE_DATE.match(text, match.end())
    if dated is not None and italic and not (dated["authors"] or dated["venue"]):
        dated = None  # "*Nature* (2015)": an italic venue and its year; "*X* (ICLR 2018)": a title
    cued = TITLE_CUE.search(before) or (not italic and QUOTE_CUE.search(before))
    named_venue = None
    if dated is None and not italic:
        # "“X” (Conference on Robot Learning 2022)": a venue named in words, and its year.
        named_venue = VENUE_BEFORE_BY.match(text, match.end())
        if named_venue is None or not named_venue["year"] \
                or not _names_venue(named_venue["venue"].strip(" ,")):
            named_venue = None
    if dated is None and named_venue is None and not cued:
        return None
    fields = _linked(match, pattern, CitedFields(title=title))
    end = match.end()
    if dated is not None:
        # "“X” (ICLR 2018)": the year, and the venue when it is one word in capitals (an
        # acronym); "“X” (Vaswani et al., 2017)": the year and the authors.
        fields.year, fields.venue = int(dated["year"][:4]), _date_venue(dated)
        if dated["authors"]:
            named = _author_fields(dated["authors"], None)
            fields.authors, fields.et_al = named.authors, named.et_al
        end = dated.end()
    elif named_venue is not None:
        fields.year = int(named_venue["year"][:4])
        fields.venue = named_venue["venue"].strip(" ,")
        end = named_venue.end()
    if not fields.authors and not italic:
        authors = AUTHORS_BEFORE.search(text, max(0, match.start() - 150), match.start())
        if authors is not None and authors["names"].split()[0] not in NOT_A_NAME \
                and not ORGANISATION.search(authors["names"]):
            named = _author_fields(authors["names"], None)
            fields.authors, fields.et_al = named.authors, named.et_al
    return Citation(text[match.start():end], (match.start(), end), "title", fields)


def _date_venue(dated: re.Match[str]) -> str | None:
    """The venue a TITLE_DATE match names, before or after the year."""
    return dated["venue"] or dated["named_venue"] or dated["venue_after"]


def _title_of(match: re.Match[str], pattern: re.Pattern[str]) -> str:
    return match.group(2 if pattern is ITALIC_TITLE else 1).strip().rstrip(",.")


def _linked(match: re.Match[str], pattern: re.Pattern[str], fields: CitedFields) -> CitedFields:
    """``fields`` with the DOI, arXiv id or address a linked title points to."""
    if pattern is LINKED_TITLE:
        take_identifiers(match.group(2), fields)
    return fields


def find_titles_by(text: str) -> list[Citation]:
    """"“X” by A and B (ICLR 2018)", "[X](url) — A, B (2018)", "*X* (ICLR 2018) by A": a
    quoted, italic or linked title, the authors named after "by" or a dash, and the date
    around them (its year, and its venue when it names one)."""
    if not BY_HINT.search(text):
        return []
    found: list[Citation] = []
    for pattern in _title_patterns(text):
        for match in pattern.finditer(text):
            title = _title_of(match, pattern)
            if len(title.split()) < 3 or names_and_date(title):
                continue  # "**He et al. (2016)** – Title": names and a date, not a title
            before = VENUE_BEFORE_BY.match(text, match.end())  # "*X* (ICLR 2018) by A"
            by = BY_AUTHORS.match(text, before.end()) if before else None
            if by is None:
                before, by = None, BY_AUTHORS.match(text, match.end())
            if (by is None or not BY_AUTHORS_END.match(text, by.end())
                    or ORGANISATION.search(by["names"])):
                continue
            names, et_al = names_as_listed(by["names"])
            if not names:
                continue
            fields = _linked(match, pattern, CitedFields(title=title, authors=names, et_al=et_al))
            end = by.end()
            dated = BY_DATE.match(text, end)
            if before is not None:
                venue = before["venue"].strip(" ,")
                fields.year = int(before["year"][:4]) if before["year"] else None
                fields.venue = venue if _names_venue(venue) else None
            elif dated is not None:
                venue = (dated["venue"] or dated["listed"] or "").strip(" ,")
                fields.year = int((dated["year"] or dated["listed_year"])[:4])
                fields.venue = venue if _names_venue(venue) else None
                end = max(end, dated.end())
            link = _TRAILING_LINK.match(text, end)
            if link is not None:
                take_identifiers(link.group(0), fields)
                end = link.start() + len(link.group(0).rstrip(".,;)>"))
            # A whole citation (title, authors, date), as a list entry is: in-text cites
            # link to it.
            found.append(Citation(text[match.start():end], (match.start(), end), "reference",
                                  fields))
    return disjoint(found)


def _names_venue(text: str) -> bool:
    """Whether ``text`` reads as a venue's name: capitalised words, but for small ones."""
    words = text.split()
    return 0 < len(words) <= 20 and all(
        word[:1].isupper() or word[:1].isdigit() or word.strip("(),:") in _VENUE_SMALL_WORDS
        for word in words)


def _title_patterns(text: str) -> list[re.Pattern[str]]:
    """The quoted-title pattern, the italic one where the text has emphasis signs, and the
    linked one where it has links."""
    return ([QUOTED_TITLE] + ([ITALIC_TITLE] if "*" in text or "_" in text else [])
            + ([LINKED_TITLE] if "](" in text else []))


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
    for pattern in _title_patterns(text):
        for match in pattern.finditer(text):
            citation = _title_in_prose(text, match, pattern)
            if citation is not None:
                found.append(citation)
    for match in LISTED_TITLE.finditer(text) if "(" in text else ():
        citation = _listed_title(text, match)
        if citation is not None:
            found.append(citation)
    return found


def _listed_title(text: str, match: re.Match[str]) -> Citation | None:
    """A title listed with its authors' date, the whole list item, as a title citation."""
    title = match["title"].strip().rstrip(",.")
    dated = TITLE_DATE.match(text, match.end("title"))
    if dated is None or not dated["authors"] or not _title_case(title) \
            or _LINE_END.match(text, dated.end()) is None:
        return None
    named = _author_fields(dated["authors"], dated["year"])
    fields = CitedFields(title=title, authors=named.authors, et_al=named.et_al, year=named.year,
                         venue=_date_venue(dated))
    start, end = match.start("title"), dated.end()
    return Citation(text[start:end], (start, end), "title", fields)


def _title_case(title: str) -> bool:
    """Three words or more, each capitalised but for small ones ("for", "of", "the")."""
    words = [word for word in title.split() if word[:1].isalpha()]
    return len(words) >= 3 and words[0][:1].isupper() and all(
        word[:1].isupper() for word in words if word.lower() not in _SMALL_WORDS)
