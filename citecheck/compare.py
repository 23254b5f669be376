"""Field-by-field comparison of what a citation claims with one record (rapidfuzz)."""

from __future__ import annotations

import itertools
from collections import Counter
from dataclasses import dataclass, field
from functools import lru_cache

from rapidfuzz import fuzz, process

from citecheck.extract.fields import HTML_TAG, TITLE_NOTE
from citecheck.extract.types import CitedFields
from citecheck.records import (
    MAIN_TITLE_CHARS,
    NAME_PARTICLES,
    Record,
    arxiv_from_doi,
    display_name,
    family_name,
    normalize_text,
    title_key,
)
from citecheck.venues import Venue, VenueTable

# Renderings of the same title differ only in case, accents, LaTeX, punctuation, hyphens
# and spaces, which records.title_key removes (so HALLMARK's "Chain of-Thought" for
# "Chain-of-Thought" is the same title); any other difference ("Models" for "Model",
# "towards" for "for") is a wrong title, so "same" means the same key (HALLMARK dev:
# near-miss titles score 0.90-0.99 by edit ratio).
SAME_TITLE = 1.0
# Below this a title is another paper, not a garbled rendering of this one.
NEAR_TITLE = 0.80
# A title this many words long or longer, extended at one end, still names its work.
MIN_EXTENDED_TITLE_WORDS = 4
# Family names that differ only by transliteration or a typo ("Schölkopf"/"Scholkopf").
SAME_NAME = 88
# Author lists longer than this are searched through an index of their names' parts (see
# _LongList) rather than name by name.
MANY_AUTHORS = 64
# Preprints are often cited with the year of the arXiv version, before publication.
PREPRINT_YEAR_LAG = 2


@dataclass(slots=True)
class Mismatch:
    """A field the citation gets wrong: what it says and what the record says."""

    field: str
    cited: str
    expected: str

    def to_dict(self) -> dict[str, str]:
        return {"field": self.field, "cited": self.cited, "expected": self.expected}


@dataclass(frozen=True, slots=True)
class AuthorAgreement:
    """How the cited author list lines up with the record's."""

    matched: int
    cited: int
    expected: int
    first_matches: bool

    @property
    def overlap(self) -> float:
        """Share of cited authors found in the record (0 when nothing was cited)."""
        return self.matched / self.cited if self.cited else 0.0


@dataclass(slots=True)
class Comparison:
    """The outcome of comparing one citation with one record."""

    record: Record
    title_similarity: float
    authors: AuthorAgreement
    mismatches: list[Mismatch] = field(default_factory=list)
    identifier_match: bool = False
    cited: CitedFields = field(default_factory=CitedFields)
    """The reading of the citation that was compared."""


# Candidates repeat across a citation's readings and a batch's citations; the inputs are
# strings, so the same pair is scored once.
@lru_cache(maxsize=65536)
def title_similarity(cited: str | None, expected: str | None) -> float:
    """Similarity in [0, 1] of two titles; 1.0 exactly when they are the same title.

    A citation may drop the subtitle after a colon ("BERT" for "BERT: Pre-training
    of…"), which also counts as the same title.
    """
    if not cited or not expected:
        return 0.0
    a, b = normalize_text(cited), normalize_text(expected)
    if not a or not b:
        return 0.0
    cited_key = title_key(cited)
    if cited_key == title_key(expected):
        return 1.0
    if expected.endswith((")", "]")) and cited_key == title_key(TITLE_NOTE.sub("", expected)):
        # A note the parser drops from cited titles, kept in the record's: the ACL
        # Anthology's "… Tendency)[In Chinese]".
        return 1.0
    if "<" in expected and cited_key == title_key(HTML_TAG.sub(" ", expected)):
        # A word in angle brackets, which the parser takes for markup: "Let's <think> about
        # LLM Reasoning".
        return 1.0
    main_title = title_key(expected.split(":")[0]) if ":" in expected else ""
    if main_title and len(main_title) >= MAIN_TITLE_CHARS and cited_key == main_title:
        return 1.0
    # Capped below 1 so that any real difference stays a (near-miss) title mismatch.
    similarity = max(fuzz.ratio(a, b), fuzz.ratio(a.replace(" ", ""), b.replace(" ", ""))) / 100
    return min(similarity, 0.995)


