"""Author lists: where a list of personal names ends and the display names in it."""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from functools import lru_cache

from citecheck.records import display_name

# "A.", "W.E.", "J.-P.", "Th." (two-letter abbreviations of given names are common in German
# and French references; "Md." and "Kr." for Mohammad and Kumar in South Asian names).
_INITIALS_DOTTED = re.compile(
    r"(?:(?:[A-ZÀ-ÖØ-ÞŁŠŽČŘŚŻĆŃİĞŞ]|Th|Ch|Ph|Sh|Kh|Zh|Ye|Yu|Wm|St|Gy|Md|Kr)\.\s?-?){1,4}"
    r"|(?:[A-Z]\.){1,3}[A-Z]|[A-Z]\.?-[A-Z]\."
    # A hyphenated given name's second part in lower case: "J.-i." (Jun-ichi), "G.-h.".
    r"|[A-Z]\.-[a-z]\."
)
# A name ends before a date, a bracket or a quote ("Watkins (1998)", "Wadler [Jan 1993]").
_NAME_BREAK = re.compile(
    r"[(\[]\s?(?:[A-Z][a-z]{2,8}\.?\s)?(?:1[6-9]|20)\d\d|\((?:eds?\b|editors?|hrsg|dir|n\.\s?d|in\s)"
    r"|[\"“«'‘]|(?:1[6-9]|20)\d\d\b",
    re.IGNORECASE,
)
# Two-letter abbreviations that are also whole family names ("Yu.", "Ye.").
_TWO_LETTER = re.compile(r"[A-Z][a-z]\.")
# Abbreviated particles: "M. v. d. Schaar", "J. v.d. Berg".
ABBREVIATED_PARTICLES = frozenset({"v.", "d.", "v.d.", "vd.", "v.d"})
# Vancouver initials without dots: "J", "MW", "CK".
# Upper-case initials, accented ones too ("Cseh Á", "Ceylan İİ").
_UPPER = "A-ZÀ-ÖØ-ÞŁŠŽČŘŚŻĆŃİĞŞ"
# (With a particle's initial in lower case: "Farina EMJdM" for Eduardo Moreno Judice de Mattos.)
_PARTICLE_INITIAL = f"[dlv][{_UPPER}]{{1,2}}"
# A hyphenated given name's initials stay joined: "Yeh C-CM" (Chin-Chia Michael), "Alayrac J-B",
# "Huang PC-C" (Patrick Chung-Chia).
_INITIALS_FORM = (f"(?:[{_UPPER}]{{0,2}}[{_UPPER}]-)?[{_UPPER}]{{1,3}}(?:{_PARTICLE_INITIAL})?")
_INITIALS_BARE = re.compile(_INITIALS_FORM)
_HYPHENATED_PAIR = re.compile(f"[{_UPPER}]-[{_UPPER}]")
_HYPHENATED_INITIALS = re.compile(f"[{_UPPER}]{{1,2}}-[{_UPPER}]{{1,2}}")
_PARTICLE_INITIALS = re.compile(f"[{_UPPER}]{{1,3}}{_PARTICLE_INITIAL}")
_TRAILING = ",;:"
PARTICLES = frozenset({"van", "von", "der", "den", "de", "del", "della", "di", "da", "du", "la",
                       "le", "ter", "ten", "dos", "das", "bin", "al", "el", "mac", "st", "zu",
                       "y", "do", "des", "dela", "d'", "l'"})
CAPITALISED_PARTICLES = frozenset({"van", "von", "der", "den", "de", "del", "della", "di", "da",
                                   "du", "la", "le", "ter", "ten", "dos", "das"})
AND_WORDS = frozenset({"and", "&", "und", "y", "e", "et", "och", "og", "en", "i"})
# A word in camel case is a system's name opening a title ("Lee K. GenLabel: Mixup ..."),
# unless a family name's prefix makes it so ("McDonald", "LeCun", "DeVries").
_TITLE_CAMEL = re.compile(r"(?!(?:Mc|Mac|De|Le|La|Di|Da|Du|Van|Von|St|Fitz)[A-Z])[A-Z][a-z]+[A-Z][\w-]*")
# A particle written onto the family name it belongs to: "deBettencourt", "diCarlo".
_GLUED_PARTICLE = re.compile(r"(?:de|van|von|di|da|du|le|la|del|della|dos|das|ten|ter)[A-Z][a-z]")
# Conjunctions that also join the two halves of Spanish and Portuguese family names
# ("Ortega y Gasset", "Silva e Santos").
FAMILY_JOINERS = frozenset({"y", "e", "i"})
# Capitalised words that start titles ("Deep Learning.", "On the ...") but are not names.
NOT_NAMES = frozenset({
    "a", "an", "the", "on", "of", "in", "for", "to", "is", "are", "all", "you", "with", "and",
    "from", "by", "at", "as", "be", "we", "how", "why", "what", "when", "towards", "toward",
    "learning", "deep", "neural", "networks", "network", "language", "models", "model", "data",
    "analysis", "study", "using", "via", "new", "journal", "proceedings", "proc", "conference",
    "transactions", "international", "review", "university", "press", "introduction", "in:",
    "vol", "no", "pp", "editor", "editors", "ed", "eds", "retrieved", "available", "http",
    "https", "arxiv", "preprint", "doi", "isbn", "chapter", "part", "not", "this", "that",
    "it", "its", "our", "can", "do", "does", "i", "ii", "iii", "iv", "v", "see", "also",
    "according", "here", "there", "note", "step", "table", "figure", "section", "version",
}) | frozenset({
    # Venues in capitals read like a family name in capitals ("DULONG"): "Fang-Yi Yu. AAAI,
    # 2022." is a name and a venue, not the name "Fang-Yi Yu. AAAI".
    "aaai", "icml", "iclr", "cvpr", "iccv", "eccv", "emnlp", "naacl", "eacl", "neurips",
    "nips", "ijcai", "aistats", "icra", "iros", "coling", "sigir", "sigkdd", "interspeech",
    "icassp", "wacv", "bmvc", "corl", "tacl", "jmlr", "tpami", "lrec", "miccai",
})
# "Rumelhart, Hinton & Williams (1986)", "Bahdanau, Cho, Bengio": family names only.
_FAMILY = r"(?:[A-Z](?:['’][A-Z])?[^\W\d_]{1,30}(?:-[A-Z][^\W\d_]{1,30})?)"  # "O'Bray" too
# "Agarwal, Goel and Zhang (2021)" is also family names only; it reads as "Goel Agarwal" and
# "Zhang" too, so the other reading is kept (``author_readings``) for the record to decide.
FAMILY_ONLY = re.compile(
    rf"{_FAMILY}(?:,\s{_FAMILY}){{2,20}}(?:,?\s(?:and|&)\s{_FAMILY})?(?=\s?[(.]|\s?$)"
    rf"|{_FAMILY}(?:,\s{_FAMILY}){{1,20}},?\s(?:and|&)\s{_FAMILY}(?=\s?[(.])"
    rf"|{_FAMILY}(?:,?\s(?:and|&)\s{_FAMILY})(?=\s?[(.,])"
)
ROLE = re.compile(
    r"\((?:[Ee]ds?|[Ee]ditors?|[Pp]roducers?|[Dd]irectors?|[Ww]riter/[Dd]irector|[Cc]omp|"
    r"[Tt]rans|[Hh]rsg|[Cc]oord)\.?\)[.,;:]?"
)
# "Jun" and "Sen" are also common given names ("Jun Huang"), so only Jr/Sr count.
NAME_SUFFIXES = frozenset({"Jr", "Sr"})
GENERATION_SUFFIXES = frozenset({"II", "III", "IV"})  # "Frederick A Matsen IV"
MAX_GIVEN_TOKENS = 3
# Given names written as initials alone run to four: "S. P. T. R. Bogireddy" (South Indian names).
MAX_INITIALS = 4
SHORT_WINDOW = 160
LONG_WINDOW = 4000
MAX_NAMES = 120


