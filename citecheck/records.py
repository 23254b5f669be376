"""The Record type and the normalisation of names, titles, DOIs and arXiv ids."""

from __future__ import annotations

import hashlib
import html
import json
import re
import unicodedata
from dataclasses import asdict, dataclass, field, fields
from functools import lru_cache
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from pylatexenc.latex2text import LatexNodes2Text

# DBLP disambiguates homonymous authors with a 4-digit suffix ("Haris Aziz 0001").
_DBLP_SUFFIX = re.compile(r"\s+\d{4}$")
NAME_PARTICLES = {"van", "von", "der", "den", "de", "del", "della", "di", "da", "du", "la", "le",
                   "ter", "ten", "dos", "das", "bin", "al", "el", "mac", "st", "st."}
_NAME_SUFFIXES = {"jr", "jr.", "sr", "sr.", "ii", "iii", "iv"}
_DOI_PREFIX = re.compile(r"^(?:https?://(?:dx\.)?doi\.org/|doi:\s*|doi\s+)", re.IGNORECASE)
_DOI_SHAPE = re.compile(r"^10\.\d{4,9}/\S+$")
_DOI_IN_URL = re.compile(r"(?<=/)10\.\d{4,9}/\S+$")
_ARXIV_NEW = re.compile(r"(\d{4}\.\d{4,5})(?:v\d+)?", re.IGNORECASE)
_ARXIV_OLD = re.compile(r"([a-z\-]+(?:\.[A-Z]{2})?/\d{7})(?:v\d+)?", re.IGNORECASE)
_ARXIV_DOI = re.compile(r"^10\.48550/arxiv\.(.+)$", re.IGNORECASE)
_NON_WORD = re.compile(r"[^\w]+")
# What _NON_WORD and _NOT_TITLE_CHAR match, for ASCII text: str.translate turns it into
# spaces 5-10x faster than re's Unicode-aware \w classes (~6 us a title).
_ASCII_NON_WORD = {code: " " for code in range(128)
                   if not (chr(code).isalnum() or chr(code) == "_")}
_ASCII_NOT_TITLE_CHAR = {code: space for code, space in _ASCII_NON_WORD.items()
                         if chr(code) != "&"}
_LATEX_HINT = re.compile(r"[\\{}$]")
# What pylatexenc reads as LaTeX outside math: macros, groups, comments and its specials
# ("~", "``", "''", "--", "!`", "?`", "&"); "#", "^" and "_" too, to be safe.
_TEXT_LATEX = re.compile(r"[\\{}%&#~^_]|``|''|--|[!?]`")
# An accent macro on one letter, braced or not (\'e, \'{e}, {\'e}, {\'{e}}, \~ê); the accents
# named by a letter (\v, \c, ...) only with the letter braced: "\vs" is another macro.
_ONE_ACCENT = r"\\(?:([`'\"^~=.])([^\W\d_])|([`'\"^~=.cHkbdruv])\{([^\W\d_])\})"
# (Two alternatives that each start with one character: re skips to the next "{" or "\".)
_ACCENT = re.compile(rf"\{{{_ONE_ACCENT}\}}|{_ONE_ACCENT}")
# pylatexenc accents the dotless i and j as i and j.
_DOTTED = {"\u0131": "i", "\u0237": "j"}
# pylatexenc's combining character for each accent macro (latex2text's unicode_accents_list).
_COMBINING = {"'": "\u0301", "`": "\u0300", '"': "\u0308", "^": "\u0302", "~": "\u0303",
              "=": "\u0304", ".": "\u0307", "c": "\u0327", "H": "\u030b", "k": "\u0328",
              "b": "\u0331", "d": "\u0323", "r": "\u030a", "u": "\u0306", "v": "\u030c"}
# What could end inline math elsewhere than at the next "$": a comment, a paragraph break,
# a macro not made of ASCII letters ("\$", "\)"), an environment. (Macros' arguments: see
# _plain_math.) A macro name runs on over any letter (str.isalpha): ASCII ones only here.
_MATH_UNSAFE = re.compile(r"%|\n\n|\\(?![A-Za-z])|\\(?:begin|end)|\\[A-Za-z]+[^\x00-\x7f]")
_MATH_MACRO = re.compile(r"\\([A-Za-z]+)(\{?)")
# The macros' arguments (pylatexenc's argspecs) that stay inside math, by whether a "{"
# follows the macro's name at once.
_IN_MATH = {"": ("",), "{": ("", "{", "[{")}
_NOT_BRACE = re.compile(r"[^{}]+")
_JOINED_NAMES = re.compile(r"\s+and\s+")
# Titles at least this long (key characters, no spaces) name one work across years.
DISTINCTIVE_TITLE_CHARS = 24


