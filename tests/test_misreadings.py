"""Real works cited correctly whose text the parser misread: a title that opens with a quoted
exclamation or holds a spaced ellipsis, a question before the names, names with marks of
equal contribution, a glued particle ("deBettencourt"), a venue in capitals after a name, a
title read as names. Each came back flagged (`not_found` or `mismatch`) on the real corpus
(`benchmarks/real_references.py`, HALLMARK's title-first and prose renderings) and must not.

Also the quoted title in prose: the authors named before a verb of authorship ("Zhang et al.
introduced this in “X”") and a venue written out in words after it are checked, so that a
fabricated author or venue there is caught. The records are the real ones the default index
holds, declared complete as there.
"""

from __future__ import annotations

import pytest

from citecheck.extract import Citation, extract
from citecheck.extract.fields import parse_reference
from citecheck.extract.names import names_only
from citecheck.report import render_text

from conftest import FIXTURES, complete_index_of, only_result

RECORDS = FIXTURES / "corpus" / "misreadings.jsonl"
AUTO_COT = "Automatic Chain of Thought Prompting in Large Language Models"
SUBSPACE = "Subspace Differential Privacy"
WOMEN = ("“Women do not have heart attacks!” Gender Biases in Automatically Generated Clinical "
         "Cases in French")
WOMEN_AUTHORS = ["Fanny Ducel", "Nicolas Hiebel", "Olivier Ferret", "Karën Fort", "Aurélie Névéol"]
NAACL_FINDINGS = "Findings of the Association for Computational Linguistics: NAACL 2025"


