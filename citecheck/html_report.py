"""A self-contained HTML batch report: a chart per model (inline SVG) and the worst examples."""

from __future__ import annotations

from html import escape
from typing import Any

from citecheck.batch_stats import ModelStats
from citecheck.verdict import FLAGGED, VERDICTS

COLOURS = {"verified": "#2e7d32", "mismatch": "#ef6c00", "not_found": "#c62828",
           "unverifiable": "#607d8b"}
_CHART_WIDTH = 480
_BAR_HEIGHT = 22
_LABEL_WIDTH = 110
# Caps that keep the page small (≤ 2 MB, measured at 100 k answers in
# tests/test_html_report.py) and quick to open whatever the batch size: the counts are
# aggregated anyway, and the full details are in the JSONL output.
MAX_CHARTS = 24
MAX_TABLE_ROWS = 500
MAX_CITATIONS_PER_EXAMPLE = 12
MAX_TEXT = 400

_STYLE = """
body { font: 14px/1.45 system-ui, sans-serif; margin: 2em auto; max-width: 64em; padding: 0 1em;
       color: #222; }
h1 { font-size: 1.5em; } h2 { font-size: 1.2em; margin-top: 2em; }
.scroll { overflow-x: auto; }
table { border-collapse: collapse; margin: 1em 0; font-size: 13px; }
th, td { border: 1px solid #ccc; padding: 4px 6px; text-align: left; vertical-align: top; }
td.num { text-align: right; white-space: nowrap; }
svg { max-width: 100%; height: auto; }
.model { display: inline-block; margin: 0 2em 1.5em 0; }
.verdict { font-weight: 600; }
.mismatch { color: #ef6c00; } .not_found { color: #c62828; }
.example { border-top: 1px solid #ddd; padding-top: .5em; margin-top: 1em; }
small { color: #666; }
"""


def model_chart(stats: ModelStats) -> str:
    """An inline SVG: one bar per verdict, then the hallucination rate with its 95% interval."""
    peak = max(stats.counts.values()) or 1
    span = _CHART_WIDTH - _LABEL_WIDTH - 60
    rows = []
    for row, verdict in enumerate(VERDICTS):
        count = stats.counts[verdict]
        y = row * (_BAR_HEIGHT + 6)
        width = span * count / peak
        rows.append(
            f'<text x="{_LABEL_WIDTH - 6}" y="{y + 16}" text-anchor="end">{verdict}</text>'
            f'<rect x="{_LABEL_WIDTH}" y="{y}" width="{width:.1f}" height="{_BAR_HEIGHT}" '
            f'fill="{COLOURS[verdict]}"><title>{verdict}: {count}</title></rect>'
            f'<text x="{_LABEL_WIDTH + width + 4:.1f}" y="{y + 16}">{count}</text>')
    y = len(VERDICTS) * (_BAR_HEIGHT + 6) + 14
    low, high = stats.interval
    rate_x = _LABEL_WIDTH + span * stats.hallucination_rate
    low_x, high_x = _LABEL_WIDTH + span * low, _LABEL_WIDTH + span * high
    rows.append(
        f'<text x="{_LABEL_WIDTH - 6}" y="{y + 5}" text-anchor="end">hallucinated</text>'
        f'<line x1="{_LABEL_WIDTH}" y1="{y}" x2="{_LABEL_WIDTH + span}" y2="{y}" stroke="#ccc"/>'
        f'<line x1="{low_x:.1f}" y1="{y}" x2="{high_x:.1f}" y2="{y}" stroke="#c62828" '
        f'stroke-width="3"><title>95% interval {low:.1%} to {high:.1%}</title></line>'
        f'<circle cx="{rate_x:.1f}" cy="{y}" r="5" fill="#c62828"/>'
        f'<text x="{_LABEL_WIDTH + span + 4}" y="{y + 5}">{stats.hallucination_rate:.1%}</text>'
        f'<text x="{_LABEL_WIDTH}" y="{y + 20}" fill="#666">0%</text>'
        f'<text x="{_LABEL_WIDTH + span}" y="{y + 20}" fill="#666" text-anchor="end">100%</text>')
    height = y + 26
    return (f'<svg xmlns="http://www.w3.org/2000/svg" width="{_CHART_WIDTH}" height="{height}" '
            f'font-size="12" role="img" aria-label="verdicts of {escape(stats.model)}">'
            + "".join(rows) + "</svg>")