# Patterns used on every reference, compiled once (re's own cache costs a lookup a call).
_TOKEN = re.compile(r"\S{1,80}")
_DOT_BEFORE_CAPITAL = re.compile(r"\.(?=[A-Z])")
_NAME_SEPARATOR = re.compile(r",?\s(?:and|&)\s|,\s")
_FINAL_INITIAL = re.compile(r"\s[A-Z]\.$")
_DATE_AHEAD = re.compile(r"\s?\((?:1[6-9]|20)\d\d")
_ELLIPSES = frozenset({"...", "…"})
_BROKEN_WORD = re.compile(r"(?<=[a-z])- (?=[a-z])")
_BROKEN_COMPOUND = re.compile(r"(?<=[A-Za-z])- (?=[A-Z])")


@dataclass(frozen=True, slots=True)
class _Token:
    """One whitespace-delimited token with its trailing punctuation split off.

    What the token is (initials, a name word, a particle, ...) depends on its text alone and
    is worked out once, when it is made (``_make_token``): a scan asks it of the same tokens
    many times (each reading, each way a name may start). Tokens are shared, cached by their
    text (``_token``), as words repeat; where a token ends is kept apart, in ``_tokens``.
    """

    core: str
    punct: str
    is_initials: bool
    is_bare_initials: bool
    is_word: bool
    """A capitalised name word ("Vaswani", "O'Neil", "Martin-Facklam", "DULONG")."""
    is_short_name: bool
    """A short capitalised word that is also an English word ("An", "You", "Ed", "Do")."""
    is_particle: bool
    stops: bool
    """The token ends with a period, colon or bracket: a list of names ends here."""
    separates: bool
    breaks: bool
    """The token cannot continue a name ("and", a date, a quote); see ``_ends_name``."""


def _make_token(core: str, punct: str) -> _Token:
    return _Token(core, punct, bool(_INITIALS_DOTTED.fullmatch(core)),
                  bool(_INITIALS_BARE.fullmatch(core)), _is_word(core), _is_short_name(core),
                  # ("KA.," continues a list: "Basu S., Sankararaman KA., Sankararaman A.")
                  _is_particle(core, punct),
                  ("." in punct or ":" in punct) and not punct.endswith((",", ";")),
                  "," in punct or ";" in punct, core in AND_WORDS or bool(_NAME_BREAK.match(core)))


def _is_word(core: str) -> bool:
    if core[:2] in ("d'", "d’", "l'", "l’") and core[2:3].isupper():
        return len(core) >= 4  # "d'Amore", "l'Huillier"
    if _GLUED_PARTICLE.match(core):
        return core.isalpha()  # "deBettencourt", "vanDerBeek"
    return (len(core) >= 2 and core[0].isupper() and core.lower() not in NOT_NAMES
            and not _PARTICLE_INITIALS.fullmatch(core)
            and (core.isalpha() or all(ch.isalpha() or ch in "'’-´`¨" for ch in core))
            and not (core.isupper() and (len(core) <= 3 or _HYPHENATED_INITIALS.fullmatch(core))))


def _is_short_name(core: str) -> bool:
    return 2 <= len(core) <= 3 and core.isalpha() and core[0].isupper() and not core.isupper()


def _is_particle(core: str, punct: str) -> bool:
    if core in ABBREVIATED_PARTICLES:
        return "." not in punct and ":" not in punct
    if punct or core.lower() not in PARTICLES:
        return False
    # "Van der Maaten" starts with a particle; "Bin Fan" and "Do Kim" do not.
    return core[0].islower() or core.lower() in CAPITALISED_PARTICLES


def _tokens(text: str) -> tuple[list[_Token], list[int]]:
    """The tokens of ``text`` and the offset where each ends."""
    matches = list(_TOKEN.finditer(text))
    return [_token(match.group(0)) for match in matches], [match.end() for match in matches]


@lru_cache(maxsize=65536)
def _token(raw: str) -> _Token:
    stripped = raw.rstrip(_TRAILING)
    if stripped in ABBREVIATED_PARTICLES:
        # "v." in "M. v. d. Schaar" continues the name like "van"; its dot ends nothing.
        return _make_token(stripped, raw[len(stripped):])
    core = stripped if _INITIALS_DOTTED.fullmatch(stripped) else stripped.rstrip(".")
    return _make_token(core, raw[len(core):])


@dataclass(slots=True)
class AuthorList:
    """Names found at the start of a text and the offset just past them."""

    names: list[str] = field(default_factory=list)
    et_al: bool = False
    end: int = 0
    whole_pieces: bool = False
    """Read as one name per comma- or "and"-separated piece (the loose LLM styles)."""


