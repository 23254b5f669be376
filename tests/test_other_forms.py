"""Citation forms outside the benchmark's 14 styles: title-first entries ("Title. A, B. Venue,
Year."; "**Title** (2018). A, B. *Venue*."), quoted titles in prose, LaTeX bibitems with ties.

Each real record here was cited correctly in that form and gave no citation at all, or came
back `not_found` (the title read as a name) or `mismatch` (an "&" lost, a name read wrongly).
The records are the real ones the default index holds, declared complete as there.
"""

from __future__ import annotations

import re

import pytest

from citecheck import Verifier
from citecheck.extract import extract
from citecheck.extract.fields import parse_reference
from citecheck.latex import latex_to_text

from conftest import FIXTURES, complete_index_of, only_result

RECORDS = FIXTURES / "corpus" / "other_forms.jsonl"
PLAPPERT = ["Matthias Plappert", "Rein Houthooft", "Prafulla Dhariwal", "Szymon Sidor",
            "Richard Y. Chen", "Xi Chen", "Tamim Asfour", "Pieter Abbeel", "Marcin Andrychowicz"]


@pytest.fixture(scope="module")
def verifier(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    opened = complete_index_of(RECORDS, tmp_path_factory.mktemp("other-forms") / "index")
    yield opened
    opened.close()


TITLE_FIRST = [
    "Parameter Space Noise for Exploration. " + ", ".join(PLAPPERT[:-1])
    + ", and Marcin Andrychowicz. ICLR 2018, 2018.",
    "1. **Parameter Space Noise for Exploration** (2018). " + ", ".join(PLAPPERT) + ". *ICLR 2018*.",
    "*Parameter Space Noise for Exploration*. Matthias Plappert, Rein Houthooft et al. ICLR 2018.",
    # The title's first words read as one person's name ("Adversarial Cheap Talk.",
    # "Enabling Fast| and ..."), unless the names after them are taken as the authors.
    "Adversarial Cheap Talk. Chris Lu, Timon Willi, Alistair Letcher, and Jakob Nicolaus "
    "Foerster. ICML, 2023.",
    "Batched Dueling Bandits. Arpit Agarwal, Rohan Ghuge, and Viswanath Nagarajan. ICML, 2022.",
    "Enabling Fast and Universal Audio Adversarial Attack Using Generative Model. Yi Xie, "
    "Zhuohang Li, Cong Shi, Jian Liu, Yingying Chen, and Bo Yuan. AAAI, 2021.",
    # One author, after a marked title and its date.
    "1. **EnSidNet: Enhanced Hybrid Siamese-Deep Network for grouping clinical trials into "
    "drug-development pathways** (2021). Lucia Pagani. *NAACL 2021*.",
]


# MLA's first author inverted before "et al.", with given names the name scanner does not read.
MLA_ET_AL = [
    "Jones, R. Kenny, et al. “ShapeCoder: Discovering Abstractions for Visual Programs From "
    "Unstructured Primitives.” *SIGGRAPH 2023*, 2023.",
    "Wenniger, Gideon Maillette de Buy, et al. “Elastic-substitution decoding for Hierarchical "
    "SMT: efficiency, richer search and double labels.” *Proceedings of Machine Translation "
    "Summit XVI: Research Track*, 2017.",
    "Tieck, J. Camilo Vasquez, et al. “Combining spiking motor primitives with a behaviour-based "
    "architecture to model locomotion for six-legged robots.” *IROS 2019*, 2019.",
]


@pytest.mark.parametrize("text", TITLE_FIRST)
def test_a_title_first_entry_names_its_authors_after_the_title(text: str) -> None:
    (citation,) = extract(text)
    title = text.removeprefix("1. ").strip("*").split(". ")[0].split("*")[0]
    assert (citation.kind, citation.fields.title) == ("reference", title)
    names = re.sub(r"^\(\d{4}\)\.\s", "", text.removeprefix("1. ").split(". ", 1)[1])
    assert citation.fields.authors[0] == re.split(r",|\.\s", names)[0]


@pytest.mark.parametrize("text", TITLE_FIRST + MLA_ET_AL)
def test_a_real_work_cited_in_these_forms_is_verified(verifier: Verifier, text: str) -> None:
    result = only_result(verifier, text)
    assert result.verdict == "verified", (result.mismatches, result.reason)


@pytest.mark.parametrize(("text", "wrong"), [
    ("Batched Dueling Bandits. Arpit Agarwal, Rohan Ghuge, and Percy Liang. ICML, 2022.",
     {"authors"}),
    (MLA_ET_AL[0].replace("SIGGRAPH", "ICML"), {"venue"}),
])
def test_a_wrong_field_in_these_forms_is_still_a_mismatch(verifier: Verifier, text: str,
                                                          wrong: set[str]) -> None:
    result = only_result(verifier, text)
    assert result.verdict == "mismatch"
    assert {m.field for m in result.mismatches} == wrong


@pytest.mark.parametrize(("text", "authors", "title"), [
    # An author-date entry whose title reads as two names stays author-first.
    ("Reilly, W. S. (1996). Believable Emotional and Social Agents. Ph.D. thesis, School of "
     "Computer Science, Carnegie Mellon University.", ["W. S. Reilly"],
     "Believable Emotional and Social Agents"),
    ("[6] Derek Bruening. Efficient, Transparent, and Comprehensive Runtime Code Manipulation. "
     "PhD thesis, Massachusetts Institute of Technology, September 2004.", ["Derek Bruening"],
     "Efficient, Transparent, and Comprehensive Runtime Code Manipulation"),
    ("Douglass, Frederick. My Bondage and My Freedom. Ed. William L. Andrews. Urbana: "
     "University of Illinois Press, 1987.", ["Frederick Douglass"], "My Bondage and My Freedom"),
    # After a title: a dictionary, a publisher and its place, translators are no authors.
    ("“Metaphor.” Oxford English Dictionary. Oxford University Press, 1992.", [], "Metaphor"),
    ("Overview Of Non-Contact 3D Sensing Methods. Marcel Dekker, New York (2000).", [], None),
    ("A Harlot of High and Low, trans. Rainer Heppenstall and Jan Smit. New York: Penguin, 1970.",
     [], None),
])
def test_names_after_a_title_are_taken_only_as_a_list_of_people(
        text: str, authors: list[str], title: str | None) -> None:
    fields = parse_reference(text)
    assert fields.authors == authors
    if title is not None:
        assert fields.title == title


QUOTED = [
    ('Plappert et al. introduced this in "Parameter Space Noise for Exploration" (ICLR 2018), '
     "which is widely cited.", "verified"),
    ("That idea goes back to “Parameter Space Noise for Exploration” (Plappert et al., 2018).",
     "verified"),
    # The paper was not among ICML 2022's, which the index lists completely.
    ('We build on "Neural Attention Distillation via Spectral Token Routing" (ICML 2022).',
     "not_found"),
]


@pytest.mark.parametrize(("text", "verdict"), QUOTED)
def test_a_quoted_title_in_prose_with_its_date_is_checked(
        verifier: Verifier, text: str, verdict: str) -> None:
    result = only_result(verifier, text)
    assert result.citation.kind == "title"
    assert result.citation.fields.year in (2018, 2022)
    assert result.verdict == verdict, (result.mismatches, result.reason)


def test_a_quoted_title_reads_its_authors_and_venue_from_the_parenthesis() -> None:
    (cited,) = extract("It comes from “Parameter Space Noise for Exploration” (Plappert et al., "
                       "2018).")
    assert (cited.fields.authors, cited.fields.et_al, cited.fields.year) == (["Plappert"], True,
                                                                            2018)
    (venue,) = extract('As shown in "Parameter Space Noise for Exploration" (ICLR 2018).')
    assert (venue.fields.venue, venue.fields.year) == ("ICLR", 2018)
    (italic,) = extract("It is in *Attention Is All You Need* (Vaswani et al., 2017).")
    assert (italic.fields.title, italic.fields.authors) == ("Attention Is All You Need",
                                                            ["Vaswani"])


def test_a_quotation_in_prose_is_no_citation() -> None:
    assert extract('He said "this is a very good result" in 2019.') == []
    assert extract('Their "Attention Is All You Need" moment changed things.') == []
    # An italic phrase before a year is Nature's venue, and after "In" any style's venue.
    assert extract("It appeared in *Nature Machine Intelligence* (2021).") == []
    assert extract("[1] M. Narasimhan and J. A. Bilmes, “Q-Clustering,” in *Proc. NeurIPS "
                   "2005*, 2005.")[0].kind == "reference"


def test_a_latex_bibitem_with_ties_and_no_venue_is_read(verifier: Verifier) -> None:
    text = ("\\bibitem{k719}\nK.~Agarwal, Z.~Chen, C.~Luo, Y.~Chen, H.~Zheng, X.~Huang, "
            "A.~Rudra, and B.~Chen.\n\\newblock MonarchRT: Efficient Attention for Real-Time "
            "Video Generation.\n\\newblock 2026.")
    result = only_result(verifier, text)
    assert result.citation.fields.authors[:2] == ["K. Agarwal", "Z. Chen"]
    assert result.verdict == "verified", (result.mismatches, result.reason)


def test_an_ampersand_in_latex_text_is_a_word(verifier: Verifier) -> None:
    assert latex_to_text("Allocation & Regularization {\\em CVPR}") == \
        "Allocation & Regularization CVPR"
    assert latex_to_text("Allocation \\& Regularization") == "Allocation & Regularization"
    text = ("\\bibitem{k912}\nW.~Wang, Y.~Hu, Q.~Chen, and Y.~Zhang.\n\\newblock Task "
            "Difficulty Aware Parameter Allocation & Regularization for Lifelong Learning.\n"
            "\\newblock In {\\em CVPR}, 2023.")
    result = only_result(verifier, text)
    assert result.verdict == "verified", (result.mismatches, result.reason)


def test_names_before_a_quoted_title_after_a_comma_are_read_whole(verifier: Verifier) -> None:
    text = ('- An T. Le, Georgia Chalvatzaki, Armin Biess & Jan Peters, "Accelerating Motion '
            'Planning via Optimal Transport", NeurIPS 2023.')
    result = only_result(verifier, text)
    assert result.citation.fields.authors == ["An T. Le", "Georgia Chalvatzaki", "Armin Biess",
                                              "Jan Peters"]
    assert result.verdict == "verified", (result.mismatches, result.reason)


def test_a_name_the_parser_does_not_know_leaves_an_author_first_entry_so(verifier: Verifier) -> None:
    # "Mst." is no name the scanner knows, so "Mst" reads as a title; the names after it
    # are still the authors of an author-first entry, not a title-first one's.
    text = ("Mst. Fahmida Sultana Naznin, Adnan Ibney Faruq, Mostafa Rifat Tazwar, Md Jobayer, "
            "Md. Mehedi Hasan Shawon, and Md Rakibul Hasan. 2025. CSTRL: Context-Driven "
            "Sequential Transfer Learning for Abstractive Radiology Report Summarization. In "
            "*Findings of the Association for Computational Linguistics: ACL 2025*. "
            "https://doi.org/10.18653/v1/2025.findings-acl.1360")
    results = verifier.verify_text(text).results
    assert results and all(not r.flagged for r in results)
    assert any(r.verdict == "verified" and r.citation.kind == "reference" for r in results)


@pytest.mark.parametrize("text", [
    # Initials spaced otherwise than the scanner writes them, a nickname in brackets, marks of
    # equal contribution: the names after the title are still read.
    "Kinematics of a robotic gait trainer for stroke rehabilitation. K. Bharadwaj, T.G. Sugar, "
    "K. Bharadwaj, and T.G. Sugar. ICRA 2006, 2006.",
    "On the Expressivity of Neural Networks for Deep Reinforcement Learning. Kefan Dong, Yuping "
    "Luo, Tianhe (Kevin) Yu, Chelsea Finn, and Tengyu Ma. ICML 2020, 2020.",
    "The Break-Even Point on Optimization Trajectories of Deep Neural Networks. Stanislaw "
    "Jastrzebski, Maciej Szymczak, Stanislav Fort, Devansh Arpit, Jacek Tabor, Kyunghyun Cho*, "
    "and Krzysztof Geras*. ICLR 2020, 2020.",
])
def test_names_after_a_title_with_notes_and_initials_are_read(verifier: Verifier,
                                                               text: str) -> None:
    result = only_result(verifier, text)
    assert result.citation.fields.title == text.split(". ")[0]
    assert result.verdict == "verified", (result.mismatches, result.reason)


def test_no_reference_starts_inside_an_author_list(verifier: Verifier) -> None:
    # "A Single Example." reads as a name, so the entry is not read; a reference "found" from
    # the middle of its author list, with the names for its title, was called invented.
    text = ("CustAny: Customizing Anything from A Single Example. Lingjie Kong, Kai WU, Chengming "
            "Xu, Xiaobin Hu, Wenhui Han. CVPR 2025, 2025.")
    assert not any(r.flagged for r in verifier.verify_text(text).results)


def test_vancouver_initials_of_a_hyphenated_given_name_match_it(verifier: Verifier) -> None:
    # "Farahmand Am": Amir-massoud's initials after the family name, the second in lower case.
    result = only_result(verifier, "1. Kastner T, Rowland M, Tang Y, Erdogdu M, Farahmand Am. "
                         "Categorical distributional reinforcement learning with Kullback-Leibler "
                         "divergence: Convergence and asymptotics. ICML 2025. 2025.")
    assert result.verdict == "verified", (result.mismatches, result.reason)
    other = only_result(verifier, "1. Kastner T, Rowland M, Tang Y, Erdogdu M, Farahmand Bm. "
                        "Categorical distributional reinforcement learning with Kullback-Leibler "
                        "divergence: Convergence and asymptotics. ICML 2025. 2025.")
    assert other.verdict == "mismatch"


def test_initials_of_a_hyphenated_given_name_in_lower_case_are_read(verifier: Verifier) -> None:
    # "J.-i." for Jun-ichi: the list stopped before it, and the rest was read as the venue.
    text = ("[1] M. Nagao, T. Nishida, and J.-i. Tsujii, “Dealing With Incompleteness of "
            "Linguistic Knowledge in Language Translation – Transfer and Generation Stage of Mu "
            "Machine Translation Project,” in *Proc. 10th International Conference on "
            "Computational Linguistics and 22nd Annual Meeting of the Association for "
            "Computational Linguistics*, 1984.")
    result = only_result(verifier, text)
    assert result.citation.fields.authors[-1] == "J.-i. Tsujii"
    assert result.verdict == "verified", (result.mismatches, result.reason)


ICLQG = ("[76] V. A. Huynh and N. Roy, “icLQG: Combining local and global optimization for "
         "control in information space,” in {venue}, May 2009, pp. 2851–2858.")


def test_an_ieee_proceedings_title_inverted_and_cut_names_its_venue(verifier: Verifier) -> None:
    # IEEE Xplore's "Robotics and Automation, 2009. ICRA '09. IEEE International Conference
    # on": the venue read is "Robotics and Automation", words of ICRA's own name.
    cited = ICLQG.format(venue="Robotics and Automation, 2009. ICRA ’09. IEEE International "
                               "Conference on")
    result = only_result(verifier, cited)
    assert result.verdict == "verified", (result.mismatches, result.reason)
    other = only_result(verifier, ICLQG.format(venue="Computer Vision and Pattern Recognition, "
                                                     "2009"))
    assert {m.field for m in other.mismatches} == {"venue"}



def test_et_al_after_a_name_that_ends_the_list_keeps_it_from_reading_as_partial(
        verifier: Verifier) -> None:
    # The ECCV 2024 record writes "junfeng guo" in lower case; Vancouver prints "guo j", and
    # the name reader stops there, before the "et al." that says more authors follow.
    authors = "Liu C, Wang Z, Xiong T, Chen R, Wu Y"
    title = "Few-shot class incremental learning with Attention-Aware Self-Adaptive prompt"
    cited = only_result(verifier, f"1. {authors}, guo j, et al. {title}. ECCV 2024. 2024.")
    assert cited.verdict == "verified", cited.mismatches
    # Without "et al." the same five names leave authors out.
    partial = only_result(verifier, f"1. {authors}. {title}. ECCV 2024. 2024.")
    assert [m.field for m in partial.mismatches] == ["authors"]


CONLL = ("2002. Introduction to the CoNLL-2002 Shared Task: Language-Independent Named Entity "
         "Recognition. In COLING-02: The 6th Conference on Natural Language Learning 2002.")


def test_authors_written_out_as_the_record_writes_them_are_right_however_they_are_read(
        verifier: Verifier) -> None:
    # "Erik F. Tjong Kim Sang": the name reader makes "F. Erik" of it.
    cited = only_result(verifier, f"Erik F. Tjong Kim Sang. {CONLL}")
    assert cited.verdict == "verified", cited.mismatches
    # Another name after his is no longer the record's list written out.
    added = only_result(verifier, f"Erik F. Tjong Kim Sang and Fien De Meulder. {CONLL}")
    assert added.verdict != "verified"


def test_a_short_title_is_found_whole_though_its_words_are_common(verifier: Verifier) -> None:
    # Too short for the titles table, and every word of it common: full-text search ranks
    # "Attention Is All You Need for Chinese Word Segmentation" as high.
    store = verifier.index.store
    (found,) = store.get(store.rids_by_short_title("Attention Is All You Need")).values()
    assert (found.title, found.year) == ("Attention is All you Need", 2017)
    assert store.rids_by_short_title("Attention Is All") == []



def test_an_italic_title_before_its_venue_and_year_is_a_title(verifier: Verifier) -> None:
    result = only_result(verifier, "- *Parameter Space Noise for Exploration* (ICLR 2018)")
    assert (result.citation.fields.venue, result.citation.fields.year) == ("ICLR", 2018)
    assert result.verdict == "verified"
    # An italic name before a bare year is a venue, as before.
    assert [c.kind for c in extract("as reported in *Nature Machine Intelligence* (2021)")] == []


def test_a_work_credited_to_its_labs_is_verified_with_a_warning(verifier: Verifier) -> None:
    text = "- *Attention Is All You Need* by Google Brain and Google Research (NeurIPS 2017)"
    result = only_result(verifier, text)
    assert (result.verdict, result.record.title) == ("verified", "Attention is All you Need")
    assert [(w.field, w.cited) for w in result.warnings] == [
        ("authors", "Google Brain; Google Research")]
    # A person named in their place is still a wrong author.
    wrong = only_result(verifier, text.replace("Google Brain and Google Research", "Percy Liang"))
    assert wrong.verdict == "mismatch"
