"""Real references once called wrong: AnyStyle's reference strings (from real papers) and
real corpus records written in common styles.

Each was verified against the default index and came back `mismatch`, though the citing
author got the work right: a page number read as the year, a proceedings volume's year, a
journal version the index lacks, a record listing its authors twice, an abbreviated venue
name, a co-author's paper with a similar title, names the parser does not expect, a note
a source appends to titles, a venue name cut short, an arXiv category as the venue. The
records are the real ones the default index holds (ACL Anthology, accepted-paper lists,
arXiv listings), declared complete as there.
"""

from __future__ import annotations

import pytest

from citecheck import Verifier
from citecheck.extract import extract
from citecheck.venues import default_venue_table
from citecheck.verdict import CitationResult

from conftest import FIXTURES, complete_index_of, only_result

RECORDS = FIXTURES / "corpus" / "real_cited.jsonl"


@pytest.fixture(scope="module")
def verifier(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    opened = complete_index_of(RECORDS, tmp_path_factory.mktemp("anystyle-cited") / "index")
    yield opened
    opened.close()


def fields_wrong(result: CitationResult) -> set[str]:
    return {m.field for m in result.mismatches}


def assert_verified(verifier: Verifier, text: str) -> CitationResult:
    result = only_result(verifier, text)
    assert result.verdict == "verified", (result.mismatches, result.reason)
    return result


def wrong_about(verifier: Verifier, text: str) -> set[str]:
    """The fields of a `mismatch` verdict (fails on any other verdict)."""
    result = only_result(verifier, text)
    assert result.verdict == "mismatch", result.reason
    return fields_wrong(result)


RUBINSTEIN = ("[150] Michael Rubinstein, Armand Joulin, Johannes Kopf, and Ce Liu. Unsupervised "
              "joint object discovery and segmentation in internet images. In Computer Vision "
              "and Pattern Recognition (CVPR), pages 1939–1946. IEEE, 2013.")


def test_a_page_range_is_not_the_year() -> None:
    (citation,) = extract(RUBINSTEIN)
    assert citation.fields.year == 2013
    (closing,) = extract("A. Smith. A title of a paper here. Journal of Things, 12:1999–2004, 2015.")
    assert closing.fields.year == 2015


def test_a_reference_with_pages_like_years_is_verified(verifier: Verifier) -> None:
    assert_verified(verifier, RUBINSTEIN)


KROGH = ("Krogh, A., & Vedelsby, J. ({year}). Neural network ensembles, cross validation, and "
         "active learning. In Tesauro, G., Touretzky, D., & Leen, T. (Eds.), Advances in Neural "
         "Information Processing Systems{volume}, pp. 231-238, Cambridge, MA. MIT Press.")


def test_the_year_a_numbered_proceedings_volume_was_published_is_a_slip(
        verifier: Verifier) -> None:
    # NeurIPS 1994's papers are in volume 7, which MIT Press published in 1995.
    result = assert_verified(verifier, KROGH.format(year=1995, volume=", Vol. 7"))
    assert [(w.field, w.cited, w.expected) for w in result.warnings] == [("year", "1995", "1994")]
    (bare,) = extract("Bengio, Y. (1995). A title. In Advances in Neural Information Processing "
                      "Systems 7. MIT Press.")
    assert bare.fields.volume == "7"


@pytest.mark.parametrize("year, volume", [(1995, ""), (1996, ", Vol. 7"), (1995, ", Vol. 8")])
def test_a_year_the_volume_does_not_explain_stays_wrong(verifier: Verifier, year: int,
                                                         volume: str) -> None:
    assert wrong_about(verifier, KROGH.format(year=year, volume=volume)) == {"year"}


WORDNET = "Miller, G. {year}. WordNet: A lexical database for English. {venue} 38 39-41"


def test_a_journal_version_the_index_lacks_is_unverifiable_not_wrong(verifier: Verifier) -> None:
    # The index holds the 1992 workshop paper; the 1995 CACM article has the same title.
    result = only_result(verifier, WORDNET.format(year=1995, venue="Communications of the ACM"))
    assert result.verdict == "unverifiable"
    assert result.record is not None and result.record.year == 1992
    assert "journal version" in (result.reason or "")


@pytest.mark.parametrize("year, venue", [
    (1995, "Journal of Lexical Databases"),  # no journal the venue table knows
    (1990, "Communications of the ACM"),  # a journal version before the paper itself
])
def test_a_venue_no_journal_version_explains_stays_wrong(verifier: Verifier, year: int,
                                                          venue: str) -> None:
    assert "venue" in wrong_about(verifier, WORDNET.format(year=year, venue=venue))


MISSIURO = ("[74] {authors}, “Adapting probabilistic roadmaps to handle un- certain maps,” in "
            "Proceedings 2006 IEEE International Conference on Robotics and Automation, 2006. "
            "ICRA 2006., May 2006, pp. 1261–1267.")


def test_a_record_listing_its_authors_twice_names_them_once(verifier: Verifier) -> None:
    assert_verified(verifier, MISSIURO.format(authors="P. E. Missiuro and N. Roy"))
    wrong = wrong_about(verifier, MISSIURO.format(authors="P. E. Missiuro and J. Smith"))
    assert wrong == {"authors"}


def test_abbreviated_venue_names_resolve() -> None:
    venues = default_venue_table()
    for name, canonical in [
        ("Proc. Int. Conf. Language Resources and Evaluation", "LREC"),
        ("Adv. Neural Inf. Process. Syst.", "NeurIPS"),
        ("J. Mach. Learn. Res.", "JMLR"),
        ("Trans. Assoc. Comput. Linguist.", "TACL"),
        # IEEE's reference style abbreviates proceedings so ("Recognit.", "Comput.", "Robot.").
        ("Proc. IEEE Conf. Comput. Vis. Pattern Recognit.", "CVPR"),
        ("Proc. IEEE/CVF Conf. Comput. Vis. Pattern Recognit.", "CVPR"),
        ("Proc. IEEE Int. Conf. Robot. Autom.", "ICRA"),
        ("Proc. IEEE/RSJ Int. Conf. Intell. Robots Syst.", "IROS"),
        ("Proc. Annu. Meet. Assoc. Comput. Linguist.", "ACL"),
        ("Proc. Conf. Empir. Methods Nat. Lang. Process.", "EMNLP"),
        ("Proc. Int. Conf. Artif. Intell. Statist.", "AISTATS"),
    ]:
        venue = venues.resolve(name)
        assert venue is not None and venue.canonical == canonical, name


def test_an_abbreviated_venue_is_the_records_venue(verifier: Verifier) -> None:
    assert_verified(verifier, (
        "[115] Hofbauer, K., Petrik, S., and Hering, H., “The ATCOSIM corpus of non- prompted "
        "clean air traffic control speech,” Proc. Int. Conf. Language Resources and Evaluation "
        "(LREC), Marrakech, Morocco, 2008."))


def test_a_co_authors_paper_with_a_similar_title_is_not_the_cited_work(
        verifier: Verifier) -> None:
    # Salakhutdinov's 2009 thesis, and Hu, Yang, Salakhutdinov and Xing's ICLR 2018 paper.
    thesis = only_result(verifier, "[56] Ruslan Salakhutdinov. Learning deep generative models, 2009.")
    assert thesis.verdict == "unverifiable"
    # Led by the record's first author, the same near title is that paper, cited wrongly.
    near = wrong_about(verifier, "Zhiting Hu, Zichao Yang, Ruslan Salakhutdinov, and Eric P. "
                                 "Xing. On unifying deep generative model. In ICLR, 2018.")
    assert near == {"title"}


HOP = ("Cheng, H., Wang, T., {third}Zhao, Z., & Fu, Y. (2025). HOP: Heterogeneous topology-based "
       "multimodal entanglement for Co-Speech gesture generation. *CVPR 2025*.")


def test_names_the_parser_stops_at_are_no_partial_author_list(verifier: Verifier) -> None:
    # The CVPR 2025 list writes "guangsi shi" in lower case; the parsed list stops there.
    assert_verified(verifier, HOP.format(third="shi, g., "))
    assert_verified(verifier, (
        "Jain, P., Rathi, S., Mausam, & Chakrabarti, S. (2020). Temporal knowledge base "
        "completion: New algorithms and evaluation protocols. *Proceedings of the 2020 "
        "Conference on Empirical Methods in Natural Language Processing (EMNLP)*."))
    # Without the name in the text, the list does leave an author out.
    assert wrong_about(verifier, HOP.format(third="")) == {"authors"}


def test_names_run_into_the_title_are_no_wrong_title(verifier: Verifier) -> None:
    assert_verified(verifier, (
        "Cristian Danescu-Niculescu-Mizil, Lillian Lee: Don’t ‘Have a Clue’? Unsupervised "
        "Co-Learning of Downward-Entailing Operators. Proceedings of the ACL 2010 Conference "
        "Short Papers 2010."))
    # Springer LNCS ends the names with an initial and a colon; the parser stopped at "shi".
    assert_verified(verifier, (
        "1. Cheng, H., Wang, T., shi, g., Zhao, Z., Fu, Y.: HOP: Heterogeneous Topology-based "
        "Multimodal Entanglement for Co-Speech Gesture Generation. In: CVPR 2025 (2025)"))
    # Words that are no author's name before the title still make another title.
    assert "title" in wrong_about(verifier, (
        "Cristian Danescu-Niculescu-Mizil, Lillian Lee: Why Don’t ‘Have a Clue’? Unsupervised "
        "Co-Learning of Downward-Entailing Operators. Proceedings of the ACL 2010 Conference "
        "Short Papers 2010."))


def test_a_title_note_of_the_source_is_not_part_of_the_cited_title(verifier: Verifier) -> None:
    assert_verified(verifier, (
        "Tung, C.-M., & Lu, W.-H. (2015). 部落客憂鬱傾向分析與預測(Analysis and prediction of "
        "blogger’s depression Tendency)[In chinese]. *Proceedings of the 27th Conference on "
        "Computational Linguistics and Speech Processing (ROCLING 2015)*."))


CASINO = ("1. Chawla K, Ramirez J, Clever R, Lucas G, May J, Gratch J. CaSiNo: A corpus of "
          "campsite negotiation dialogues for automatic negotiation systems. {venue}. 2021.")


def test_a_venue_name_cut_short_names_no_venue(verifier: Verifier) -> None:
    # Vancouver's "Proceedings of the 2021 Conference of the North American Chapter ..." is
    # cut at its year: what is left is filler, no venue to disagree with.
    assert_verified(verifier, CASINO.format(venue="Proceedings of the 2021 Conference of the "
                                             "North American Chapter of the Association for "
                                             "Computational Linguistics"))
    assert wrong_about(verifier, CASINO.format(venue="Proceedings of ICML 2021")) == {"venue"}


def test_an_arxiv_category_is_the_preprint_server(verifier: Verifier) -> None:
    assert default_venue_table().resolve("cs.CL").is_preprint  # type: ignore[union-attr]
    assert_verified(verifier, CASINO.format(venue="*arXiv (cs.CL)*"))


def test_a_title_the_text_carries_whole_is_no_wrong_title(verifier: Verifier) -> None:
    # Vancouver with lower-case names: the label "Elo-Evolve:" went to the author list.
    assert_verified(verifier, (
        "1. Zhao J, Zhen T, bao J, Jiang H, song Y. Elo-Evolve: A co-evolutionary framework for "
        "language model alignment. arXiv (cs.CL). 2026."))
    # The record's title inside a longer one is another title, not a misread one.
    assert wrong_about(verifier, (
        "1. Zhao J, Zhen T, Bao J, Jiang H, Song Y. Elo-Evolve: A co-evolutionary framework for "
        "language model alignment at scale. arXiv (cs.CL). 2026.")) == {"title"}


@pytest.mark.parametrize("text, venue", [
    # "Baker*" (equal contribution) ends the parsed names; the title read is "O. Gupta".
    ("[1] B. Baker*, O. Gupta*, R. Raskar, and N. Naik, “Accelerating Neural Architecture "
     "Search using Performance Prediction,” in *Proc. ICLR 2018*, 2018.", "ICLR 2018"),
    # Family names in capitals: the title read is "KIM"; the real one is found in the text.
    ("1. CHANG, M., JANG, E. H., KIM, W. & YOON, D. Gaze Entropy and Driver Safety: "
     "Understanding Cognitive Failure and Situational Response Before Take-over. *SIGGRAPH "
     "2025* (2025).", "SIGGRAPH 2025"),
])
def test_misread_fields_around_a_real_title_are_never_a_hallucination(
        verifier: Verifier, text: str, venue: str) -> None:
    result = only_result(verifier, text)
    assert result.verdict in ("verified", "unverifiable")
    assert result.record is not None and result.record.venue == venue


def test_a_title_no_record_has_is_still_not_found(verifier: Verifier) -> None:
    invented = only_result(verifier, (
        "1. CHANG, M., JANG, E. H., KIM, W. & YOON, D. Gaze Entropy and Pilot Safety: "
        "Understanding Cognitive Failure Before Take-off. *SIGGRAPH 2025* (2025)."))
    assert invented.verdict == "not_found"


@pytest.mark.parametrize("title", [
    # A subtitle or a label added to the record's whole title makes another title.
    "Accelerating Neural Architecture Search using Performance Prediction: A Survey",
    "NASP: Accelerating Neural Architecture Search using Performance Prediction",
])
def test_the_records_title_inside_another_is_still_a_wrong_title(verifier: Verifier,
                                                                  title: str) -> None:
    wrong = wrong_about(verifier, f"Bowen Baker, Otkrist Gupta, Ramesh Raskar, and Nikhil Naik. "
                                  f"{title}. In ICLR 2018, 2018.")
    assert wrong == {"title"}
