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

_STYLE = """
body { font: 14px/1.45 system-ui, sans-serif; margin: 2em auto; max-width: 60em; color: #222; }
h1 { font-size: 1.5em; } h2 { font-size: 1.2em; margin-top: 2em; }
table { border-collapse: collapse; margin: 1em 0; }
th, td { border: 1px solid #ccc; padding: 4px 8px; text-align: left; vertical-align: top; }
td.num { text-align: right; }
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
                   ("model", "answers", "citations", *VERDICTS, "hallucination rate",
                    "95% interval"))
    body = []
    for entry in stats:
        low, high = entry.interval
        cells = [entry.answers, entry.citations, *(entry.counts[v] for v in VERDICTS)]
        body.append(f"<tr><td>{escape(entry.model)}</td>"
                    + "".join(f'<td class="num">{value}</td>' for value in cells)
                    + f'<td class="num">{entry.hallucination_rate:.1%}</td>'
                    f'<td class="num">{low:.1%} – {high:.1%}</td></tr>')
    return f"<table><tr>{head}</tr>{''.join(body)}</table>"


def _example(row: dict[str, Any]) -> str:
    summary = row.get("summary") or {}
    items = []
    for citation in row.get("citations") or []:
        verdict = citation.get("verdict")
        if verdict not in FLAGGED:
            continue
        notes = "; ".join(f"{m['field']}: cited “{m['cited']}”, expected “{m['expected']}”"
                          for m in citation.get("mismatches") or [])
        notes = notes or citation.get("reason") or ""
        closest = (citation.get("suggestions") or [{}])[0].get("record")
        if closest:
            notes += f" — closest real record: {closest.get('title')} ({closest.get('year')})"
        items.append(f'<li><span class="verdict {verdict}">{verdict}</span> '
                     f"{escape(citation.get('text', ''))}<br><small>{escape(notes)}</small></li>")
    model = row.get("model")
    return (f'<div class="example"><strong>id {escape(str(row.get("id")))}</strong>'
            + (f" <small>model {escape(str(model))}</small>" if model is not None else "")
            + f" — {summary.get('total', 0)} citations, "
            f"{sum(int(summary.get(v, 0)) for v in FLAGGED)} flagged"
            f"<ul>{''.join(items)}</ul></div>")


def render_html(stats: list[ModelStats], worst: list[dict[str, Any]], *,
                title: str = "citecheck batch report") -> str:
    """The whole report as one HTML document with no external resources."""
    charts = "".join(f'<div class="model"><h3>{escape(entry.model)}</h3>{model_chart(entry)}</div>'
                     for entry in stats)
    examples = "".join(_example(row) for row in worst) or "<p>No citation was flagged.</p>"
    return (f'<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
            f"<title>{escape(title)}</title><style>{_STYLE}</style></head><body>"
            f"<h1>{escape(title)}</h1>"
            "<p>Hallucination rate = (mismatch + not_found) / citations, with a 95% Wilson "
            "interval.</p>"
            f"{_stats_table(stats)}<h2>Verdicts per model</h2>{charts}"
            f"<h2>Worst examples</h2>{examples}</body></html>\n")