@pytest.fixture(scope="module")
def verifier(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    opened = complete_index_of(RECORDS, tmp_path_factory.mktemp("misreadings") / "index")
    yield opened
    opened.close()


# --- A quoted title in prose, with the authors before it and the venue after it --------------

def test_names_before_a_verb_of_authorship_are_the_quoted_titles_authors(verifier) -> None:  # type: ignore[no-untyped-def]
    result = only_result(verifier, f'Zhang et al. introduced this in "{AUTO_COT}" (ICLR 2023), '
                                   "which is widely cited.")
    assert result.citation.fields.authors == ["Zhang"] and result.citation.fields.et_al
    assert result.verdict == "verified"


@pytest.mark.parametrize("who", ["Rodriguez et al.", "Garcia and Toure"])
def test_invented_authors_named_before_a_quoted_title_are_caught(verifier, who: str) -> None:  # type: ignore[no-untyped-def]
    result = only_result(verifier, f'{who} introduced this in "{AUTO_COT}" (ICLR 2023).')
    assert result.verdict == "mismatch"
    assert [m.field for m in result.mismatches] == ["authors"]


@pytest.mark.parametrize("sentence", [
    f'Later work presented in "{AUTO_COT}" (ICLR 2023) extends this.',  # one word: no names
    f'Google and Meta introduced this in "{AUTO_COT}" (ICLR 2023).',  # labs, not people
    f'Rodriguez and Toure extended the method of "{AUTO_COT}" (ICLR 2023).',  # no authorship
])
def test_words_before_a_quoted_title_are_not_taken_for_its_authors(verifier, sentence: str) -> None:  # type: ignore[no-untyped-def]
    result = only_result(verifier, sentence)
    assert result.citation.fields.authors == []
    assert result.verdict == "verified"


def test_a_particle_glued_with_an_apostrophe_stays_with_the_family_name(verifier) -> None:  # type: ignore[no-untyped-def]
    result = only_result(verifier, "d'Amore et al. introduced this in \"Planning with Biological "
                                   "Neurons and Synapses\" (AAAI 2022).")
    assert result.citation.fields.authors == ["d'Amore"]
    assert result.verdict == "verified"


def test_a_venue_written_out_after_a_quoted_title_is_checked(verifier) -> None:  # type: ignore[no-untyped-def]
    invented = only_result(verifier, f'Zhang et al. introduced this in "{AUTO_COT}" (Conference '
                                     "on Bio-Inspired Computing and AI 2023).")
    assert invented.verdict == "mismatch"
    assert [m.field for m in invented.mismatches] == ["venue"]
    right = only_result(verifier, f'As shown in "{AUTO_COT}" (International Conference on '
                                  "Learning Representations 2023), it works.")
    assert right.verdict == "verified"


def test_a_quoted_word_inside_a_quoted_title_does_not_end_it(verifier) -> None:  # type: ignore[no-untyped-def]
    result = only_result(verifier, 'Højer et al. introduced this in "Research Community '
                                   'Perspectives on "Intelligence" and Large Language Models" '
                                   "(Findings of ACL 2025), which is widely cited.")
    assert result.citation.fields.title == ('Research Community Perspectives on "Intelligence" '
                                            "and Large Language Models")
    assert result.verdict == "verified"


def test_a_quoted_word_inside_a_references_quoted_title_does_not_end_it(verifier) -> None:  # type: ignore[no-untyped-def]
    result = only_result(verifier, "- Bertram Højer, Terne Sasha Thorn Jakobsen, Anna Rogers & "
                                   'Stefan Heinrich, "Research Community Perspectives on '
                                   '"Intelligence" and Large Language Models", Findings of the '
                                   "Association for Computational Linguistics: ACL 2025, 2025.")
    assert result.citation.fields.venue and "Intelligence" not in result.citation.fields.venue
    assert result.verdict == "verified"


def test_no_reference_is_read_from_inside_a_quoted_title(verifier) -> None:  # type: ignore[no-untyped-def]
    # "Fast Rate Generalization Bound, ..." after the colon had read as an author and a title.
    result = only_result(verifier, 'Lu et al. introduced this in "Machine Learning For Elliptic '
                                   "PDEs: Fast Rate Generalization Bound, Neural Scaling Law and "
                                   'Minimax Optimality" (ICLR 2022), which is widely cited.')
    assert result.citation.kind == "title"
    assert result.verdict == "verified"


# --- Titles the parser cut short -------------------------------------------------------------

@pytest.mark.parametrize("entry", [
    "Ducel, F., Hiebel, N., Ferret, O., Fort, K., & Névéol, A. (2025). “Women do not have heart "
    "attacks!” gender biases in automatically generated clinical cases in french. *Findings of "
    "the Association for Computational Linguistics: NAACL 2025*.",
    f"{', '.join(WOMEN_AUTHORS[:-1])}, and Aurélie Névéol. 2025. {WOMEN}. In *{NAACL_FINDINGS}*.",
    "1. Ducel, F., Hiebel, N., Ferret, O., Fort, K. & Névéol, A. “Women do not have heart "
    f"attacks!” Gender Biases in Automatically Generated Clinical Cases in French. *{NAACL_FINDINGS}* "
    "(2025).",
    "Ducel, F., Hiebel, N., Ferret, O., Fort, K., Névéol, A., 2025. “Women do not have heart "
    f"attacks!” Gender Biases in Automatically Generated Clinical Cases in French, in: {NAACL_FINDINGS}.",
])
def test_a_title_opening_with_a_quoted_exclamation_is_read_whole(verifier, entry: str) -> None:  # type: ignore[no-untyped-def]
    result = only_result(verifier, entry)
    assert result.verdict == "verified", (result.reason, result.mismatches)


@pytest.mark.parametrize("entry", [
    "Mori, D. M., & Johnson, N. F. (2026). Three AI-agents walk into a bar . . . . `Lord of the "
    "flies' tribalism emerges among smart AI-Agents. *arXiv (cs.AI)*.",
    "Dhwanil M. Mori and Neil F. Johnson. 2026. Three AI-agents walk into a bar . . . . `Lord of "
    "the Flies' tribalism emerges among smart AI-Agents. In *arXiv (cs.AI)*.",
])
def test_a_spaced_ellipsis_does_not_end_a_title(verifier, entry: str) -> None:  # type: ignore[no-untyped-def]
    assert only_result(verifier, entry).verdict == "verified"


# --- Names misread -------------------------------------------------------------------------

def test_a_question_title_is_followed_by_its_authors(verifier) -> None:  # type: ignore[no-untyped-def]
    right = ("Is Forgetting Less a Good Inductive Bias for Forward Transfer? Jiefeng Chen, "
             "Timothy Nguyen, Dilan Gorur, and Arslan Chaudhry. ICLR, 2023.")
    fields = parse_reference(right)
    assert fields.title == "Is Forgetting Less a Good Inductive Bias for Forward Transfer?"
    assert fields.authors[0] == "Jiefeng Chen"
    assert only_result(verifier, right).verdict == "verified"
    invented = right.replace("Jiefeng Chen, Timothy Nguyen, Dilan Gorur, and Arslan Chaudhry",
                             "Paula Santos, Yusuf Ibrahim, and Hiro Takahashi")
    assert only_result(verifier, invented).verdict == "mismatch"


@pytest.mark.parametrize(("venue", "verdict"), [("AAAI", "verified"), ("ACML", "mismatch")])
def test_a_venue_in_capitals_after_a_short_family_name_is_no_part_of_it(
        verifier, venue: str, verdict: str) -> None:  # type: ignore[no-untyped-def]
    # "Fang-Yi Yu. AAAI" had read as one name, and the names as the title: not_found at 0.99.
    result = only_result(verifier, f"{SUBSPACE}. Jie Gao, Ruobin Gong, and Fang-Yi Yu. {venue}, 2022.")
    assert result.citation.fields.authors == ["Jie Gao", "Ruobin Gong", "Fang-Yi Yu"]
    assert result.verdict == verdict
    assert [m.field for m in result.mismatches] == ([] if verdict == "verified" else ["venue"])


def test_marks_of_equal_contribution_do_not_end_the_names(verifier) -> None:  # type: ignore[no-untyped-def]
    entry = ("\\bibitem{lowe}\nR.~Lowe*, A.~Gupta*, J.~Foerster, D.~Kiela, and J.~Pineau.\n"
             "\\newblock On the interaction between supervision and self-play in emergent "
             "communication.\n\\newblock In \\emph{ICLR}, 2020.")
    result = only_result(verifier, entry)
    assert result.citation.fields.authors[:2] == ["R. Lowe", "A. Gupta"]
    assert result.verdict == "verified"


def test_a_glued_particle_is_part_of_the_family_name(verifier) -> None:  # type: ignore[no-untyped-def]
    result = only_result(verifier, "[1] M. T. deBettencourt, S. Sakthivel, E. A. Holmes, and M. "
                                   "Chevillet, “AI-guided digital intervention with physiological "
                                   "monitoring reduces intrusive memories after experimental "
                                   "trauma,” arXiv (cs.HC), 2025.")
    assert result.citation.fields.authors[0] == "M. T. deBettencourt"
    assert result.verdict == "verified"


def test_a_system_name_opening_the_title_is_no_family_name(verifier) -> None:  # type: ignore[no-untyped-def]
    result = only_result(verifier, "1. Sohn Jy, Shang L, Chen H, Moon J, Papailiopoulos D, Lee K. "
                                   "GenLabel: Mixup relabeling using generative models. ICML 2022. 2022.")
    assert result.citation.fields.authors[-1] == "K. Lee"
    assert result.verdict == "verified"


def test_a_titles_words_after_its_label_are_no_embedded_reference(verifier) -> None:  # type: ignore[no-untyped-def]
    # "Clustering Question-Answer Archives" had read as the author of a reference titled
    # with the venue, and its DOI as another paper's: not_found.
    text = ("1. P, D. MixKMeans: Clustering Question-Answer Archives. *Proceedings of the 2016 "
            "Conference on Empirical Methods in Natural Language Processing* (2016). "
            "https://doi.org/10.18653/v1/D16-1164")
    results = verifier.verify_text(text).results
    assert results and not any(r.flagged for r in results)


def test_a_one_letter_family_name_split_from_its_given_name_is_no_wrong_author(verifier) -> None:  # type: ignore[no-untyped-def]
    # MLA's "P, Deepak." (Deepak P) reads as two names, "P" and "Deepak": the same words.
    entry = ("P, Deepak. “MixKMeans: Clustering Question-Answer Archives.” *Proceedings of the "
             "2016 Conference on Empirical Methods in Natural Language Processing*, 2016.")
    assert only_result(verifier, entry).verdict == "verified"
    invented = only_result(verifier, entry.replace("P, Deepak.", "Smith, John."))
    assert invented.verdict == "mismatch"


def test_a_one_word_name_among_the_names_is_no_title(verifier) -> None:  # type: ignore[no-untyped-def]
    assert names_only("Calderbank, and Guillermo Sapiro")
    assert names_only("A. Gupta")
    assert not names_only("Vision and Language Navigation")
    text = ("DCFNet: Deep Neural Network with Decomposed Convolutional Filters. Qiang Qiu, "
            "Xiuyuan Cheng, Calderbank, and Guillermo Sapiro. ICML 2018, 2018.")
    assert not any(r.flagged for r in verifier.verify_text(text).results)


def test_a_title_read_as_names_is_unverifiable_not_a_hallucination(verifier) -> None:  # type: ignore[no-untyped-def]
    # The kind of parse the names scanner gave before it knew "AAAI": the title taken for
    # one name, the names for the title (of a title the index lacks, so that no record's
    # title in the text gives the misreading away).
    title = "Private Subspace Learning Revisited"
    text = f"{title}. Jie Gao, Ruobin Gong, and Fang-Yi Yu. AAAI, 2022."
    misread = parse_reference(text)
    misread.title, misread.authors, misread.readings = \
        "Jie Gao, Ruobin Gong, and Fang-Yi Yu", [title], []
    [result] = verifier.verify_citations([Citation(text, (0, len(text)), "reference", misread)])
    assert result.verdict == "unverifiable"
    assert "list of names" in (result.reason or "")


FARINA_TITLE = ("Translating Inference-Time Control to Radiology Vision-Language Models: Activation "
                "Steering for Pneumonia Classification on Chest X-rays")


@pytest.mark.parametrize("names", [
    "Eduardo Moreno Judice de Mattos Farina, Mateus A. Esmeraldo, Felipe Akio Matsuoka, Paulo "
    "Eduardo de Aguiar Kuriki, and Felipe Campos Kitamura. 2026.",
    "[1] E. M. J. d. M. Farina, M. A. Esmeraldo, F. A. Matsuoka, P. E. d. A. Kuriki, and F. C. "
    "Kitamura. 2026.",
    "1. Farina EMJdM, Esmeraldo MA, Matsuoka FA, Kuriki PEdA, Kitamura FC. 2026.",
])
def test_long_names_with_particles_are_read_whole(verifier, names: str) -> None:  # type: ignore[no-untyped-def]
    result = only_result(verifier, f"{names} {FARINA_TITLE}. *arXiv (cs.CV)*.")
    assert len(result.citation.fields.authors) == 5
    assert result.citation.fields.authors[0].endswith("Farina")
    assert result.verdict == "verified"


@pytest.mark.parametrize("entry", [
    "1. **Generalizing Tree Probability Estimation via Bayesian Networks** (2018). Cheng Zhang, "
    "Frederick A Matsen IV. *NeurIPS 2018*.",
    "Generalizing Tree Probability Estimation via Bayesian Networks. Cheng Zhang and Frederick A "
    "Matsen IV. NeurIPS 2018, 2018.",
])
def test_a_generation_suffix_ends_a_name(verifier, entry: str) -> None:  # type: ignore[no-untyped-def]
    result = only_result(verifier, entry)
    assert result.citation.fields.authors == ["Cheng Zhang", "Frederick A Matsen IV"]
    assert result.verdict == "verified"


@pytest.mark.parametrize("entry", [
    "S. Ji, T. Zhang, L. Ansari, J. Fu, P. Tiwari, and E. Cambria. MentalBERT: Publicly Available "
    "Pretrained Language Models for Mental Healthcare. In LREC, 2022.",
    "F. Lin and D. Yu. LaySummX at BioLaySumm: Retrieval-Augmented Fine-Tuning for Biomedical Lay "
    "Summarization Using Abstracts and Retrieved Full-Text Context. In Proceedings of the 24th "
    "Workshop on Biomedical Language Processing (Shared Tasks), 2025.",
])
def test_access_words_inside_a_title_stay_in_it(entry: str) -> None:
    title = parse_reference(entry).title or ""
    assert "Available" in title or "Retrieved" in title
    assert parse_reference("Smith, J. (2020). A title of things. Retrieved March 3, 2020, from "
                           "https://example.org/x").title == "A title of things"


def test_a_venue_read_as_the_title_is_unverifiable_not_a_hallucination(verifier) -> None:  # type: ignore[no-untyped-def]
    # As the parser once read a title-first entry from its names on: the venue, which the
    # index lists completely for that year, taken for the title.
    text = ("Wan Wei, Xiao Zhang, and Tengjiao Wang. Proceedings of the AAAI Conference on "
            "Artificial Intelligence (AAAI), 2022.")
    misread = parse_reference(text)
    misread.title, misread.venue, misread.readings = (
        "Proceedings of the AAAI Conference on Artificial Intelligence", "AAAI", [])
    [result] = verifier.verify_citations([Citation(text, (0, len(text)), "reference", misread)])
    assert result.verdict == "unverifiable"
    assert "a venue's name" in (result.reason or "")


@pytest.mark.parametrize(("entry", "author"), [
    ("A Principled Approach for Coarse-to-Fine MAP Inference. Christopher Zach. CVPR 2014, 2014.",
     "Christopher Zach"),
    # A title in two sentences, and one author before the venue.
    ("Cliticization of Serbian Personal Pronouns and Auxiliary Verbs. A Dependency-Based "
     "Account. Jasmina Milicevic. Proceedings of the Fifth International Conference on "
     "Dependency Linguistics (Depling, SyntaxFest 2019), 2019.", "Jasmina Milicevic"),
])
def test_one_author_between_a_title_and_its_venue(verifier, entry: str, author: str) -> None:  # type: ignore[no-untyped-def]
    result = only_result(verifier, entry)
    assert result.citation.fields.authors == [author]
    assert result.verdict == "verified"
    invented = only_result(verifier, entry.replace(author, "John Smithson"))
    assert invented.verdict == "mismatch"
    assert [m.field for m in invented.mismatches] == ["authors"]


def test_one_name_alone_is_no_author_without_a_venue_after_it() -> None:
    # "Pattern Recognition" may be a journal: one capitalised phrase is not taken for a name.
    assert parse_reference("A study of things. Pattern Recognition. 2021.").authors == []


@pytest.mark.parametrize(("entry", "second"), [
    ("Massimo Moneglia, Susan Brown, Francesca Frontini, Gloria Gagliardi, Fahad Khan, Monica "
    "Monachini, and Alessandro Panunzi. 2014. The IMAGACT Visual Ontology. An Extendable "
    "Multilingual Infrastructure for the representation of lexical encoding of Action. In "
    "*Proceedings of the Ninth International Conference on Language Resources and Evaluation "
    "(LREC'14)*.", "An Extendable Multilingual Infrastructure"),
    ("Hiromi Nakaiwa (1997). Automatic extraction of rules for anaphora resolution of Japanese. "
     "zero pronouns from aligned sentence pairs. Operational Factors in Practical, Robust "
     "Anaphora Resolution for Unrestricted Texts.", "zero pronouns from aligned sentence pairs"),
    ("Li, Y., Tian, J., Chen, W., Fan, C., He, H., Jin, Y., 2022. To What Extent Do Natural "
     "Language Understanding Datasets Correlate to Logical Reasoning? A Method for Diagnosing "
     "Logical Reasoning., in: Proceedings of the 29th International Conference on "
     "Computational Linguistics.", "A Method for Diagnosing Logical Reasoning"),
])
def test_a_titles_second_sentence_stays_in_the_reference(verifier, entry: str, second: str) -> None:  # type: ignore[no-untyped-def]
    result = only_result(verifier, entry)
    assert second in result.citation.text
    assert result.verdict == "verified"


def test_a_word_after_a_lower_case_particle_is_a_family_name(verifier) -> None:  # type: ignore[no-untyped-def]
    result = only_result(verifier, "Caetano, Francisco, Christiaan Viviers, Peter H. H. de With, "
                                   "and Fons van der Sommen. “MedShift: Implicit Conditional "
                                   "Transport for X-Ray Domain Adaptation.” arXiv (cs.CV), 2025.")
    assert "Peter H. H. de With" in result.citation.fields.authors
    assert result.verdict == "verified"


# --- What the report shows -----------------------------------------------------------------

def test_long_author_lists_show_where_they_differ(verifier) -> None:  # type: ignore[no-untyped-def]
    # The first eight names agree; the cited list then names people the record lacks.
    cited = ["Jean-Baptiste Alayrac", "Jeff Donahue", "Pauline Luc", "Antoine Miech", "Iain Barr",
             "Yana Hasson", "Karel Lenc", "Arthur Mensch", "Katie Millican", "Michal Valko",
             "Ludovic Denoyer"]
    entry = ("@inproceedings{flamingo,\n  title = {Flamingo: a Visual Language Model for Few-Shot "
             "Learning},\n  author = {" + " and ".join(cited) + "},\n  booktitle = {NeurIPS},\n"
             "  year = {2022}\n}")
    report = verifier.verify_text(entry)
    [mismatch] = report.results[0].mismatches
    assert mismatch.field == "authors"
    assert "not in the record: Michal Valko; Ludovic Denoyer" in mismatch.cited
    assert "Michal Valko" in render_text(report)


def test_the_quoted_title_citation_spans_only_the_title_and_its_date() -> None:
    [citation] = extract(f'Zhang et al. introduced this in "{AUTO_COT}" (ICLR 2023).')
    assert citation.text == f'"{AUTO_COT}" (ICLR 2023)'


# --- Family names of one letter (South Indian names: "Maria Nancy C") ------------------------

SSN = ("SSN_IT_NLP@DravidianLangTech 2025: Abusive Tamil and Malayalam Text targeting Women on "
       "Social Media")
SSN_VENUE = ("Proceedings of the Fifth Workshop on Speech, Vision, and Language Technologies for "
             "Dravidian Languages")


@pytest.mark.parametrize("entry", [
    f"1. C, M. N., N, R. & R, S. {SSN}. *{SSN_VENUE}* (2025).",  # Nature
    f"C, M. N., N, R., & R, S. (2025). {SSN}. *{SSN_VENUE}*.",  # APA
    f"C, M. N.; N, R.; R, S. {SSN}. In *{SSN_VENUE}*; 2025.",  # ACS
    f"1. C, M.N., N, R., R, S.: {SSN}. In: {SSN_VENUE} (2025)",  # Springer LNCS
    f"1. C MN, N R, R S. {SSN}. {SSN_VENUE}. 2025.",  # Vancouver
    f"[1] C M N, N R, R S. {SSN}[C]//{SSN_VENUE}. 2025.",  # GB/T 7714
    f"C, Maria Nancy, N, Radha and R, Swathika. {SSN}. In: *{SSN_VENUE}*. 2025.",  # ISO 690
])
def test_family_names_of_one_letter_are_read(verifier, entry: str) -> None:  # type: ignore[no-untyped-def]
    fields = parse_reference(entry)
    assert len(fields.authors) == 3 and fields.title == SSN
    assert [name.split()[-1] for name in fields.authors] == ["C", "N", "R"]
    assert only_result(verifier, entry).verdict == "verified"


def test_a_dotted_letter_before_a_family_name_stays_with_its_own_name() -> None:
    # "C." ends "N. d. l. C." (Nora de la Cruz Arana); "Flores" after it is the next name.
    fields = parse_reference("Manzanarez, G. A., Arana, N. d. l. C., Flores, J. G., Medina, Y. "
                             "G., Monroy, R., & Pernelle, N. (2025). Can artificial intelligence "
                             "write like borges? *arXiv (cs.CL)*.")
    assert not any(name.startswith("Flores") for name in fields.authors)  # not "Flores C."


# --- Two records of one title, a name of four initials, a word in angle brackets -------------

OOV = ("未登錄詞之向量表示法模型於中文機器閱讀理解之應用 (An OOV Word Embedding Framework for "
       "Chinese Machine Reading Comprehension)")


@pytest.mark.parametrize("reference", [
    # The ROCLING paper (three authors) and its journal version (four), which no version link
    # joins: each citation cites the record it agrees with. Before, both cited the journal's.
    (f"Luo, S.-B., Lee, C.-H., & Chen, K.-Y. (2018). {OOV} [In Chinese]. *Proceedings of the "
     f"30th Conference on Computational Linguistics and Speech Processing (ROCLING 2018)*."),
    (f"Luo, S.-B., Lee, C.-H., Tu, J.-J., & Chen, K.-Y. (2018). {OOV}. *International Journal "
     f"of Computational Linguistics & Chinese Language Processing*, 23(2)."),
    # "S. P. T. R. Bogireddy": four initials.
    ("Thawakar, O., Demidov, D., Potlapalli, V., Bogireddy, S. P. T. R., Gajjala, V. R., "
     "Lasheen, A. M., ... & Khan, F. (2026). Covr-r:reason-aware composed video retrieval. "
     "arXiv preprint."),
    ("\\bibitem{ref1} O.~Thawakar, D.~Demidov, V.~Potlapalli, S.~P.~T.~R.~Bogireddy, "
     "V.~R.~Gajjala, A.~M.~Lasheen, R.~M.~Anwer, and F.~Khan. \\newblock CoVR-R:Reason-Aware "
     "Composed Video Retrieval. \\newblock In {\\em arXiv (cs.CV)}, 2026."),
    # A title with a word in angle brackets, which the parser drops as markup.
    ("[1] MARJANOVIĆ S V, PATEL A, ADLAKHA V, et al. DeepSeek-R1 thoughtology: Let's <think> "
     "about LLM reasoning[C]//arXiv (cs.CL). 2025."),
])
def test_more_real_works_misread_before_are_verified(verifier, reference: str) -> None:  # type: ignore[no-untyped-def]
    result = only_result(verifier, reference)
    assert result.verdict == "verified", (result.mismatches, result.reason)


def test_a_name_of_four_initials_is_one_name() -> None:
    fields = parse_reference("Bogireddy, S. P. T. R., Gajjala, V. R., & Khan, F. (2026). "
                             "Covr-r: Reason-aware composed video retrieval. arXiv preprint.")
    assert fields.authors == ["S. P. T. R. Bogireddy", "V. R. Gajjala", "F. Khan"]
