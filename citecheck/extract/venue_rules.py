"""What follows a title that is not a venue: publishers, places, editions, theses, reports.

A reference to a book, thesis or report has no journal or proceedings, but the text after its
title (publisher, place, edition, series, degree, report number, editor or translator) sits
where an article's venue would. Reading it as a venue makes verification report a venue
mismatch against the record; these rules recognise such text in every common style.
"""

from __future__ import annotations

import re

from citecheck.extract.names import scan_authors

# Words that only venues carry: a text with one of them is a journal or proceedings even
# when a publisher is named too ("Proceedings of ..., ACM Press").
VENUE_WORD = re.compile(
    r"\b(?:J|Jour|Proc|Conf|Trans|Rev|Lett|Bull|Ann|(?i:Journal|Proceedings|Conference|Symposium|"
    r"Workshop|Congress|Transactions|Review|Letters|Bulletin|Magazine|Quarterly|Annals|Acta|"
    r"Zeitschrift|Revue|Revista|Rivista|Tijdschrift|Cahiers|Archives|Newsletter|Gazette|"
    r"Jahrbuch|Yearbook|Reports|Abstracts|Papers|Nature|Science|Lancet))\b"
)
# How a venue's name opens, where a title or a name would not: "Proceedings of the 10th ...",
# "Advances in Neural ...", "arXiv (cs.CL)" (after "In", or emphasised, in many styles).
VENUE_OPENING = (r"(?:Proceedings|Proc\.|Journal|Transactions|Advances\sin|Findings\sof|arXiv"
                 r"|International\s(?:Conference|Workshop|Symposium|Journal))\b")
VENUE_START = re.compile(rf"(?:In:?\s)?{VENUE_OPENING}")
# The lower-case words that join a venue name's words ("Conference on ...", "Findings of the
# ..."): no venue's name ends with one.
VENUE_JOINING_WORDS = frozenset({"of", "on", "in", "for", "and", "the", "&", "at"})
# A place of publication before a colon and the publisher: "New York: Wiley",
# "Cambridge, Mass.: MIT Press", "Ross-on-Wye, UK: PCCS Books", "Paris : Gallimard",
# "London/Philadelphia: Whurr", "s.l.: Xlibris", and the odd "1974: Springer-Verlag Berlin".
# Journal titles with a colon ("Sustainability: Science, Practice, Policy. 6(2)") differ in what
# follows: an imprint is a run of capitalised names that ends the reference or comes just
# before the year, the pages or the ISBN.
_UPPER = "A-ZÀ-ÖØ-ÞĀ-ŽŁ"
# Possessive: a hyphen both joins a word and separates words ("Ross-on-Wye"); read both ways
# a run of hyphen-joined capitals costs exponential time.
_PLACE_WORD = rf"[{_UPPER}][\w'’.-]{{1,30}}+"
_PLACE = (rf"(?:{_PLACE_WORD}(?:[\s-](?:{_PLACE_WORD}|upon|on|am|an|de|del|do|da|sur|im)){{0,3}}"
          rf"(?:\s?(?:/|&|and|und|et|;)\s?{_PLACE_WORD}(?:\s{_PLACE_WORD})?)?"
          r"(?:,\s(?:[A-Z][A-Za-z.]{1,14}(?:\s[A-Z][a-z.]{1,14})?)|\s\([A-Z]{2,4}\))?"
          r"|s\.\s?[ln]\.|(?:1[5-9]|20)\d\d)")
_CONNECTOR = (r"(?:of|and|on|in|at|for|by|the|de|du|des|das|dos|da|do|la|le|les|del|della|di|für|y|e|"
              r"et|und|co\.?)")
_NAME_WORD = rf"(?:[{_UPPER}][\w'’.&-]*+|&|/|(?:dell|d|l)[’'][\w-]++)"
_PUBLISHER_NAME = rf"{_NAME_WORD}(?:,?\s(?:{_NAME_WORD}|{_CONNECTOR})){{0,9}}"
_IMPRINT_END = (r"\s?(?:[,.;]\s?)?(?:$|\(|(?:1[5-9]|20)\d\d|ISBN|\[|<|https?:|[Dd]oi\b|pp\.|"
                r"\d{1,4}\s?p\b)")
