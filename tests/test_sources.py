"""Importers: each format maps real-shaped records, skips malformed ones and counts them."""

from __future__ import annotations

import gzip
import shutil
from pathlib import Path

import pytest

from citecheck.errors import SourceError
from citecheck.records import Record
from citecheck.sources import ImportStats, detect_format, read_records
from citecheck.sources import bibtex as bibtex_module

SAMPLES = Path(__file__).parent / "data" / "sources"


def read(name: str | Path, fmt: str | None = None) -> tuple[dict[str, Record], ImportStats]:
    stats = ImportStats()
    path = name if isinstance(name, Path) else SAMPLES / name
    records = {record.id: record for record in read_records(path, fmt, stats)}
    return records, stats


@pytest.mark.parametrize(("name", "fmt"), [
    ("sample.bib", "bibtex"),
    ("zotero.json", "csl-json"),
    ("dblp.xml", "dblp"),
    ("acl", "acl"),
    ("acl/P19.xml", "acl"),
    ("arxiv-metadata-oai-snapshot.json", "arxiv"),
    ("openalex-works.jsonl", "openalex"),
    ("crossref-api-list.json", "crossref"),
    ("crossref-api-work.json", "crossref"),
    ("crossref-data", "crossref"),
])
def test_format_is_detected_from_name_and_content(name: str, fmt: str) -> None:
    assert detect_format(SAMPLES / name) == fmt


def test_openalex_snapshot_part_is_detected_inside_a_directory(tmp_path: Path) -> None:
    part = tmp_path / "updated_date=2024-01-01" / "part_000.gz"
    part.parent.mkdir()
    part.write_bytes(gzip.compress((SAMPLES / "openalex-works.jsonl").read_bytes()))
    assert detect_format(tmp_path) == "openalex"
    records, _ = read(tmp_path)
    assert "openalex:W2741809807" in records


def test_unknown_format_raises_source_error(tmp_path: Path) -> None:
    path = tmp_path / "notes.txt"
    path.write_text("just text\n")
    with pytest.raises(SourceError, match="cannot tell the format"):
        detect_format(path)


def test_directory_of_a_single_file_format_is_refused() -> None:
    with pytest.raises(SourceError, match="directory"):
        read_records(SAMPLES / "acl", "bibtex")


def test_bibtex_latex_accents_are_normalised() -> None:
    records, _ = read("sample.bib")
    assert records["scholkopf2001"].authors[0] == "Bernhard Schölkopf"
    assert records["scholkopf2001"].doi == "10.1162/089976601750264965"


