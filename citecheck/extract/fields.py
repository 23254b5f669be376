"""Parsing one reference string of any common style into CitedFields: rules, then a CRF."""

from __future__ import annotations

import re
from dataclasses import fields as dataclass_fields
from functools import lru_cache
from typing import Any

from citecheck.extract.crf import labelled_runs
from citecheck.extract.identifiers import (
    ARXIV_PATTERN,
    DOI_PATTERN,
    ISBN_PATTERN,
    PMID_PATTERN,
    URL_PATTERN,
    clean_doi,
    find_all,
    find_first,
    may_hold,
)
from citecheck.extract.names import (
    CAPITALISED_PARTICLES,
    NOT_NAMES,
    AuthorList,
    author_readings,
    dehyphenate,
    scan_authors,
)
from citecheck.extract.types import CitedFields
from citecheck.extract.venue_rules import (
    MONTH_NAME,
    PLACE_PUBLISHER,
    VENUE_JOINING_WORDS,
    VENUE_OPENING,
    book_tail,
    cross_reference,
    cut_web,
    leftover,
    skip_credits,
    skip_editors,
)
from citecheck.latex import latex_to_text
from citecheck.records import normalize_arxiv, normalize_doi

# List markers of numbered or bulleted entries: "[12]", "12.", "12)", "(12)", "- ", "* ".
MARKER = re.compile(
    r"^\s{0,8}(?:\[(\d{1,4})\]|(\d{1,4})[.)](?!\d)|\((\d{1,4})\)|[-*•+‣◦–]|(\d{1,4})\\\.)\s{1,8}"
)
MAX_REFERENCE_CHARS = 4000
# Notes after a title that are not part of it: "[Motion picture]", "(2nd ed.)".
TITLE_NOTE = re.compile(
    r"\s?(?:\[[^\[\]]{1,60}\]|\((?:[^()]{0,30}\b(?:ed|edn|edition|trans|translated|vol)\b"
    r"[^()]{0,40}|in [A-Z][a-z]+)\))$"
)
# Words that mark a sentence as venue, publisher or editorial note rather than a subtitle.
SUBTITLE_STOP = re.compile(
    r"\d|\b(?:In|in:|Journal|Proc|Proceedings|Conference|Press|Publish|University|Edited|"
    r"edited|ed\.|eds\.|Trans|Retrieved|Available|Review|Bulletin|Report|Thesis|Letters|"
    r"Society|Institute|Verlag|Books)\b|:\s"
    # Scholar writes a venue in lower case and may glue "In" to it: "Advances in neural
    # information processing systems", "InInternational conference on ...".
    r"|\b(?i:advances\sin|conference|proceedings|symposium|workshop|journal|transactions)\b"
    r"|^In(?=[A-Z])"
)
LABEL_MARKER = re.compile(r"^\[[A-Za-z][\w\-:+.]{0,30}\]\s")
# Reference lists copied from PDFs lose the dot after the number: "15 Siu, W. M."
BARE_NUMBER = re.compile(r"^\d{1,3}\s(?=[A-Z])")
PLACEHOLDER_AUTHOR = re.compile(r"^(?:[—–\-_]{2,}\s?[.,]?\s?)")
# A parenthesised publisher/date block ends an unquoted title: "Title (Penguin, 1967)."
# (French sets a space before a colon: "..., dans : Proceedings"; Spanish "En:", Portuguese "Em:".)
TITLE_TAIL = re.compile(r",?\s\((?=[^()]{0,80}\b(?:1[6-9]|20)\d\d\b)|,\s(?=(?:in|In)[:\s]|"
                        r"(?:dans|Dans)\s?:?(?:\s|$)|(?:en|En|em|Em)\s?:\s)")
# Not after a digit, "/", "." or "-" ("1/2020", "3.2017"). The test of the character before
# the year comes after its first two digits, so that a search skips on to a "1" or "2".
YEAR = re.compile(r"((?:1[6-9]|20)(?<![\d/.\-]..)\d\d)(?![\d/])[a-z]?")
# The date slot of author-date styles: "(2021).", "(1995b).", "2015.", "(April 1, 1968)",
# "(2021, May 3)", "(n.d.)".
DATE_SLOT = re.compile(
    r"[(\[]\s{0,2}(?:[A-Z][a-z]{2,8}\.?\s{1,2}(?:\d{1,2},?\s{1,2})?)?"
    r"((?:1[6-9]|20)\d\d)[a-z]?(?:\s?[,/–\-]\s?[^()\[\]]{0,25})?\s{0,2}[)\]][.,:;]?"
    # Unbracketed, a month is a capitalised word: "AIM 2025 Challenge on ..." opens a title;
    # after the year, a month's name (Scholar's Harvard: "..., 2021, July. Title").
    r"|(?:(?-i:[A-Z][a-z]{2,8})\.?\s{1,2}(?:\d{1,2},?\s{1,2})?)?((?:1[6-9]|20)\d\d)[a-z]?"
    rf"(?:,\s(?-i:{MONTH_NAME})(?:\s\d{{1,2}})?(?=[.,:;]))?(?=[\s.,:;]|$)[.,:;]?"
    r"|\((?:n\.\s?d\.|in press|forthcoming|in preparation)\)[.,]?",
    re.IGNORECASE,
)
CORPORATE = re.compile(
    r"\b(?:Corps|Commission|Organi[sz]ation|Association|Institute|Society|Council|Agency|"
    r"Department|Office|Ministry|Bureau|Cent(?:re|er)|Committee|Foundation|Board|Service|"
    r"University|Federation|Taskforce|Inc|Ltd|Group|Consortium|Authority|Administration)\b"
)
EDITOR_MARK = re.compile(
    r"\(?(?:[Ee]ds?\.?|[Ee]ditors?|[Hh]rsg\.|[Dd]ir\.|[Dd]irector|[Cc]omp\.)\)?[.,]?\s"
)
QUOTE_OPEN = "\"“”„«‘'"
QUOTE_PAIRS = {"\"": "\"", "“": "”", "”": "”", "„": "“", "«": "»", "‘": "’", "'": "'"}
EMPHASIS = re.compile(r"(\*\*|__|\*|_)([^*_\n]{4,400}?)\1(?![*\w])")
ANY_QUOTED = re.compile(r"[\"“„«]([^\"“”„«»]{8,400})[\"”“»]")
# Words after which a period does not end a sentence: abbreviations common inside titles.
ABBREVIATIONS = frozenset({
    "vs", "e.g", "i.e", "etc", "no", "nr", "vol", "st", "dr", "mr", "mrs", "ms", "prof", "fig",
    "eq", "al", "inc", "ltd", "co", "jr", "sr", "pp", "ca", "cf", "approx", "dept", "univ",
})
# (ASA puts the pages first: "Pp. 8748–63 in Proceedings of ...".)
# (Scholar's Vancouver glues "In" to the name: "InProceedings of ...", "InInternational ...";
# a Harvard style puts a comma after it: "in, TALN-RECITAL 2014 ...".)
VENUE_LEAD = re.compile(r"^\s*(?:[,.:;]\s*)*(?:[Pp]p?\.\s?\w{1,7}(?:\s?[–—-]\s?\w{1,7})?\s(?=in\s))?"
                        r"(?:[Ii]n[:,]?\s+|[Ii]m:?\s+|[Dd]ans\s?:?\s+|[Ee][nm]\s?:\s+|In(?=[A-Z]))?")
