"""The Record type and the normalisation of names, titles, DOIs and arXiv ids."""

from __future__ import annotations

import hashlib
import json
import re
import unicodedata
from dataclasses import asdict, dataclass, field, fields
from functools import lru_cache
from typing import Any

from citecheck.latex import latex_to_text

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
_JOINED_NAMES = re.compile(r"\s+and\s+")
# A title cited without its subtitle (the part after a colon) is the same title when the
# main title's key has at least this many characters: "BERT" alone could name many works.
MAIN_TITLE_CHARS = 12
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


@lru_cache(maxsize=262144)
def normalize_text(text: str) -> str:
    """Lower-case, accent-free, punctuation-free text for comparison."""
    # Hyphenation and punctuation differ between styles ("Pre-training" / "Pretraining"
    # are handled by the fuzzy comparison; here they just become spaces).
    folded = _fold(text)
    # For ASCII, runs of non-word characters become one space, as _NON_WORD.sub makes them.
    spaced = (" ".join(folded.translate(_ASCII_NON_WORD).split()) if folded.isascii()
              else _NON_WORD.sub(" ", folded))
    return spaced.replace("_", " ").strip()


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
    spaced = (folded.translate(_ASCII_NOT_TITLE_CHAR) if folded.isascii()
              else _NOT_TITLE_CHAR.sub(" ", _DASHES.sub(" ", folded)))
    words = spaced.replace("_", " ").replace("&", " and ")
    # Joined, hyphenated and spaced compounds are one spelling: the key has no spaces.
    return "".join(map(american_spelling, words.split()))


def strip_dblp_suffix(name: str) -> str:
    name = name.strip()
    # Most names end in a letter: no suffix to look for (the regex scans every space).
    return _DBLP_SUFFIX.sub("", name) if name[-1:].isdigit() else name


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
