"""Labelling the tokens of one reference string with a CRF trained on AnyStyle's core.xml."""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Any

MODEL_NAME = "reference_crf.crfsuite"
# The attributes the model has weights for, one a line (benchmarks/train_parser.py writes it
# beside the model): Tagger.info() would give them too, but costs 0.18 s a process.
ATTRIBUTES_NAME = "reference_crf.attributes"
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
_WORD = re.compile(r"\S+")


class _ShapeTable(dict[int, int]):
    """str.translate table of a word's shape: capitals [A-ZÀ-Þ] -> X, small letters
    [a-zß-ÿ] -> x, decimal digits (re's \\d) -> d, anything else itself. One pass over the
    word instead of three substitutions; each other character is looked up once."""

    def __missing__(self, code: int) -> int:
        value = ord("d") if chr(code).isdecimal() else code
        self[code] = value
        return value


_SHAPE = _ShapeTable({code: ord("X") for code in [*range(ord("A"), ord("Z") + 1),
                                                  *range(ord("À"), ord("Þ") + 1)]}
                     | {code: ord("x") for code in [*range(ord("a"), ord("z") + 1),
                                                    *range(ord("ß"), ord("ÿ") + 1)]})
# Runs of three or more of a character become two (a run of two is already two).
_RUN = re.compile(r"(.)\1\1+")


def _shape(word: str) -> str:
    return _RUN.sub(_two, word.translate(_SHAPE))


def _two(run: re.Match[str]) -> str:
    return run.group(1) * 2


def _core(word: str) -> str:
    return word.strip(".,;:()[]\"“”‘’'«»!?").lower()


def _token_features(word: str) -> tuple[str, ...]:
    """Features of one token alone."""
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
# A token's own features, and what it gives each neighbour (at _OFFSETS) of another token.
WordFeatures = tuple[tuple[str, ...], tuple[tuple[str, ...], ...]]


def _word_features(word: str) -> WordFeatures:
    """Every feature of a token, as a model is trained on; label_words gives the tagger only
    those its model knows (_known_word_features)."""
    own = _token_features(word)
    return own, tuple(tuple([f"{offset}:{f}" for f in _shown(own)]) for offset in _OFFSETS)


def _shown(own: tuple[str, ...]) -> tuple[str, ...]:
    """What of a token's features its neighbours see: word, shape and the flags; not the
    affixes or edge characters."""
    return own[:2] + own[6:]


# The position features' strings, made once rather than per token. They are not filtered
# like the words' features: the bundled model knows each of them, and crfsuite would only
# skip one it did not.
_POSITIONS = tuple(f"pos={tenth}" for tenth in range(10))
_INDICES = tuple(f"idx={index}" for index in range(7))
_SENTENCES = tuple(f"sentence={sentence}" for sentence in range(5))
_EDGES = tuple((f"{offset}:edge",) for offset in _OFFSETS)