VENUE_CUT = re.compile(
    r",\s*(?:\d|[Vv]ol|pp?\.|[Nn]o\.|pages|[A-Z][a-z]+\s\d{1,2}\b)"
    r"|\s\d{1,5}\s?[(:,]|\s\d{1,4}\.\d{1,4}\s\(|\s\(|\(\d|\.\s(?:\d|[Vv]ol|pp?\.)|;\s|:\s\d"
    r"|\s\d{1,4}[,.]?\s*$"
    r"|(?<!\s[Tt]he),?\s(?:19|20)\d\d\b|\.\s(?=[A-Z][a-z]+:)|,\s(?:[A-Z][a-z]+\s?)+:\s|\.\s*$"
    r"|,\sedited\sby\b|\s(?:posted|published)\sonline\b"
)
# "vol. 139", "35(2)" (not a page range's end before a year: "8748–8763 (2021)"), and
# Vancouver's "2021;139:8748-63".
VOLUME = re.compile(r"\b(?:[Vv]ol(?:ume)?\.?\s?(\d{1,5})|(?<![–—-])(?<![–—-]\s)(\d{1,5})\s?"
                    r"\(\d{1,4}[^)]{0,10}\))|(?<=\d{4});\s?(\d{1,5})(?=[(:]|\.?$)")
PAGES = re.compile(r"\b(?:pp?\.\s?)?(\d{1,6}\s?[–\-—]{1,2}\s?\d{1,6})\b|\bpp?\.\s?(\d{1,6})\b")
BY_AUTHORS = re.compile(r"(?:^|[\s,;(])(?:by|By)\s+|^\s*[—–\-]{1,2}\s*|\s[—–]\s")


# Patterns used on every reference, compiled once (re's own cache costs a lookup a call).
_ISBN_SEPARATORS = re.compile(r"[\- ]")
_LEADING_LINK = re.compile(r"^\[([^\]\n]{1,400})\]\((?:[^()\s]{1,500})\)")
_LINK = re.compile(r"\[([^\]\n]{1,400})\]\((?:[^()\s]{1,500})\)")
HTML_TAG = re.compile(r"<[^<>]{0,200}>")
_RETRIEVED_FROM = re.compile(
    r"\bRetrieved(?: [^.:;]{0,40}?)? from [^.:;]{1,80}?(?: website)?:(?=\s|$)")
# ("Available" and "Retrieved" alone are a title's words too: "MentalBERT: Publicly
# Available Pretrained ...", "... Using Abstracts and Retrieved Full-Text Context".)
_ACCESS_WORDS = re.compile(r"\b(?:doi|DOI|URL|url|Available(?: at| from| online|\s*:)|"
                           r"Retrieved(?: from|\s*:|(?=\s(?:on\s)?(?:\d|[A-Z][a-z]{2,8}\.?\s\d)))|"
                           r"[Aa]ccessed(?: on)?|arXiv|PMID|PMCID)\s*:?(?=\s|$|[.,;])")
_ACCESS_NOTE = re.compile(r"\[(?:[Oo]nline|[Ii]nternet|[Cc]ited[^\]]{0,40}|PDF)\]")
_SENTENCE_STOP = re.compile(r"[.?!][\"”’)]?(?=\s|$)")
_DOTTED_ABBREVIATION = re.compile(r"(?:[A-Za-z]\.){1,4}[A-Za-z]")
_NUMBERED_PART = re.compile(r"\s\d{1,2}\.\s")
_EMPHASIS_SIGNS = re.compile(r"[*_]{1,2}")
_TIGHT_COMMA = re.compile(r"(?<=[a-z.]),(?=[A-Z])")
# French and German typography space a semicolon off the word before it (DIN 1505:
# "VASWANI, Ashish ; SHAZEER, Noam: Title"); the names reader wants it on that word.
_SPACED_SEMICOLON = re.compile(r"(?<=\S)\s+;(?=\s)")
# A mark of equal contribution after a name in a list: "R. Lowe*, A. Gupta*, J. Foerster".
_CONTRIBUTION_MARK = re.compile(
    r"(\b[A-Z]\.\s?(?:[A-Z]\.\s?)*[A-Z][^\W\d_]+(?:[-'’][^\W\d_]+)?)[*†‡]+(?=,|\s(?:and|&)\s)")