def is_preprint_record(record: Record, venues: VenueTable) -> bool:
    """A record of a preprint: a preprint server's venue, or no venue but an arXiv id."""
    venue = venues.resolve(record.venue)
    return (venue is not None and venue.is_preprint) or (not record.venue and bool(record.arxiv))


def title_extends(cited: str | None, expected: str | None) -> bool:
    """One title is the other with words added or dropped at an end ("Acceleration via
    Fractal Learning Rate Schedules for Large Language Models"): the same work, cited with
    a wrong title, whatever the edit ratio says."""
    if not cited or not expected:
        return False
    a = normalize_text(cited).split()
    b = normalize_text(expected).split()
    shorter, longer = (a, b) if len(a) <= len(b) else (b, a)
    if len(shorter) < MIN_EXTENDED_TITLE_WORDS or shorter == longer:
        return False
    return longer[: len(shorter)] == shorter or longer[-len(shorter):] == shorter


@dataclass(frozen=True, slots=True)
class NameParts:
    """A person's name, normalised once: its words, family name and given words."""

    words: tuple[str, ...]
    family: str
    core: tuple[str, ...]
    """The family name's words without particles: "van der Maaten" -> ("maaten",)."""
    given: tuple[str, ...]


@lru_cache(maxsize=262144)
def name_parts(name: str) -> NameParts:
    words = tuple(normalize_text(display_name(name)).split())
    family = normalize_text(family_name(name))
    family_words = family.split()
    core = tuple(w for w in family_words if w not in NAME_PARTICLES) or tuple(family_words)
    given = words[: len(words) - len(family_words)] if family_words else words
    return NameParts(words, family, core, given)


def _same_family(x: NameParts, y: NameParts) -> bool:
    a, b = x.family, y.family
    if not a or not b:
        return False
    if a == b or a.replace(" ", "") == b.replace(" ", ""):
        return True
    # Compound family names: "Boix-Adserà" cited as "Boix"; "van der Maaten" as "Maaten".
    # Particles alone never make two names the same: "van Dijk" is not "van Gogh".
    core_x, core_y = x.core, y.core
    if core_x[-1] == core_y[-1] or core_x[0] == core_y[0]:
        return min(len(core_x[-1]), len(core_y[-1]), len(core_x[0]), len(core_y[0])) >= 3 \
            or core_x == core_y
    return fuzz.ratio(a, b, score_cutoff=SAME_NAME) >= SAME_NAME


def _swapped_order(cited: NameParts, expected: NameParts) -> bool:
    """One source writes the family name first: "Jeon Jinsung" for "Jinsung Jeon", "Chen
    Hwann-Tzong" for "Hwann-Tzong Chen" (the name's words turned round, in their order)."""
    # (A middle initial may be there or not, "Coley Connor W." for Connor Coley, or written
    # out, "Alegre Lucas Nunes" for Lucas N. Alegre; hyphens may go, "Yang Jia-Qi" for Jiaqi
    # Yang.)
    if _turned(cited.words, expected.words) or _turned(
            tuple(w for w in cited.words if len(w) > 1),
            tuple(w for w in expected.words if len(w) > 1)) or _turned_letters(
            cited.words, expected.words):
        return True
    if len(cited.given) != 1 or len(expected.given) != 1:
        return False
    return (cited.family == expected.given[0]
            and (cited.given[0] == expected.family
                 or (len(cited.given[0]) == 1 and expected.family.startswith(cited.given[0]))))