def test_bibtex_string_macros_apply_across_batches(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(bibtex_module, "BATCH_BLOCKS", 1)
    records, _ = read("sample.bib")
    assert records["chen2020simple"].venue == "International Conference on Machine Learning"
    assert records["chen2020simple"].arxiv == "2002.05709"


def test_bibtex_unbalanced_entry_is_skipped_without_losing_the_next() -> None:
    records, stats = read("sample.bib")
    assert "devlin2018bert" in records
    assert stats.skipped == 2
    assert "line 33" in stats.reasons[0]


def test_bibtex_batches_give_the_same_records_as_one_batch(
        monkeypatch: pytest.MonkeyPatch) -> None:
    whole, _ = read("sample.bib")
    monkeypatch.setattr(bibtex_module, "BATCH_BLOCKS", 2)
    batched, stats = read("sample.bib")
    assert batched == whole
    assert stats.read == 4


def test_csl_json_maps_names_particles_and_dates() -> None:
    records, _ = read("zotero.json")
    tsne = records["vanderMaaten2008"]
    assert tsne.authors == ["Laurens van der Maaten", "Geoffrey Hinton"]
    assert (tsne.year, tsne.venue) == (2008, "Journal of Machine Learning Research")
    assert records["gpt4report"].authors == ["OpenAI"]
    assert records["gpt4report"].year == 2023


def test_csl_json_arxiv_doi_gives_the_arxiv_id() -> None:
    records, _ = read("zotero.json")
    assert records["devlin2019bert"].arxiv == "1810.04805"
    assert records["gpt4report"].doi == "10.48550/arxiv.2303.08774"


def test_malformed_csl_item_is_skipped_and_counted() -> None:
    records, stats = read("zotero.json")
    assert len(records) == 4
    assert stats.skipped == 1
    assert "missing-title" in stats.reasons[0]


def test_truncated_csl_json_keeps_items_before_the_error(tmp_path: Path) -> None:
    text = (SAMPLES / "zotero.json").read_text()
    path = tmp_path / "cut.json"
    path.write_text(text[: text.index('"id": "vanderMaaten2008"')])
    records, stats = read(path)
    assert len(records) == 2
    assert "invalid JSON" in stats.reasons[-1]


def test_dblp_entities_are_resolved_and_suffixes_stripped() -> None:
    records, _ = read("dblp.xml")
    aziz = records["dblp:journals/ai/AzizBSW19"]
    assert aziz.authors == ["Haris Aziz", "Bernhard Schölkopf", "Renée Müller"]
    assert aziz.title == "Fair Allocation of k-Indivisible Goods"


def test_dblp_entities_are_resolved_without_the_dtd(tmp_path: Path) -> None:
    path = tmp_path / "dblp.xml.gz"
    path.write_bytes(gzip.compress((SAMPLES / "dblp.xml").read_bytes()))
    records, _ = read(path)
    assert records["dblp:phd/de/Muller2018"].venue == "Universität des Saarlandes"
    assert records["dblp:journals/ai/AzizBSW19"].authors[1] == "Bernhard Schölkopf"


def test_dblp_gzip_reads_the_dtd_beside_it(tmp_path: Path) -> None:
    path = tmp_path / "dblp.xml.gz"
    path.write_bytes(gzip.compress((SAMPLES / "dblp.xml").read_bytes()))
    shutil.copy(SAMPLES / "dblp.dtd", tmp_path)
    records, _ = read(path)
    assert records["dblp:journals/ai/AzizBSW19"].authors[2] == "Renée Müller"


def test_dblp_ee_links_give_doi_and_arxiv() -> None:
    records, _ = read("dblp.xml")
    assert records["dblp:journals/ai/AzizBSW19"].doi == "10.1016/j.artint.2019.04.003"
    assert records["dblp:journals/corr/abs-1810-04805"].arxiv == "1810.04805"
    assert records["dblp:conf/nips/VaswaniSPUJGKP17"].venue == "NIPS"


def test_dblp_person_pages_are_not_records_and_untitled_are_skipped() -> None:
    records, stats = read("dblp.xml")
    assert not any("homepages" in key for key in records)
    assert stats.skipped == 1
    assert "journals/broken/NoTitle20" in stats.reasons[0]


def test_dblp_broken_xml_raises_source_error(tmp_path: Path) -> None:
    path = tmp_path / "dblp.xml"
    path.write_text('<?xml version="1.0"?>\n<dblp>\n<article key="a/b"><title>T.</title>\n')
    with pytest.raises(SourceError, match="not well-formed"):
        read(path)


def test_acl_ids_titles_and_venues_come_from_the_collection() -> None:
    records, _ = read("acl")
    bart = records["acl:2020.acl-main.703"]
    assert bart.title.startswith("BART: Denoising")
    assert bart.doi == "10.18653/v1/2020.acl-main.703"
    assert bart.year == 2020
    assert bart.venue is not None and "58th Annual Meeting" in bart.venue
    assert records["acl:2020.acl-main.1"].authors[1] == "Grzegorz Chrupała"


def test_acl_old_style_ids_are_rebuilt_from_volume_and_paper() -> None:
    records, _ = read("acl/P19.xml")
    assert list(records) == ["acl:P19-1001"]
    assert records["acl:P19-1001"].url == "https://aclanthology.org/P19-1001"


def test_malformed_acl_paper_and_file_are_skipped_and_counted(tmp_path: Path) -> None:
    shutil.copytree(SAMPLES / "acl", tmp_path / "xml")
    (tmp_path / "xml" / "2021.broken.xml").write_text("<collection id='2021.broken'><volume>")
    records, stats = read(tmp_path / "xml")
    assert len(records) == 3
    assert stats.skipped == 2
    assert any("not well-formed" in reason for reason in stats.reasons)


def test_arxiv_snapshot_year_comes_from_first_version_or_id() -> None:
    records, _ = read("arxiv-metadata-oai-snapshot.json")
    assert records["arXiv:1706.03762"].year == 2017
    assert records["arXiv:hep-th/9711200"].year == 1997


def test_arxiv_snapshot_maps_parsed_authors_and_latex() -> None:
    records, _ = read("arxiv-metadata-oai-snapshot.json")
    diphoton = records["arXiv:0704.0001"]
    assert diphoton.authors[0] == "C. Balázs"
    assert diphoton.title.endswith("at Tevatron and LHC energies")
    assert diphoton.doi == "10.1103/physrevd.76.013009"
    assert records["arXiv:1706.03762"].venue == "arXiv"


def test_malformed_arxiv_lines_are_skipped_and_counted() -> None:
    records, stats = read("arxiv-metadata-oai-snapshot.json")
    assert len(records) == 3
    assert stats.skipped == 2
    assert stats.reasons[0].startswith("line 4")


def test_openalex_work_maps_doi_arxiv_and_venue() -> None:
    records, _ = read("openalex-works.jsonl")
    attention = records["openalex:W2963403868"]
    assert attention.doi == "10.48550/arxiv.1706.03762"
    assert attention.arxiv == "1706.03762"
    assert records["openalex:W2741809807"].venue == "PeerJ"
    assert records["openalex:W1000000001"].venue == "Journal of Machine Learning Research"


def test_openalex_title_markup_is_removed() -> None:
    records, _ = read("openalex-works.jsonl")
    dropout = records["openalex:W1000000001"]
    assert dropout.title.endswith("from overfitting")
    assert dropout.authors == ["Nitish Srivastava"]


def test_malformed_openalex_lines_are_skipped_and_counted() -> None:
    _, stats = read("openalex-works.jsonl")
    assert stats.skipped == 2


def test_crossref_api_list_maps_authors_containers_and_dates() -> None:
    records, _ = read("crossref-api-list.json")
    optuna = records["doi:10.1145/3292500.3330701"]
    assert optuna.authors == ["Takuya Akiba", "Shotaro Sano"]
    assert optuna.venue is not None and optuna.venue.endswith("Knowledge Discovery & Data Mining")
    unet = records["doi:10.1007/978-3-319-24574-4_28"]
    assert unet.year == 2015
    assert unet.venue == "Medical Image Computing and Computer-Assisted Intervention"


def test_crossref_single_work_reply_is_one_record() -> None:
    records, _ = read("crossref-api-work.json")
    assert list(records) == ["doi:10.1038/nature14539"]
    assert records["doi:10.1038/nature14539"].year == 2015


def test_crossref_data_directory_is_one_source() -> None:
    records, _ = read("crossref-data")
    assert set(records) == {"doi:10.1103/physrevlett.116.061102", "doi:10.1109/cvpr.2016.90"}


def test_malformed_crossref_item_is_skipped_and_counted() -> None:
    _, stats = read("crossref-api-list.json")
    assert stats.skipped == 1
    assert "10.1016/j.issue.2020.01" in stats.reasons[0]
    _, stats = read("crossref-data")
    assert stats.skipped == 1