_CORPORATE_DATE = re.compile(r"\((?:((?:1[6-9]|20)\d\d)[a-z]?|n\.\s?d\.)\)[.,:]?")
_TITLE_COMMA = re.compile(r",\s(?![a-z])")
_LEADING_NUMBER = re.compile(r"\s?,?\s?\d")
_DIGIT = re.compile(r"\d")
_EMPHASIS_START = re.compile(r"\s[*_]")
_STOP_BLANK = re.compile(r"[.?!]\s")
# An LLM list item whose emphasised lead is its authors and date, the title after it: "**He et
# al. (2016)** – *Deep Residual Learning ...*. CVPR." It reads as "He et al. (2016). *...*".
_EMPHASISED_LEAD = re.compile(r"^(\*\*|__|\*|_)([^*_\n]{4,180}?)\1[.,:]?\s{0,2}(?:[–—:-]\s{0,2})?")
_NAMES_DATE = re.compile(r"(?P<names>[^\W\d_][^\n]{0,160}?),?\s\(?(?:1[6-9]|20)\d\d[a-z]?\)?[.,:]?")
_LEAD_NAME_BREAK = re.compile(r",?\s(?:and|&)\s|,\s|,?\set\.?\sal\.?$")
# A name there: "He", "Abu-El-Haija", "Özateş", "K. He", "van den Oord".
_LEAD_NAME = re.compile(r"(?:[^\W\d_]+\.?\s){0,3}[^\W\d_]+(?:[-'’][^\W\d_]+)*")
# GB/T 7714 (the Chinese national style) marks a title's document type after it, unspaced:
# "Attention is all you need[C]//Advances in ...", "...[J]. Nature, 2015". "//" opens the
# volume that holds the work, as "In:" does.
_VOLUME_OPENS = ". In: "  # what GB/T's and GOST's "//" stand for
_DOCUMENT_TYPE = re.compile(
    r"(?<=\S)\[(?:[CJMDRSPNGAZ]|EB|DB|CP)(?:/(?:OL|MT|DK|CD))?\]\s?(?:(//)\s?|[.,]\s?|$)")


def take_identifiers(text: str, fields: CitedFields) -> str:
    """Record DOI, arXiv id, URL, ISBN and PMID in ``fields``; return the text without them."""
    for match in find_all(ARXIV_PATTERN, text):
        fields.arxiv = fields.arxiv or normalize_arxiv(match.group(1))
    doi_match = find_first(DOI_PATTERN, text)
    if doi_match:
        fields.doi = normalize_doi(clean_doi(doi_match.group(1)))
        if fields.doi and "arxiv" in fields.doi:
            fields.arxiv = fields.arxiv or normalize_arxiv(fields.doi)
    url_match = find_first(URL_PATTERN, text)
    if url_match:
        fields.url = url_match.group(0).rstrip(".,;)>")
        if "arxiv.org" in fields.url:
            fields.arxiv = fields.arxiv or normalize_arxiv(fields.url)
    isbn_match = find_first(ISBN_PATTERN, text)
    if isbn_match:
        fields.isbn = _ISBN_SEPARATORS.sub("", isbn_match.group(1))
    pmid_match = find_first(PMID_PATTERN, text)
    if pmid_match:
        fields.pmid = pmid_match.group(2).upper()
    # Markdown links keep their text; a leading one is the title: "[Title](https://...)".
    text = _LEADING_LINK.sub(r"“\1”", text)
    body = _LINK.sub(r"\1", text)
    for pattern in (URL_PATTERN, DOI_PATTERN, ARXIV_PATTERN, ISBN_PATTERN, PMID_PATTERN):
        if may_hold(pattern, body):
            body = pattern.sub(" ", body)
    body = HTML_TAG.sub(" ", body)
    # The site or database a work was retrieved from is no venue: "Retrieved from netLibrary: URL".
    body = _RETRIEVED_FROM.sub(" ", body)
    body = _ACCESS_WORDS.sub(" ", body)
    body = _ACCESS_NOTE.sub(" ", body)
    return " ".join(body.split()).strip(" ,;")


@lru_cache(maxsize=4096)
def sentence_end(text: str, start: int) -> int:
    """Index just past the sentence that begins at ``start`` (its final '.', '?' or '!').

    Cached: each author reading of a reference looks for the same sentence ends."""
    for match in _SENTENCE_STOP.finditer(text[start:]):
        end = start + match.end()
        stop = start + match.start()
        if text[stop] == ".":
            if any(text[at:at + 5] == ". . ." for at in (stop - 4, stop - 2, stop) if at >= start):
                continue  # a spaced ellipsis: "Three AI-agents walk into a bar . . . . 'Lord ..."
            words = text[start:stop].split()
            last = words[-1].strip("(\"“'") if words else ""
            if len(last) == 1 and last.isalpha() and last.isupper():
                continue  # an initial or "Part A." -- the sentence goes on
            if last.lower() in ABBREVIATIONS or _DOTTED_ABBREVIATION.fullmatch(last):
                continue
            if _NUMBERED_PART.match(text[end: end + 6]):
                continue  # "Reactions at oxide surfaces. 1. Oxidation of ..." is one title
        return end
    return len(text)


def quoted_at(text: str, pos: int) -> tuple[str, int] | None:
    """A quoted or emphasised title starting at ``pos``: (title, index past its end)."""
    if pos >= len(text):
        return None
    opener = text[pos]
    if opener in QUOTE_OPEN:
        close = _closing_quote(text, pos, opener, QUOTE_PAIRS[opener])
        if close > pos + 3:
            if _TITLE_GOES_ON.match(text, close + 1) or _QUESTION_GOES_ON.match(text, close):
                # A quotation opens the title: "“I’d rather just go to bed”: ...", "“Women
                # do not have heart attacks!” Gender Biases in ...".
                return None
            return text[pos + 1: close].strip(), close + 1
        return None
    emphasis = EMPHASIS.match(text, pos)
    if emphasis:
        return emphasis.group(2).strip(), emphasis.end()
    return None


# After a closing quote, the title goes on: a colon and a capitalised subtitle.
_TITLE_GOES_ON = re.compile(r"[?!]?:\s[A-Z0-9]")
# Or a question or exclamation quoted and words after it, with no venue's marks before the
# sentence ends (the unquoted reading then decides where the title ends).
_QUESTION_GOES_ON = re.compile(
    rf"(?<=[?!])[”\"’']\s(?!(?:In|in|Proc|Conference|Workshop|Symposium|Trans|Nature|Science)\b"
    rf"|{VENUE_OPENING})[A-Za-z][\w-]*\s[A-Za-z][^.,\d]*[.,]")
_QUOTE_MARKS = {(opener, closer): re.compile(f"[{re.escape(opener + closer)}]")
                for opener, closer in QUOTE_PAIRS.items()}


