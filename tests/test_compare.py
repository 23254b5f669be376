"""Field comparison rules, on real records and the hallucination types of HALLMARK."""

from __future__ import annotations

from dataclasses import fields

import pytest

from citecheck.compare import SAME_TITLE, compare, compare_authors, title_similarity
from citecheck.extract import CitedFields
from citecheck.records import Record, WorkFields
from citecheck.venues import default_venue_table

ABEL = Record(
    id="Abel2021on", title="On the Expressivity of Markov Reward",
    authors=["David Abel", "Will Dabney", "Anna Harutyunyan", "Mark K. Ho",
             "Michael L. Littman", "Doina Precup", "Satinder Singh"],
    year=2021, venue="NeurIPS",
)
FEDNP = Record(
    id="Wu2023fednp", title="FedNP: Towards Non-IID Federated Learning via Federated Neural Propagation",
    authors=["Xueyang Wu", "Hengguan Huang", "Youlong Ding", "Hao Wang", "Ye Wang", "Qian Xu"],
    year=2023, venue="AAAI", doi="10.1609/aaai.v37i9.26237",
)
UNIT = Record(
    id="Chen2026unit", title="UniT: Unified Multimodal Chain-of-Thought Test-time Scaling",
    authors=["Leon Liangyu Chen", "Haoyu Ma"], year=2026, venue=None,
    doi="10.48550/arxiv.2602.12279", arxiv="2602.12279",
)
VENUES = default_venue_table()


def fields_of(record: Record, **changes: object) -> CitedFields:
    fields = CitedFields(title=record.title, authors=list(record.authors), year=record.year,
                         venue=record.venue, doi=record.doi, arxiv=record.arxiv)
    for name, value in changes.items():
        setattr(fields, name, value)
    return fields


def mismatched(fields: CitedFields, record: Record) -> set[str]:
    return {m.field for m in compare(fields, record, VENUES).mismatches}


def test_exact_citation_has_no_mismatch() -> None:
    assert mismatched(fields_of(ABEL), ABEL) == set()


def test_title_case_punctuation_accents_and_latex_do_not_matter() -> None:
    assert title_similarity("on the expressivity of markov reward.", ABEL.title) == SAME_TITLE
    assert title_similarity("{BERT}: Pre-Training of Deep Transformers",
                            "BERT -- pre-training of deep transformers") == SAME_TITLE


@pytest.mark.parametrize(("cited", "expected"), [
    ("Unified Multimodal Chain of Thought Test time Scaling",
     "Unified Multimodal Chain-of-Thought Test-time Scaling"),
    ("Meta Learning Bidirectional Update Rules", "Meta-Learning Bidirectional Update Rules"),
    ("Pretraining of Deep Transformers", "Pre-training of Deep Transformers"),
    ("Vision & Language Navigation", "Vision and Language Navigation"),
    ("Modelling Human Behaviour in Colour", "Modeling Human Behavior in Color"),
    ("Optimisation of Neighbourhood Labelling", "Optimization of Neighborhood Labeling"),
    ("Analysing Centres of Mass", "Analyzing Centers of Mass"),
    ("A Fast {S}olver for {N}ash {E}quilibria", "A fast solver for Nash equilibria"),
    ("Schr\\\"{o}dinger Bridges for Generative Modeling", "Schrödinger Bridges for Generative Modeling"),
    ("Schro\u0308dinger Bridges", "Schrödinger Bridges"),
    ("Efficient ﬁne-tuning", "Efficient fine-tuning"),
])
def test_typographic_variants_are_the_same_title(cited: str, expected: str) -> None:
    assert title_similarity(cited, expected) == SAME_TITLE


@pytest.mark.parametrize(("cited", "expected"), [
    ("Acceleration via Fractal Learning Rate Schedules for Large Language Models",
     "Acceleration via Fractal Learning Rate Schedules"),
    ("BiasAdv: Bias-Adversarial Augmentation towards Model Debiasing",
     "BiasAdv: Bias-Adversarial Augmentation for Model Debiasing"),
    ("Meta-Learnings Bidirectional Update Rules", "Meta-Learning Bidirectional Update Rules"),
    ("Characterizing risk of fairwashing", "Characterizing the risk of fairwashing"),
    ("Four Lessons", "For Lessons"),
])
def test_changed_added_or_dropped_words_are_a_title_mismatch(cited: str, expected: str) -> None:
    assert title_similarity(cited, expected) < SAME_TITLE