def _turned(words: tuple[str, ...], other: tuple[str, ...]) -> bool:
    """``words`` are ``other`` turned round, word for word or initial for word."""
    if len(words) < 2 or len(words) != len(other):
        return False
    return any(all(word == was or (min(len(word), len(was)) == 1 and word[0] == was[0])
                   for word, was in zip(words, other[turn:] + other[:turn], strict=True))
               for turn in range(1, len(other)))


def _turned_letters(words: tuple[str, ...], other: tuple[str, ...]) -> bool:
    """The letters of ``words`` are those of ``other`` turned round at a word boundary of
    each ("yang jia qi" and "jiaqi yang")."""
    joined, was = "".join(words), "".join(other)
    if len(words) < 2 or len(other) < 2 or joined == was or len(joined) != len(was):
        return False
    cuts = set(itertools.accumulate(len(word) for word in words[:-1]))
    turns = itertools.accumulate(len(word) for word in other[:-1])
    return any(len(was) - turn in cuts and joined == was[turn:] + was[:turn] for turn in turns)


def _same_person_reordered(cited: NameParts, expected: NameParts) -> bool:
    """A source that orders or trims name parts differently: "Thommen Karimpanal George" for
    "Thommen George Karimpanal", "Ramon Matas" for "Ramon Matas Navarro".

    Same first given name (or initial), and either family name is a word of the other name.
    """
    if len(cited.words) < 2 or len(expected.words) < 2:
        return False
    first_cited, first_expected = cited.words[0], expected.words[0]
    same_given = (first_cited == first_expected
                  or (min(len(first_cited), len(first_expected)) == 1
                      and first_cited[0] == first_expected[0]))
    if not same_given:
        return False
    return (len(cited.family) >= 3 and cited.family in expected.words[1:]) or (
        len(expected.family) >= 3 and expected.family in cited.words[1:])


def _initialed_with_one_more_part(cited: NameParts, expected: NameParts) -> bool:
    """A record that drops the last part of a cited name, the cited one in initials:
    "R. M. Navarro" for "Ramon Matas" (Ramon Matas Navarro)."""
    if len(expected.words) < 2 or len(cited.words) != len(expected.words) + 1 \
            or len(expected.family) < 3:
        return False
    return all(c == e or (len(c) == 1 and e.startswith(c))
               for c, e in zip(cited.words, expected.words, strict=False))


def _letters(parts: NameParts, run_together: bool) -> list[str]:
    # With run_together, a word of two letters is two initials: "MB" in "R MB".
    return sorted(letter for word in parts.words
                  for letter in (word if run_together and len(word) <= 2 else word[0]))


def _single_letter_family(cited: NameParts, expected: NameParts) -> bool:
    """A family name of one letter (South Indian names: "Mallikarjun B R"), which styles
    that put initials after the family name read backwards ("R MB")."""
    if min(len(cited.family), len(expected.family)) != 1:
        return False
    if len(cited.words) < 2 or len(expected.words) < 2:
        return False
    return any(_letters(cited, a) == _letters(expected, b)
               for a in (False, True) for b in (False, True))


def _capitals_read_as_initials(cited: NameParts, expected: NameParts) -> bool:
    """A family name in capitals read as initials: "Edward LOO" parsed as "L. O. O. Edward"
    and "TIANYI LIU" as "L. I. U. Tianyi"; the initials spell a word of the other name."""
    letters = [word for word in cited.words if len(word) == 1]
    if len(letters) < 2 or len(letters) == len(cited.words):
        return False
    spelled = "".join(letters)
    rest = [word for word in cited.words if len(word) > 1]
    return spelled in expected.words and all(word in expected.words for word in rest)