def _closing_quote(text: str, pos: int, opener: str, closer: str) -> int:
    """Where the quote opened at ``pos`` closes (-1: nowhere within 600 characters).

    Quotes inside the title are passed over: a pair opened inside it ("“... from an
    “eastern” point of view.”", "‘Don’t ‘Have a Clue’? ...’"), and an apostrophe, inside a
    word ("Alzheimer's") or after one ("April Fools’ Day"), unless no later single quote
    is followed by punctuation that ends a title.
    """
    depth = 0
    apostrophe = -1
    end = min(len(text), pos + 600)
    for mark in _QUOTE_MARKS[opener, closer].finditer(text, pos + 1, end):
        at = mark.start()
        after = text[at + 1: at + 2]
        if mark.group() == opener and (opener != closer or (
                opener == '"' and text[at - 1].isspace() and after.isalnum())):
            depth += 1  # (a straight quote between a space and a letter opens: 'on "Intelligence"')
            continue
        if depth:
            depth -= 1
            continue
        if closer not in "'’":
            return at
        if after.isalpha():
            continue
        if not after or after in ",.;:?!)]":
            return at
        apostrophe = apostrophe if apostrophe >= 0 else at
    return apostrophe


_TRAILING_DATE = re.compile(r",\s(?:1[6-9]|20)\d\d[a-z]?$")


def _clean_title(title: str) -> str | None:
    title = _EMPHASIS_SIGNS.sub("", title) if "*" in title or "__" in title else title
    title = title.rstrip(" .,")
    if title.endswith((")", "]")):  # a note ends so (titles are parts of one line)
        title = TITLE_NOTE.sub("", title)
    title = title.strip(" \t,;:.-—–\"“”«»'‘’")
    if title.endswith(("?", "!")):
        return title
    # A date after a title that names no venue ("..., A Theoretical Perspective, 2023.") is
    # no part of it.
    return _TRAILING_DATE.sub("", title) or None


@lru_cache(maxsize=4096)
def _venue_from(rest: str, title_marked: bool = False, labelled: bool = False) -> str | None:
    """The journal or container named in ``rest`` (what follows the title), if any.

    ``labelled``: the CRF tagged ``rest`` as a journal or container, so it needs no test
    for being a book's imprint. Cached: each reading of a reference reads the venue from
    the same rest, and the same venues ("In ICML, 2021.") follow many titles.
    """
    emphasis = EMPHASIS.search(rest[:200])
    if emphasis and emphasis.start() < 15:
        venue = emphasis.group(2)
    else:
        lead = VENUE_LEAD.match(rest)
        venue = rest[lead.end():] if lead else rest
        if lead and any(ch.isalpha() for ch in lead.group()):
            if cross_reference(venue):
                return None
            venue = skip_editors(venue)  # "In J. Smith (Ed.), Book title": the book
        else:
            venue = venue if labelled else skip_credits(venue)
            if book_tail(venue, title_marked, labelled):
                return None
        cut = VENUE_CUT.search(venue)
        imprint = PLACE_PUBLISHER.search(venue, 1)
        ends = [found.start() for found in (cut, imprint) if found]
        venue = venue[: min(ends)] if ends else venue
    venue = cut_web(_EMPHASIS_SIGNS.sub("", venue))
    venue = " ".join(venue.split()).strip(" ,.:;()[]—–-")
    if not venue or not any(ch.isalpha() for ch in venue) or len(venue) > 250 or leftover(venue):
        return None
    return venue


# A number in a page range ("pages 1939–1946") or after "pp."/"pages" is a page.
_PAGE_BEFORE = re.compile(r"(?:\b(?:pp?|pages?)\.?\s*|\d\s?[–—-]\s?)$", re.IGNORECASE)
_RANGE_AFTER = re.compile(r"\s?[–—-]\s?\d")
_PAGE_MARK = re.compile(r"[–—\-pP]")


def _publication_year(text: str) -> int | None:
    """The first year-like number of ``text`` that is no page number, else the first one.

    "In CVPR, pages 1939–1946. IEEE, 2013" was read as 1939, and the citation of a real
    paper called wrong about its year.
    """
    first = YEAR.search(text)
    if first is None:
        return None
    found: re.Match[str] | None = first
    while found is not None:
        if not _is_page(text, found.start(), found.end()):
            return int(found.group(1))
        found = YEAR.search(text, found.end())
    return int(first.group(1))


def _is_page(text: str, start: int, end: int) -> bool:
    # Most years have neither a dash after them nor "p." or a dash before them.
    if _PAGE_MARK.search(text, max(0, start - 8), end + 3) is None:
        return False
    return bool(_RANGE_AFTER.match(text, end)
                or _PAGE_BEFORE.search(text[max(0, start - 8):start]))


# A volume written right after the venue's name: "Advances in Neural Information Processing
# Systems 7. MIT Press", "Communications of the ACM 38 39-41"; not a page range.
_NUMBER_AFTER = re.compile(r"[.,]?\s(\d{1,3})(?=[.,;:\s]|$)(?!\s?[–—-]\s?\d)")


def _number_after(rest: str, venue: str) -> str | None:
    at = rest.find(venue)
    found = _NUMBER_AFTER.match(rest, at + len(venue)) if at >= 0 else None
    return found.group(1) if found else None


# Title-first styles give the authors the sentence after the title, after its date if it
# has one: "Title. A. Author and B. Author. Venue, 2021.", "**Title** (2018). A, B. *Venue*."
# Room for a long author list after a title (a 100-author list runs to ~2,000 characters).
MAX_NAMES_CHARS = 2000
_DATE_THEN = re.compile(r"[\s.,;:]*(?:\(((?:1[6-9]|20)\d\d)[a-z]?\)[\s.,;:]*)?")
_UNSPACED = re.compile(r"[\s.]")
# A nickname in brackets inside a name ("Tianhe (Kevin) Yu", "Chun-Fu (Richard) Chen"), and
# the marks of equal contribution or affiliation after one ("Kyunghyun Cho*", "Li†"); not
# the asterisk that closes an emphasised word ("*NeurIPS*").
_NAME_NOTES = re.compile(r"(?<=[^\W\d_])\s\([A-Z][^\W\d_]{1,20}\)(?=\s[A-Z])"
                         r"|(?<![*\w])([^\W\d_][\w'’\-]*)[*†‡]+")
# A title that ends in a role word is followed by the names of its translators or editors
# ("A Harlot of High and Low, trans. Rainer Heppenstall."), not its authors.
_ROLE_END = re.compile(r"\b(?:trans|transl|tr|ed|eds|comp|edited by|translated by)$",
                       re.IGNORECASE)


