"""The venue alias table (data/venues.json): canonical names, DOI prefixes, preprint servers."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from citecheck.config import data_dir
from citecheck.records import normalize_text

VENUES_FILE = "venues.json"
RESOLVED_CACHE = 100_000
# Words that vary between renderings of the same venue name and carry no identity.
_FILLER = re.compile(
    r"\b(?:proceedings|proc|of|the|in|on|annual|international|intl|"
    r"\d+(?:st|nd|rd|th)?|first|second|third|fourth|fifth|sixth|seventh|eighth|ninth|tenth|"
    r"twenty|thirty|fortieth|ieee|cvf|acm|volume|vol|workshops?|track|main|long|short|papers?|"
    r"anais)\b"  # (ABNT's "Anais...": Portuguese for proceedings)
)


@dataclass(frozen=True, slots=True)
class Venue:
    canonical: str
    kind: str
    doi_prefixes: tuple[str, ...]
    issues_dois: bool
    volume_zero_year: int | None = None
    """A proceedings series numbered by volume: volume N holds the papers of this year + N."""

    def volume_year(self, volume: str | None) -> int | None:
        """The year whose papers volume ``volume`` of the series holds, if it is numbered."""
        if self.volume_zero_year is None or not volume or not volume.isdigit():
            return None
        return self.volume_zero_year + int(volume)

    @property
    def is_preprint(self) -> bool:
        return self.kind == "preprint"


# What is left of a journal named after its publisher once the filler goes ("Journal of the
# ACM", "Communications of the ACM"): no name at all, so such a name keeps its filler.
_GENERIC_KEYS = frozenset({"journal", "communications", "transactions", "letters", "magazine",
                           "review", "conference", "symposium", "workshop"})


def _key(name: str, abbreviations: dict[str, str] | None = None) -> str:
    """A venue name without filler, its abbreviated words written out ("Proc. Int. Conf.")."""
    words = normalize_text(name).split()
    if abbreviations:
        words = [abbreviations.get(word, word) for word in words]
    written = " ".join(words)
    key = " ".join(_FILLER.sub(" ", written).split())
    return written if key in _GENERIC_KEYS else key


class VenueTable:
    """Resolves free-text venue names to canonical venues."""

    def __init__(self, entries: list[dict[str, object]],
                 abbreviations: dict[str, str] | None = None,
                 series: list[dict[str, object]] | None = None) -> None:
        self.abbreviations = abbreviations or {}
        # A series' names (as keys) -> its volume numbers -> "ICML 2021".
        self.series_volumes: dict[str, dict[str, str]] = {}
        for entry in series or ():
            volumes = {str(k): str(v) for k, v in entry["volumes"].items()}  # type: ignore[attr-defined]
            for name in [entry["name"], *entry.get("aliases", ())]:  # type: ignore[misc]
                self.series_volumes[self._key(str(name))] = volumes
        self.by_key: dict[str, Venue] = {}
        self.by_token: dict[str, Venue] = {}
        self.words_of: dict[str, list[frozenset[str]]] = {}  # canonical name: each name's words
        for entry in entries:
            venue = Venue(str(entry["canonical"]), str(entry.get("kind", "conference")),
                          tuple(entry.get("doi_prefixes", ())),  # type: ignore[arg-type]
                          bool(entry.get("issues_dois", True)),
                          entry.get("volume_zero_year"))  # type: ignore[arg-type]
            names = [venue.canonical, *entry.get("aliases", ())]  # type: ignore[misc]
            for name in names:
                key = self._key(name)
                if key:
                    self.by_key.setdefault(key, venue)
                    self.words_of.setdefault(venue.canonical, []).append(frozenset(key.split()))
                # Short all-caps acronyms (CVPR, NeurIPS, NIPS) are recognised as tokens
                # inside longer strings ("Proc. CVPR 2021", "NeurIPS 2020 Workshop").
                if re.fullmatch(r"[A-Za-z\-]{2,12}", name) and any(c.isupper() for c in name[1:]):
                    self.by_token.setdefault(name.lower(), venue)
        self._sorted_keys = sorted(self.by_key, key=len, reverse=True)
        # Venue names repeat across a batch; resolving one scans every alias.
        self._resolved: dict[str, Venue | None] = {}

    @classmethod
    def load(cls, path: Path | None = None) -> VenueTable:
        path = path or data_dir() / VENUES_FILE
        table = json.loads(path.read_text(encoding="utf-8"))
        return cls(table["venues"], table.get("abbreviations"), table.get("series"))

    def _key(self, name: str) -> str:
        return _key(name, self.abbreviations)

    def names_a_venue(self, name: str) -> bool:
        """Whether ``name`` has a word beyond filler ("Proceedings of the" has none)."""
        return bool(self._key(name))

    def part_of(self, name: str, venue: Venue) -> bool:
        """Whether ``name`` is words of one of ``venue``'s names, two or more of them: an
        IEEE proceedings title inverted and cut at its year ("Robotics and Automation, 2009.
        ICRA '09. IEEE International Conference on") names ICRA, vaguely but not wrongly."""
        words = set(self._key(name).split())
        return len(words) >= 2 and any(words <= own for own in self.words_of.get(
            venue.canonical, ()))

    def venue_key(self, name: str) -> str:
        """The canonical name of a venue, else its name without years, ordinals and filler."""
        venue = self.resolve(name)
        return venue.canonical if venue else (self._key(name) or normalize_text(name))

    def volume_holds(self, name: str | None, volume: str | None) -> str | None:
        """The venue and year ("ICML 2021") a volume of a series numbered across venues
        holds: "Proceedings of Machine Learning Research 139", "PMLR 139"."""
        if not name or not volume or not volume.isdigit():
            return None
        return self.series_volumes.get(self._key(name), {}).get(str(int(volume)))

    def resolve(self, name: str | None) -> Venue | None:
        if not name:
            return None
        if name not in self._resolved:
            if len(self._resolved) >= RESOLVED_CACHE:
                self._resolved.clear()
            self._resolved[name] = self._resolve(name)
        return self._resolved[name]

    def named(self, name: str) -> Venue | None:
        """The venue that ``name`` is one of the names of (most of its words an alias's),
        not one it merely mentions by an acronym ("Model Merging for NeurIPS Workshops")."""
        key = self._key(name)
        if not key:
            return None
        if key in self.by_key:
            return self.by_key[key]
        for candidate in self._sorted_keys:  # longest alias contained in the name wins
            if len(candidate) >= 0.6 * len(key) and f" {candidate} " in f" {key} ":
                return self.by_key[candidate]
        return None

    def same_name(self, name: str, other: str) -> bool:
        """Whether two names are one venue's name, years, ordinals and filler aside."""
        key = self._key(name)
        return bool(key) and key == self._key(other)

    def _resolve(self, name: str) -> Venue | None:
        if not self._key(name):
            return None
        venue = self.named(name)
        if venue is not None:
            return venue
        tokens = re.findall(r"[A-Za-z][A-Za-z\-]+", name)
        for token in tokens:
            venue = self.by_token.get(token.lower())
            if venue and (token.isupper() or token.lower() == venue.canonical.lower()
                          or any(c.isupper() for c in token[1:])):
                return venue
        return None


@lru_cache(maxsize=1)
def default_venue_table() -> VenueTable:
    return VenueTable.load()
