"""The open world: versions of one work, coverage as data, venue names, severity of slips."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from citecheck import Verifier
from citecheck.config import COMPLETE_VENUE_YEARS, SourceSpec
from citecheck.index.build import build_index
from citecheck.index.encoders import get_encoder
from citecheck.index.manifest import BUILD_RECIPE, load_manifest

from conftest import FIXTURES, run_cli

CORPUS = FIXTURES / "corpus"
# Real records: accepted-paper lists (ICML 2021, AAAI 2021, ACM MM 2024) and two ACL
# Anthology volumes, declared complete; arXiv listings, which are not.
ACCEPTED = CORPUS / "accepted.jsonl"
ARXIV = CORPUS / "arxiv_listing.jsonl"


@pytest.fixture(scope="module")
def open_world_index(tmp_path_factory: pytest.TempPathFactory) -> Path:
    directory = tmp_path_factory.mktemp("open-world") / "index"
    build_index(directory, [SourceSpec(ACCEPTED, "jsonl", COMPLETE_VENUE_YEARS),
                            SourceSpec(ARXIV, "jsonl")], get_encoder("static"))
    return directory


@pytest.fixture(scope="module")
def verifier(open_world_index: Path):  # type: ignore[no-untyped-def]
    opened = Verifier.open(open_world_index)
    yield opened
    opened.close()


def test_coverage_lists_the_complete_venue_years_of_complete_sources(open_world_index: Path) -> None:
    coverage = load_manifest(open_world_index).coverage
    assert coverage["complete_venue_years"]["ICML"] == [2021]
    assert coverage["complete_venue_years"]["AAAI"] == [2021]
    assert coverage["complete_venue_years"]["ACL"] == [2023]
    assert "arXiv" not in coverage["complete_venue_years"]


def test_preprint_and_published_version_are_one_work_with_provenance(verifier: Verifier) -> None:
    store = verifier.index.store
    published = store.by_id("paperlists:aaai2021:07926")
    assert published is not None
    versions = store.versions(published.work or "")
    assert {v.id for v in versions} == {"paperlists:aaai2021:07926", "arxiv:2510.20165"}
    assert {v.work for v in versions} == {published.work}


def test_duplicate_from_a_second_source_keeps_both_ids(tmp_path: Path) -> None:
    copy = tmp_path / "copy.jsonl"
    record = json.loads(ACCEPTED.read_text(encoding="utf-8").splitlines()[2])
    record["id"] = "mirror:fractal"
    copy.write_text(json.dumps(record) + "\n", encoding="utf-8")
    directory = tmp_path / "index"
    build_index(directory, [SourceSpec(ACCEPTED, "jsonl"), SourceSpec(copy, "jsonl")],
                get_encoder("static"))
    opened = Verifier.open(directory)
    merged = opened.index.store.by_id("paperlists:icml2021:site_e4f11e1a0a")
    opened.close()
    assert merged is not None and merged.ids == ["paperlists:icml2021:site_e4f11e1a0a",
                                                 "mirror:fractal"]


# Two real papers whose accepted-paper list and DBLP (HALLMARK's valid records) disagree on
# the authors: CVPR 2023's list names Mochu Xiang where DBLP names Yuchao Dai, and ICML
# 2021's list lacks DBLP's Yong Liu. And two papers the ACL Anthology gives one DOI.
DISAGREEING_LIST = CORPUS / "disagreeing_accepted.jsonl"
DISAGREEING_DBLP = CORPUS / "disagreeing_dblp.jsonl"
SHARED_DOI = CORPUS / "shared_doi_acl.jsonl"


@pytest.fixture(scope="module")
def disagreeing_verifier(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    directory = tmp_path_factory.mktemp("disagreeing") / "index"
    build_index(directory, [SourceSpec(DISAGREEING_LIST, "jsonl", COMPLETE_VENUE_YEARS),
                            SourceSpec(DISAGREEING_DBLP, "hallmark"), SourceSpec(SHARED_DOI, "jsonl")],
                get_encoder("static"))
    opened = Verifier.open(directory)
    yield opened
    opened.close()


def test_sources_that_disagree_on_the_authors_are_kept_as_versions_of_one_work(
        disagreeing_verifier: Verifier) -> None:
    store = disagreeing_verifier.index.store
    listed = store.by_id("paperlists:icml2021:site_87bfbe731c")
    assert listed is not None
    versions = store.versions(listed.work or "")
    assert sorted(len(v.authors) for v in versions) == [3, 4]
    assert {v.source for v in versions} == {"papercopilot/paperlists", DISAGREEING_DBLP.name}


@pytest.mark.parametrize("authors", [
    "Bin Fan, Yuxin Mao, Mochu Xiang, Zhexiong Wan, and Qi Liu",  # the CVPR list's
    "Bin Fan, Yuxin Mao, Yuchao Dai, Zhexiong Wan, and Qi Liu",  # DBLP's
])
def test_a_citation_agreeing_with_either_source_is_verified(disagreeing_verifier: Verifier,
                                                            authors: str) -> None:
    result = disagreeing_verifier.verify_reference(
        f"{authors}. Joint Appearance and Motion Learning for Efficient Rolling Shutter "
        "Correction. In CVPR, 2023.")
    assert result.verdict == "verified", result.reason


def test_an_author_neither_source_names_is_still_a_mismatch(disagreeing_verifier: Verifier) -> None:
    result = disagreeing_verifier.verify_reference(
        "Bin Fan, Yuxin Mao, Hongdong Li, Zhexiong Wan, and Qi Liu. Joint Appearance and Motion "
        "Learning for Efficient Rolling Shutter Correction. In CVPR, 2023.")
    assert result.verdict == "mismatch"
    assert [m.field for m in result.mismatches] == ["authors"]


def test_the_author_a_list_lacks_is_verified_by_the_source_that_has_it(
        disagreeing_verifier: Verifier) -> None:
    result = disagreeing_verifier.verify_reference(
        "Rong Yin, Yong Liu, Weiping Wang, and Dan Meng. Distributed Nyström Kernel Learning "
        "with Communications. In ICML, 2021.")
    assert result.verdict == "verified", result.reason


def test_two_papers_given_one_doi_are_two_works(disagreeing_verifier: Verifier) -> None:
    store = disagreeing_verifier.index.store
    review, column = store.by_id("acl:J10-1006"), store.by_id("acl:J10-1008")
    assert review is not None and column is not None and review.work != column.work
    result = disagreeing_verifier.verify_reference(
        "Stan Szpakowicz. Last Words: Failure is an Orphan (Let's Adopt). Computational "
        "Linguistics, 36(1), 2010. doi:10.1162/coli.2010.36.1.36105")
    assert result.verdict == "verified", result.reason
    assert result.record is not None and result.record.id == "acl:J10-1008"


def test_published_venue_is_verified_when_the_index_holds_the_published_version(
        verifier: Verifier) -> None:
    result = verifier.verify_reference(
        "Insu Jeon, Wonkwang Lee, Myeongjang Pyeon, and Gunhee Kim. IB-GAN: Disentangled "
        "Representation Learning with Information Bottleneck Generative Adversarial Networks. "
        "In AAAI, 2021.")
    assert result.verdict == "verified"
    assert result.warnings == []


def test_citing_arxiv_for_a_published_work_is_a_warning_not_a_mismatch(verifier: Verifier) -> None:
    result = verifier.verify_reference(
        "Muxin Pu, Mei Kuan Lim, and Chun Yong Chong. Siformer: Feature-isolated Transformer "
        "for Efficient Skeleton-based Sign Language Recognition. arXiv preprint "
        "arXiv:2503.20436, 2025.")
    assert result.verdict == "verified"
    assert [w.field for w in result.warnings] == ["venue"]
    assert "ACM MM" in result.warnings[0].expected


def test_year_between_the_years_of_two_versions_is_a_warning(verifier: Verifier) -> None:
    result = verifier.verify_reference(
        "Muxin Pu, Mei Kuan Lim, and Chun Yong Chong. Siformer: Feature-isolated Transformer "
        "for Efficient Skeleton-based Sign Language Recognition. In ACM Multimedia, 2025.")
    assert result.verdict == "verified"
    assert [w.field for w in result.warnings] == ["year"]


def test_venue_of_a_preprint_only_work_is_unverifiable_outside_complete_coverage(
        verifier: Verifier) -> None:
    result = verifier.verify_reference(
        "Moreno D'Incà, Elia Peruzzo, Xingqian Xu, Humphrey Shi, Nicu Sebe, and Massimiliano "
        "Mancini. Safe Vision-Language Models via Unsafe Weights Manipulation. In CVPR, 2025.")
    assert result.verdict == "unverifiable"
    assert result.record is not None and result.record.arxiv == "2503.11742"
    assert "preprint" in (result.reason or "")


def test_venue_of_a_preprint_only_work_is_a_mismatch_inside_complete_coverage(
        verifier: Verifier) -> None:
    result = verifier.verify_reference(
        "Moreno D'Incà, Elia Peruzzo, Xingqian Xu, Humphrey Shi, Nicu Sebe, and Massimiliano "
        "Mancini. Safe Vision-Language Models via Unsafe Weights Manipulation. In ICML, 2021.")
    assert result.verdict == "mismatch"
    assert "venue" in [m.field for m in result.mismatches]


def test_miss_inside_a_complete_venue_year_is_not_found_with_full_confidence(
        verifier: Verifier) -> None:
    result = verifier.verify_reference(
        "Naman Agarwal and Cyril Zhang. Fractal Curricula for Robust Policy Gradient Methods. "
        "In ICML, 2021.")
    assert result.verdict == "not_found"
    assert result.confidence >= 0.9


def test_miss_outside_complete_coverage_is_unverifiable_and_names_what_is_lacking(
        verifier: Verifier) -> None:
    result = verifier.verify_reference(
        "Naman Agarwal and Cyril Zhang. Fractal Curricula for Robust Policy Gradient Methods. "
        "In ICML, 2022.")
    assert result.verdict == "unverifiable"
    assert "ICML" in (result.reason or "") and "2021" in (result.reason or "")


@pytest.mark.parametrize("venue", [
    "Proceedings of the 38th International Conference on Machine Learning, PMLR 139",
    "Proc. ICML",
    "ICML 2021",
    "International Conference on Machine Learning",
])
def test_venue_names_across_sources_resolve_to_one_venue(verifier: Verifier, venue: str) -> None:
    result = verifier.verify_reference(
        f"Alec Radford, Jong Wook Kim, Chris Hallacy, et al. Learning Transferable Visual Models "
        f"From Natural Language Supervision. In {venue}, 2021.")
    assert result.verdict == "verified", result.mismatches


@pytest.mark.parametrize("reference", [
    # Nature's and Science's form: the series and its volume, no conference named.
    ("Radford, A. et al. Learning transferable visual models from natural language "
     "supervision. Proc. Mach. Learn. Res. 139, 8748–8763 (2021)."),
    ("Radford A, Kim JW, Hallacy C, et al. Learning transferable visual models from natural "
     "language supervision. PMLR. 2021;139:8748-63."),
    ("Radford, A., Kim, J. W., et al. (2021). Learning transferable visual models from natural "
     "language supervision. Proceedings of Machine Learning Research, 139, 8748–8763."),
])
def test_a_pmlr_volume_names_the_venue_and_year_it_holds(verifier: Verifier,
                                                         reference: str) -> None:
    result = verifier.verify_reference(reference)
    assert result.verdict == "verified", (result.mismatches, result.reason)


def test_an_invented_paper_in_a_pmlr_volume_is_a_miss_in_a_complete_list(
        verifier: Verifier) -> None:
    # Volume 139 holds ICML 2021, which the index lists completely; without the volume table
    # the citation named no venue the index knew, and was unverifiable.
    result = verifier.verify_reference(
        "Radford, A., Kim, J. W., et al. (2021). Learning to see transferable visual concepts "
        "through language. Proceedings of Machine Learning Research, 139, 8748–8763.")
    assert result.verdict == "not_found"
    assert "ICML 2021" in (result.reason or "")


def test_acl_volume_title_and_short_name_are_the_same_venue(verifier: Verifier) -> None:
    result = verifier.verify_reference(
        "Yajiao Liu, Xin Jiang, Yichun Yin, Yasheng Wang, Fei Mi, Qun Liu, Xiang Wan, and "
        "Benyou Wang. 2023. One Cannot Stand for Everyone! Leveraging Multiple User Simulators "
        "to train Task-oriented Dialogue Systems. In ACL 2023.")
    assert result.verdict == "verified", result.mismatches


@pytest.mark.parametrize("title", [
    "Meta Learning Bidirectional Update Rules",
    "MetaLearning Bidirectional Update Rules",
    "{M}eta-{L}earning {B}idirectional {U}pdate {R}ules",
    "META-LEARNING BIDIRECTIONAL UPDATE RULES",
])
def test_typographic_variants_of_a_title_are_the_same_title(verifier: Verifier, title: str) -> None:
    result = verifier.verify_reference(
        f"Mark Sandler, Max Vladymyrov, Andrey Zhmoginov, Nolan Miller, Tom Madams, Andrew "
        f"Jackson, and Blaise Agüera y Arcas. {title}. In ICML, 2021.")
    assert result.verdict == "verified", result.mismatches


def test_added_words_make_a_title_mismatch_of_a_real_work(verifier: Verifier) -> None:
    result = verifier.verify_reference(
        "Naman Agarwal, Surbhi Goel, and Cyril Zhang. Acceleration via Fractal Learning Rate "
        "Schedules for Large Language Models. In ICML, 2021.")
    assert result.verdict == "mismatch"
    assert "title" in [m.field for m in result.mismatches]


def test_middle_name_present_in_the_citation_only_is_no_error(verifier: Verifier) -> None:
    result = verifier.verify_reference(
        "Alexander Quinn Nichol and Prafulla Dhariwal. Improved Denoising Diffusion "
        "Probabilistic Models. In ICML, 2021.")
    assert result.verdict == "verified"
    assert result.warnings == []


def test_a_record_missing_one_author_of_a_short_list_makes_it_unverifiable(
        verifier: Verifier) -> None:
    # The ICML 2021 list records 3 of the paper's 4 authors (Yong Liu is missing).
    result = verifier.verify_reference(
        "Yin R, Liu Y, Wang W, Meng D. Distributed Nyström kernel learning with "
        "communications. ICML. 2021.")
    assert result.verdict == "unverifiable"
    assert "one more" in result.reason
    # Two invented authors added, or one replacing a real one, are still errors.
    for authors in ("Yin R, Liu Y, Wang W, Meng D, Smith J", "Yin R, Liu Y, Wang W"):
        result = verifier.verify_reference(
            f"{authors}. Distributed Nyström kernel learning with communications. ICML. 2021.")
        assert result.verdict == "mismatch"
        assert [m.field for m in result.mismatches] == ["authors"]


def test_initials_of_a_name_the_record_trims_are_verified(verifier: Verifier) -> None:
    result = verifier.verify_reference(
        "Acar DAE, Zhao Y, Zhu R, Navarro RM, Mattina M, Whatmough PN, Saligrama V. "
        "Debiasing model updates for improving personalized federated training. ICML. 2021.")
    assert result.verdict == "verified"


def test_report_shows_provenance_and_warnings_in_json(open_world_index: Path, tmp_path: Path) -> None:
    answer = tmp_path / "answer.md"
    answer.write_text(
        "References\n\n1. Muxin Pu, Mei Kuan Lim, and Chun Yong Chong. Siformer: Feature-isolated "
        "Transformer for Efficient Skeleton-based Sign Language Recognition. arXiv preprint "
        "arXiv:2503.20436, 2025.\n", encoding="utf-8")
    completed = run_cli(str(answer), "--index", str(open_world_index), "--format", "json")
    assert completed.returncode == 0, completed.stderr
    citation = json.loads(completed.stdout)["citations"][0]
    assert citation["warnings"][0]["field"] == "venue"
    assert "arxiv:2503.20436" in citation["record"]["provenance"] or \
        "paperlists:acmmm2024:12hscviLrW" in citation["record"]["provenance"]
    strict = run_cli(str(answer), "--index", str(open_world_index), "--strict")
    assert strict.returncode == 1


def test_a_venue_year_with_a_fraction_of_the_usual_papers_is_not_declared_complete() -> None:
    from citecheck.index.build import CoverageCollector
    from citecheck.records import Record

    # The ACL Anthology copy holds ~1,000 ACL papers a year, but for 2025 only a workshop
    # volume "at ACL": calling ACL 2025 complete would accuse every real ACL 2025 paper.
    records = [Record(id=f"r{year}-{n}", title=f"Paper {n}", year=year, venue="ACL")
               for year in (2022, 2023, 2024) for n in range(100)]
    records += [Record(id=f"w{n}", title=f"Workshop paper {n}", year=2025,
                       venue="Proceedings of the Joint ACL - ISO Workshop") for n in range(9)]
    collector = CoverageCollector()
    list(collector.watch(SourceSpec(ACCEPTED, "jsonl", COMPLETE_VENUE_YEARS), iter(records)))
    assert collector.to_dict()["ACL"] == [2022, 2023, 2024]


def test_sources_without_a_coverage_claim_add_no_complete_venue_years() -> None:
    from citecheck.index.build import CoverageCollector
    from citecheck.records import Record

    collector = CoverageCollector()
    records = [Record(id="a", title="A paper", year=2021, venue="ICML 2021")]
    list(collector.watch(SourceSpec(ARXIV, "jsonl"), iter(records)))
    assert collector.to_dict() == {}


def test_index_info_coverage_lists_the_complete_venue_years(open_world_index: Path) -> None:
    completed = run_cli("index", "info", "--coverage", "--index", str(open_world_index))
    assert completed.returncode == 0, completed.stderr
    assert "  ICML: 2021" in completed.stdout.splitlines()
    assert "arXiv" not in completed.stdout


def test_default_index_is_built_on_first_use_and_rebuilt_when_its_sources_change(
        tmp_path: Path) -> None:
    answer = tmp_path / "answer.md"
    answer.write_text("References\n\n1. Alexander Nichol and Prafulla Dhariwal. Improved "
                      "Denoising Diffusion Probabilistic Models. In ICML, 2021.\n", encoding="utf-8")
    env = {"CITECHECK_INDEX": str(tmp_path / "default"), "CITECHECK_ENCODER": "static",
           "CITECHECK_SOURCES": str(ACCEPTED)}
    first = run_cli(str(answer), env=env)
    assert first.returncode == 0, first.stderr
    assert "building the default index" in first.stderr and "first run only" in first.stderr
    second = run_cli(str(answer), env=env)
    assert second.returncode == 0 and "building" not in second.stderr
    changed = run_cli(str(answer), env={**env, "CITECHECK_SOURCES": f"{ACCEPTED}:{ARXIV}"})
    assert changed.returncode == 0
    assert "its source list changed" in changed.stderr
    assert load_manifest(tmp_path / "default").count == 14
    # A default index built by an earlier citecheck, which built it differently, is rebuilt;
    # the format is the same, so indexes of the user's own are still read as they are.
    manifest_path = tmp_path / "default" / "manifest.json"
    manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    del manifest["recipe"]
    manifest_path.write_text(json.dumps(manifest), encoding="utf-8")
    assert load_manifest(tmp_path / "default").recipe == 0
    older = run_cli(str(answer), env={**env, "CITECHECK_SOURCES": f"{ACCEPTED}:{ARXIV}"})
    assert older.returncode == 0
    assert "builds it differently" in older.stderr
    assert load_manifest(tmp_path / "default").recipe == BUILD_RECIPE


def test_citations_past_the_cap_are_reported_not_checked(open_world_index: Path,
                                                         tmp_path: Path) -> None:
    answer = tmp_path / "answer.md"
    answer.write_text("References\n\n" + "".join(
        f"{n}. Alexander Nichol and Prafulla Dhariwal. Improved Denoising Diffusion "
        f"Probabilistic Models {n}. In ICML, 2021.\n" for n in range(1, 6)), encoding="utf-8")
    completed = run_cli(str(answer), "--index", str(open_world_index), "--format", "json",
                        "--max-citations", "2")
    citations = json.loads(completed.stdout)["citations"]
    assert len(citations) == 5
    assert [c["verdict"] for c in citations[2:]] == ["unverifiable"] * 3
    assert all("not checked" in c["reason"] for c in citations[2:])