def _initials_display(initials: str) -> str:
    """"MW" -> "M. W."; "W.E." -> "W. E."; "J.-P." unchanged."""
    if "." not in initials:
        before, hyphen, after = initials.partition("-")
        if not hyphen:
            return " ".join(f"{letter}." for letter in initials)
        # "PC-C" -> "P. C.-C."; "C-CM" -> "C.-C. M.": the hyphen joins the letters beside it.
        return " ".join([*(f"{c}." for c in before[:-1]), f"{before[-1]}.-{after[0]}.",
                         *(f"{c}." for c in after[1:])])
    return _DOT_BEFORE_CAPITAL.sub(". ", initials)


def _family_display(words: list[str]) -> str:
    # All-capitals family names ("DULONG R.", "HE K.") are a typographic convention, not the
    # name.
    return " ".join(w.capitalize() if w.isupper() and len(w) > 1 else w for w in words)


def _caps_family(tokens: list[_Token], j: int) -> bool:
    """Token ``j`` is a short family name in capitals ("HE K", "LIU, Lingjie", "DE BIE,
    Tijl": GB/T 7714 and ISO 690 print family names so), which alone reads as initials or
    an acronym: it is one only where initials or a given name in lower case follow it."""
    core = tokens[j].core
    if not (2 <= len(core) <= 3 and core.isalpha() and core.isupper()) or j + 1 >= len(tokens):
        return False
    after = tokens[j + 1]
    if tokens[j].punct[:1] == ",":
        return after.is_initials or (after.is_word and not after.core.isupper())
    return not tokens[j].punct and (after.is_bare_initials or after.is_initials)


def _family_first(tokens: list[_Token], i: int, in_list: bool = False) -> tuple[str, int] | None:
    """"Vaswani, A." / "van der Berg, J. P." / "Beck, Ulrich" starting at token ``i``."""
    j = i
    family = []
    while j < len(tokens) and tokens[j].is_particle and len(family) < 3:
        family.append(tokens[j].core)
        j += 1
    if not family and j + 1 < len(tokens) and tokens[j].is_word and not tokens[j].punct \
            and tokens[j + 1].is_word and tokens[j + 1].punct[:1] == "," \
            and j + 2 < len(tokens) and (tokens[j + 2].is_initials or (
                tokens[j].core.lower() in PARTICLES and _mla_given(tokens, j + 2))):
        family.append(tokens[j].core)  # "Mac Aodha, O." or MLA's "Al Ghussin, Yusser, et al."
        j += 1
    elif not family and _joined_family(tokens, j):
        family += [tokens[j].core, tokens[j + 1].core]  # "Ortega y Gasset, J."
        j += 2
    # "..., An, W., ..." and, with its comma and initials, "An, Y., & Gao, R." at the start.
    short_family = (j + 1 < len(tokens) and (in_list or tokens[j].punct[:1] == ",")
                    and tokens[j].is_short_name and tokens[j + 1].is_initials)
    # MLA's "An, Yang, and Rui Gao": a short family name, the given name, then "and".
    short_family = short_family or (
        j + 2 < len(tokens) and tokens[j].punct[:1] == "," and tokens[j].is_short_name
        and tokens[j + 1].is_word and tokens[j + 1].punct[:1] == ","
        and tokens[j + 2].core.lower() in AND_WORDS)
    if not family and _initial_family(tokens, j):
        short_family = True  # "R., M. B., Tewari, A." (Mallikarjun B. R.)
    # A family name in lower case, as some authors enter theirs: "..., You, Y., xiong, K., ...".
    short_family = short_family or (
        in_list and j + 1 < len(tokens) and tokens[j].core.isalpha()
        and tokens[j].core.islower() and tokens[j].punct[:1] == "," and tokens[j + 1].is_initials)
    # A family name in capitals comes with its particles in capitals ("VAN DER SCHAAR, M."):
    # after "Du" in "Du SS, Krishnamurthy A" the capitals are Vancouver initials.
    caps = j < len(tokens) and _caps_family(tokens, j) and all(w.isupper() for w in family)
    if j >= len(tokens) or not (tokens[j].is_word or short_family or caps) \
            or tokens[j].punct[:1] != ",":
        return None
    family.append(tokens[j].core)
    j += 1
    given: list[str] = []
    while j < len(tokens) and (len(given) < MAX_GIVEN_TOKENS or (
            len(given) < MAX_INITIALS and tokens[j].is_initials and _all_initials(given))):
        token = tokens[j]
        # A conjunction after the given names joins the next author ("García, J. y López, M."),
        # it is no trailing particle like "van" in "Gogh, V. van".
        trailing_particle = given and token.is_particle and token.core not in AND_WORDS
        # "Mummadi, Charanpal D, et al.": a given name and a middle initial without its dot.
        bare_middle = (given and len(token.core) == 1 and token.is_bare_initials
                       and token.punct[:1] == ",")
        # "Huang, You, Lichao Chen, ...": a short given name that is also an English word.
        short_given = not given and token.is_short_name and token.punct[:1] == ","
        # ISO 690's "MAHDAVI, S. Sara, LOPES, Raphael": a given name after an initial, inside
        # a list, ended by a comma (or semicolon) and followed by the next name's family name.
        spelled_after_initial = (in_list and given and token.is_word and token.separates
                                 and j + 1 < len(tokens) and tokens[j + 1].is_word
                                 and tokens[j + 1].punct[:1] == ",")
        if token.is_initials or spelled_after_initial or (token.is_word and not given) \
                or trailing_particle or short_given or (
                not given and token.is_bare_initials and (token.punct or _ends_name(tokens, j + 1))
        ) or bare_middle or (
                token.is_word and all(_INITIALS_DOTTED.fullmatch(g) is None for g in given)):
            given.append(token.core)
            j += 1
            if token.punct:
                break
        else:
            break
    if not given:
        return None
    names = " ".join(_initials_display(g) if _INITIALS_DOTTED.fullmatch(g) or len(g) == 1 else g
                     for g in given)
    return f"{names} {_family_display(family)}", j


def _mla_given(tokens: list[_Token], j: int) -> bool:
    """Token ``j`` is a given name spelled out that ends MLA's inverted first name: a comma,
    then "et al." or "and" ("Mac Aodha, Oisin, et al.", "Al Ghussin, Yusser, and ...")."""
    return (tokens[j].is_word and tokens[j].punct[:1] == ","
            and (bool(_is_et_al(tokens, j + 1))
                 or (j + 1 < len(tokens) and tokens[j + 1].core in ("and", "&"))))


