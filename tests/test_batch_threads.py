"""A Verifier shared across threads gives the same results as used sequentially."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from typing import Any

from citecheck.records import split_bibtex_authors


def test_concurrent_verify_text_matches_sequential(verifier: Any,
                                                   records: list[dict[str, Any]]) -> None:
    texts = []
    for number in range(16):
        fields = records[number * 7]["fields"]
        # Every third one cites a wrong year (one year early would be the preprint's: a slip).
        year = int(fields["year"]) - 3 * (number % 3 == 0)
        texts.append(f"{', '.join(split_bibtex_authors(fields['author']))}. {fields['title']}. "
                     f"In {fields.get('booktitle')}, {year}.\n")
    sequential = [verifier.verify_text(text).to_dict() for text in texts]
    with ThreadPoolExecutor(max_workers=4) as pool:
        concurrent = list(pool.map(lambda text: verifier.verify_text(text).to_dict(),
                                   texts * 3))
    assert concurrent == sequential * 3
    assert {c["verdict"] for report in sequential for c in report["citations"]} >= {
        "verified", "mismatch"}
