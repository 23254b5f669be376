"""A citation's readings: its likeliest parse, the alternatives kept for the record to choose, and
the readings a record (or the venue table) shows: a venue the title ran on into."""

from __future__ import annotations

import re
from dataclasses import replace

from citecheck.extract.names import AND_WORDS, PARTICLES, names_only
from citecheck.extract.types import CitedFields
from citecheck.extract.venue_rules import VENUE_START
from citecheck.records import Record, title_key
from citecheck.venues import VenueTable


def all_readings(fields: CitedFields) -> list[CitedFields]:
    """The likeliest reading first, then the alternatives the parser found plausible."""
    return [fields, *fields.readings]


def reading_with_title(fields: CitedFields, record_title: str) -> CitedFields:
    """The reading whose title is the record's (the likeliest one when none is): where the
    parser was unsure of a title boundary, the record shows which text is the title."""
    wanted = title_key(record_title)
    return next((r for r in all_readings(fields) if r.title and title_key(r.title) == wanted),
                fields)


# What may stand between a title and the venue it runs into: "in", "In:", "; in : ",
# punctuation, or nothing ("inAAAI").
_VENUE_LEAD = re.compile(r"^\W*(?:[Ii]n(?:\b|(?=[A-Z])))?[\s:]*")
_LINK = re.compile(r"https?://|\bdoi:|\bDOI\b")
# A date, volume, issue and pages after a venue's name ("..., 2024.", "6(2), 1-10", "pp. 1-9").
_TRAILING_DETAILS = re.compile(r"(?:[\s.,;:()]|\b(?:pp?|vol|no)\b\.?|[-–\d])*$")
_ONLY_A_DATE = re.compile(r"\W*(?:1[6-9]|20)\d\d[a-z]?\W*")
# Where the venue's name ends: its year, volume or pages, a bracket, a comma.
_VENUE_END = re.compile(r"\s*[(\[,;]|\s\d+\b")


def _venue_words(rest: str) -> str:
    """The venue's name in what follows a title: no "in", year, volume or pages."""
    return _VENUE_END.split(_VENUE_LEAD.sub("", rest), maxsplit=1)[0].strip(" .")


def _venue_names(rest: str) -> list[str]:
    """What a venue's name after a title may be, longest first: all of ``rest`` up to its
    date, link or numbers ("Proceedings of the 2024 Joint International Conference on ...,
    Language Resources and Evaluation (LREC-COLING 2024)"), then ``rest`` cut at its first
    comma, semicolon, bracket or number (``_venue_words``)."""
    whole = _TRAILING_DETAILS.sub("", _LINK.split(_VENUE_LEAD.sub("", rest), maxsplit=1)[0])
    names = [whole.strip(" .,;")] if whole else []
    names += [name for name in (_venue_words(rest),) if name and name not in names]
    return names


# Without a record to show where its title ends, only a venue's short name ("NeurIPS", "in
# ICML") is read off the end of a title, and the title must keep a few words.
MAX_VENUE_WORDS = 3
MIN_TITLE_WORDS = 3
# Words of a venue's name: what is left of a title with one of them is a venue's name cut
# short ("Em Proceedings of the 54th", a style that prints no titles).
_VENUE_WORD = re.compile(r"\b(?:proceedings|conference|workshop|symposium|meeting|journal|"
                         r"transactions|annual)\b", re.IGNORECASE)


def venue_ending_title(reading: CitedFields, venues: VenueTable) -> CitedFields | None:
    """The reading with the last words of its title as its venue, when they are one of the
    venue table's names (most of their words an alias's), and it has no venue of its own:
    the IOP and PNAS forms of ``venue_run_on`` for a citation no record matches."""
    if reading.venue or not reading.title:
        return None
    words = reading.title.split()
    for size in range(min(MAX_VENUE_WORDS, len(words) - 1), 0, -1):
        venue = _venue_words(" ".join(words[-size:]))
        if venue and venues.named(venue) is not None:
            title = _LEAD_AT_END.sub("", " ".join(words[:-size]))
            # What is left must be a title: not the names of a style that prints none
            # (Angewandte Chemie's "A. Abbas, P. Swoboda in NeurIPS, 2021."), nor the start
            # of a venue's name ("(Proceedings of the 2023 Conference on ...").
            if len(title.split()) < MIN_TITLE_WORDS or not title[:1].isalnum() \
                    or VENUE_START.match(title) or _VENUE_WORD.search(title) \
                    or _YEAR.search(title) or names_only(title) or not_a_title(title):
                return None
            return replace(reading, title=title, venue=venue, readings=[])
    return None