def _initial_family(tokens: list[_Token], j: int) -> bool:
    """Tokens ``j``.. are "R., M. B.," or "R., Mallikarjun B.,": a family name that is one
    initial (South Indian names: "Mallikarjun B. R."), then given names, where a list goes on
    or ends; "Keri, S. Kiss, I." never starts with an initial."""
    # (Written without its dot too: "C, M. N., N, R., & R, S." for Maria Nancy C et al.)
    if not (j + 1 < len(tokens) and tokens[j].punct[:1] == "," and (
            (len(tokens[j].core) == 2 and tokens[j].is_initials)
            or (len(tokens[j].core) == 1 and tokens[j].core.isupper()))):
        return False
    # Given names follow: initials, or a word and initials; after a letter without its dot,
    # words too ("C, Maria Nancy, N, Radha and R, Swathika."; after "C.," a word is the next
    # family name: "Arana, N. d. l. C., Flores, J. G.").
    words = len(tokens[j].core) == 1
    k = j + 1
    while k < len(tokens) and (tokens[k].is_initials or (tokens[k].is_word and (
            words or k == j + 1))) and not tokens[k].punct and k - j < 3:
        k += 1
    given = k < len(tokens) and (tokens[k].is_initials or (words and tokens[k].is_word))
    if not given and k > j + 1:
        k, given = k - 1, True  # the given names end: "& R, S. (2025)", "N, Radha and"
    if not given:
        return False
    # The list goes on after it ("," or ";" or "and"), or ends there: at a colon (LNCS), or
    # after "and", before a date or a quote.
    punct = tokens[k].punct
    after = tokens[k + 1].core if k + 1 < len(tokens) else ""
    # The last name of a list: after "and", or after a semicolon (ACS: "C, M. N.; R, S.").
    last = j > 0 and (tokens[j - 1].core in AND_WORDS or tokens[j - 1].punct[:1] == ";")
    return punct[:1] in (",", ";") or ":" in punct or after in AND_WORDS or (
        last and (tokens[k].core.endswith(".") or "." in punct or _ends_name(tokens, k + 1)
                  or after[:1] in "(“\"'"))


def _joined_family(tokens: list[_Token], j: int) -> bool:
    """Tokens ``j``.. are a two-part family name joined by a conjunction: "Agüera y Arcas, B."."""
    return (j + 3 < len(tokens) and tokens[j].is_word and not tokens[j].punct
            and tokens[j + 1].core in FAMILY_JOINERS and not tokens[j + 1].punct
            and tokens[j + 2].is_word and tokens[j + 2].punct[:1] == ","
            and (tokens[j + 3].is_initials or tokens[j + 3].is_word))


def _given_first(tokens: list[_Token], i: int, in_list: bool = False,
                 short_family: bool = False, names_before: int = 0) -> tuple[str, int] | None:
    """"Ashish Vaswani" / "A. Vaswani" / "Thomas F. LaPorta" / "Jan van Leeuwen".

    Inside a list already under way, short names that are also English words
    ("Yuexuan An", "Xinge You", "Ed H. Chi") are names, not the start of a title.
    """
    j = i
    parts: list[_Token] = []
    while j < len(tokens) and len(parts) <= MAX_GIVEN_TOKENS + 2:
        token = tokens[j]
        # "Yang An and Rui Gao": a short word ending a name before a comma or "and".
        short_last = bool(parts) and (parts[0].is_word or parts[0].is_initials) \
            and token.is_short_name and (
            token.punct[:1] == "," or (not token.punct and j + 1 < len(tokens)
                                       and tokens[j + 1].core in AND_WORDS))
        # "V. K. B. G,": after dotted initials, a family name that is one bare capital.
        bare_family = (len(token.core) == 1 and token.core.isupper() and token.punct[:1] == ","
                       and len(parts) >= 2 and all(p.is_initials for p in parts))
        if parts and parts[0].is_word and _TWO_LETTER.fullmatch(parts[-1].core) \
                and token.core.isupper() and len(token.core) > 3:
            # "Fang-Yi Yu. ACML, 2022": a name in capitals after "Yu." is a venue's, and
            # "Yu." the family name, not an abbreviated given name.
            parts[-1] = _make_token(parts[-1].core.rstrip("."), "." + parts[-1].punct)
            break
        # After a particle in lower case, a capitalised word is the family name, whatever
        # else it is: "Peter H. H. de With", "van Der".
        after_particle = bool(parts) and parts[-1].is_particle and parts[-1].core[:1].islower() \
            and token.core[:1].isupper() and token.core.isalpha() and len(token.core) >= 2
        if not (token.is_word or token.is_initials or (parts and token.is_particle) or after_particle
                or (in_list and token.is_short_name) or short_last or bare_family
                or (token.is_bare_initials and not token.punct
                    and (parts or len(token.core) == 1))):
            break
        parts.append(token)
        j += 1
        if token.punct or _ends_name(tokens, j):
            break
    else:
        return None
    if short_family and len(parts) >= 2 and parts[0].is_word and _TWO_LETTER.fullmatch(parts[-1].core):
        # In a given-first list "Chandan Singh, Bin Yu." ends with the family name "Yu", not
        # with an abbreviated given name ("Yu." for "Yuri").
        parts[-1] = _make_token(parts[-1].core.rstrip("."), "." + parts[-1].punct)
    last_is_name = parts[-1].is_word or (
        len(parts) >= 2 and parts[-2].is_particle and parts[-2].core[:1].islower()
        and parts[-1].core[:1].isupper()) or ((in_list or len(parts) >= 2) and parts[-1].is_short_name
                                         and (parts[0].is_word or parts[0].is_initials)
                                         ) if parts else False
    # "M. B. R., A. Tewari": initials alone, the last one the family name, when a comma
    # and another initials-first name follow (a list goes on in the same style; after
    # "Wellman Kephart, J. O., Hogg, T." the initials are given names).
    next_initials = j < len(tokens) and (tokens[j].is_initials or (
        tokens[j].core in AND_WORDS and j + 1 < len(tokens) and tokens[j + 1].is_initials))
    last_is_name = last_is_name or (
        len(parts) >= 2 and all(len(p.core) == 2 and p.is_initials for p in parts[:-1])
        and ((len(parts[-1].core) == 2 and parts[-1].is_initials)
             or (len(parts[-1].core) == 1 and parts[-1].core.isupper()))
        and parts[-1].punct[:1] == "," and next_initials)
    if len(parts) < 2 or not last_is_name or (parts[0].is_particle
                                                    and parts[0].core.islower()):
        return None
    particles = sum(p.is_particle for p in parts)
    # Names with particles run longer, in a list of names: "Eduardo Moreno Judice de Mattos
    # Farina, Mateus A. Esmeraldo" (not "Die Aufzeichnungen des Malte Laurids Brigge.").
    longer = 1 if particles and (in_list or parts[-1].punct[:1] == ",") else 0
    if len(parts) > MAX_GIVEN_TOKENS + 1 and all(p.is_initials for p in parts[:-1]):
        longer = MAX_INITIALS - MAX_GIVEN_TOKENS
    if len(parts) > MAX_GIVEN_TOKENS + 1 + particles + longer:
        return None
    last = parts[-1]
    initial_first = parts[0].is_initials or parts[0].is_bare_initials
    # A colon ends titles ("Deep Learning: ..."), but also the list of names in German styles
    # ("Klaus Müller und Hans Schmidt: Titel"); after a conjunction it is the latter.
    after_and = i > 0 and tokens[i - 1].core in AND_WORDS and not tokens[i - 1].punct
    # So does a name after a comma in a given-first list of two names or more, as DBLP
    # writes it ("Yao Ma, Xiaorui Liu, Neil Shah, Jiliang Tang: Is Homophily ..."), when
    # every word of it reads as a name. After one name it is mostly a title with its
    # subtitle, as notes styles write them ("Benedict Anderson, Imagined Communities: ...").
    after_comma = short_family and names_before >= 2 and tokens[i - 1].separates and all(
        p.is_word or p.is_initials or p.is_particle for p in parts) and not (
        _TITLE_CAMEL.fullmatch(last.core))
    if (":" in last.punct and not (initial_first or after_and or after_comma)) \
            or not (last.punct or _ends_name(tokens, j)):
        return None
    words = [_initials_display(p.core) if p.is_initials else p.core for p in parts]
    return " ".join([*words[:-1], _family_display([words[-1]])]), j


