"""The HALLMARK importer indexes only entries labelled VALID, and counts the rest as skipped."""

from __future__ import annotations

import json
from itertools import islice
from pathlib import Path

import pytest

from citecheck.sources import ImportStats, detect_format, read_records
from tests.conftest import SHARED_DATA

DEV = SHARED_DATA / "hallmark" / "dev_public.jsonl"


@pytest.fixture
def dev_slice(tmp_path: Path) -> Path:
    if not DEV.is_file():
        pytest.skip(f"HALLMARK dev set not found at {DEV}")
    with DEV.open(encoding="utf-8") as handle:
        lines = list(islice(handle, 200))
    target = tmp_path / "dev_slice.jsonl"
    target.write_text("".join(lines), encoding="utf-8")
    return target


def test_entries_labelled_hallucinated_are_skipped_and_counted(dev_slice: Path) -> None:
    labels = [json.loads(line)["label"] for line in dev_slice.read_text().splitlines()]
    assert {"VALID", "HALLUCINATED"} <= set(labels)  # the slice holds both kinds
    stats = ImportStats()
    records = list(read_records(dev_slice, detect_format(dev_slice), stats))
    assert len(records) == stats.read == labels.count("VALID")
    assert stats.skipped == labels.count("HALLUCINATED")
    assert "label 'HALLUCINATED' is not VALID" in stats.reasons[0]


def test_no_hallucinated_title_becomes_a_record(dev_slice: Path) -> None:
    entries = [json.loads(line) for line in dev_slice.read_text().splitlines()]
    fabricated = {e["fields"]["title"] for e in entries if e["label"] != "VALID"}
    genuine = {e["fields"]["title"] for e in entries if e["label"] == "VALID"}
    titles = {r.title for r in read_records(dev_slice, "hallmark", ImportStats())}
    assert not (titles & (fabricated - genuine))


def test_entries_without_a_label_are_still_read(tmp_path: Path) -> None:
    source = tmp_path / "plain.jsonl"
    source.write_text(json.dumps({"bibtex_key": "k", "bibtex_type": "article", "fields": {
        "title": "A real title", "author": "Ann Lee", "year": "2020"}}) + "\n", encoding="utf-8")
    stats = ImportStats()
    assert [r.title for r in read_records(source, "hallmark", stats)] == ["A real title"]
    assert stats.skipped == 0