_IMPRINT = rf"(?:{_PLACE})\s?:\s(?={_PUBLISHER_NAME}{_IMPRINT_END})"
PLACE_PUBLISHER = re.compile(rf"(?:^|(?<=[.;]\s)|(?<=\())(?:{_IMPRINT})")
# The same after any word: the place may follow a credit whose names were taken away.
IMPRINT_ANYWHERE = re.compile(rf"(?<=\s)(?:{_IMPRINT})")
# Publishers by their own words ("... Press", "... Verlag", "... & Sons") or by the names of
# the large houses that print no journals under their bare name.
PUBLISHER = re.compile(
    r"^(?:The\s)?(?:[^,.;:()]|(?<=Univ)\.|(?<=Acad)\.){0,60}?\b(?:Press|Publishers?|Publishing|Verlag|"
    r"Books|Inc|Ltd|Co|Company|Sons|Pr|Publications|Editions?|Éditions|Editora|Editorial|Edizioni|"
    r"Ediciones)\b(?!\s(?:of|for|in)\b)"
    r"|^(?:John\s)?(?:Wiley|Springer(?:-Verlag)?|Elsevier|Kluwer|Addison[-\s]Wesley|"
    r"McGraw[-\s]Hill|Prentice[-\s]Hall|Morgan[-\s]Kaufmann?|Routledge|Macmillan|Blackwell|"
    r"Sage|Erlbaum|Norton|Penguin|Praeger|Dover|Harper|Knopf|Cengage|Pearson|Wadsworth|"
    r"Butterworth|Heinemann|Pergamon|North[-\s]Holland|Birkh[äa]user|CRC|Taylor\s(?:&|and)\s"
    r"Francis|Gallimard|Suhrkamp|Mouton|Methuen|CUP|OUP|de\sGruyter|Walter\sde\sGruyter)\b"
    r"|^[^,.;:()]{1,60},\s(?:Inc|Ltd|LLC|GmbH|S\.\s?A)\b"
)
# Degrees, reports and other kinds of work that name an institution, not a venue.
GENRE = re.compile(
    r"^(?:Unpublished\s)?(?:(?:Ph\.?\s?D|Doctoral|Master'?s?|Masters|M\.?\s?(?:Sc|S|A|Phil)|"
    r"B\.?\s?Sc|Bachelor'?s?|Diploma|Habilitation|Senior|Honou?rs)\.?\s(?:[Tt]hesis|"
    r"[Dd]iss(?:ertation|\.))|Diss\.\s|[Tt]hesis\b|[Dd]issertation\b(?!\sAbstracts)|Diplomarbeit|"
    r"Projektarbeit|Doktorarbeit|Th[èe]se\b|Tesis\b|Tesi\b|Memoire|Mémoire"
    r"|(?:[A-Z][\w/&.-]*,?\s){0,5}(?:[Pp]atent\b|[Tt]ech(?:nical|\.)?\s?(?:[Rr]ep(?:ort|t|\.)?|[Rr]pt|"
    r"[Mm]emo(?:randum)?|[Nn]ote|[Ss]ummary|TR)\b|(?:[Rr]esearch|[Ii]nternal)\s[Rr]eport\b|"
    r"Research\sand\sDevelopment\s[Rr]eport)"
    r"|TR[\s#-]?\d|(?:[Ww]orking|[Dd]iscussion|[Ww]hite|[Pp]osition)\s[Pp]aper\b|"
    r"[Pp]olicy\s[Bb]rief|[Pp]ress\s[Rr]elease|[Mm]anuscript\b|[Uu]npublished\b|"
    r"[Ss]ubmitted\b|(?:Working\s)?[Dd]raft\b|Internet-Draft)"
)
# Credits of a book and its edition: "Edited by ...", "Trans. ...", "2nd ed.", "Reprint".
CREDIT = re.compile(
    r"^(?:(?:Edited|Translated|Compiled|Introduced)(?:\sand\s\w+)?\b|Dir,|"
    r"(?:\d{1,2}(?:st|nd|rd|th|d|e|ème|\.)?|[Ff]irst|[Ss]econd|[Tt]hird|[Ff]ourth|[Ff]ifth|"
    r"[Rr]ev(?:ised)?\.?|[Nn]ew|[Ee]nlarged|[Ee]xpanded|\w+\sAmerican)\s?(?:ed\b|edn\b|"
    r"[Ee]dition|[Aa]ufl|éd\b)|edn\b|[Rr]eprint(?:ed)?\b|ser\.\s)"
)
SERIES = re.compile(r"\b(?:Series|Schriftenreihe|[Tt]exts\sin)\b")
INSTITUTION = re.compile(
    r"^(?:The\s)?(?:[A-Z][\w&.'-]*\s(?:of\s|for\s|and\s)?){0,4}(?:University|Universit[äéàa]t?\w*|"
    r"Institute|Laboratory|Laboratories|Department|Dept\.?|School|College|Cent(?:er|re))\b"
)
MONTH_NAME = r"(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)[a-z]*\.?"
MONTH_ONLY = re.compile(
    rf"^(?:{MONTH_NAME}|"
    r"(?:janvier|février|mars|avril|mai|juin|juillet|août|septembre|octobre|novembre|"
    r"décembre|Januar|Februar|März|Juni|Juli|Oktober|Dezember))(?:\s\d{1,2})?$"
    r"|^\d{1,2}\s(?:[a-zéû]+|[A-Z][a-z]+)$|^\d{1,2}[-/\s][A-Za-z]{3,9}\.?[-/\s]?(?:\d{2,4})?$",
    re.IGNORECASE,
)
# What is left of a venue that names only volumes or pages: "Vol", "8 vols", "216 pp".
ONLY_NUMBERING = re.compile(r"^(?:\d+\s)?(?:[Vv]ols?|pp?|[Nn]o|[Pp]art|[Ss]er)\.?(?:\s[A-Z\d]{1,3})?$")
# A city with its state or country code and nothing else: "Boston, MA", "Washington, D.C".
PLACE_ONLY = re.compile(
    r"^[A-Z][\w'’.-]+(?:\s[A-Z][\w'’.-]+){0,2},\s(?:[A-Z]{2}|(?:[A-Z]\.){1,2}[A-Z]?)$"
)
# Kinds of work named later in the text: "FAA Technical Center, Tech. Rep., April 2007".
GENRE_ANYWHERE = re.compile(
    r"\b(?:[Tt]ech(?:nical|\.)?\s?[Rr]ep(?:ort|t|\.)?(?!s)|Ph\.?\s?D\.?\s[Tt]hesis|"
    r"[Dd]octor(?:al|'s)\s[Dd]issertation|[Mm]aster'?s\s[Tt]hesis)\b"
)
WEB_PATH = re.compile(r"www\.|\.(?:html?|pdf|ps|php|aspx?)\b|~|\w/\w[^\s]*/")
# An editor list in front of the book a chapter is in: "In J. Smith & K. Lee (Eds.), Book".
EDITORS_FIRST = re.compile(
    r"^[^()\[\]]{2,200}?[\s,]\(?(?:[Ee]ds?|[Ee]ditors?|[Hh]rsg|[Dd]ir|[Cc]oord|[Cc]omp|"
    r"a\scura\sdi|sous\sla\sdir(?:ection)?(?:\sde)?|[Ee]d\.\s(?:and|&)\s[Tt]rans)\.?\)?[.,:]?\s+"
    r"(?:\((?:1[5-9]|20)\d\d[a-z]?\)[.,:]?\s+)?"
)
# Volume and page numbering that only periodicals carry: "12(3)", "13.2", "35:4", ", 8, 76-105".
PERIODICAL_NUMBERING = re.compile(
    r"\d\s?\(\d{1,4}\)|\b\d{1,4}[.:]\d{1,3}\b|,\s?\d{1,4}\s?,\s?\d{1,6}\s?[–-]"
)
# A credit clause with the names after it: "Trans. W. D. Ross.", "Edited by John Leonard,".
CREDIT_NAMES = re.compile(
    r"^(?:(?:Edited|Translated|Compiled|Introduced|Revised)(?:\sand\s\w+)?\s(?:by|with)|"
    r"[Tt]rans\.|[Tt]r\.|[Ee]ds?\.|[Ee]d\.|Traduction\sde|Traduit\spar|Übers\.|Hrsg\.(?:\sv\.)?|"
    r"Dir\.|Prod\.|Perf\.|Directed\sby)\s"
)