@dataclass(slots=True, kw_only=True)
class WorkFields:
    """The fields that name a work: what a record holds and what a citation claims."""

    title: str | None = None
    authors: list[str] = field(default_factory=list)
    year: int | None = None
    venue: str | None = None
    doi: str | None = None
    arxiv: str | None = None
    url: str | None = None

    def work_fields(self) -> dict[str, Any]:
        """These fields alone, by name."""
        return {f.name: getattr(self, f.name) for f in fields(WorkFields)}


@dataclass(slots=True, kw_only=True)
class Record(WorkFields):
    """One verified bibliographic record."""

    id: str
    title: str
    type: str | None = None
    source: str | None = None
    ids: list[str] = field(default_factory=list)
    """Every source's id for this record: the provenance of duplicates merged into it."""
    work: str | None = None
    """The id shared by every version of the work (preprint, published, ...)."""

    @property
    def family_names(self) -> list[str]:
        return [family_name(name) for name in self.authors]

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Record:
        year = data.get("year")
        return cls(
            id=str(data["id"]),
            title=str(data.get("title") or ""),
            authors=_one_name_each(data.get("authors") or []),
            year=int(year) if year not in (None, "") else None,
            venue=data.get("venue"),
            doi=normalize_doi(data.get("doi")),
            arxiv=normalize_arxiv(data.get("arxiv")),
            url=data.get("url"),
            type=data.get("type"),
            source=data.get("source"),
            ids=[str(i) for i in data.get("ids") or []],
            work=data.get("work"),
        )

    def dedupe_keys(self) -> list[str]:
        """Keys under which two records are one work: DOI, arXiv id, title + first author.

        The title key ignores typography, and the year is left out so that a preprint
        and its published version (often a year apart) meet; short generic titles
        ("Introduction", "Preface") keep the year, as different works share them.
        """
        keys = []
        if self.doi:
            keys.append("doi:" + self.doi)
        if self.arxiv:
            keys.append("arxiv:" + self.arxiv)
        first = normalize_text(family_name(self.authors[0])) if self.authors else ""
        key = title_key(self.title)
        year = "" if len(key) >= DISTINCTIVE_TITLE_CHARS else str(self.year or "")
        keys.append(f"ta:{key}|{first}|{year}")
        return keys

    def content_hash(self) -> str:
        """A hash of the fields that feed the embedding, to re-embed only what changed."""
        text = "\x1f".join([self.title, ";".join(self.authors), str(self.year), self.venue or ""])
        return hashlib.sha1(text.encode("utf-8")).hexdigest()


def _one_name_each(names: list[str]) -> list[str]:
    """Author names as a list, one person each: sources join some ("D. Huber and M. Hebert")."""
    return [part.strip() for name in names for part in _JOINED_NAMES.split(str(name))
            if part.strip()]


@lru_cache(maxsize=1)
def _latex_converter() -> LatexNodes2Text:
    """One converter for every call: building one costs more than most conversions."""
    from pylatexenc.latex2text import LatexNodes2Text

    return LatexNodes2Text(math_mode="verbatim")


@lru_cache(maxsize=65536)
def latex_to_text(text: str) -> str:
    """Turn LaTeX accents, commands and braces (and HTML entities) into plain Unicode text."""
    if "&" in text:
        # DBLP exports keep HTML entities ("Ken&apos;ichi", "Ch&apos;ng").
        text = html.unescape(text)
    if not _LATEX_HINT.search(text):
        return text
    converted = _simple_latex_to_text(text)
    if converted is None:
        try:
            converted = _latex_converter().latex_to_text(text)
        except Exception:  # pylatexenc raises on some malformed input; braces alone are dropped
            converted = text.replace("{", "").replace("}", "")
    return " ".join(converted.split())