def test_particles_alone_do_not_make_a_family_name_match() -> None:
    assert compare_authors(["Jan van Dijk"], ["Vincent van Gogh"]).matched == 0
    assert compare_authors(["Laurens van der Maaten"], ["L. Maaten"]).matched == 1


@pytest.mark.parametrize(("cited", "expected"), [
    (["Jinsung Jeon"], ["Jeon Jinsung"]),
    (["Jeon Jinsung"], ["Jinsung Jeon"]),
    (["Sashank J. Reddi"], ["Sashank Reddi"]),
    (["Alexander Quinn Nichol"], ["Alexander Nichol"]),
    (["Shixiang (Shane) Gu"], ["Shixiang Gu"]),
    (["Qiming ZHANG"], ["Qiming Zhang"]),
    (["Keyulu Xu*"], ["Keyulu Xu"]),
])
def test_name_variants_between_sources_are_the_same_author(cited: list[str],
                                                           expected: list[str]) -> None:
    agreement = compare_authors(cited, expected)
    assert agreement.matched == 1 and agreement.first_matches


def test_a_name_listed_twice_in_a_record_counts_once() -> None:
    agreement = compare_authors(["Ahmed Abbas", "Paul Swoboda"],
                                ["Ahmed Abbas", "Paul Swoboda", "Paul Swoboda"])
    assert (agreement.matched, agreement.cited, agreement.expected) == (2, 2, 2)


def test_a_citation_copying_a_name_the_record_lists_twice_names_one_author() -> None:
    # IROS 2009's list gives "Rolf Lakaemper; Rolf Lakaemper"; a family-name style prints
    # it "Lakaemper and Lakaemper", which had read as one author too many.
    listed_twice = ["Rolf Lakaemper", "Rolf Lakaemper"]
    for cited in (["Lakaemper", "Lakaemper"], ["R. Lakaemper", "R. Lakaemper"]):
        agreement = compare_authors(cited, listed_twice)
        assert (agreement.matched, agreement.cited, agreement.expected) == (1, 1, 1)
    # Another person listed beside the repeated one is still left out.
    agreement = compare_authors(["Lakaemper", "Lakaemper"], [*listed_twice, "Longin Latecki"])
    assert (agreement.cited, agreement.expected) == (1, 2)


def test_a_record_listing_its_whole_author_list_twice_names_each_author_once() -> None:
    # The ICRA 2006 list gives "P.E. Missiuro; N. Roy; P.E. Missiuro; N. Roy".
    agreement = compare_authors(["P. E. Missiuro", "N. Roy"],
                                ["P.E. Missiuro", "N. Roy", "P.E. Missiuro", "N. Roy"])
    assert (agreement.matched, agreement.cited, agreement.expected) == (2, 2, 2)
    # Two people of one family name in a list of two are two authors.
    assert compare_authors(["Zhang", "Zhang"], ["Wanrong Zhang", "Ruqi Zhang"]).matched == 2


def test_title_without_its_subtitle_is_the_same_title() -> None:
    assert title_similarity("Deep Residual Learning for Image Recognition",
                            "Deep Residual Learning for Image Recognition: An Analysis") == SAME_TITLE


def test_near_miss_title_is_a_title_mismatch() -> None:
    cited = fields_of(FEDNP, title="FedNP: Towards Non-IID Federated Learning via Federated Neural Diffusion")
    assert mismatched(cited, FEDNP) == {"title"}


def test_swapped_authors_is_a_mismatch_on_authors() -> None:
    cited = fields_of(ABEL, authors=["Zhao Yang", "Jiaqi Wang", "Yansong Tang"])
    assert mismatched(cited, ABEL) == {"authors"}