# A credited name that the author scanner rejects for what follows it: "James Vincent Murphy (".
NAME_RUN = re.compile(r"(?:(?:[A-Z]\.-?\s?){1,3}|[A-Z][a-z'’-]+\s){1,3}[A-Z][a-z'’-]+(?:,\sJr\.?)?")
# "In Keane et al. [4]", "In Prazniak and Dirlik, 15–51": an edited volume listed elsewhere.
CROSS_REFERENCE = re.compile(
    r"[A-Z][\w'’-]++(?:\s(?:and|&)\s[A-Z][\w'’-]++|\set\sal\.?)"
    r"(?:\s\[\d{1,4}\]|,\s(?:pp?\.\s?)?\d+[–-]\d+|\s\((?:1[5-9]|20)\d\d[a-z]?\))"
)


def cross_reference(text: str) -> bool:
    return CROSS_REFERENCE.match(text) is not None


def skip_editors(text: str) -> str:
    """The text after an editor list that starts it, else ``text``."""
    found = EDITORS_FIRST.match(text)
    if not found:
        return text
    names = text[: found.end()]
    if VENUE_START.match(names) and "," in names:
        # IEEE names the book, then its editors: "Advances in Neural Information Processing
        # Systems, H. Larochelle, ..., and H. Lin, Eds., Curran Associates, Inc., 2020".
        return text[: names.index(",")]
    # A role word alone is no list of names; nor is a (quoted) title followed by its editors.
    if not re.search(r"[A-Z][\w'’-]+", names.split("(")[0]) or re.search(
            r"[.:]\s[A-Z][a-z]+\s[a-z]|[\"“”‘’«»]", names):
        return text
    return text[found.end():]


