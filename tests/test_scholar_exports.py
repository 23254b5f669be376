"""References as Google Scholar's "Cite" dialog exports them, which users paste more than any
other form: titles and venues in lower case ("Bert: Pre-training of ..."), APA's long lists cut
to six names, "..." and the last ("..., Barron, J. T., ... & Funkhouser, T."), Harvard and
Vancouver lists cut at eleven names with no "et al.", Harvard's "2021, July." after the names,
and Vancouver's "In" glued to the proceedings ("InInternational conference on ...").

Before, Scholar's APA export of a real work with eight or more authors was called wrong about
its authors (the last author after "..." was dropped and the list read as partial), and its
Vancouver export of an ICLR, SIGGRAPH or COLING paper wrong about its venue. The records are
real corpus records, in an index declaring their venue-years complete.
"""

from __future__ import annotations

import pytest

from citecheck.extract.fields import parse_reference

from conftest import FIXTURES, complete_index_of, only_result

RECORDS = FIXTURES / "corpus" / "scholar_exports.jsonl"

IBRNET_APA = (
    "Wang, Q., Wang, Z., Genova, K., Srinivasan, P. P., Zhou, H., Barron, J. T., ... & "
    "Funkhouser, T. (2021, June). Ibrnet: Learning multi-view image-based rendering. In "
    "Proceedings of the IEEE/CVF conference on computer vision and pattern recognition "
    "(pp. 4690-4699).")
VIT_HARVARD = (
    "Dosovitskiy, A., Beyer, L., Kolesnikov, A., Weissenborn, D., Zhai, X., Unterthiner, T., "
    "Dehghani, M., Minderer, M., Heigold, G., Gelly, S. and Uszkoreit, J., 2021, May. An image "
    "is worth 16x16 words: Transformers for image recognition at scale. In International "
    "conference on learning representations.")
RUBIN_VANCOUVER = (
    "Rubin O, Herzig J, Berant J. Learning to retrieve prompts for in-context learning. "
    "InProceedings of the 2022 conference of the North American chapter of the association "
    "for computational linguistics: human language technologies 2022 Jul (pp. 2655-2671).")
FLIP_VANCOUVER = (
    "Zhang K, Tao G, Xu Q, Cheng S, An S, Liu Y, Feng S, Shen G, Chen PY, Ma S, Zhang X. Flip: "
    "A provable defense framework for backdoor mitigation in federated learning. "
    "InInternational conference on learning representations 2023.")

SCHOLAR = [
    IBRNET_APA,
    ("Dosovitskiy, A., Beyer, L., Kolesnikov, A., Weissenborn, D., Zhai, X., Unterthiner, T., "
     "... & Houlsby, N. (2021). An image is worth 16x16 words: Transformers for image "
     "recognition at scale. In International conference on learning representations."),
    ("Alayrac JB, Donahue J, Luc P, Miech A, Barr I, Hasson Y, Lenc K, Mensch A, Millican K, "
     "Reynolds M, Ring R. Flamingo: A visual language model for few-shot learning. Advances in "
     "neural information processing systems. 2022;35:23716-36."),
    ("Alayrac, Jean-Baptiste, et al. \"Flamingo: a visual language model for few-shot "
     "learning.\" Advances in neural information processing systems 35 (2022): 23716-23736."),
    RUBIN_VANCOUVER,
    ("Rubin, O., Herzig, J., & Berant, J. (2022, July). Learning to retrieve prompts for "
     "in-context learning. In Proceedings of the 2022 conference of the North American chapter "
     "of the association for computational linguistics: human language technologies "
     "(pp. 2655-2671)."),
    FLIP_VANCOUVER,
    ("You, Y., xiong, K., Yang, Z., Huang, Z., Zhou, J., Shi, R., ... & Lu, C. (2024, "
     "September). Pace: Pose annotations in cluttered environments. In European conference on "
     "computer vision (pp. 1-18). Cham: Springer Nature Switzerland."),
    ("Li G, Zhai Y, Chen Q, Gao X, Zhang J, Zhang Y. Continual few-shot intent detection. "
     "InCOLING 2022."),
    ("Li G, Zhai Y, Chen Q, Gao X, Zhang J, Zhang Y. Continual few-shot intent detection. "
     "InProceedings of the 29th International Conference on Computational Linguistics 2022 Oct "
     "(pp. 333-343)."),
]


