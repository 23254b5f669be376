"""The public surface: exports, the library/CLI boundary and the default index configuration."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import citecheck
from citecheck import Verifier
from citecheck.config import data_dir
from citecheck.index.encoders import MiniLMEncoder
from citecheck.records import strip_dblp_suffix


def test_all_is_sorted_and_complete() -> None:
    assert citecheck.__all__ == sorted(citecheck.__all__)
    for name in citecheck.__all__:
        assert hasattr(citecheck, name), name


def test_errors_share_one_base_class_with_distinct_exit_codes() -> None:
    assert issubclass(citecheck.IndexCorruptError, citecheck.CitecheckError)
    assert citecheck.InputError.exit_code == 2
    assert citecheck.IndexMismatchError.exit_code == 3


def test_default_index_sources_are_listed_in_one_data_file() -> None:
    config = json.loads((data_dir() / "default_index.json").read_text(encoding="utf-8"))
    assert config["sources"] and all("path" in source for source in config["sources"])


def test_venue_aliases_are_data() -> None:
    venues = json.loads((data_dir() / "venues.json").read_text(encoding="utf-8"))["venues"]
    names = [v["canonical"] for v in venues]
    assert len(names) == len(set(names)) and "NeurIPS" in names


def test_extraction_only_reports_documented_kinds() -> None:
    from citecheck.extract import extract
    from citecheck.extract.types import KINDS

    from conftest import FIXTURES

    for answer in sorted((FIXTURES / "answers").glob("*.*")):
        if answer.suffix == ".json":
            continue
        for citation in extract(answer.read_text(encoding="utf-8", errors="replace")):
            assert citation.kind in KINDS, (answer.name, citation.kind)


def test_minilm_loads_only_when_a_citation_needs_the_dense_channel(
        index_dir: Path, records: list[dict[str, Any]]) -> None:
    encoder = MiniLMEncoder()
    verifier = Verifier.open(index_dir, encoder=encoder)
    fields = records[0]["fields"]
    authors = ", ".join(strip_dblp_suffix(name) for name in fields["author"].split(" and "))
    found = verifier.verify_reference(f"{authors}. {fields['title']}. {fields['year']}.")
    assert found.verdict == "verified"
    assert not encoder.loaded
    # Words that match no record's title: only the dense channel can suggest one.
    verifier.verify_reference("Brown, T. (2020). Lrning to reasn about unsen thngs. ICML.")
    assert encoder.loaded


def test_a_deadline_stops_verification_between_slices(index_dir: Path, monkeypatch: Any) -> None:
    import citecheck.verifier as verifier_module
    from citecheck.errors import DeadlineError
    from citecheck.extract import extract

    text = "\n\n".join(f"[{n}] Ann Lee and Bo Chan. A study of quokka number {n}. In ICML, 2020."
                       for n in range(1, 3 * verifier_module.DEADLINE_STEP))
    extracted = [extract(text)]
    slices: list[int] = []
    real_retrieve = verifier_module.retrieve_many

    def counting_retrieve(index: Any, queries: list[Any], **options: Any) -> Any:
        slices.append(len(queries))
        return real_retrieve(index, queries, **options)

    # A clock that moves one second per look: the deadline passes after the second look.
    clock = iter(range(1000))
    monkeypatch.setattr(verifier_module, "retrieve_many", counting_retrieve)
    monkeypatch.setattr(verifier_module.time, "monotonic", lambda: next(clock))
    with Verifier.open(index_dir) as verifier:
        try:
            verifier.verify_extracted(extracted, deadline=1.5)
        except DeadlineError as exc:
            assert "time budget" in str(exc)
        else:
            raise AssertionError("no DeadlineError")
        assert slices == [verifier_module.DEADLINE_STEP] * 2
        slices.clear()
        (report,) = verifier.verify_extracted(extracted)
    assert len(slices) == 1 and len(report.results) == 3 * verifier_module.DEADLINE_STEP - 1