def _simple_latex_to_text(text: str) -> str | None:
    """pylatexenc's text (math kept verbatim) for text whose only LaTeX is inline $...$ math
    and accents on letters ("Spherical $k$-means", "Jo\\~{a}o"); None for anything else.

    pylatexenc costs 0.4-1 ms a string (0.2 s for a 22,000-character author list with one
    accent): titles with math, and names with accents, are the common cases. It gave
    pylatexenc's output for each of the 1,036 real strings it took, of 1,232 that look like
    LaTeX (index titles, names and author lists, HALLMARK, AnyStyle), and for each of 30,455
    made-up ones (tests/test_records_latex.py has real examples).
    """
    parts = text.split("$")
    if len(parts) % 2 == 0 or "$$" in text:
        return None  # a "$" without its pair, or display math
    if not all(_plain_math(math) for math in parts[1::2]):
        return None
    for index in range(0, len(parts), 2):
        plain = _ACCENT.sub(_accented, parts[index]) if "\\" in parts[index] else parts[index]
        if _TEXT_LATEX.search(plain):
            return None
        parts[index] = plain
    return "$".join(parts)


def _plain_math(math: str) -> bool:
    """Whether pylatexenc ends inline math at the "$" after ``math`` (kept as written).

    It does unless something in it reads on past that "$": a group left open, or a macro's
    arguments ("$\\frac$", "$\\hat$": the "$" would be the argument). A macro that takes no
    arguments is fine, and so is one that takes one braced argument (after an optional one,
    as \\sqrt) and is followed by the brace.
    """
    if _MATH_UNSAFE.search(math):
        return False
    braces = _NOT_BRACE.sub("", math)
    while "{}" in braces:  # balanced braces: nothing left after taking out the pairs
        braces = braces.replace("{}", "")
    if braces:
        return False
    return all(_macro_arguments(macro.group(1)) in _IN_MATH[macro.group(2)]
               for macro in _MATH_MACRO.finditer(math))


@lru_cache(maxsize=4096)
def _macro_arguments(name: str) -> str:
    """The arguments pylatexenc's parser reads after macro ``\\name``: "" none, "{" one braced,
    its other argspecs ("[{", "{{", ...), or "?" for an argument parser of its own (\\verb)."""
    from pylatexenc.macrospec import MacroStandardArgsParser

    spec = _latex_context().get_macro_spec(name)
    if spec is None:
        return ""  # a macro it does not know takes no arguments
    if type(spec.args_parser) is not MacroStandardArgsParser:
        return "?"
    return spec.args_parser.argspec


@lru_cache(maxsize=1)
def _latex_context() -> Any:
    """pylatexenc's macros, as its converter parses with them (made anew on each call)."""
    from pylatexenc.latexwalker import get_default_latex_context_db

    return get_default_latex_context_db()


def _accented(accent: re.Match[str]) -> str:
    """One accented letter as pylatexenc writes it: composed where Unicode has it."""
    macro, letter = [group for group in accent.groups() if group]
    return unicodedata.normalize("NFC", _DOTTED.get(letter, letter) + _COMBINING[macro])


@lru_cache(maxsize=262144)
def normalize_text(text: str) -> str:
    """Lower-case, accent-free, punctuation-free text for comparison."""
    # Hyphenation and punctuation differ between styles ("Pre-training" / "Pretraining"
    # are handled by the fuzzy comparison; here they just become spaces).
    folded = _fold(text)
    if folded.isascii():
        # Runs of non-word characters become one space, as _NON_WORD.sub makes them.
        return " ".join(folded.translate(_ASCII_NON_WORD).split()).replace("_", " ").strip()
    return _NON_WORD.sub(" ", folded).replace("_", " ").strip()


def _fold(text: str) -> str:
    """LaTeX and HTML entities decoded, accents stripped, case folded."""
    plain = latex_to_text(text)
    if plain.isascii():  # most titles and names: nothing to decompose (3x faster builds)
        return plain.casefold()
    decomposed = unicodedata.normalize("NFKD", plain)
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    stripped = stripped.replace("ß", "ss").replace("ø", "o").replace("ł", "l").replace("æ", "ae")
    return stripped.casefold()


_DASHES = re.compile(r"[\u2010-\u2015\u2212]")
_NOT_TITLE_CHAR = re.compile(r"[^\w&]+")
SPELLING_FILE = "spelling.json"


@lru_cache(maxsize=1)
def _spelling() -> tuple[dict[str, str], tuple[tuple[str, str, int], ...]]:
    """British-to-American word pairs and suffix rewrites (data/spelling.json)."""
    from citecheck.config import data_dir

    data = json.loads((data_dir() / SPELLING_FILE).read_text(encoding="utf-8"))
    suffixes = sorted(((rule["british"], rule["american"], int(rule["min_length"]))
                       for rule in data["suffixes"]), key=lambda rule: -len(rule[0]))
    return dict(data["words"]), tuple(suffixes)