def test_partial_author_list_without_et_al_is_a_mismatch() -> None:
    assert mismatched(fields_of(ABEL, authors=ABEL.authors[:2]), ABEL) == {"authors"}


def test_partial_author_list_with_et_al_is_accepted() -> None:
    assert mismatched(fields_of(ABEL, authors=ABEL.authors[:1], et_al=True), ABEL) == set()


def test_initials_and_inverted_names_match_full_names() -> None:
    agreement = compare_authors(["Abel, D.", "W. Dabney"], ABEL.authors[:2])
    assert agreement.matched == 2 and agreement.first_matches


def test_accents_in_family_names_are_ignored() -> None:
    agreement = compare_authors(["Enric Boix-Adsera"], ["Enric Boix-Adserà"])
    assert agreement.matched == 1


def test_wrong_year_is_a_mismatch_with_the_expected_year() -> None:
    [problem] = compare(fields_of(ABEL, year=2019), ABEL, VENUES).mismatches
    assert (problem.field, problem.cited, problem.expected) == ("year", "2019", "2021")


def test_arxiv_citation_may_carry_the_earlier_preprint_year() -> None:
    assert mismatched(fields_of(ABEL, year=2020, venue="arXiv preprint arXiv:2111.00876"), ABEL) == set()


def test_venue_alias_matches_canonical_name() -> None:
    cited = fields_of(ABEL, venue="Advances in Neural Information Processing Systems 34")
    assert mismatched(cited, ABEL) == set()


def test_wrong_venue_is_a_mismatch() -> None:
    assert mismatched(fields_of(FEDNP, venue="ICML"), FEDNP) == {"venue"}


def test_nonexistent_venue_is_a_mismatch() -> None:
    assert mismatched(fields_of(ABEL, venue="Symposium on Neural Scaling Laws"), ABEL) == {"venue"}


def test_preprint_cited_as_published_is_a_venue_mismatch() -> None:
    assert mismatched(fields_of(UNIT, venue="CVPR"), UNIT) == {"venue"}


def test_doi_of_another_paper_is_a_doi_mismatch() -> None:
    assert mismatched(fields_of(FEDNP, doi="10.1609/aaai.v36i2.20016"), FEDNP) == {"doi"}


def test_doi_on_a_venue_without_dois_is_suspicious() -> None:
    assert mismatched(fields_of(ABEL, doi="10.47281/bed.57189"), ABEL) == {"doi"}


def test_arxiv_doi_of_a_published_paper_is_consistent() -> None:
    assert mismatched(fields_of(ABEL, doi="10.48550/arxiv.2111.00876"), ABEL) == set()


@pytest.mark.parametrize("venue", ["NIPS", "NeurIPS 2021", "Proc. NeurIPS",
                                   "Conference on Neural Information Processing Systems"])
def test_neurips_aliases_resolve(venue: str) -> None:
    resolved = VENUES.resolve(venue)
    assert resolved is not None and resolved.canonical == "NeurIPS"


def test_unrelated_venue_does_not_resolve_to_a_known_one() -> None:
    assert VENUES.resolve("Machine Learning for Healthcare") is None


def test_a_title_with_words_added_at_an_end_extends_the_real_title() -> None:
    from citecheck.compare import title_extends

    assert title_extends("Acceleration via Fractal Learning Rate Schedules for Large Language "
                         "Models", "Acceleration via Fractal Learning Rate Schedules")
    assert not title_extends("Deep Learning", "Deep Learning for Graphs")  # too short to tell
    assert not title_extends("Fractal Learning Rate Schedules Revisited",
                             "Acceleration via Fractal Learning Rate Schedules")