_INVERTED_NAME = re.compile(r"[A-Z][\w'’-]+,\s[A-Z]")
# A venue opening the sentence after a lone name ("Title. Christopher Zach. CVPR 2014, 2014.",
# "... Patrick Hanks. Proceedings of the Joint Symposium ..."): the name is the author's.
_VENUE_AFTER_NAME = re.compile(
    rf"\.?\s(?:In[\s:]|\*?{VENUE_OPENING}"
    r"|\*?[A-Z][A-Za-z]*[A-Z][A-Za-z-]*\*?,?\s(?:19|20)\d\d\b"
    r"|\((?:cs|stat|math|eess|econ|q-bio|physics)\.[A-Z]{2}\))")  # "arXiv (cs.CL)", "arXiv" read


def _names_sentence(rest: str, one_after_date: bool = False, one_before_venue: bool = True
                    ) -> tuple[AuthorList, int, int | None] | None:
    """The names that make up the sentence opening ``rest`` (after a date, if any), where
    they end, and the date's year; None when that sentence is anything but names.

    Only a list is taken: one capitalised phrase may be anything ("Oxford English
    Dictionary.", "Nicomachean Ethics."); one name only with ``one_after_date``, after a
    date ("**Title** (2021). Lucia Pagani. *NAACL*."), or before a venue ("Christopher Zach.
    CVPR 2014, 2014."). Title-first styles write names given
    name first, as they stand in the text: a reading that turns words round ("Efficient,
    Transparent" as "Transparent Efficient") is a title's words. The list must end the
    sentence: one that stops at a comma or a parenthesis is a publisher, a place or a venue
    ("Marcel Dekker, New York (2000)", "Computational Linguistics, Volume 39").
    """
    date = _DATE_THEN.match(rest)
    start = date.end() if date else 0
    found = scan_authors(rest[start:start + MAX_NAMES_CHARS])
    end = start + found.end
    one_allowed = (one_after_date and date is not None and date.group(1) is not None) or (
        one_before_venue and len(found.names) == 1
        and _VENUE_AFTER_NAME.match(rest, end) is not None)
    if len(found.names) < 2 and not (found.names and (found.et_al or one_allowed)):
        return None
    listed = rest[start:end]
    # (Initials may be spaced otherwise than the scanner writes them: "T.G." / "T. G.".)
    squeezed = _UNSPACED.sub("", listed)
    if not listed.rstrip().endswith(".") or not all(
            _UNSPACED.sub("", name) in squeezed for name in found.names):
        return None
    return found, end, int(date.group(1)) if date and date.group(1) else None


def _names_sentence_after(rest: str, fields: CitedFields, marked: bool) -> tuple[str, bool]:
    """Take the authors from the sentence after the title when it is nothing but names
    ("Title. A and B. Venue"): the rest after them, and whether they were taken; one name
    alone after a marked title and its date."""
    title = fields.title or ""
    # A one-word "title" is a name's part the name scanner did not take ("Mst. Fahmida ...").
    if " " not in title or _ROLE_END.search(title):
        return rest, False
    # Notes are dropped for reading the names only: the rest is left as written otherwise.
    cleaned = _NAME_NOTES.sub(lambda note: note.group(1) or "", rest)
    # (One name before a venue is no author after a name written family name first:
    # "Balzac, Honoré de. César Birotteau. In La Comédie humaine".)
    listed = _names_sentence(cleaned, one_after_date=marked,
                             one_before_venue=_INVERTED_NAME.match(title) is None)
    if listed is None:
        return rest, False
    found, end, year = listed
    fields.authors, fields.et_al = found.names, found.et_al
    if year and fields.year is None:
        fields.year = year
    return " " + cleaned[end:], True


def _title_then_names(body: str, first: AuthorList) -> bool:
    """``body`` opens with a title and then a sentence of names ("Adversarial Cheap Talk.
    Chris Lu, Timon Willi, ... ICML, 2023."), though its first words read as one name.

    Only a lone name that is no likely person is so taken: one that stops short of the end
    of its sentence, not at a date ("Enabling Fast| and Universal Audio ..."), or three or
    more capitalised words with no initial or comma ("Batched Dueling Bandits").
    """
    first_end = sentence_end(body, 0)
    if len(first.names) != 1 or first.et_al or len(body[:first_end].split()) < 3:
        return False
    after_name = body[first.end:first_end].strip(" .,;:")
    lone_phrase = "," not in body[:first.end] and "." not in first.names[0] \
        and len(first.names[0].split()) >= 3
    cut_short = bool(after_name) and DATE_SLOT.match(body, _skip(body, first.end)) is None
    if not (lone_phrase or cut_short):
        return False
    return _names_sentence(body[first_end:],
                           one_before_venue=_INVERTED_NAME.match(body) is None) is not None


def _volume_pages(rest: str, fields: CitedFields) -> None:
    volume = VOLUME.search(rest)
    if volume:
        fields.volume = volume.group(1) or volume.group(2) or volume.group(3)
    pages = PAGES.search(rest)
    if pages:
        found = pages.group(1) or pages.group(2)
        if not YEAR.fullmatch(found.split("–")[0].split("-")[0].strip()) or "pp" in pages.group(0):
            fields.pages = found.replace(" ", "")


def _authors_after(rest: str, fields: CitedFields) -> str:
    """LLM styles name the authors after the title ("by A and B", "— A, B"); take them."""
    match = BY_AUTHORS.search(rest)
    if not match or match.start() > 120:
        return rest
    following = rest[match.end():]
    # "by A, B, C (ICLR 2021)": the parenthesis closes the list; without the cut the
    # last name would be read as the start of the venue.
    cut = following.find(" (")
    listed = following[:cut].rstrip(" ,") + "." if cut > 0 else following
    found = scan_authors(listed)
    if not found.names:
        return rest
    fields.authors, fields.et_al = found.names, found.et_al
    consumed = cut if cut > 0 and found.end >= cut else found.end
    return rest[: match.start()] + " " + following[consumed:]


# Alternative parses kept per citation: author readings times title boundaries stay small.
MAX_READINGS = 8
MAX_AUTHOR_READINGS = 4
# Other sentence ends tried as the end of an unmarked title ("Power up! Robust Graph ...").
TITLE_SENTENCES = 3