def _vancouver(tokens: list[_Token], i: int, in_list: bool = False) -> tuple[str, int] | None:
    """"Devlin J" / "Chang MW" / "DULONG R." / "van Gogh V" starting at token ``i``."""
    j = i
    family = []
    named = False  # a family word read: capitals after it are initials ("Chang MW")
    while j < len(tokens) and len(family) < 4:
        token = tokens[j]
        # A short family name in capitals opens the name ("KIM J W", "DE BIE T").
        caps = not named and not token.punct and _caps_family(tokens, j)
        # In a list, a short family name that is also an English word: "Cheng S, An S, ...".
        # (IOP ends the list with "and": "Zhang Y, An B and Cerný J".)
        short = (in_list and not named and token.is_short_name and not token.punct
                 and j + 1 < len(tokens) and tokens[j + 1].is_bare_initials
                 and (tokens[j + 1].punct[:1] == "," or (
                     not tokens[j + 1].punct and j + 2 < len(tokens)
                     and tokens[j + 2].core in AND_WORDS)))
        if token.is_particle or (token.is_word and not token.punct) or caps or short:
            family.append(token.core)
            named = named or not token.is_particle
            j += 1
            continue
        break
    if not family and _letter_family(tokens, i):
        family, j = [tokens[i].core], i + 1  # "C MN, N R, R S." for Maria Nancy C et al.
    if not family or j >= len(tokens) or not any(t[0].isupper() for t in family):
        return None
    token = tokens[j]
    if not (token.is_bare_initials or token.is_initials):
        return None
    spaced = _spaced_initials(tokens, j)
    if spaced:
        return f"{_initials_display(spaced[0])} {_family_display(family)}", spaced[1]
    particles = _trailing_particles(tokens, j + 1) if token.is_bare_initials and not token.punct \
        else 0
    if particles:
        after = " ".join(t.core for t in tokens[j + 1:j + 1 + particles])
        return (f"{_initials_display(token.core)} {after} {_family_display(family)}",
                j + 1 + particles)
    if token.is_bare_initials and not (token.punct or _ends_name(tokens, j + 1)):
        return None
    initials = [token.core]
    # "Neal R. M." -- dotted initials may come as several tokens.
    while token.is_initials and not token.punct and j + 1 < len(tokens) and len(initials) < 3 \
            and tokens[j + 1].is_initials:
        j += 1
        token = tokens[j]
        initials.append(token.core)
    given = " ".join(_initials_display(i) for i in initials)
    return f"{given} {_family_display(family)}", j + 1


def _trailing_particles(tokens: list[_Token], k: int) -> int:
    """How many lower-case particles from token ``k`` end a Vancouver name after its initials
    ("Breugel B van,", "Schaar M van der."), the last with its punctuation (0: none)."""
    count = 0
    while k + count < len(tokens) and count < 3 and tokens[k + count].core in PARTICLES \
            and tokens[k + count].core.islower():
        if tokens[k + count].punct:
            return count + 1
        count += 1
    return 0


def _letter_family(tokens: list[_Token], i: int) -> bool:
    """Token ``i`` is a family name of one letter in a Vancouver list ("C MN, N R, R S." for
    Maria Nancy C et al.): its initials follow, and a name of the same shape is next to it."""
    def letter_name_end(k: int) -> int:  # the token after a letter and its initials, or 0
        if not (k + 1 < len(tokens) and len(tokens[k].core) == 1 and tokens[k].core.isupper()
                and not tokens[k].punct):
            return 0
        spaced = _spaced_initials(tokens, k + 1)
        if spaced:
            return spaced[1]
        given = tokens[k + 1]
        plain = given.is_bare_initials and given.punct[:1] in (",", ".")
        return k + 2 if plain or (len(given.core) == 2 and given.core[1] == ".") else 0

    after = letter_name_end(i)
    if not after:
        return False
    in_list = i > 0 and tokens[i - 1].punct[:1] == ","
    return in_list or (tokens[after - 1].punct[:1] == "," and bool(letter_name_end(after)))


