"""The Report of one input and its renderings: text, JSON, JSONL and Markdown."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from citecheck.formatting import format_bibtex
from citecheck.verdict import VERDICTS, CitationResult

FORMATS = ("text", "json", "jsonl", "markdown", "bibtex")
_COLOURS = {"verified": "32", "mismatch": "33", "not_found": "31", "unverifiable": "36"}
_LABELS = {"verified": "VERIFIED", "mismatch": "MISMATCH", "not_found": "NOT FOUND",
           "unverifiable": "UNVERIFIABLE"}


@dataclass(slots=True)
class IndexInfo:
    path: str
    records: int
    model: str

    def to_dict(self) -> dict[str, Any]:
        return {"path": self.path, "records": self.records, "model": self.model}


@dataclass(slots=True)
class Report:
    """All citations of one input with their verdicts."""

    source: str
    index: IndexInfo
    results: list[CitationResult] = field(default_factory=list)

    @property
    def summary(self) -> dict[str, int]:
        """Verdict counts over the works cited: reference entries and in-text cites with no
        entry. In-text mentions of an entry share its verdict and are counted apart
        (``mentions``), so two papers cited twice each are 2 works, not 4 verdicts."""
        counts = {"total": 0} | {v: 0 for v in VERDICTS} | {"mentions": 0}
        for result in self.results:
            if result.citation.links_to is not None:
                counts["mentions"] += 1
                continue
            counts["total"] += 1
            counts[result.verdict] += 1
        return counts

    @property
    def flagged(self) -> bool:
        return any(result.flagged for result in self.results)

    @property
    def warned(self) -> bool:
        """Some citation carries a warning (a slip; it fails only with ``--strict``)."""
        return any(result.warnings for result in self.results)

    def to_dict(self) -> dict[str, Any]:
        return {
            "source": self.source,
            "index": self.index.to_dict(),
            "citations": [result.to_dict() for result in self.results],
            "summary": self.summary,
        }


def render(report: Report, format: str = "text", *, colour: bool = False) -> str:
    if format == "json":
        return json.dumps(report.to_dict(), ensure_ascii=False, indent=2)
    if format == "jsonl":
        return json.dumps(report.to_dict(), ensure_ascii=False)
    if format == "markdown":
        return render_markdown(report)
    if format == "bibtex":
        return render_bibtex(report)
    return render_text(report, colour=colour)


def _shorten(text: str, width: int = 110) -> str:
    text = " ".join(text.split())
    return text if len(text) <= width else text[: width - 1] + "…"


def _where_they_differ(cited: str, expected: str, width: int) -> tuple[str, str]:
    """Two long values shortened to ``width`` may look the same ("A; B; C; …" twice): each
    from the last "; " before they part, so the shortened text shows the difference."""
    if len(cited) <= width and len(expected) <= width:
        return cited, expected
    common = 0
    while common < min(len(cited), len(expected)) and cited[common] == expected[common]:
        common += 1
    cut = cited.rfind("; ", 0, common) + 2
    if cut < width // 2:
        return cited, expected
    return "…" + cited[cut:], "…" + expected[cut:]


def _record_line(result: CitationResult) -> str:
    record = result.record
    if record is None:
        return ""
    authors = ", ".join(record.authors[:3]) + (" et al." if len(record.authors) > 3 else "")
    return f"{authors} ({record.year}). {record.title}. {record.venue or ''}".strip()


def render_text(report: Report, *, colour: bool = False) -> str:
    def paint(verdict: str, text: str) -> str:
        return f"\033[{_COLOURS[verdict]}m{text}\033[0m" if colour else text

    # In-text citations linked to a reference entry share its verdict: list them under it.
    cited_as: dict[int, list[str]] = {}
    for result in report.results:
        if result.citation.links_to is not None:
            cited_as.setdefault(result.citation.links_to, []).append(result.citation.text)
    lines = [f"{report.source}: {len(report.results)} citation(s), index {report.index.path} "
             f"({report.index.records} records)", ""]
    number = 0
    for position, result in enumerate(report.results):
        if result.citation.links_to is not None:
            continue
        number += 1
        label = paint(result.verdict, f"{_LABELS[result.verdict]:<12}")
        lines.append(f"{number:>3}. {label} {result.confidence:.2f}  [{result.citation.kind}] "
                     f"{_shorten(result.citation.text)}")
        if position in cited_as:
            lines.append(f"       cited in the text as {_shorten(', '.join(cited_as[position]), 80)}")
        if result.record is not None and result.verdict in ("verified", "unverifiable"):
            lines.append(f"       = {_shorten(_record_line(result))}")
        if result.record is not None:
            lines.append(f"       from {_shorten(', '.join(result.record.ids or [result.record.id]), 90)}")
        for mismatch in result.mismatches:
            cited, expected = _where_they_differ(mismatch.cited, mismatch.expected, 60)
            lines.append(f"       ! {mismatch.field}: cited {_shorten(cited, 60)!r}, "
                         f"expected {_shorten(expected, 60)!r}")
        for warning in result.warnings:
            lines.append(f"       ~ warning, {warning.field}: cited {_shorten(warning.cited, 60)!r}, "
                         f"record says {_shorten(warning.expected, 60)!r}")
        if result.reason and result.verdict != "verified":
            lines.append(f"       - {result.reason}")
        if result.flagged:
            for suggestion in result.suggestions[:1]:
                lines.append(f"       ? closest real record ({suggestion.score:.2f}): "
                             f"{_shorten(suggestion.record.title, 80)} "
                             f"({suggestion.record.year}, {suggestion.record.venue or 'n/a'})")
    summary = report.summary
    note = (f"; {summary['mentions']} in-text mention(s) listed under their entries"
            if summary["mentions"] else "")
    lines += ["", "summary: " + ", ".join(f"{summary[v]} {v}" for v in VERDICTS)
              + f" (of {summary['total']} works cited{note})"]
    return "\n".join(lines)


def render_markdown(report: Report) -> str:
    lines = [f"# citecheck report: {report.source}", "",
             "| # | verdict | confidence | citation | notes |", "|---|---|---|---|---|"]
    for number, result in enumerate(report.results, 1):
        notes = "; ".join(f"{m.field}: cited *{m.cited}*, expected *{m.expected}*"
                          for m in result.mismatches) or (result.reason or "")
        notes += "".join(f"; warning, {w.field}: cited *{w.cited}*, record says *{w.expected}*"
                         for w in result.warnings)
        if result.flagged and result.suggestions:
            notes += f" — closest: {result.suggestions[0].record.title}"
        cell = _shorten(result.citation.text, 90).replace("|", "\\|")
        lines.append(f"| {number} | {result.verdict} | {result.confidence:.2f} | {cell} | "
                     f"{notes.replace('|', chr(92) + '|')} |")
    summary = report.summary
    lines += ["", "**Summary:** " + ", ".join(f"{summary[v]} {v}" for v in VERDICTS)]
    return "\n".join(lines)


def render_bibtex(report: Report) -> str:
    """BibTeX of the record behind each citation: corrected for mismatches, the closest
    real record (commented as a suggestion) for citations not found."""
    blocks = []
    for number, result in enumerate(report.results, 1):
        if result.citation.links_to is not None:
            continue  # an in-text citation: its reference entry carries the record
        key = result.citation.key if result.citation.kind == "bibtex" else None
        header = f"% [{number}] {result.verdict}: {_shorten(result.citation.text, 90)}"
        header += "".join(f"\n% warning, {w.field}: cited {w.cited!r}, record says {w.expected!r}"
                          for w in result.warnings)
        if result.record is not None:
            blocks.append(f"{header}\n{format_bibtex(result.record, key=key)}")
        elif result.suggestions:
            # Commented out, and without its "@": BibTeX reads an entry at any "@", even on
            # a "%" line, and pasting the output into a .bib must never cite a paper other
            # than the one the author meant.
            best = result.suggestions[0]
            entry = format_bibtex(best.record).removeprefix("@")
            suggestion = "\n".join(f"%   {line}" for line in entry.splitlines())
            blocks.append(f"{header}\n% closest real record (score {best.score:.2f}), not the "
                          f"cited work; to use it, uncomment it and put an at sign before its type:\n"
                          f"{suggestion}")
        else:
            blocks.append(header)
    return "\n\n".join(blocks)