def _family_only_matches_a_name_word(cited: NameParts, expected: NameParts) -> bool:
    """A family name cited alone, against a record that writes that family name first
    ("Ma" for "MA KAILI") or inside a longer name ("Karimpanal" for "Thommen Karimpanal
    George", whom other sources call Thommen George Karimpanal)."""
    if len(cited.words) != 1 or len(expected.words) < 2 or len(cited.family) < 2:
        return False
    return cited.family == expected.words[0] or (
        len(cited.family) >= 3 and cited.family in expected.words[1:-1])


def _initials_after_family(cited: NameParts, expected: NameParts) -> bool:
    """Vancouver's initials after the family name, read as a given name and a family name
    when a hyphenated or particled given name gives lower-case initials: "Tsujii Ji" for
    Jun-ichi Tsujii, "Nielson PdO" for Pedro de Oliveira Nielson."""
    if len(cited.words) != 2 or not 2 <= len(cited.family) <= 4 or len(expected.given) < 2:
        return False
    return cited.words[0] == expected.family and cited.family == "".join(
        word[0] for word in expected.given)


def _trailing_initials_read_first(cited: NameParts, expected: NameParts) -> bool:
    """A record writing initials after the names ("Pavan Kumar MP"), which a name reader
    takes for a family name's initials and puts first ("M. P. Pavan Kumar")."""
    if not 2 <= len(expected.family) <= 3 or len(expected.words) < 2:
        return False
    return cited.words == [*expected.family, *expected.words[:-1]]


def _same_person(cited: NameParts, expected: NameParts) -> bool:
    if _same_family(cited, expected):
        return True
    # Each rule below needs one of these (as _LongList.positions knows too); most pairs
    # of two different people have none, and are not checked rule by rule.
    if not ((cited.words and expected.words and cited.words[0][0] == expected.words[0][0])
            or (expected.words and expected.words[0] == cited.family)
            or (len(cited.words) == 1 and cited.family in expected.words[1:-1])
            or (cited.words and cited.words[0] == expected.family)
            or len(cited.family) == 1 or len(expected.family) == 1
            or (len(expected.family) <= 3 and cited.family in expected.words)):
        return False
    return (_swapped_order(cited, expected)
            or _same_person_reordered(cited, expected)
            or _initialed_with_one_more_part(cited, expected)
            or _single_letter_family(cited, expected)
            or _family_only_matches_a_name_word(cited, expected)
            or _capitals_read_as_initials(cited, expected)
            or _initials_after_family(cited, expected)
            or _trailing_initials_read_first(cited, expected))


def _repeat_period(names: tuple[str, ...]) -> int:
    """The length of a list written again after itself (a source's glitch copied into
    citations: "P.E. Missiuro; N. Roy; P.E. Missiuro; N. Roy", or cut short by a style's
    "et al.": "Okada M, Komatsu M, Okumura R, Taniguchi T, Okada M, Komatsu M, et al.").

    Two names alike may be two people ("Zhang and Zhang"); two or more alike in order are not.
    """
    count = len(names)
    if count < 4 or names.count(names[0]) < 2:
        return count
    for period in range(2, count - 1):
        if names[period:] == names[: count - period] and len(set(names[:period])) > 1:
            return period
    return count


def _distinct_names(names: tuple[str, ...]) -> list[str]:
    """A record's author list with names listed twice kept once (sources repeat names)."""
    names = names[:_repeat_period(names)]
    seen: set[str] = set()
    distinct = []
    for name in names:
        key = normalize_text(name)
        if not key or name == "et al." or key in seen:
            continue  # a "name" of punctuation alone names nobody
        # Family names alone or with initials repeat in one list ("Sun, Sun and Chen",
        # "Z. Zhang; Z. Zhang": Zheng Zhang and Zhao Zhang); only full names are one person.
        if len(key.split()[0]) > 2 and " " in key:
            seen.add(key)
        distinct.append(name)
    return distinct


def compare_authors(cited: list[str], expected: list[str]) -> AuthorAgreement:
    """How ``cited`` lines up with ``expected``: names matched, first author matched."""
    return _compare_author_lists(tuple(cited), tuple(expected))