def test_a_citation_listing_more_authors_than_the_record_is_a_warning() -> None:
    from citecheck.verdict import _more_authors_than_record

    # Imagen: 15 authors on arXiv, 13 in the NeurIPS proceedings.
    proceedings = ["Chitwan Saharia", "William Chan", "Saurabh Saxena", "Lala Li", "Jay Whang",
                   "Emily Denton", "Kamyar Ghasemipour", "Raphael Gontijo Lopes",
                   "Burcu Karagol Ayan", "Tim Salimans", "Jonathan Ho", "David Fleet",
                   "Mohammad Norouzi"]
    record = Record(id="r", title="Photorealistic Text-to-Image Diffusion Models with Deep "
                    "Language Understanding", authors=proceedings, year=2022, venue="NeurIPS")
    arxiv_list = [*proceedings[:9], "S. Sara Mahdavi", "Rapha Gontijo Lopes", *proceedings[9:]]
    extra = compare(CitedFields(title=record.title, year=2022, venue="NeurIPS",
                                authors=arxiv_list), record, VENUES)
    dropped = compare(CitedFields(title=record.title, year=2022, venue="NeurIPS",
                                  authors=proceedings[:10]), record, VENUES)
    assert _more_authors_than_record(extra)
    assert not _more_authors_than_record(dropped)
    # PEBBLE has 3 authors; two invented ones added to it are an error.
    pebble = Record(id="p", title="PEBBLE", authors=["Kimin Lee", "Laura Smith", "Pieter Abbeel"])
    padded = compare(CitedFields(title="PEBBLE", authors=[
        "Lisa Lee", "Laura Smith", "Aravind Rajeswaran", "Pieter Abbeel", "Aravind Srinivas"]),
        pebble, VENUES)
    assert not _more_authors_than_record(padded)


def test_a_name_whose_parts_a_source_reorders_or_trims_is_the_same_author() -> None:
    assert compare_authors(["Thommen George Karimpanal"],
                           ["Thommen Karimpanal George"]).matched == 1
    assert compare_authors(["Ramon Matas Navarro"], ["Ramon Matas"]).matched == 1
    assert compare_authors(["Ramon Navarro"], ["Maria Matas"]).matched == 0
    # A family name cited alone: the citation's "Karimpanal" is an inner word of the record's.
    assert compare_authors(["Karimpanal"], ["Thommen Karimpanal George"]).matched == 1
    assert compare_authors(["Karimpanal"], ["Thommen George"]).matched == 0


def test_a_name_in_initials_with_a_part_the_record_drops_is_the_same_author() -> None:
    # Vancouver/APA initials of "Ramon Matas Navarro"; the ICML 2021 list has "Ramon Matas".
    assert compare_authors(["R. M. Navarro"], ["Ramon Matas"]).matched == 1
    assert compare_authors(["R. Navarro"], ["Ramon Matas"]).matched == 0
    assert compare_authors(["J. M. Navarro"], ["Ramon Matas"]).matched == 0


def test_a_one_letter_family_name_read_backwards_is_the_same_author() -> None:
    # Vancouver "R MB" for Mallikarjun B R (CVPR 2021), whose family name is one letter.
    assert compare_authors(["R. MB"], ["Mallikarjun B R"]).matched == 1
    assert compare_authors(["B. R. Mallikarjun"], ["Mallikarjun B R"]).matched == 1
    assert compare_authors(["R. MT"], ["Mallikarjun B R"]).matched == 0
    assert compare_authors(["B. Li"], ["Li B R"]).matched == 0


def test_a_family_name_cited_twice_is_two_authors_who_share_it() -> None:
    agreement = compare_authors(["Sun", "Sun", "Chen"],
                                ["Cheng Sun", "Min Sun", "Hwann-Tzong Chen"])
    assert (agreement.matched, agreement.cited, agreement.expected) == (3, 3, 3)


def test_the_same_initials_and_family_name_cited_twice_are_two_authors() -> None:
    agreement = compare_authors(["Z. Zhang", "Z. Zhang", "L. Zhu"],
                                ["Zheng Zhang", "Zhao Zhang", "Lei Zhu"])
    assert (agreement.matched, agreement.cited, agreement.expected) == (3, 3, 3)


def test_a_name_of_punctuation_alone_is_ignored() -> None:
    agreement = compare_authors(["Cheng Sun", "*", "—"], ["Cheng Sun", "-"])
    assert (agreement.matched, agreement.cited, agreement.expected) == (1, 1, 1)