def _stats_table(stats: list[ModelStats]) -> str:
    head = "".join(f"<th>{name}</th>" for name in
                   ("model", "answers", "failed", "citations", *VERDICTS, "hallucination rate",
                    "95% interval"))
    body = []
    for entry in stats[:MAX_TABLE_ROWS]:
        low, high = entry.interval
        cells = [entry.answers, entry.failed, entry.citations,
                 *(entry.counts[v] for v in VERDICTS)]
        rate = (f'<td class="num">{entry.hallucination_rate:.1%}</td>'
                f'<td class="num">{low:.1%} – {high:.1%}</td>' if entry.citations
                else '<td class="num">–</td><td class="num">–</td>')
        body.append(f"<tr><td>{escape(entry.model)}</td>"
                    + "".join(f'<td class="num">{value:,}</td>' for value in cells)
                    + rate + "</tr>")
    more = (f"<p><small>{len(stats) - MAX_TABLE_ROWS:,} more models are in the JSONL "
            "output.</small></p>" if len(stats) > MAX_TABLE_ROWS else "")
    return (f'<div class="scroll"><table id="models"><tr>{head}</tr>{"".join(body)}</table>'
            f"</div>{more}")


def _shorten(text: str, limit: int = MAX_TEXT) -> str:
    return text if len(text) <= limit else text[:limit - 1] + "…"


def _example(row: dict[str, Any]) -> str:
    summary = row.get("summary") or {}
    items = []
    flagged = [c for c in row.get("citations") or [] if c.get("verdict") in FLAGGED]
    for citation in flagged[:MAX_CITATIONS_PER_EXAMPLE]:
        verdict = citation.get("verdict")
        notes = "; ".join(f"{m['field']}: cited “{m['cited']}”, expected “{m['expected']}”"
                          for m in citation.get("mismatches") or [])
        notes = notes or citation.get("reason") or ""
        closest = (citation.get("suggestions") or [{}])[0].get("record")
        if closest:
            notes += f" — closest real record: {closest.get('title')} ({closest.get('year')})"
        items.append(f'<li><span class="verdict {verdict}">{verdict}</span> '
                     f"{escape(_shorten(citation.get('text', '')))}<br>"
                     f"<small>{escape(_shorten(notes))}</small></li>")
    if len(flagged) > MAX_CITATIONS_PER_EXAMPLE:
        items.append(f"<li><small>and {len(flagged) - MAX_CITATIONS_PER_EXAMPLE} more flagged "
                     "citations (see the JSONL output)</small></li>")
    model = row.get("model")
    return (f'<div class="example"><strong>id {escape(_shorten(str(row.get("id")), 80))}</strong>'
            + (f" <small>model {escape(str(model))}</small>" if model is not None else "")
            + f" — {summary.get('total', 0)} citations, "
            f"{sum(int(summary.get(v, 0)) for v in FLAGGED)} flagged"
            f"<ul>{''.join(items)}</ul></div>")


def render_html(stats: list[ModelStats], worst: list[dict[str, Any]], *,
                title: str = "citecheck batch report") -> str:
    """The whole report as one HTML document with no external resources."""
    charted = [entry for entry in stats if entry.citations]
    charted.sort(key=lambda entry: entry.answers, reverse=True)
    charts = "".join(f'<div class="model"><h3>{escape(entry.model)}</h3>{model_chart(entry)}</div>'
                     for entry in charted[:MAX_CHARTS]) or "<p>No citations were checked.</p>"
    if len(charted) > MAX_CHARTS:
        charts += (f"<p><small>Charts for the {MAX_CHARTS} models with most answers; the table "
                   "has them all.</small></p>")
    examples = "".join(_example(row) for row in worst) or "<p>No citation was flagged.</p>"
    answers = sum(entry.answers for entry in stats)
    failed = sum(entry.failed for entry in stats)
    citations = sum(entry.citations for entry in stats)
    page = (f'<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
            '<meta name="viewport" content="width=device-width, initial-scale=1">'
            f"<title>{escape(title)}</title><style>{_STYLE}</style></head><body>"
            f"<h1>{escape(title)}</h1>"
            f'<p id="overview">{answers:,} answers checked, {citations:,} citations, '
            f"{failed:,} lines failed (error lines).</p>"
            "<p>Hallucination rate = (mismatch + not_found) / citations, with a 95% Wilson "
            "interval.</p>"
            f'{_stats_table(stats)}<h2>Verdicts per model</h2><div id="charts">{charts}</div>'
            f'<h2>Worst examples</h2><div id="examples">{examples}</div></body></html>\n')
    # A lone surrogate from the input (in a model name, say) must not make the page unwritable.
    return page.encode("utf-8", "backslashreplace").decode("utf-8")