def sequence_features(words: list[str], word_features: Callable[[str], WordFeatures] = _word_features
                      ) -> list[list[str]]:
    """Features of each whitespace token: its own, its neighbours' and its position."""
    own = [word_features(word) for word in words]
    count = len(words)
    result = []
    in_quote = in_paren = False
    sentence = 0
    for index, word in enumerate(words):
        if word[0] in "\"“«‘" or (word[0] == "'" and len(word) > 1):
            in_quote = True
        if word[0] in "([":
            in_paren = True
        features = [*own[index][0], _POSITIONS[10 * index // count], _INDICES[min(index, 6)],
                    _SENTENCES[min(sentence, 4)]]
        if index == count - 1:
            features.append("final")
        if in_quote:
            features.append("quoted")
        if in_paren:
            features.append("paren")
        # The neighbours at _OFFSETS (-2, -1, +1, +2), in that order, or the text's edge.
        features += own[index - 2][1][0] if index >= 2 else _EDGES[0]
        features += own[index - 1][1][1] if index >= 1 else _EDGES[1]
        features += own[index + 1][1][2] if index + 1 < count else _EDGES[2]
        features += own[index + 2][1][3] if index + 2 < count else _EDGES[3]
        result.append(features)
        tail = word.rstrip(".,;:")[-1:]  # "" (all punctuation) ends a quote and a bracket too
        if word[-1] in "\"”»’" or tail in "\"”»’":
            in_quote = False
        if tail in ")]":
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


def model_attributes(tagger: Any) -> list[str]:
    """The attributes the model of an open pycrfsuite Tagger has state features for, sorted."""
    return sorted({attribute for attribute, _ in tagger.info().state_features})


@dataclass(frozen=True, slots=True)
class _Vocabulary:
    """The bundled model's attributes (ATTRIBUTES_NAME), as _known_word_features reads them."""

    attributes: frozenset[str]
    # For each of _OFFSETS, a token's feature -> the model's attribute for it as that
    # neighbour ("w=the" -> "-1:w=the"): looked up, rather than made and then looked up.
    neighbours: tuple[dict[str, str], ...]

    @classmethod
    def read(cls) -> _Vocabulary:
        """The list shipped beside the model."""
        data = resources.files("citecheck.models").joinpath(ATTRIBUTES_NAME).read_bytes()
        # Sorted, each line ending with "\n" (not splitlines(): a feature may hold U+2028).
        attributes = data.decode("utf-8").split("\n")[:-1]
        neighbours = []
        for offset in _OFFSETS:  # each neighbour's attributes are together: "-1:..." to "-1;"
            prefix = f"{offset}:"
            start = bisect_left(attributes, prefix)
            end = bisect_left(attributes, f"{offset};", start)
            neighbours.append({attribute[len(prefix):]: attribute
                               for attribute in attributes[start:end]})
        return cls(frozenset(attributes), tuple(neighbours))


@lru_cache(maxsize=1)
def _vocabulary() -> _Vocabulary:
    """Read when a reference is first parsed, not on import."""
    return _Vocabulary.read()


@lru_cache(maxsize=65536)
def _known_word_features(word: str) -> WordFeatures:
    """_word_features less what the model does not know; cached, as words repeat across
    references.

    crfsuite skips an unknown attribute only after converting and looking it up: about a
    fifth of a reference's features are unknown words, affixes and shapes.
    """
    own = _token_features(word)
    if "\x00" in word:
        # crfsuite reads a feature up to its first NUL: that is what to look up.
        own = tuple([feature.partition("\x00")[0] for feature in own])
    vocabulary = _vocabulary()
    shown = _shown(own)
    return (tuple([feature for feature in own if feature in vocabulary.attributes]),
            tuple([tuple([known[feature] for feature in shown if feature in known])
                   for known in vocabulary.neighbours]))


def label_words(words: list[str]) -> list[str]:
    """The label of each token (see LABELS), by the bundled model."""
    if not words:
        return []
    # crfsuite takes UTF-8: lone surrogates (from undecodable input bytes) become "?".
    safe = [word.encode("utf-8", "replace").decode("utf-8") for word in words]
    # Only the words' features the model knows: crfsuite skips the others, but not for free.
    return list(_tagger().tag(sequence_features(safe, _known_word_features)))


def labelled_runs(text: str) -> list[tuple[str, int, int]]:
    """Runs of equally labelled tokens as (label, start, end) character offsets in ``text``."""
    return list(_labelled_runs(text))


@lru_cache(maxsize=256)
def _labelled_runs(text: str) -> tuple[tuple[str, int, int], ...]:
    # Cached: every author reading of a reference, and each parse of the same text (an
    # embedded reference is parsed as a probe, then in full), labels the same words.
    tokens = [(match.group(0), match.start(), match.end())
              for match in _WORD.finditer(text)]
    labels = label_words([word for word, _, _ in tokens])
    runs: list[tuple[str, int, int]] = []
    for (_, start, end), label in zip(tokens, labels, strict=True):
        if runs and runs[-1][0] == label:
            runs[-1] = (label, runs[-1][1], end)
        else:
            runs.append((label, start, end))
    return tuple(runs)