def parse_reference(entry: str, *, alternatives: bool = True) -> CitedFields:
    """Parse one reference string (any common style) into fields.

    The fields are the likeliest reading; ``readings`` holds the other complete parses
    the rules and the CRF find plausible (other author readings, other title boundaries),
    for verification to compare each with the record that may be the cited work.
    ``alternatives=False`` returns the rules' first reading alone (a cheaper test of
    whether a text is a reference at all).
    """
    # No reference is this long; the cap bounds the cost of every rule below.
    text = " ".join(MARKER.sub("", entry[:MAX_REFERENCE_CHARS], count=1).split())
    text = LABEL_MARKER.sub("", BARE_NUMBER.sub("", text))
    text = _without_dated_label(text)
    if "." in text or "[" in text:
        text = _NO_DATE_OR_PLACE.sub("", text)
    text = text.replace("``", "“").replace("''", "”")
    if "\\" in text or "{" in text:
        text = latex_to_text(text)
    identifiers = CitedFields()
    body = dehyphenate(take_identifiers(text, identifiers))
    body = PLACEHOLDER_AUTHOR.sub("", body)
    body = _TIGHT_COMMA.sub(", ", body)
    if " ;" in body:
        body = _SPACED_SEMICOLON.sub(";", body)
    if "]" in body:
        body = _DOCUMENT_TYPE.sub(_document_type_stop, body)
    if " // " in body:
        body = body.replace(" // ", _VOLUME_OPENS)  # GOST: "Title // Proceedings. 2017."
    if "*" in body or "†" in body or "‡" in body:
        body = _CONTRIBUTION_MARK.sub(r"\1", body)
    if body[:1] in "*_":
        body = _unemphasised_author_date(body)
    # A leading emphasised or quoted title means a title-first (LLM) style.
    leading = quoted_at(body, 0)
    readings: list[AuthorList | None] = [None]
    if leading is None:
        readings = list(author_readings(body)[:MAX_AUTHOR_READINGS] if alternatives
                        else [scan_authors(body)])
        if _title_then_names(body, readings[0]):
            readings.insert(0, None)  # title first, its authors after it
    parses = [_parse_body(body, identifiers, authors, leading, alternatives)
              for authors in readings]
    # The likeliest reading is the rules' first unless it leaves no proper title where the
    # one-name-per-piece reading finds one ("Psomas A, Verma P. Fair and efficient ..."
    # read with "Verma P. Fair" as a name leaves a title in lower case).
    contenders = [i for i, authors in enumerate(readings)
                  if i == 0 or (authors is not None and authors.whole_pieces)]
    best = max(contenders, key=lambda i: (parses[i][1], -i))
    ordered = parses[best][0] + [f for i, (found, _) in enumerate(parses) if i != best
                                 for f in found]
    fields = ordered[0]
    seen = {_reading_key(fields)}
    for reading in ordered[1:]:
        key = _reading_key(reading)
        if key not in seen and len(fields.readings) < MAX_READINGS:
            seen.add(key)
            fields.readings.append(reading)
    return fields


# What a style prints where a date, place or publisher is unknown: German "o. J.", "o. O.",
# "o. V."; Latin and French "s. l.", "s. n.", "[s.l.]"; English "[place unknown]", "[n.p.]".
# They are no part of a title or venue ("... Transformers o. J., arXiv, o. O. 2025").
_NO_DATE_OR_PLACE = re.compile(
    r",?\s?\[(?:s\.\s?[ln]\.|place unknown|publisher unknown|n\.\s?p\.)\]"
    r"|,?\s\b(?:o\.\s?[JOV]|s\.\s?[ln])\.:?(?=[\s,;]|$)")
# An author-date label before the entry it labels: "Zhu et al. 2021 : K. Zhu, Y. Cao, ..."
# (archaeology and French humanities styles).
_DATED_LABEL = re.compile(r"(?P<label>[^:]{2,100}?\s(?:1[6-9]|20)\d\d[a-z]?)\s?:\s")


def _without_dated_label(text: str) -> str:
    """``text`` without a label of family names and a year, when the entry after it opens
    with the first of those names."""
    label = _DATED_LABEL.match(text)
    if label is None or not names_and_date(label["label"]):
        return text
    rest = text[label.end():]
    names = scan_authors(rest).names
    first = label["label"].split()[0].strip(",").lower()
    return rest if names and first in names[0].lower().split() else text


def names_and_date(phrase: str) -> bool:
    """Whether ``phrase`` is family names and a year: "He et al. (2016)", "Wang and Hebert,
    2015", "K. He and J. Sun (2016)" (not "Attention in 2017", nor "A benchmark, 2023")."""
    dated = _NAMES_DATE.fullmatch(phrase)
    if dated is None:
        return False
    names = dated["names"].strip()
    pieces = [piece for piece in _LEAD_NAME_BREAK.split(names) if piece]
    if all(_LEAD_NAME.fullmatch(piece) and all(
            (word[0].isupper() and word.lower() not in NOT_NAMES) or word in CAPITALISED_PARTICLES
            for word in piece.split()) for piece in pieces):
        return True
    # A whole reference list's names: "Vaswani, A., Shazeer, N., ... & Polosukhin, I. (2017)".
    found = scan_authors(names)
    return len(found.names) >= 2 and found.end >= len(names.rstrip(" ,"))


def _unemphasised_author_date(body: str) -> str:
    """``body`` with an emphasised lead of names and a date written as a reference's first
    sentence ("**He et al. (2016)** – *X*" as "He et al. (2016). *X*")."""
    lead = _EMPHASISED_LEAD.match(body)
    if lead is None or not names_and_date(lead.group(2).strip()):
        return body
    return f"{lead.group(2).strip().rstrip('.,:')}. {body[lead.end():]}"


def _document_type_stop(match: re.Match[str]) -> str:
    """A GB/T 7714 type mark as the sentence end it stands for ("//" as ". In: ")."""
    return _VOLUME_OPENS if match.group(1) else ". "


def _reading_key(fields: CitedFields) -> tuple[object, ...]:
    return (fields.title, tuple(fields.authors), fields.et_al, fields.year, fields.venue)


