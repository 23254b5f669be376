"""Candidate records for citations: identifier and title look-ups, FTS5 BM25 and FAISS, fused by RRF."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from citecheck.compare import title_similarity
from citecheck.extract.types import CitedFields
from citecheck.index import Index
from citecheck.records import (
    DISTINCTIVE_TITLE_CHARS,
    Record,
    arxiv_from_doi,
    family_name,
    title_key,
)

# Reciprocal rank fusion constant from Cormack et al. (2009); insensitive in 20..100.
RRF_K = 60
CHANNEL_DEPTH = 20
SHORTLIST = 10
# Lexical hits checked for the cited title before paying for the dense channel.
CLOSE_CHECK = 3
# A lexical hit this close to the cited title (a dropped word, a typo) is the record the
# dense channel would find too; only garbled or paraphrased titles need embedding
# (benchmarks/hallmark.py: same F1 with the channel skipped above this).
CLOSE_TITLE = 0.90
# An exact identifier hit outranks any text match.
IDENTIFIER_BONUS = 1.0
# Sentences and quoted or emphasised parts of a citation's text, looked up whole when the
# parsed title is short and no record's: where the title stands when the fields around it
# were misread ("CHANG, M., JANG, E. H., KIM, W. & YOON, D. Gaze Entropy ..." gave "KIM").
_TEXT_PART_BREAK = re.compile(r"(?<=[.?!])\s+|[“”\"*]+")
MAX_TEXT_TITLES = 6
# A parsed title this short ("KIM", "O. Gupta") may be a misread; a longer one that is no
# record's title is a title the index lacks, and its words reach the lexical channel.
FEW_TITLE_WORDS = 4


@dataclass(slots=True)
class Candidate:
    """A record that may be the cited work, with where it came from."""

    record: Record
    score: float
    channels: dict[str, int] = field(default_factory=dict)
    """Channel name -> rank (0-based) in that channel."""


def query_text(fields: CitedFields, raw_text: str) -> str:
    """What to search for: the cited title and family names, else the raw citation text."""
    if fields.title:
        families = ", ".join(family_name(a) for a in fields.authors[:6])
        return f"{fields.title}. {families}" if families else fields.title
    return raw_text


def text_titles(raw_text: str, parsed_title: str | None) -> list[str]:
    """Parts of a citation's text long enough to be a distinctive title, other than the parsed one."""
    parts = []
    for part in _TEXT_PART_BREAK.split(raw_text):
        part = part.strip(" ,;:()[].")
        # The part the title was read from is mostly the title itself, letter for letter.
        if DISTINCTIVE_TITLE_CHARS <= len(part) <= 400 and part != parsed_title and (
                not parsed_title or title_key(part) != title_key(parsed_title)):
            parts.append(part)
    return parts[:MAX_TEXT_TITLES]


def identifier_hits(index: Index, fields: CitedFields) -> list[int]:
    rids: list[int] = []
    if fields.doi:
        rids += index.store.rids_by_doi(fields.doi)
    arxiv = fields.arxiv or arxiv_from_doi(fields.doi)
    if arxiv:
        rids += index.store.rids_by_arxiv(arxiv)
    return list(dict.fromkeys(rids))


def _fuse(scores: dict[int, float], channels: dict[int, dict[str, int]], channel: str,
          rids: list[int], bonus: float = 0.0) -> None:
    """Add one channel's ranking to the reciprocal-rank-fusion scores."""
    for rank, rid in enumerate(rids):
        scores[rid] = scores.get(rid, 0.0) + 1.0 / (RRF_K + rank) + bonus
        channels.setdefault(rid, {})[channel] = rank


def _has_close_title(fields: CitedFields, records: dict[int, Record], rids: list[int]) -> bool:
    """One of ``rids`` carries the cited title, or nearly (so the dense channel can add nothing)."""
    if not fields.title:
        return False
    return any(rid in records and title_similarity(fields.title, records[rid].title) >= CLOSE_TITLE
               for rid in rids)


def _best(scores: dict[int, float], shortlist: int) -> list[int]:
    return sorted(scores, key=scores.__getitem__, reverse=True)[:shortlist]


def retrieve_many(index: Index, queries: list[tuple[CitedFields, str]],
                  *, shortlist: int = SHORTLIST) -> list[list[Candidate]]:
    """Fused candidate lists for many citations.

    Identifier and lexical channels run first; the dense channel (an encoder pass, the
    costly step) runs only for citations whose title they did not find (nearly) verbatim, and
    embeds all of those in one batch.
    """
    texts = [query_text(fields, raw) for fields, raw in queries]
    fused: list[tuple[dict[int, float], dict[int, dict[str, int]]]] = []
    fetched: list[dict[int, Record]] = []
    needs_dense: list[int] = []
    for position, ((fields, raw), text) in enumerate(zip(queries, texts, strict=True)):
        scores: dict[int, float] = {}
        channels: dict[int, dict[str, int]] = {}
        ids = identifier_hits(index, fields)
        # The cited title looked up whole: full-text search narrows by the rarest words,
        # the family names when a real title is cited with other authors, and misses it.
        titled = (index.store.rids_by_title(fields.title)
                  or index.store.rids_by_short_title(fields.title)) if fields.title else []
        if not titled and len((fields.title or "").split()) < FEW_TITLE_WORDS:
            titled = [rid for part in text_titles(raw, fields.title)
                      for rid in index.store.rids_by_title(part)]
        lexical = [rid for rid, _ in index.store.search(text, CHANNEL_DEPTH)]
        _fuse(scores, channels, "identifier", ids, IDENTIFIER_BONUS)
        _fuse(scores, channels, "title", titled)
        _fuse(scores, channels, "lexical", lexical)
        fused.append((scores, channels))
        checked = ids + titled + lexical[:CLOSE_CHECK]
        # The shortlist as it stands is read in the same query as the records checked for
        # the cited title: when the title is found the dense channel is skipped and the
        # shortlist is final, so a known reference costs one read instead of two.
        records = index.store.get([*checked, *_best(scores, shortlist)])
        fetched.append(records)
        if not _has_close_title(fields, records, checked):
            needs_dense.append(position)
    if needs_dense:
        vectors = index.encoder.encode_batch([texts[p] for p in needs_dense])
        for position, hits in zip(needs_dense, index.vectors.search(vectors, CHANNEL_DEPTH),
                                  strict=True):
            _fuse(*fused[position], "dense", [rid for rid, _ in hits])
    results = []
    for (scores, channels), records in zip(fused, fetched, strict=True):
        best = _best(scores, shortlist)
        # Records already read are not read again (all of them, unless the dense channel ran).
        missing = [rid for rid in best if rid not in records]
        if missing:
            records.update(index.store.get(missing))
        results.append([Candidate(records[rid], scores[rid], channels[rid])
                        for rid in best if rid in records])
    return results