@pytest.fixture(scope="module")
def verifier(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    opened = complete_index_of(RECORDS, tmp_path_factory.mktemp("scholar") / "index")
    yield opened
    opened.close()


@pytest.mark.parametrize("reference", SCHOLAR)
def test_a_scholar_export_of_a_real_work_is_verified(verifier, reference: str) -> None:  # type: ignore[no-untyped-def]
    result = only_result(verifier, reference)
    assert result.verdict == "verified", (result.mismatches, result.reason)


def test_apa_ellipsis_leaves_names_out_before_the_last() -> None:
    fields = parse_reference(IBRNET_APA)
    assert fields.authors[-2:] == ["J. T. Barron", "T. Funkhouser"] and fields.et_al
    assert fields.title == "Ibrnet: Learning multi-view image-based rendering"
    assert fields.year == 2021


def test_harvard_month_after_the_year_is_no_part_of_the_title() -> None:
    fields = parse_reference(VIT_HARVARD)
    assert fields.title == ("An image is worth 16x16 words: Transformers for image "
                            "recognition at scale")
    assert fields.venue == "International conference on learning representations"
    assert len(fields.authors) == 11 and not fields.et_al


def test_vancouver_in_glued_to_the_venue_and_a_year_inside_its_name() -> None:
    fields = parse_reference(RUBIN_VANCOUVER)
    assert fields.title == "Learning to retrieve prompts for in-context learning"
    assert fields.venue == (
        "Proceedings of the 2022 conference of the North American chapter of the association "
        "for computational linguistics: human language technologies")
    fields = parse_reference(FLIP_VANCOUVER)
    assert fields.authors[4] == "S. An" and len(fields.authors) == 11
    assert fields.title.startswith("Flip: A provable defense")
    assert fields.venue == "International conference on learning representations"


def test_a_list_cut_at_eleven_names_is_a_warning_not_an_error(verifier) -> None:  # type: ignore[no-untyped-def]
    result = only_result(verifier, VIT_HARVARD)
    assert result.verdict == "verified"
    assert [w.field for w in result.warnings] == ["authors"]


@pytest.mark.parametrize("reference", [
    # Three of twelve names and no "et al.": the partial list fabrications are made of.
    ("Dosovitskiy, A., Beyer, L., & Kolesnikov, A. (2021). An image is worth 16x16 words: "
     "Transformers for image recognition at scale. In International conference on learning "
     "representations."),
    # "..." and a last author who is none of the work's.
    ("Wang, Q., Wang, Z., Genova, K., Srinivasan, P. P., Zhou, H., Barron, J. T., ... & "
     "Smith, J. (2021, June). Ibrnet: Learning multi-view image-based rendering. In "
     "Proceedings of the IEEE/CVF conference on computer vision and pattern recognition."),
    # Eleven names, one of them the wrong person's.
    ("Dosovitskiy, A., Beyer, L., Kolesnikov, A., Weissenborn, D., Zhai, X., Unterthiner, T., "
     "Dehghani, M., Minderer, M., Heigold, G., Gelly, S. and Vaswani, A., 2021. An image is "
     "worth 16x16 words: Transformers for image recognition at scale. In International "
     "conference on learning representations."),
])
def test_wrong_author_lists_stay_errors(verifier, reference: str) -> None:  # type: ignore[no-untyped-def]
    result = only_result(verifier, reference)
    assert result.verdict == "mismatch"
    assert [m.field for m in result.mismatches] == ["authors"]


def test_a_placeholder_family_name_is_flagged(verifier) -> None:  # type: ignore[no-untyped-def]
    result = only_result(verifier, "Lastname, F., et al. (2023). Drivlme: A large-scale "
                                   "multi-agent driving benchmark. arXiv preprint.")
    assert result.verdict == "not_found"
    assert any(m.cited == "F. Lastname" for m in result.mismatches)