def _spaced_initials(tokens: list[_Token], j: int) -> tuple[str, int] | None:
    """Initials written apart without dots from token ``j`` ("KIM J W," in GB/T 7714): the
    letters and the token after the last, which a comma or period ends. A hyphenated
    given name's pair may come first (IOP's "Yeh C-C M," for Chin-Chia Michael Yeh)."""
    k = j
    while k < len(tokens) and k - j < 3 and not tokens[k].punct and tokens[k].is_bare_initials \
            and (len(tokens[k].core) == 1 or (k == j and _HYPHENATED_PAIR.fullmatch(tokens[k].core))):
        k += 1
    if k - j >= 2 and _ends_name(tokens, k):
        # IOP's "Fleet D J and Norouzi M 2022": the letters end where the name does.
        return "".join(t.core for t in tokens[j:k]), k
    if k == j or k - j >= 3 or k >= len(tokens):
        return None
    last = tokens[k]
    # The last letter keeps its dot when the names end there ("KÖROĞLU M E. Title").
    if not ((len(last.core) == 1 and last.is_bare_initials and last.punct[:1] in (",", "."))
            or (len(last.core) == 2 and last.is_initials and last.core[1] == ".")):
        return None
    return "".join(t.core for t in tokens[j:k]) + last.core[0], k + 1


def _ends_name(tokens: list[_Token], j: int) -> bool:
    """Token ``j`` cannot continue the name before it (end of text, "and", a date, a quote)."""
    if j >= len(tokens):
        return True
    core = tokens[j].core
    if core == "y" and 0 < j < len(tokens) - 1 and tokens[j - 1].is_word \
            and not tokens[j - 1].punct and tokens[j + 1].is_word \
            and (tokens[j + 1].punct or _ends_name(tokens, j + 2)):
        return False  # a Spanish double family name: "Blaise Agüera y Arcas"
    # A generation follows the name it ends ("Frederick A Matsen IV."). ("Jr." may stand
    # inside an inverted name: "Baes Jr., C. F.")
    return tokens[j].breaks or core in GENERATION_SUFFIXES


def _is_et_al(tokens: list[_Token], i: int) -> int:
    """Number of tokens of an "et al." at ``i`` (0 when there is none)."""
    if i >= len(tokens):
        return 0
    core = tokens[i].core.lower().rstrip(".")
    if core in {"etal", "et.al"}:
        return 1
    if core == "et" and i + 1 < len(tokens) and tokens[i + 1].core.lower().rstrip(".") == "al":
        return 2
    if core in {"and", "a", "i", "u"} and i + 1 < len(tokens) \
            and tokens[i + 1].core.lower() in {"others", "kol", "al", "dr", "sar"}:
        return 2  # "and others", Czech/Slovak "a kol.", Croatian "i sur.", Polish "i in."
    if i + 1 < len(tokens) and (core, tokens[i + 1].core.lower().rstrip(".")) in _OTHERS:
        return 2
    return 0


# "et al." in other words: "and co-authors" (Water SA), German "u. a.", Spanish "y col.",
# Portuguese "e col.", French "et coll.", Hungarian "és mtsai".
_OTHERS = frozenset({("and", "co-authors"), ("u", "a"), ("y", "col"), ("y", "cols"),
                     ("e", "col"), ("et", "coll"), ("és", "mtsai")})


def _family_only(text: str) -> AuthorList | None:
    match = FAMILY_ONLY.match(text)
    if match is None:
        return None
    names = [n for n in _NAME_SEPARATOR.split(match.group(0)) if n]
    if any(part.lower() in NOT_NAMES for name in names for part in name.split("-")):
        return None
    return AuthorList(names, False, match.end())


class _Scanner:
    """The token readings of the names a text starts with, each tokenised and scanned once.

    Most texts fail on the first tokens: a short prefix is tokenised first, the rest only
    when a list of names runs to its end.
    """

    def __init__(self, text: str) -> None:
        self.text = text
        self.windows: dict[int, tuple[list[_Token], list[int]]] = {}
        self.scans: dict[tuple[int, bool], AuthorList] = {}

    def _scan_window(self, size: int, given_first: bool | None) -> AuthorList:
        if size not in self.windows:
            self.windows[size] = _tokens(self.text[:size])
        tokens, ends = self.windows[size]
        if given_first is not None:
            if (size, given_first) not in self.scans:
                self.scans[size, given_first] = _scan_from(tokens, ends, given_first=given_first)
            return self.scans[size, given_first]
        # "Chuan Guo, J. Zico Kolter, and Eric Wong" also reads as "Guo, J." and then stops;
        # when reading the first name given-first yields a longer list, that reading wins.
        found = self._scan_window(size, False)
        if found.names and _family_first(tokens, 0) is not None \
                and _given_first(tokens, 0) is not None:
            other = self._scan_window(size, True)
            if len(other.names) > len(found.names):
                return other
        return found

    def reading(self, given_first: bool | None) -> AuthorList:
        found = self._scan_window(SHORT_WINDOW, given_first)
        if len(self.text) > SHORT_WINDOW and found.end > SHORT_WINDOW - 40:
            found = self._scan_window(LONG_WINDOW, given_first)
        return found


@lru_cache(maxsize=256)
def _scanner(text: str) -> _Scanner:
    """The scanner of ``text``, shared: a reference's names are read by the boundary finder
    and again by the parser, and an embedded one is parsed twice (a probe, then in full)."""
    return _Scanner(text)


@lru_cache(maxsize=256)
def _family_only_of(text: str) -> AuthorList | None:
    return _family_only(text)


def _copy(found: AuthorList) -> AuthorList:
    """A caller's own copy of a shared reading (callers may keep or change its names)."""
    return replace(found, names=list(found.names))


def scan_authors(text: str) -> AuthorList:
    """The list of personal names that ``text`` starts with (empty when it starts otherwise)."""
    return _copy(_family_only_of(text) or _scanner(text).reading(None))


# The three kinds of word exclude each other (a name word has two letters or more and no dot,
# an initial one capital), so a list that fails costs linear time, not one try per way of
# reading each word.
_PIECE_WORD = (r"(?:[A-ZÀ-ÖØ-ÞĀ-ŽŁİ][^\W\d_]{1,30}(?:[-'’][A-ZÀ-ÖØ-ÞĀ-ŽŁİ]?[^\W\d_]{1,30})?"
               r"|[dDlL]['’][A-ZÀ-ÖØ-ÞĀ-ŽŁİ][^\W\d_]{1,30}"
               r"|(?:van|von|der|den|de|del|della|di|da|du|la|le|ter|ten|dos|das|bin|al|el)"
               r"|[A-Z](?:\.(?:-?[A-Z]\.){0,3})?)")