@lru_cache(maxsize=8192)
def _people(names: tuple[str, ...]) -> tuple[NameParts, ...]:
    """An author list's distinct people, normalised; a record meets many citations."""
    return tuple(name_parts(n) for n in _distinct_names(names))


class _LongList:
    """Where in a long author list a cited name may match, by the parts that some rule of
    ``_same_person`` needs equal (or, for family names, close).

    Scanning all of a collaboration's names ("Gemini 2.5": 3,303 of them) with every rule
    cost ~16 ms for each cited name that matched none; the positions found here are a
    superset of the matching ones, each then checked by the rules themselves.
    """

    def __init__(self, people: tuple[NameParts, ...]) -> None:
        self.families = [p.family for p in people]
        self.by_family: dict[str, list[int]] = {}
        self.by_key: dict[tuple[str, str], list[int]] = {}
        self.one_letter_families: list[int] = []
        for position, person in enumerate(people):
            self.by_family.setdefault(person.family, []).append(position)
            # A key listed twice gives a position twice: positions() makes them a set.
            keys = [("family", person.family.replace(" ", ""))]
            if person.core:
                keys += [("core first", person.core[0]), ("core last", person.core[-1])]
            if person.words:
                keys += [("first word", person.words[0]), ("initial", person.words[0][0])]
                keys += [("inner word", word) for word in person.words[1:-1]]
            for key in keys:
                self.by_key.setdefault(key, []).append(position)
            if len(person.family) == 1:
                self.one_letter_families.append(position)

    def positions(self, name: NameParts) -> list[int] | None:
        """Positions where ``name`` may match, in list order; None: every position may."""
        # Which rule needs which key: _same_family equal or close family names, or a shared
        # first or last core word; _same_person_reordered and _initialed_with_one_more_part
        # the same first letter; _swapped_order and _family_only_matches_a_name_word the cited
        # family name as the first (or an inner) word; _single_letter_family a one-letter
        # family name; _initials_after_family the cited first word as the family name.
        if len(name.family) == 1:
            return None
        keys = [("family", name.family.replace(" ", ""))]
        if name.core:
            keys += [("core first", name.core[0]), ("core last", name.core[-1])]
        if name.words:
            keys.append(("initial", name.words[0][0]))
        keys.append(("first word", name.family))
        if len(name.words) == 2:
            keys.append(("family", name.words[0]))
        if len(name.words) == 1:
            keys.append(("inner word", name.family))
        found = {p for key in keys for p in self.by_key.get(key, ())}
        found.update(self.one_letter_families)
        if name.family:
            found.update(index for _, _, index in process.extract(
                name.family, self.families, scorer=fuzz.ratio, score_cutoff=SAME_NAME,
                limit=None))
        return sorted(found)


@lru_cache(maxsize=1024)
def _long_list(expected: tuple[str, ...]) -> _LongList:
    return _LongList(_people(expected))


