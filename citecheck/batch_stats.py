"""Per-model tallies of batch output: verdict counts, hallucination rate with a Wilson interval."""

from __future__ import annotations

import heapq
import math
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from citecheck.verdict import FLAGGED, VERDICTS

# 1.96: the two-sided 95% quantile of the normal distribution.
Z_95 = 1.96
NO_MODEL = "(no model)"
WORST_EXAMPLES = 10


def wilson_interval(successes: int, trials: int, z: float = Z_95) -> tuple[float, float]:
    """The Wilson score interval of a binomial proportion; (0, 1) when there are no trials."""
    if trials == 0:
        return 0.0, 1.0
    p = successes / trials
    denominator = 1 + z * z / trials
    centre = (p + z * z / (2 * trials)) / denominator
    half = z * math.sqrt(p * (1 - p) / trials + z * z / (4 * trials * trials)) / denominator
    return max(0.0, centre - half), min(1.0, centre + half)


@dataclass(slots=True)
class ModelStats:
    """Verdict counts over every answer of one model; ``failed`` answers (error lines) are
    counted apart, since their citations are unknown."""

    model: str
    answers: int = 0
    failed: int = 0
    counts: dict[str, int] = field(default_factory=lambda: dict.fromkeys(VERDICTS, 0))

    @property
    def citations(self) -> int:
        return sum(self.counts.values())

    @property
    def hallucinations(self) -> int:
        return sum(self.counts[verdict] for verdict in FLAGGED)

    @property
    def hallucination_rate(self) -> float:
        return self.hallucinations / self.citations if self.citations else 0.0

    @property
    def interval(self) -> tuple[float, float]:
        return wilson_interval(self.hallucinations, self.citations)

    def add(self, summary: dict[str, int]) -> None:
        self.answers += 1
        for verdict in VERDICTS:
            self.counts[verdict] += int(summary.get(verdict, 0))

    def to_dict(self) -> dict[str, Any]:
        low, high = self.interval
        return {"model": self.model, "answers": self.answers, "failed": self.failed,
                "citations": self.citations,
                **self.counts, "hallucination_rate": round(self.hallucination_rate, 4),
                "interval_95": [round(low, 4), round(high, 4)]}


def model_stats(rows: Iterable[dict[str, Any]]) -> list[ModelStats]:
    """Tally batch output rows by their ``model`` key, models in order of first appearance."""
    return summarise(rows, limit=0)[0]


def flagged_count(row: dict[str, Any]) -> int:
    summary = row.get("summary") or {}
    return sum(int(summary.get(verdict, 0)) for verdict in FLAGGED)


def summarise(rows: Iterable[dict[str, Any]],
              limit: int = WORST_EXAMPLES) -> tuple[list[ModelStats], list[dict[str, Any]]]:
    """Per-model stats and the worst rows in one pass over the output."""
    stats: dict[str, ModelStats] = {}
    kept: list[tuple[tuple[int, float, int], dict[str, Any]]] = []
    for position, row in enumerate(rows):
        model = str(row["model"]) if row.get("model") is not None else NO_MODEL
        entry = stats.setdefault(model, ModelStats(model))
        if row.get("error") is not None:
            entry.failed += 1
            continue
        entry.add(row.get("summary") or {})
        flagged = flagged_count(row)
        if not flagged or limit <= 0:
            continue
        total = int((row.get("summary") or {}).get("total", 0)) or 1
        # Earlier rows win ties (-position), so the choice is deterministic.
        key = (flagged, flagged / total, -position)
        if len(kept) < limit:
            heapq.heappush(kept, (key, row))
        elif key > kept[0][0]:
            heapq.heapreplace(kept, (key, row))
    worst = [row for _, row in sorted(kept, key=lambda pair: pair[0], reverse=True)]
    return list(stats.values()), worst


def format_table(stats: list[ModelStats]) -> str:
    """A plain-text table: one line per model."""
    header = (f"{'model':<24} {'answers':>7} {'failed':>6} {'citations':>9} {'verified':>8} "
              f"{'mismatch':>8} {'not_found':>9} {'unverif.':>8}  hallucination rate (95% CI)")
    lines = [header, "-" * len(header)]
    for entry in stats:
        low, high = entry.interval
        counts = entry.counts
        lines.append(f"{entry.model[:24]:<24} {entry.answers:>7} {entry.failed:>6} "
                     f"{entry.citations:>9} {counts['verified']:>8} {counts['mismatch']:>8} "
                     f"{counts['not_found']:>9} "
                     f"{counts['unverifiable']:>8}  {entry.hallucination_rate:6.1%} "
                     f"[{low:.1%}, {high:.1%}]")
    return "\n".join(lines)