def _parse_body(body: str, identifiers: CitedFields, authors: AuthorList | None,
                leading: tuple[str, int] | None,
                alternatives: bool = True) -> tuple[list[CitedFields], tuple[bool, bool]]:
    """Fields of ``body`` read with the names ``authors``: the rules' and CRF's readings
    (likeliest first), and how plausible this author reading is."""
    fields = _copy(identifiers, readings=[])
    pos = 0
    if authors and authors.names:
        fields.authors, fields.et_al = list(authors.names), authors.et_al
        pos = authors.end
    authors_end = pos
    pos = _skip(body, pos)
    editor = EDITOR_MARK.match(body, pos)
    if editor and fields.authors:
        pos = _skip(body, editor.end())
    date = DATE_SLOT.match(body, pos)
    dated = False
    if date and (fields.authors or pos == 0) and date.end() > pos:
        year = date.group(1) or date.group(2)
        fields.year = int(year) if year else None
        pos = _skip(body, date.end())
        dated = True
    elif not fields.authors and pos == 0 and leading is None:
        # Corporate authors: "U.S. Army Corps of Engineers (2009). Title."
        corporate = _CORPORATE_DATE.search(body[:160])
        if corporate and CORPORATE.search(body[: corporate.start()]):
            fields.year = int(corporate.group(1)) if corporate.group(1) else None
            pos = _skip(body, corporate.end())
    quoted = quoted_at(body, pos)
    # A quoted or emphasised title is certain; the CRF only redraws unmarked boundaries.
    marked = leading is not None or quoted is not None
    title_ends: list[int] = []
    if quoted:
        title, title_end = quoted
    else:
        later = ANY_QUOTED.search(body, pos, pos + 300) if pos else None
        if later and later.start() - pos < 40 and not fields.authors:
            title, title_end = later.group(1), later.end()
            marked = True
        else:
            title_end = sentence_end(body, pos)
            title_ends = _sentence_ends(body, title_end) if alternatives else []
            tail = TITLE_TAIL.search(body, pos, title_end)
            unpunctuated = title_end >= len(body.rstrip(". "))
            if fields.authors and (body[:pos].rstrip().endswith(",") or unpunctuated):
                # Comma-separated styles: "Deransart, P., and Lorho, B., Title, Venue, 1988."
                comma = _TITLE_COMMA.search(body, pos, title_end)
                tail = comma if comma and (not tail or comma.start() < tail.start()) else tail
            title_end = tail.start() if tail else _with_subtitle(body, title_end)
            title = body[pos:title_end]
    year_found = fields.year
    # Names read after the title ("Title. A and B. Venue") fix the title's end: the CRF,
    # which never saw title-first styles, would redraw it over the names.
    names_after = _finish(body, fields, title, title_end, marked, quoted is not None)
    first_sentence = fields.title or ""
    found = [fields]
    if not marked and not names_after and fields.title is not None:
        rule = _copy(fields, readings=[])
        if _redraw_with_crf(body, fields, authors_end, (pos, title_end)):
            found.append(rule)
        # Other sentence ends as the end of the title: "Power up! Robust Graph ...", or a
        # title whose subtitle the rules took for the venue.
        for end in title_ends:
            if end != title_end:
                other = _copy(identifiers, readings=[], authors=list(fields.authors),
                              et_al=fields.et_al, year=year_found)
                # Names after a later boundary only where none were read at all: "Title.
                # Its Subtitle. Jasmina Milicevic. Proceedings of ...".
                # (Not where the first sentence is a word or two, "Mst. Fahmida Sultana ...",
                # or a name written family name first: "Balzac, Honoré de. César Birotteau.")
                later_names = _finish(body, other, body[pos:end], end, False, False,
                                      names_after=pos == 0 and not fields.authors
                                      and len(first_sentence.split()) >= 3
                                      and not _INVERTED_NAME.match(first_sentence))
                if later_names:
                    found.insert(0, other)  # names and all, likelier than any reading without
                else:
                    found.append(other)
    title_text = fields.title or ""
    proper_title = len(title_text.split()) >= 2 and not title_text[:1].islower()
    return found, (proper_title, dated or marked)


_FIELD_NAMES = tuple(f.name for f in dataclass_fields(CitedFields))


def _copy(fields: CitedFields, **changes: Any) -> CitedFields:
    """``dataclasses.replace`` without its checks, which cost half its time: a parse copies
    its fields several times a reading (CitedFields has no init-only or uninitialised field)."""
    values = {name: getattr(fields, name) for name in _FIELD_NAMES}
    values.update(changes)
    return CitedFields(**values)


def _sentence_ends(body: str, first: int) -> list[int]:
    """The first few sentence ends from ``first`` on, each a possible end of a title."""
    ends = [first]
    while len(ends) < TITLE_SENTENCES and ends[-1] < len(body.rstrip(". ")):
        ends.append(sentence_end(body, _skip(body, ends[-1])))
    return ends


def _finish(body: str, fields: CitedFields, title: str | None, title_end: int, marked: bool,
            quoted: bool, *, names_after: bool = True) -> bool:
    """Fill title, late authors, year, venue, volume and pages from a title boundary;
    True when the authors were read from the sentence after the title (``names_after``:
    whether to look there; not for a boundary other than the rules' first)."""
    rest = body[title_end:]
    fields.title = _clean_title(title) if title else None
    if fields.title and " " not in fields.title and _LEADING_NUMBER.match(rest) and not quoted:
        # Physics/astronomy styles have no title: "Kempner J.C., 2004, ApJ, 607, 200".
        rest, fields.title = fields.title + rest, None
    if not fields.authors:
        rest = _authors_after(rest, fields)
    if not fields.authors and names_after:
        rest, names_after = _names_sentence_after(rest, fields, marked)
    else:
        names_after = False
    if fields.year is None:
        fields.year = _publication_year(rest) or _publication_year(body)
    fields.venue = _venue_from(rest, marked)
    _volume_pages(rest, fields)
    if fields.volume is None and fields.venue:
        fields.volume = _number_after(rest, fields.venue)
    return names_after


# A title ends at punctuation, at the end of the entry or before a parenthesis; a CRF title
# that stops elsewhere cut a title at a word it took for a venue ("... Tasks in Neural Networks").
TITLE_STOPS = ".,;:?!”\"')]"
_VENUE_OPENS = re.compile(VENUE_OPENING, re.IGNORECASE)
_LEAD_AFTER_TITLE = re.compile(r",\s(?:[Ii]n|[Dd]ans|[Ee][nm])\s?:")
LEAD_WORD = re.compile(r"(?:[Ii]n|[Ii]m|[Dd]ans|[Ee][nm])\s?:?")
# One to three words before a colon, one of them no part of a person's name: "PILC",
# "CiCo", "3PSDF", "MAPF-LNS2", "Quasi-global momentum", "Learning to trade".
_LABEL_WORD = r"[^\s,;:.]+"
TITLE_LABEL = re.compile(
    rf"(?=[^:]*(?:\b[A-Z]{{2,}}|\b\w*[a-z][A-Z]|\d|(?<![\w-])[a-z]))"
    rf"{_LABEL_WORD}(?:\s{_LABEL_WORD}){{0,2}}:"
)