# A citation's readings often share their author list, and candidates share records, so
# about half the comparisons of a batch repeat one already made (benchmarks/throughput.py).
@lru_cache(maxsize=65536)
def _compare_author_lists(cited: tuple[str, ...], expected: tuple[str, ...]) -> AuthorAgreement:
    # A name listed twice (in a record, or copied from one into a citation) is one author.
    cited_names = _people(cited)
    expected_names = _people(expected)
    if len(expected_names) < len(expected) and len(cited_names) > 1:
        cited_names = _repeats_dropped(cited_names, expected)
    long_list = _long_list(expected) if len(expected_names) > MANY_AUTHORS else None
    taken: set[int] = set()  # positions in expected_names matched to a cited name
    unmatched = []
    # Exact family names first, so a fuzzy match cannot take a name another author owns.
    for name in cited_names:
        same_family = (long_list.by_family.get(name.family, []) if long_list is not None else
                       (p for p, person in enumerate(expected_names)
                        if person.family == name.family))
        # Of two authors of one family name, the one with the cited name's first letter
        # ("B. Zhang" is Bob Zhang, not Zheng Zhang, whom "Zhang Zheng" names).
        free = [p for p in same_family if p not in taken]
        exact = next((p for p in free if _same_first_letter(name, expected_names[p])),
                     free[0] if free else None)
        if exact is None:
            unmatched.append(name)
        else:
            taken.add(exact)
    matched = len(cited_names) - len(unmatched)
    for name in unmatched:
        positions = long_list.positions(name) if long_list is not None else None
        if positions is None:
            positions = range(len(expected_names))
        fuzzy = next((p for p in positions
                      if p not in taken and _same_person(name, expected_names[p])), None)
        if fuzzy is not None:
            taken.add(fuzzy)
            matched += 1
    first = bool(cited_names and expected_names
                 and _same_person(cited_names[0], expected_names[0]))
    return AuthorAgreement(matched, len(cited_names), len(expected_names), first)


def _same_first_letter(cited: NameParts, expected: NameParts) -> bool:
    return bool(cited.given and expected.given) and cited.given[0][0] == expected.given[0][0]


def _repeats_dropped(cited: tuple[NameParts, ...],
                     expected: tuple[str, ...]) -> tuple[NameParts, ...]:
    """The cited names without a repeat of one the record lists twice: a citation copying
    "Rolf Lakaemper; Rolf Lakaemper" as "Lakaemper and Lakaemper" names one person.
    ("Zhang and Zhang" for two people stays two names when the record lists two.)"""
    counts = Counter(normalize_text(name) for name in expected)
    twice = {name_parts(name).family for name in expected if counts[normalize_text(name)] > 1}
    kept: list[NameParts] = []
    for name in cited:
        if name.family in twice and name in kept:
            continue
        kept.append(name)
    return tuple(kept)


def _authors_ok(agreement: AuthorAgreement, et_al: bool) -> bool:
    if agreement.cited == 0:
        return True
    if agreement.matched < agreement.cited or not agreement.first_matches:
        return False
    # Without "et al." a shorter list leaves authors out (a partial author list).
    return et_al or agreement.cited == agreement.expected


def _format_authors(names: list[str], limit: int = 8) -> str:
    shown = names[:limit]
    text = "; ".join(shown)
    return text + ("; et al." if len(names) > limit else "")


def _format_cited_authors(cited: list[str], expected: list[str], limit: int = 8) -> str:
    """The cited names as ``_format_authors`` shows them, and, where the list is longer
    than that, the names past it the record lacks: two long lists may differ only there."""
    text = _format_authors(cited, limit)
    if len(cited) > limit:
        families = {name_parts(name).family for name in expected}
        others = [name for name in cited[limit:] if name_parts(name).family not in families]
        if others:
            text += f" (not in the record: {'; '.join(others[:limit])})"
    return text