_PIECE = rf"{_PIECE_WORD}(?:\s{_PIECE_WORD}){{0,4}}"
# A list in which each comma or "and" separates one whole name: "Acuna, Zhang, Law and Fidler",
# "Ahmed Abbas, Paul Swoboda:", "Zhao X, An Y, Xu N.", "Alaa, Chan and van der Schaar (2021)",
# "An T. Le & Jan Peters, \"Title\"".
NAME_PIECES = re.compile(
    rf"({_PIECE}(?:,\s{_PIECE}){{0,60}}(?:,?\s(?:and|&)\s{_PIECE})?)"
    r"(,?\set\.?\sal\.?)?(?=\s?\((?:1[6-9]|20)\d\d|[.:]\s|\s?\*|,?\s?[\"“])"
)
# Words that end a list of names; short words that are also family names ("You", "An", "Do")
# do not, since in a piece reading every word before the title was written as a name.
PIECE_STOPS = NOT_NAMES - {"you", "an", "do", "does", "can", "all", "be", "we", "i", "ii", "iii",
                           "iv", "v", "here", "there", "le", "la"}
_TRAILING_INITIALS = re.compile(f"^(.+?)\\s({_INITIALS_FORM})$")


def _pieces(text: str) -> AuthorList | None:
    """The reading in which every comma- or "and"-separated piece is one person's name."""
    match = NAME_PIECES.match(text[:LONG_WINDOW])
    if match is None:
        return None
    names = []
    for piece in _NAME_SEPARATOR.split(match.group(1)):
        piece = piece.strip().rstrip(".") if not _FINAL_INITIAL.search(piece) else piece
        if not piece or any(word.lower() in PIECE_STOPS
                            and not _INITIALS_BARE.fullmatch(word.rstrip("."))
                            for word in piece.split()):
            return None
        vancouver = _TRAILING_INITIALS.match(piece)
        if vancouver and not vancouver.group(1).isupper():
            piece = f"{_initials_display(vancouver.group(2))} {vancouver.group(1)}"
        names.append(piece)
    if any(len(name.split()) > 4 for name in names):
        return None
    # One style per list: mostly family names alone, or whole names ("..., U. K. Mishra, Appl.
    # Phys." ends at "Mishra"); a lone word alone is a corporate author or a title ("AASHTO.").
    # "Keri, S. Kiss, I. Kelemen, O.": pieces that split "Family, I." pairs end in an
    # initial; a list may start with one, a family name that is an initial ("R., Tewari and
    # Theobalt" for Mallikarjun B. R.).
    if any(_INITIALS_DOTTED.fullmatch(name) or _INITIALS_BARE.fullmatch(name)
           for name in (names[1:] if len(names) > 1 and len(names[0]) == 1 else names)):
        return None
    lone = [len(name.split()) == 1 for name in names]
    dated = _DATE_AHEAD.match(text[match.end():match.end() + 8]) is not None
    if len(names) == 1:
        if lone[0] and not (match.group(2) or dated):
            return None
    elif any(lone) and (2 * sum(lone) < len(names) or sum(lone) < 2):
        return None  # "Rowe, C. Eugene" is one person, family name first
    return AuthorList(names, bool(match.group(2)), match.end(), whole_pieces=True)


# MLA's first author inverted before "et al.", the given names spelled out in any form:
# "Jones, R. Kenny, et al.", "Wenniger, Gideon Maillette de Buy, et al.", "Naznin, Mst.
# Fahmida Sultana, et al." (the scanner reads a given name only as initials or words).
_MLA_ET_AL = re.compile(
    r"(?P<family>[^\W\d_][\w'’\-]{1,30}(?:\s[^\W\d_][\w'’\-]{1,30}){0,2}),\s"
    r"(?P<given>[^\W\d_][\w'’\-]{0,30}\.?(?:\s[^\W\d_][\w'’\-]{0,30}\.?){0,4}),?\set\.?\sal\.")


def _mla_first_author(text: str) -> AuthorList | None:
    match = _MLA_ET_AL.match(text)
    if match is None or match["family"].split()[0].lower() in NOT_NAMES:
        return None
    return AuthorList([f"{match['given']} {match['family']}"], et_al=True, end=match.end())


def author_readings(text: str) -> list[AuthorList]:
    """Every plausible reading of the names ``text`` starts with, the likeliest first.

    "Agarwal, Goel and Zhang" is three family names or "Goel Agarwal" and "Zhang"; "Chuan
    Guo, J. Zico Kolter" is given-first or starts "Guo, J."; only the cited record can tell,
    so none of the readings is thrown away here.
    """
    scanner = _scanner(text)
    readings = [_family_only_of(text) or scanner.reading(None)]
    for reading in (_pieces(text), scanner.reading(False), scanner.reading(True),
                    _mla_first_author(text)):
        if reading and reading.names and all(reading.names != r.names or reading.end != r.end
                                 for r in readings):
            readings.append(reading)
    return [_copy(r) for r in readings if r.names] or [_copy(readings[0])]


def name_source(tokens: list[_Token], start: int, end: int) -> str:
    return " ".join(t.core + t.punct for t in tokens[start:end])