# Initials standing alone, as in names ("J.-B.", "J.-W", "M."): two of them are no title's.
_LONE_INITIAL = re.compile(r"(?<![\w.])[A-Z]\.(?:-[A-Z]\.?)?(?=[\s,]|$)|(?<![\w.])[A-Z]\.-[A-Z]\b")
_TITLE_WORD = re.compile(r"[^\s,;]+")
_YEAR = re.compile(r"\b(?:1[6-9]|20)\d\d\b")
_LEAD_AT_END = re.compile(r"[\s,;:]*(?:\b[Ii]n:?)?[\s,;:]*$")


def not_a_title(title: str) -> bool:
    """What a reference with no title yields as one: a single word ("preprint", "Phys" of
    "Phys. Rev. Lett."), or a name's words and initials ("Wick, J.-B. Tristan and J.-W",
    "M. van der Schaar"), from the physics and chemistry styles that print no titles ("H. Wu,
    ..., in ICML, 2021.", Angewandte Chemie's "A. M. Alaa, ..., M. van der Schaar in ICML")."""
    if " " not in title.strip() or len(_LONE_INITIAL.findall(title)) >= 2:
        return True
    words = _TITLE_WORD.findall(title)
    return bool(_LONE_INITIAL.search(title)) and all(
        word[:1].isupper() or word in PARTICLES or word in AND_WORDS for word in words)


_WORD = re.compile(r"\w+")


def _end_of_words(title: str, letters: str) -> int | None:
    """Where ``title`` has held, in order, the letters of a record title's words (``letters``,
    lower case, whatever stands between the words), if what follows there can end a title: a
    non-word character, or a capital, digit or "arXiv" glued on. Words may run together where
    the record writes markup ("log2(T)" for "$log^2(T)$"), and a venue or year may be glued on
    (ABNT's "... Chain-of-ThoughtICLR. Anais...2022", "...Formal XAIAAAI", "...Education2026;").
    A scan, not a pattern per record title: compiling one cost a third of a miss's time."""
    matched = 0
    for position, char in enumerate(title):
        if not (char.isalnum() or char == "_"):
            continue
        if char.lower() != letters[matched]:
            return None
        matched += 1
        if matched == len(letters):
            following = title[position + 1:position + 2]
            glued = following.isupper() or following.isdigit() \
                or title.startswith("arXiv", position + 1)
            ends = not following or not (following.isalnum() or following == "_") or glued
            return position + 1 if ends else None
    return None


def venue_run_on(reading: CitedFields, record: Record,
                 venues: VenueTable) -> CitedFields | None:
    """The reading with the record's title, and the words its title ran on into as its
    venue, when those words name a venue: the record's, or one of the venue table's.

    Styles that set a venue apart by italics alone read, as plain text, as one run: IOP's
    "Abbas A and Swoboda P 2021 Combinatorial Optimization for Panoptic Segmentation
    NeurIPS", PNAS's "... Panoptic Segmentation in NeurIPS, (2021)". Words added to a
    title that name no venue ("... Schedules for Large Language Models") stay in it.
    """
    if (reading.venue and venues.resolve(reading.venue) is not None) or not reading.title \
            or len(reading.title) <= len(record.title) // 2:
        return None
    words = _WORD.findall(record.title)
    if len(words) < 2:
        return None
    end = _end_of_words(reading.title, "".join(words).lower())
    if end is None:
        return None
    rest = reading.title[end:]
    if _ONLY_A_DATE.fullmatch(rest):
        # The year after a title with nothing between ("... from Primary Education 2026.").
        return replace(reading, title=reading.title[:end], readings=[])
    tail = next((name for name in _venue_names(rest) if venues.named(name) is not None
                 or venues.same_name(name, record.venue or "")), None)
    if tail is None:
        return None
    return replace(reading, title=reading.title[:end], venue=tail, readings=[])