def skip_credits(text: str) -> str:
    """``text`` after the credit clauses it starts with ("Trans. Nicholas Rand. Critical ...")."""
    for _ in range(3):
        credit = CREDIT_NAMES.match(text)
        if not credit:
            return text
        following = text[credit.end():]
        names = scan_authors(following)
        run = NAME_RUN.match(following)
        if names.names:
            text = following[names.end:].lstrip(" .,;:")
        elif run:
            text = following[run.end():].lstrip(" .,;:")
        else:
            return text  # "Trans. Amer. Math. Soc.": an abbreviated venue, no credit
    return text


_FIRST_CLAUSE_END = re.compile(r"[,.;(]\s|:\s")
_CITED_COUNT = re.compile(r"Cited\s\d")


def book_tail(text: str, title_marked: bool, labelled: bool = False) -> bool:
    """Whether ``text``, all that follows a title, describes a book, thesis or report.

    ``title_marked`` (a quoted title) means the work is part of something else, so a
    later sentence naming a place and publisher is the container's imprint, not the sign
    of a book. ``labelled``: the CRF tagged ``text`` as a container; only series and kinds
    of work overrule it (its training data tags book series as containers).
    """
    head = text.lstrip("( ")[:200]
    first = _FIRST_CLAUSE_END.split(head, maxsplit=1)[0]
    if GENRE.match(head):
        return True
    if labelled:
        return bool(SERIES.search(first)) and not VENUE_WORD.search(first)
    if CREDIT.match(head) or PLACE_PUBLISHER.match(head):
        return True
    genre = GENRE_ANYWHERE.search(head)
    if genre and not VENUE_WORD.search(head[: genre.start()]):
        return True
    if VENUE_WORD.search(first) or PERIODICAL_NUMBERING.search(head[:80]):
        return False
    if PUBLISHER.match(head) or INSTITUTION.match(first) or SERIES.search(first):
        return True
    return not title_marked and _later_imprint(head)


def _later_imprint(head: str) -> bool:
    """A publisher after a subtitle, series or edition of a book: "Subtitle. New York: Wiley"."""
    imprint = IMPRINT_ANYWHERE.search(head)
    if imprint is not None:
        return not VENUE_WORD.search(head[: imprint.start()])
    for segment in re.finditer(r"(?<=[,.;]\s)[^,.;]", head):
        if PUBLISHER.match(head[segment.start():]):
            return not VENUE_WORD.search(head[: segment.start()])
    return False


WEB_ADDRESS = re.compile(r"www\.|\w\.[a-z]{2,4}/|\w/[^\s/]+/")


def cut_web(venue: str) -> str:
    """``venue`` up to a web address left in it ("Boston Globe, boston.com/business/...")."""
    found = WEB_ADDRESS.search(venue)
    if found is None:
        return venue
    # Back to the start of the word holding it (a leading "\S*" in the pattern would make
    # the search quadratic on a long run without spaces).
    return venue[: max(venue.rfind(blank, 0, found.start()) for blank in " \t\n") + 1]


# A venue word with nothing after it names no venue: "in Proc. , 2026", "In: Journal".
EMPTY_VENUE = re.compile(
    r"(?:[Ii]n:?\s)?(?:Proc|Proceedings|Conf|Conference|Journal|J|Trans|Transactions|Workshop|"
    r"Symposium|Int|International|[Ii]n)\.?:?"
)


def leftover(venue: str) -> bool:
    """A venue that after cutting names only a month, a volume count, a web path, a note or
    a bare venue word."""
    return bool(MONTH_ONLY.match(venue) or ONLY_NUMBERING.match(venue) or WEB_PATH.search(venue)
                or PLACE_ONLY.match(venue) or _CITED_COUNT.match(venue)
                or EMPTY_VENUE.fullmatch(venue))