def _scan_from(tokens: list[_Token], ends: list[int], given_first: bool) -> AuthorList:
    found = AuthorList()
    # Lists keep one style: once names start with initials, a run of capitalised words
    # without initials is the title ("... and R. R. Henry, Integrating Register Allocation").
    initials_style: bool | None = None
    final = False  # the name being read follows an "and"
    i = 0
    while i < len(tokens) and len(found.names) < MAX_NAMES:
        skip = _is_et_al(tokens, i)
        if skip and found.names:
            found.et_al = True
            found.end = ends[i + skip - 1]
            return found
        start = i
        in_list = bool(found.names)
        # A list keeps the order of its names: in a given-first list "Tadashi Kozuno,
        # A. Rupam Mahmood" is two names, not "Kozuno, A.".
        if given_first:
            parsed = (_given_first(tokens, i, in_list, short_family=in_list,
                                   names_before=len(found.names))
                      or _family_first(tokens, i, in_list))
        else:
            parsed = _family_first(tokens, i, in_list)
            if parsed is None:
                parsed = _given_first(tokens, i, in_list)
                given_first = parsed is not None and not in_list
        parsed = parsed or _vancouver(tokens, i, in_list)
        lone_family = tokens[i].is_word and not tokens[i].punct
        if parsed is None and lone_family and _is_et_al(tokens, i + 1):
            parsed = tokens[i].core, i + 1  # "Radford et al." names the first author only
        if parsed is None:
            return found
        name, i = parsed
        while i < len(tokens) and (tokens[i].core in NAME_SUFFIXES
                                   or tokens[i].core in GENERATION_SUFFIXES):
            name += f" {tokens[i].core}" + ("." if tokens[i].core in NAME_SUFFIXES else "")
            i += 1
        if initials_style is None:
            # "D. G. Bradlee" sets the style; "H. Brendan McMahan" spells a given name out.
            initials_style = all(t.is_initials for t in tokens[start:i - 1]) and i - start > 1
        elif initials_style and not (tokens[start].is_initials
                                     or "," in name_source(tokens, start, i)):
            return found  # "D. G. Bradlee, S. J. Eggers, Integrating Register ..." -- a title
        found.names.append(name)
        if i < len(tokens) and ROLE.fullmatch(tokens[i].core + tokens[i].punct):
            i += 1  # "Heyman, D. (Producers), & Yates, D. (Director)."
        last = tokens[i - 1]
        found.end = ends[i - 1]
        if i >= len(tokens):
            return found
        if _is_et_al(tokens, i):
            continue
        if (tokens[i].core or tokens[i].punct.rstrip(",;")) in _ELLIPSES:
            # Scholar's APA: "..., Barron, J. T., ... & Funkhouser, T.": names left out, then
            # the last one.
            found.et_al = True
            i += 1
            if i < len(tokens) and tokens[i].core in AND_WORDS:
                i += 1
            final = True
            continue
        if tokens[i].core == "/":
            i += 1  # German styles: "Singla, Sahil / Feizi, Soheil: Title"
            continue
        if tokens[i].core in AND_WORDS:
            i += 1
            final = True
            continue
        if final and tokens[i].core not in AND_WORDS:
            # "..., and M. Stutzmann, J. Appl. Phys. 87": the name after the last "and" ends
            # the list, whatever punctuation follows it.
            return found
        if i + 2 < len(tokens) and all(t.core == "" and t.punct == "." for t in tokens[i:i + 3]):
            # APA 7 lists the first 19 of more than 20 authors, ". . .", then the last one.
            found.et_al = True
            i += 3
            continue
        if last.stops or not last.separates:
            return found
    return found


def _all_initials(given: list[str]) -> bool:
    return all(_INITIALS_DOTTED.fullmatch(name) for name in given)


def dehyphenate(text: str) -> str:
    """Undo line-break hyphenation: "Mur- phy" -> "Murphy", "Martin- Facklam" -> hyphenated."""
    text = _BROKEN_WORD.sub("", text)
    return _BROKEN_COMPOUND.sub("-", text)


def parse_names(text: str) -> tuple[list[str], bool]:
    """Split an author string of any common style into display names; second: et al."""
    found = scan_authors(dehyphenate(text.strip()))
    if found.names:
        return found.names, found.et_al
    return [], bool(re.search(r"\bet\.?\s?al\b", text))


def names_only(title: str) -> bool:
    """A "title" that is a list of names, or one name with initials ("A. Gupta"): authors
    read as a title, as from the middle of an author list ("Kyunghyun Cho, and Krzysztof
    Geras") or after a title read as a name."""
    if not (_LIST_JOINT.search(title) or _LEADING_INITIAL.match(title)):
        return False  # (two names need a comma or an "and" between them: no scan needed)
    found = scan_authors(title + ".")
    if (len(found.names) >= 2 or (len(found.names) == 1 and bool(_LEADING_INITIAL.match(title)))
            ) and found.end >= len(title):
        return True
    # A name of one word among them: "Calderbank, and Guillermo Sapiro".
    pieces = [piece for piece in _NAME_SEPARATOR.split(title.rstrip(". ")) if piece]
    whole = [piece for piece in pieces if " " in piece]
    return len(pieces) >= 2 and bool(whole) and all(
        _is_word(piece) for piece in pieces if " " not in piece) and all(
        scan_authors(piece + ".").names == [piece] for piece in whole)


# Words of a lab or a company, not of a person: "*X* — Google Brain (2017)" names no author.
ORGANISATION = re.compile(
    r"\b(?:Google|DeepMind|OpenAI|Meta|Facebook|Microsoft|Anthropic|NVIDIA|Nvidia|IBM|Amazon|"
    r"Apple|Baidu|Alibaba|Tencent|Huawei|Research|Brain|AI|Labs?|Laboratory|University|"
    r"Institute|Team|Group|Center|Centre|College|Inc|Corporation|Foundation|Consortium)\b")
_LIST_JOINT = re.compile(r",|\s(?:and|&)\s")
_LEADING_INITIAL = re.compile(r"[A-Z]\.\s?(?:[A-Z]\.\s?)*[A-Z][^\W\d_]")
TRAILING_ET_AL = re.compile(r",?\s{0,3}(?:et\.?\s?al\.?|and\sothers)\s{0,3}$", re.IGNORECASE)
# Between the names of a field: ", ", " and ", " & " (";" where a name holds a comma).
NAME_SEPARATORS = (r",\s{0,3}(?:and\s|&\s)?|\s(?:and|&)\s", r";\s{0,3}(?:and\s|&\s)?|\s(?:and|&)\s")
INITIALS_ONLY = re.compile(r"(?:[A-Z]\.?(?:-|\s)?){1,4}")


def names_as_listed(value: str) -> tuple[list[str], bool]:
    """The names of a field that holds nothing but them. Names of two words or more
    ("Erik F. Tjong Kim Sang", "Pavan Kumar MP") and lone family names are kept as
    written; family names each followed by initials ("Vaswani, A., Shazeer, N.") are
    paired; other forms (MLA's inverted first name) are read by the name scanner."""
    et_al = bool(TRAILING_ET_AL.search(value))
    value = TRAILING_ET_AL.sub("", value)
    separator = NAME_SEPARATORS[";" in value]
    chunks = [chunk.strip(" ,;") for chunk in re.split(separator, value) if chunk.strip(" ,;")]
    initials = [bool(INITIALS_ONLY.fullmatch(chunk)) for chunk in chunks]
    words = [len(chunk.split()) for chunk in chunks]
    if chunks and not any(initials) and (min(words) >= 2 or max(words) == 1):
        return [display_name(chunk) for chunk in chunks], et_al
    if len(chunks) % 2 == 0 and initials == [False, True] * (len(chunks) // 2):
        return [f"{given} {family}" for family, given in zip(chunks[::2], chunks[1::2],
                                                            strict=True)], et_al
    names, more = parse_names(value)
    return names, et_al or more