# Real names of one large collaboration's author list (the Gemini reports list thousands),
# none of them the same person as any cited name below.
COLLABORATION = [f"{given} {family}" for family in (
    "Kowalczyk", "Oyelaran", "Tanaka", "Brennan", "Haddad", "Lindqvist", "Moreau", "Petrov",
    "Quispe", "Szabo") for given in ("Olga", "Tomasz", "Ewa", "Kenji", "Aoife", "Youssef",
                                      "Ingrid", "Amélie", "Dmitri", "Wilmer")]


@pytest.mark.parametrize(("cited", "named", "matched"), [
    ("Jinsung Jeon", "Jeon Jinsung", 1),
    ("Sashank J. Reddi", "Sashank Reddi", 1),
    ("Laurens van der Maaten", "L. Maaten", 1),
    ("Enric Boix-Adsera", "Enric Boix-Adserà", 1),
    ("Bernhard Scholkopf", "Bernhard Schölkopf", 1),
    ("Thommen George Karimpanal", "Thommen Karimpanal George", 1),
    ("R. M. Navarro", "Ramon Matas", 1),
    ("R. MB", "Mallikarjun B R", 1),
    ("Ma", "MA KAILI", 1),
    ("Kaili Ma", "MA KAILI", 1),
    ("Karimpanal", "Thommen Karimpanal George", 1),
    ("L. O. O. Edward", "Edward LOO", 1),  # a family name in capitals read as initials
    ("L. I. U. Tianyi", "TIANYI LIU", 1),
    ("L. I. Tianyi", "TIANYI LIU", 0),
    ("Schoelkopf", "Bernhard Schölkopf", 1),
    ("Maaten", "Laurens van der Maaten", 1),
    ("Boix", "Enric Boix-Adserà", 1),
    ("Adsera", "Enric Boix-Adserà", 1),
    ("Jan van Dijk", "Vincent van Gogh", 0),
    ("R. Navarro", "Ramon Matas", 0),
    ("R. MT", "Mallikarjun B R", 0),
])
def test_a_name_late_in_a_long_author_list_matches_as_in_a_short_one(cited: str, named: str,
                                                                     matched: int) -> None:
    # Long lists are searched through an index of their names' parts, short ones name by name.
    assert compare_authors([cited], [named]).matched == matched
    agreement = compare_authors([cited], [*COLLABORATION, named])
    assert (agreement.matched, agreement.expected) == (matched, len(COLLABORATION) + 1)
    assert not agreement.first_matches


def test_a_citation_and_a_record_share_one_definition_of_their_common_fields() -> None:
    # A field both have is declared once, in WorkFields, so the two cannot drift apart.
    common = {f.name for f in fields(CitedFields)} & {f.name for f in fields(Record)}
    assert common == {f.name for f in fields(WorkFields)}
    record = ABEL
    cited = CitedFields(**record.work_fields())
    assert compare(cited, record, VENUES).mismatches == []


def test_an_author_list_written_again_after_itself_names_each_author_once() -> None:
    # Vancouver's first six of an ICRA list that repeats its four authors, then "et al.".
    record = ["Masashi Okada", "Mayumi Komatsu", "Ryo Okumura", "Tadahiro Taniguchi"] * 2
    cited = ["M. Okada", "M. Komatsu", "R. Okumura", "T. Taniguchi", "M. Okada", "M. Komatsu"]
    agreement = compare_authors(cited, record)
    assert (agreement.matched, agreement.cited, agreement.expected) == (4, 4, 4)
    # One family name four times is four people, not a list written twice.
    assert compare_authors(["Zhang"] * 4, ["Wanrong Zhang", "Ruqi Zhang", "Yi Zhang",
                                            "Li Zhang"]).matched == 4


def test_initials_a_record_writes_after_the_names_may_be_read_first() -> None:
    # arXiv 2505.04793 lists "Pavan Kumar MP"; the name scanner reads "M. P. Pavan Kumar".
    assert compare_authors(["M. P. Pavan Kumar"], ["Pavan Kumar MP"]).matched == 1
    assert compare_authors(["M. R. Pavan Kumar"], ["Pavan Kumar MP"]).matched == 0