def compare(cited: CitedFields, record: Record, venues: VenueTable) -> Comparison:
    """Compare each cited field with the record and list the fields that disagree."""
    similarity = title_similarity(cited.title, record.title)
    agreement = compare_authors(cited.authors, record.authors)
    mismatches: list[Mismatch] = []
    cited_arxiv = cited.arxiv or arxiv_from_doi(cited.doi)
    identifier_match = bool(
        (cited.doi and record.doi and cited.doi == record.doi)
        or (cited_arxiv and record.arxiv and cited_arxiv == record.arxiv)
    )

    if cited.title and similarity < SAME_TITLE:
        mismatches.append(Mismatch("title", cited.title, record.title))
    if not _authors_ok(agreement, cited.et_al) and record.authors:
        mismatches.append(Mismatch("authors", _format_cited_authors(cited.authors, record.authors),
                                   _format_authors(record.authors)))

    cited_venue = venues.resolve(cited.venue)
    record_venue = venues.resolve(record.venue)
    record_is_preprint = is_preprint_record(record, venues)
    cited_is_preprint = (cited_venue is not None and cited_venue.is_preprint) or (
        cited.venue is None and bool(cited_arxiv) and not cited.doi)

    if cited.year is not None and record.year is not None and cited.year != record.year:
        # A citation of the arXiv version of a published paper legitimately carries
        # the (earlier) preprint year; nowhere else is the year allowed to differ.
        preprint_lag = cited_is_preprint and 0 < record.year - cited.year <= PREPRINT_YEAR_LAG
        if not preprint_lag:
            mismatches.append(Mismatch("year", str(cited.year), str(record.year)))

    if cited.venue:
        venue_problem = _venue_mismatch(cited.venue, cited_venue, record, record_venue,
                                        record_is_preprint, cited_is_preprint, venues)
        if venue_problem:
            mismatches.append(venue_problem)

    doi_problem = _doi_mismatch(cited, record, cited_venue, record_venue)
    if doi_problem:
        mismatches.append(doi_problem)
    arxiv_only_from_doi = doi_problem is not None and cited_arxiv == arxiv_from_doi(cited.doi)
    if cited_arxiv and record.arxiv and cited_arxiv != record.arxiv and not arxiv_only_from_doi:
        mismatches.append(Mismatch("arxiv", cited_arxiv, record.arxiv))
    return Comparison(record, similarity, agreement, mismatches, identifier_match, cited)


def _venue_mismatch(cited_text: str, cited_venue: Venue | None, record: Record,
                    record_venue: Venue | None,
                    record_is_preprint: bool, cited_is_preprint: bool,
                    venues: VenueTable) -> Mismatch | None:
    expected = record.venue or ("arXiv" if record_is_preprint else "")
    if cited_is_preprint:
        # Citing the preprint of a published paper is legitimate, not an error.
        return None
    if record_is_preprint:
        wrong = True
    elif cited_venue is not None and record_venue is not None:
        wrong = cited_venue != record_venue
    elif not record.venue:
        return None
    elif record_venue is not None and venues.part_of(cited_text, record_venue):
        wrong = False
    else:
        score = fuzz.token_set_ratio(normalize_text(cited_text), normalize_text(record.venue))
        wrong = score < 90
    # "Proceedings of the" (a venue name cut short at its year) names no venue to be wrong.
    if not wrong or not venues.names_a_venue(cited_text):
        return None
    return Mismatch("venue", cited_text, expected or "arXiv (preprint)")


def _doi_mismatch(cited: CitedFields, record: Record, cited_venue: Venue | None,
                  record_venue: Venue | None) -> Mismatch | None:
    if not cited.doi:
        return None
    if record.doi:
        if cited.doi == record.doi:
            return None
        # An arXiv DOI for the preprint of a published paper is consistent when it
        # names the record's arXiv id (or the record has none to contradict it).
        cited_arxiv = arxiv_from_doi(cited.doi)
        if cited_arxiv and (not record.arxiv or cited_arxiv == record.arxiv) \
                and not arxiv_from_doi(record.doi):
            return None
        return Mismatch("doi", cited.doi, record.doi)
    if arxiv_from_doi(cited.doi):
        cited_arxiv = arxiv_from_doi(cited.doi)
        if record.arxiv and cited_arxiv != record.arxiv:
            return Mismatch("doi", cited.doi, f"arXiv {record.arxiv}")
        return None
    venue = record_venue or cited_venue
    prefix = cited.doi.split("/")[0]
    if venue is not None:
        if not venue.issues_dois:
            return Mismatch("doi", cited.doi, f"none ({venue.canonical} papers have no DOI)")
        if venue.doi_prefixes and prefix not in venue.doi_prefixes:
            return Mismatch("doi", cited.doi,
                            f"a DOI with prefix {' or '.join(venue.doi_prefixes)}")
    return None
