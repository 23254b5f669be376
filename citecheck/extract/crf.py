"""Labelling the tokens of one reference string with a CRF trained on AnyStyle's core.xml."""

from __future__ import annotations

import re
from functools import lru_cache
from importlib import resources
from typing import Any

MODEL_NAME = "reference_crf.crfsuite"
# AnyStyle tags folded into the labels the parser uses; everything else is "other".
LABELS = {
    "author": "author", "editor": "editor", "translator": "editor", "director": "editor",
    "producer": "editor", "date": "date", "title": "title", "journal": "journal",
    "container-title": "container", "collection-title": "container", "volume": "volume",
    "pages": "pages", "publisher": "publisher", "location": "location", "doi": "doi",
    "url": "url", "isbn": "isbn", "citation-number": "number",
}
_PARTICLES = frozenset({"van", "von", "der", "den", "de", "del", "della", "di", "da", "du", "la",
                        "le", "ter", "ten", "dos", "das", "zu", "y"})
_MONTHS = frozenset({"jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "sept",
                     "oct", "nov", "dec", "january", "february", "march", "april", "june",
                     "july", "august", "september", "october", "november", "december"})
_VENUE_WORDS = frozenset({
    "journal", "j", "proc", "proceedings", "conference", "conf", "symposium", "workshop",
    "transactions", "trans", "review", "rev", "letters", "lett", "annals", "bulletin",
    "quarterly", "magazine", "international", "int", "acta", "advances", "adv", "research",
    "studies", "science", "sci", "med", "arxiv", "preprint",
})
_PUBLISHER_WORDS = frozenset({"press", "publishers", "publishing", "verlag", "books", "wiley",
                              "springer", "elsevier", "university", "univ", "inc", "ltd",
                              "editions", "éditions"})
_ROLE_WORDS = frozenset({"ed", "eds", "editor", "editors", "hrsg", "trans", "dir", "comp",
                         "in", "in:", "im", "dans", "and", "&", "et", "al", "pp", "p", "vol",
                         "no", "nr", "retrieved", "available", "doi", "isbn", "http", "https",
                         "accessed", "thesis", "dissertation", "report", "chapter", "edn",
                         "edition"})
_YEAR = re.compile(r"\(?\[?(?:1[5-9]|20)\d\d[a-z]?\]?\)?[.,:;]?")
_INITIAL = re.compile(r"(?:[A-Z]\.-?){1,4}[,;:]?|[A-Z]{1,3}[,;.]?")
_PAGE_RANGE = re.compile(r"\d+[–\-—]+\d+[.,;]?\)?[.,;]?")


def _shape(word: str) -> str:
    shape = re.sub(r"[A-ZÀ-Þ]", "X", word)
    shape = re.sub(r"[a-zß-ÿ]", "x", shape)
    shape = re.sub(r"\d", "d", shape)
    return re.sub(r"(.)\1+", r"\1\1", shape)


def _core(word: str) -> str:
    return word.strip(".,;:()[]\"“”‘’'«»!?").lower()


@lru_cache(maxsize=65536)
def _token_features(word: str) -> tuple[str, ...]:
    """Features of one token alone; cached, as words repeat across references."""
    core = _core(word)
    features = [f"w={core}", f"shape={_shape(word)}", f"suf={core[-3:]}", f"pre={core[:3]}",
                f"last={word[-1]}", f"first={word[0]}"]
    if _YEAR.fullmatch(word):
        features.append("year")
    if _INITIAL.fullmatch(word):
        features.append("initial")
    if _PAGE_RANGE.fullmatch(word):
        features.append("range")
    if core in _PARTICLES:
        features.append("particle")
    if core in _MONTHS:
        features.append("month")
    if core in _VENUE_WORDS:
        features.append("venueword")
    if core in _PUBLISHER_WORDS:
        features.append("publisherword")
    if core in _ROLE_WORDS:
        features.append(f"role={core}")
    if "http" in word or "www." in word:
        features.append("url")
    if word.startswith("10.") or "doi" in core:
        features.append("doi")
    if core.isdigit():
        features.append(f"digits={min(len(core), 5)}")
    if word[:1].isupper() and core[1:].islower():
        features.append("capitalised")
    if word.isupper() and len(core) > 1:
        features.append("upper")
    return tuple(features)


_OFFSETS = (-2, -1, 1, 2)


@lru_cache(maxsize=65536)
def _word_features(word: str) -> tuple[tuple[str, ...], tuple[tuple[str, ...], ...]]:
    """A token's own features and what it contributes as each neighbour of another token."""
    own = _token_features(word)
    shown = own[:2] + own[6:]  # word, shape and the flags; not affixes or edge characters
    return own, tuple(tuple(f"{offset}:{f}" for f in shown) for offset in _OFFSETS)


def sequence_features(words: list[str]) -> list[list[str]]:
    """Features of each whitespace token: its own, its neighbours' and its position."""
    own = [_word_features(word) for word in words]
    count = len(words)
    result = []
    in_quote = in_paren = False
    sentence = 0
    for index, word in enumerate(words):
        if word[0] in "\"“«‘" or (word[0] == "'" and len(word) > 1):
            in_quote = True
        if word[0] in "([":
            in_paren = True
        features = [*own[index][0], f"pos={10 * index // count}", f"idx={min(index, 6)}",
                    f"sentence={min(sentence, 4)}"]
        if index == count - 1:
            features.append("final")
        if in_quote:
            features.append("quoted")
        if in_paren:
            features.append("paren")
        for slot, offset in enumerate(_OFFSETS):
            neighbour = index + offset
            if 0 <= neighbour < count:
                features += own[neighbour][1][slot]
            else:
                features.append(f"{offset}:edge")
        result.append(features)
        if word[-1] in "\"”»’" or word.rstrip(".,;:")[-1:] in "\"”»’":
            in_quote = False
        if word.rstrip(".,;:")[-1:] in ")]":
            in_paren = False
        if word.endswith((".", "?", "!")) and not _INITIAL.fullmatch(word):
            sentence += 1
    return result


@lru_cache(maxsize=1)
def _tagger() -> Any:
    import pycrfsuite  # a compiled extension: imported only when a reference is parsed

    tagger = pycrfsuite.Tagger()
    model = resources.files("citecheck.models").joinpath(MODEL_NAME)
    with resources.as_file(model) as path:
        tagger.open(str(path))
    return tagger


def label_words(words: list[str]) -> list[str]:
    """The label of each token (see LABELS), by the bundled model."""
    if not words:
        return []
    # crfsuite takes UTF-8: lone surrogates (from undecodable input bytes) become "?".
    safe = [word.encode("utf-8", "replace").decode("utf-8") for word in words]
    return list(_tagger().tag(sequence_features(safe)))


def labelled_runs(text: str) -> list[tuple[str, int, int]]:
    """Runs of equally labelled tokens as (label, start, end) character offsets in ``text``."""
    tokens = [(match.group(0), match.start(), match.end())
              for match in re.finditer(r"\S+", text)]
    labels = label_words([word for word, _, _ in tokens])
    runs: list[tuple[str, int, int]] = []
    for (_, start, end), label in zip(tokens, labels, strict=True):
        if runs and runs[-1][0] == label:
            runs[-1] = (label, runs[-1][1], end)
        else:
            runs.append((label, start, end))
    return runs