def _redraw_with_crf(body: str, fields: CitedFields, authors_end: int,
                     rule_title: tuple[int, int]) -> bool:
    """Replace the rule-drawn title and venue by the CRF's where the rules were guessing.

    The CRF (trained on AnyStyle core.xml) draws unmarked title/venue boundaries better than
    the sentence rules (gold.xml title F1 0.885 -> 0.956, benchmarks/extraction.py). It never
    saw the LLM styles, so where the two disagree in ways the rules are sure of, they win:
    the CRF title may not start inside the rule author list nor in the middle of the rule
    title's first sentence, must end at a title stop, and a final sentence the rules read as
    the venue ("Title. ICLR.") stays the venue when the CRF swallows it and finds no venue.
    """
    runs = labelled_runs(body)  # cached: one labelling per text, whatever the readings
    title = next(((start, end) for label, start, end in runs
                  if label == "title" and start >= authors_end), None)
    if title is None:
        return False
    start, end = title
    title_start, title_end = rule_title
    if title_start < start < title_end and body[start - 2] not in ".?!:;,)":
        return False
    if authors_end < start < title_start:
        return False  # a title from inside the rules' date: "..., 2022, July. Palm: ..."
    lead = _LEAD_AFTER_TITLE.match(body, title_end)
    if lead and end >= lead.end():
        end = title_end  # not on past ", in:", ", dans :": the rules' title surely ends there
    # Titles of computing papers lead with a name and a colon ("PILC: Practical image ...",
    # "Quasi-global momentum: Accelerating ..."): the CRF, trained on other fields, takes the
    # name for the end of the authors or the subtitle for the venue. A few words before the
    # colon that no person is named with (an acronym, inner capitals, a lower-case word),
    # or a subtitle without digits after it (no volume, date or proceedings), stay in the
    # rules' title; "Marcin Kurdziel: Neural ..." is left to the CRF.
    label = body[title_start:start].rstrip()
    if title_start < start < title_end and label.endswith(":") and (
            TITLE_LABEL.fullmatch(label) or " " not in label):
        return False  # (one word names no person: "Flamingo: A visual language model ...")
    if end < title_end and body[end - 1] == ":" and not _DIGIT.search(body[end:title_end]):
        return False
    if end > title_end and _EMPHASIS_START.search(body[max(start, title_end):end]):
        return False  # emphasis after the rules' title starts the venue: "... graphs. *Mach. Learn.*"
    if body[end - 1] not in TITLE_STOPS and body[end:end + 2] not in ("", " (", " ["):
        return False
    venue = next((body[run_start:run_end] for label, run_start, run_end in runs
                  if label in ("journal", "container") and run_start >= end), None)
    after_sentence = _STOP_BLANK.match(body[title_end - 1: title_end + 1]) is not None
    if venue is None and after_sentence and fields.venue and end > title_end and \
            fields.venue in body[title_end:end]:
        return False
    if end > title_end and fields.venue and _VENUE_OPENS.match(fields.venue) and \
            title_end <= body.find(fields.venue, title_end) < end:
        return False  # a title run on into a named venue: "... learning. InProceedings of ..."
    before = (fields.title, fields.venue)
    fields.title = _clean_title(body[start:end]) or fields.title
    crf_venue = _venue_from(venue, labelled=True) if venue else None
    if crf_venue and fields.venue and fields.venue.startswith(crf_venue) \
            and crf_venue.rsplit(" ", 1)[-1] in VENUE_JOINING_WORDS:
        # A CRF venue ending on a joining word was cut short (it labels a venue in lower
        # case, as Scholar writes one, only in part): "In International conference on |
        # learning representations."
        crf_venue = None
    if crf_venue and not LEAD_WORD.fullmatch(crf_venue):
        fields.venue = crf_venue
        fields.volume = fields.volume or _number_after(body[end:], crf_venue)
    elif fields.venue and -1 < body.find(fields.venue, title_end) < end:
        # The CRF's title took in the start of what the rules read as the venue (a subtitle
        # after "?": "... Synthetic Data? Sample-level Metrics .... ICML."): the venue is
        # what follows the new title.
        fields.venue = _venue_from(body[end:])
    return (fields.title, fields.venue) != before


def _with_subtitle(body: str, title_end: int) -> int:
    """Extend a title over a following sentence that reads as its subtitle, not a venue.

    Book titles often continue after a period ("The authentic heart. An eightfold path to
    midlife love. New York: Wiley."); a subtitle is sentence-case prose with no venue cue
    and is followed by more of the reference.
    """
    start = _skip(body, title_end)
    if start >= len(body) or not body[start].isupper():
        return title_end
    end = sentence_end(body, start)
    tail = TITLE_TAIL.search(body, start, end)  # "... Reasoning, in: Proceedings of ..."
    end = tail.start() if tail else end
    if end >= len(body.rstrip(". ")):
        return title_end
    sentence = body[start:end]
    words = sentence.split()
    lower = sum(1 for w in words[1:] if w[:1].islower())
    # After a question ("One Network Fits All? Modular versus Monolithic ...") a subtitle
    # in title case is common too.
    asks = body[:title_end].rstrip().endswith(("?", "!"))
    if len(words) < 3 or (lower * 2 < len(words) - 1 and not asks) \
            or SUBTITLE_STOP.search(sentence):
        return title_end
    # "Is Forgetting Less a Good Inductive Bias? Paula Santos, Yusuf Ibrahim, and Hiro
    # Takahashi. ICLR, 2023.": a sentence of names after a question is its authors.
    if asks and _names_sentence(body[title_end:]) is not None:
        return title_end
    return end


def _skip(text: str, pos: int) -> int:
    while pos < len(text) and text[pos] in " ,.;:—–-":
        pos += 1
    return pos