@lru_cache(maxsize=131072)
def american_spelling(word: str) -> str:
    """One spelling for a (lower-case) word that British and American English spell apart."""
    words, suffixes = _spelling()
    if word in words:
        return words[word]
    for british, american, min_length in suffixes:
        if len(word) >= min_length and word.endswith(british):
            return word[: -len(british)] + american
    return word


@lru_cache(maxsize=262144)
def title_key(title: str) -> str:
    """A title with every typographic difference removed, so two renderings share a key.

    Case, accents, LaTeX braces, punctuation, Unicode forms, hyphen vs space vs
    nothing ("Meta-Learning", "Meta Learning", "MetaLearning"), "&" vs "and" and
    British vs American spelling do not change it; a changed, added or dropped word
    does ("Models" for "Model", "towards" for "for": HALLMARK's near-miss titles).
    """
    folded = _fold(title)
    if folded.isascii():
        words = folded.translate(_ASCII_NOT_TITLE_CHAR).replace("_", " ")
    else:
        words = _NOT_TITLE_CHAR.sub(" ", _DASHES.sub(" ", folded)).replace("_", " ")
    words = words.replace("&", " and ")
    # Joined, hyphenated and spaced compounds are one spelling: the key has no spaces.
    return "".join(american_spelling(word) for word in words.split())


def strip_dblp_suffix(name: str) -> str:
    return _DBLP_SUFFIX.sub("", name.strip())


def split_bibtex_authors(value: str) -> list[str]:
    """Split a BibTeX ``author`` field ("A and B and C") into display names."""
    value = latex_to_text(value)
    names = re.split(r"\s+and\s+", value.strip())
    result = []
    for name in names:
        name = strip_dblp_suffix(name.strip().strip(","))
        if not name:
            continue
        if name.lower() in {"others", "et al", "et al."}:
            result.append("et al.")
            continue
        result.append(display_name(name))
    return result


def display_name(name: str) -> str:
    """"Last, First" -> "First Last"; other forms unchanged (DBLP suffix removed)."""
    name = strip_dblp_suffix(" ".join(name.split()))
    if name.count(",") == 1:
        last, first = (part.strip() for part in name.split(","))
        if first and last and first.lower().rstrip(".") not in _NAME_SUFFIXES:
            return f"{first} {last}"
    return name


@lru_cache(maxsize=65536)
def family_name(name: str) -> str:
    """The family name of a person's name in "First Last" or "Last, First" form."""
    name = strip_dblp_suffix(" ".join(name.split()))
    if "," in name:
        head = name.split(",")[0].strip()
        if head:
            return head
    tokens = name.split()
    while len(tokens) > 1 and tokens[-1].lower().strip(",") in _NAME_SUFFIXES:
        tokens.pop()
    if not tokens:
        return ""
    family = [tokens[-1]]
    index = len(tokens) - 2
    while index > 0 and tokens[index].lower() in NAME_PARTICLES:
        family.insert(0, tokens[index])
        index -= 1
    return " ".join(family)


def normalize_doi(value: str | None) -> str | None:
    """Canonical DOI: lower case, no resolver prefix, no trailing punctuation."""
    if not value:
        return None
    doi = _DOI_PREFIX.sub("", str(value).strip()).strip()
    if not doi.startswith("10."):
        # Publisher links that carry the DOI ("https://link.springer.com/chapter/10.1007/...").
        embedded = _DOI_IN_URL.search(doi)
        doi = embedded.group(0) if embedded else doi
    doi = doi.rstrip(".,;:)]}>\"'")
    doi = doi.lower()
    return doi or None


def is_wellformed_doi(doi: str) -> bool:
    return bool(_DOI_SHAPE.match(doi))


def normalize_arxiv(value: str | None) -> str | None:
    """Canonical arXiv id: no ``arXiv:`` prefix, URL or version suffix."""
    if not value:
        return None
    text = str(value).strip()
    doi_match = _ARXIV_DOI.match(normalize_doi(text) or "")
    if doi_match:
        text = doi_match.group(1)
    match = _ARXIV_NEW.search(text)
    if match:
        return match.group(1)
    match = _ARXIV_OLD.search(text)
    if match:
        return match.group(1).lower()
    return None


def arxiv_from_doi(doi: str | None) -> str | None:
    if doi and _ARXIV_DOI.match(doi):
        return normalize_arxiv(doi)
    return None


def parse_year(value: object) -> int | None:
    if value is None:
        return None
    match = re.search(r"\b(1[5-9]\d\d|2[0-9]\d\d)\b", str(value))
    return int(match.group(1)) if match else None
