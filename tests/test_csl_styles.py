"""References as citeproc-js (Zotero's and Mendeley's engine) writes them in real CSL styles.

The strings are citeproc-js's plain-text output for real corpus records (benchmarks/csl.py
renders them; Node is not needed here). Before, three of them accused real work:

- IOP's and PNAS's styles set the venue apart by italics alone, so as plain text the title
  runs on into it ("... Approach NeurIPS", "... Approach in NeurIPS, (2021)"): a title
  mismatch, for 64% and 88% of HALLMARK's real entries.
- Vancouver initials of hyphenated given names ("Yeh C-CM", "Chng S-F", IOP's "Yeh C-C M")
  and IOP's spaced initials before its "and" ("Fleet D J and Norouzi M") ended the list.
- ISO 690's "MAHDAVI, S. Sara," ended it too; so did "Du SS" (read as the particle "Du"
  before a family name in capitals), "Breugel B van", "Sankararaman KA.," and " / ".
- Family names written first with no comma ("Yang Jia-Qi", "Coley Connor W.") were read as
  other people, and a year glued to a title, an author-date label before the entry
  ("Zhu et al. 2021 : K. Zhu, ..."), ABNT's venue glued to the title, were read into it.
"""

from __future__ import annotations

import pytest

from citecheck.compare import compare_authors
from citecheck.extract.fields import parse_reference

from conftest import FIXTURES, complete_index_of, only_result

RECORDS = FIXTURES / "corpus" / "csl_styles.jsonl"

IOP_ABBAS = ("[1]  Abbas A and Swoboda P 2021 Combinatorial Optimization for Panoptic "
             "Segmentation: A Fully Differentiable Approach NeurIPS")
PNAS_ABBAS = ("1.  A. Abbas, P. Swoboda, Combinatorial Optimization for Panoptic Segmentation: "
              "A Fully Differentiable Approach in NeurIPS, (2021).")
IOP_ABOAGYE = ("[1]  Aboagye P, Zheng Y, Yeh C-C M, Wang J, Zhang W, Wang L, Yang H and Phillips "
               "J 2022 Normalization of Language Embeddings for Cross-Lingual Alignment ICLR")

REAL = [
    IOP_ABBAS,
    PNAS_ABBAS,
    IOP_ABOAGYE,
    ("[1]  Parra A, Chng S-F, Chin T-J, Eriksson A and Reid I 2021 Rotation Coordinate Descent "
     "for Fast Globally Optimal Rotation Averaging CVPR"),
    ("[1]  Alaa A, van Breugel B, Saveliev E S and van der Schaar M 2022 How Faithful is your "
     "Synthetic Data? Sample-level Metrics for Evaluating and Auditing Generative Models ICML"),
    "1.  C. Lu, T. Willi, A. Letcher, J. N. Foerster, Adversarial Cheap Talk in ICML, (2023).",
    ("1.  J. Wen, et al., Unified Tensor Framework for Incomplete Multi-view Clustering and "
     "Missing-view Inferring in AAAI, (2021)."),
    ("Aboagye P, Zheng Y, Yeh C-CM, et al (2022) Normalization of Language Embeddings for "
     "Cross-Lingual Alignment. In: ICLR"),
    ("Parra A, Chng S-F, Chin T-J, et al (2021) Rotation Coordinate Descent for Fast Globally "
     "Optimal Rotation Averaging. In: CVPR"),
    # HALLMARK's Imagen entry (its arXiv author list) in ISO 690 and in Cell, which cuts it at
    # ten names; the NeurIPS record lacks S. Sara Mahdavi and lists Raphael Gontijo Lopes once.
    ("SAHARIA, Chitwan, CHAN, William, SAXENA, Saurabh, LI, Lala, WHANG, Jay, DENTON, Emily, "
     "GHASEMIPOUR, Seyed Kamyar Seyed, GONTIJO-LOPES, Raphael, AYAN, Burcu Karagol, MAHDAVI, S. "
     "Sara, LOPES, Raphael, SALIMANS, Tim, HO, Jonathan, FLEET, David J. and NOROUZI, Mohammad, "
     "2022. Photorealistic Text-to-Image Diffusion Models with Deep Language Understanding. In: "
     "NeurIPS. 2022."),
    ("Saharia, C., Chan, W., Saxena, S., Li, L., Whang, J., Denton, E., Ghasemipour, S.K.S., "
     "Gontijo-Lopes, R., Ayan, B.K., Mahdavi, S.S., et al. (2022). Photorealistic Text-to-Image "
     "Diffusion Models with Deep Language Understanding. In NeurIPS."),
    # Water SA's "and co-authors", El Profesional de la Información's semicolons.
    ("SAHARIA C, CHAN W, SAXENA S, LI L, WHANG J, DENTON E, GHASEMIPOUR SKS, GONTIJO-LOPES R, "
     "AYAN BK, MAHDAVI SS, and co-authors (2022) Photorealistic Text-to-Image Diffusion Models "
     "with Deep Language Understanding. In:\xa0NeurIPS."),
    ("Saharia, Chitwan; Chan, William; Saxena, Saurabh; Li, Lala; Whang, Jay; Denton, Emily; "
     "Ghasemipour, Seyed Kamyar Seyed; Gontijo-Lopes, Raphael; Ayan, Burcu Karagol; Mahdavi, S. "
     "Sara; Lopes, Raphael; Salimans, Tim; Ho, Jonathan; Fleet, David J.; Norouzi, Mohammad "
     "(2022). \"Photorealistic Text-to-Image Diffusion Models with Deep Language "
     "Understanding\". En: NeurIPS."),
    # Université catholique de Louvain's family names first, with no comma.
    ("Sun Cheng, Sun Min and Chen Hwann-Tzong, HoHoNet: 360 Indoor Holistic Understanding With "
     "Latent Horizontal Features, 2021."),
    ("Yang Jia-Qi and Zhan De-Chuan, Generalized Delayed Feedback Model with Post-Click "
     "Information in Recommender Systems, 2022."),
    ("Alegre Lucas Nunes, Bazzan Ana L.C. and da Silva Bruno C., Optimistic Linear Support and "
     "Successor Features as a Basis for Optimal Policy Transfer, 2022."),
    ("Adams Keir, Pattanaik Lagnajit and Coley Connor W., Learning 3D Representations of "
     "Molecular Chirality with Invariance to Bond Rotations, 2022."),
    # Journal of Limnology: "Du" is a name here, not a particle before a family in capitals.
    ("Wang Y, Wang R, Du SS, Krishnamurthy A, 2021. Optimism in Reinforcement Learning with "
     "Generalized Linear Function Approximation."),
    # European Society of Cardiology: particles after the initials.
    ("Alaa AM, Breugel B van, Saveliev ES, Schaar M van der. How Faithful is your Synthetic "
     "Data? Sample-level Metrics for Evaluating and Auditing Generative Models. ICML. 2022."),
    # The American Journal of Psychiatry: the year glued to the title.
    ("Huti M, Mackintosh A, Waldock A, et al.: Visual Reasoning Benchmark: Evaluating "
     "Multimodal LLMs on Classroom-Authentic Visual Problems from Primary Education2026;"),
    # ABNT: the venue glued to the title, and "Anais" (proceedings) after it.
    ("ABBAS, A.; SWOBODA, P. Combinatorial Optimization for Panoptic Segmentation: A Fully "
     "Differentiable ApproachNeurIPS. Anais...2021"),
    # BIAMA's author-date label before the entry.
    ("Zhu et al. 2021\xa0: K. Zhu, Y. Cao, W. Zhai, J. Cheng, Z.-J. Zha, Self-Promoted "
     "Prototype Refinement for Few-Shot Class-Incremental Learning, CVPR, 2021."),
    # Hungarian "és mtsai." and German " / " between names.
    ("Bautista M. Á., Guo P., Abnar S. és mtsai.: GAUDI: A Neural Architect for Immersive 3D "
     "Scene Generation. NeurIPS. (2022)."),
    ("Singla, Sahil / Feizi, Soheil: Fantastic Four: Differentiable and Efficient Bounds on "
     "Singular Values of Convolution Layers, in: ICLR (2021)."),
    # Real corpus records (seed 443): an ACL volume's long name run into the title (Operative
    # Dentistry), ABNT's "arXiv" glued to it, "in" glued to the venue (The American Journal
    # of Psychiatry), German "o. J." (no date) and "o. O." (no place), a title after a comma
    # that begins like a name ("Speak, Memory"), Vancouver's "Huang PC-C".
    ("1. Kramp S, Cassani G, & Emmery C (2024) BigNLI: Native Language Identification with Big "
     "Bird Embeddings Proceedings of the 2024 Joint International Conference on Computational "
     "Linguistics, Language Resources and Evaluation (LREC-COLING 2024) ."),
    ("LIU, S. et al. SEW: Self-Evolving Agentic Workflows for Automated Code GenerationarXiv, , "
     "2025."),
    ("1. Zhang Z, Wen J, Guan J, et al.: Persona-Guided Planning for Controlling the "
     "Protagonist’s Persona in Story Generation, inProceedings of the 2022 Conference of the "
     "North American Chapter of the Association for Computational Linguistics: Human Language "
     "Technologies. 2022"),
    ("Carrigg, Kieran: et al.: Decorrelation Speeds Up Vision Transformers o. J., arXiv, o. O. "
     "2025"),
    ("Chang, Kent et al., Speak, Memory: An Archaeology of Books Known to ChatGPT/GPT-4, in: "
     "Proceedings of the 2023 Conference on Empirical Methods in Natural Language Processing, "
     "2023."),
    ("1. Chen F-Y, Lin CH, Hsu CW, Yeh KH, Chen Z-C, Chen K-M, Huang PC-C. TW-LegalBench: "
     "Measuring Taiwanese Legal Understanding. 2026."),
    # Seed 449: "in," before the venue (a Harvard style), and "In" before a paper's title
    # after a list that a one-word name ("Hajialilue") cut short.
    ("Dozol, M, Sabatier, P, & Stéfanini, M-H 2014,“MusiTAL: a six hands music for NLP "
     "(MusiTAL : une partition à six mains pour le TAL) [in French],” in, TALN-RECITAL 2014 "
     "Workshop FondamenTAL 2014 : Ressources lexicales et TAL - vue d’ensemble sur les "
     "dictionnaires électroniques de Jean Dubois et Françoise Dubois-Charlier (FondamenTAL "
     "2014 : Lexical Resources and NLP)."),
    ("[1] Mirzaei, H.; Ansari, A.; Nia, B.; Nafez, M.; Madadi, M.; Rezaee, S.; Taghavi, Z.; "
     "Maleki, A.; Shamsaie, K.; Hajialilue; Habibi, J.; Sabokrou, M.; Rohban, M.H. In Scanning "
     "Trojaned Models Using Out-of-Distribution Samples, 2024."),
]


@pytest.fixture(scope="module")
def verifier(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    opened = complete_index_of(RECORDS, tmp_path_factory.mktemp("csl") / "index")
    yield opened
    opened.close()


@pytest.mark.parametrize("reference", REAL)
def test_a_real_work_in_a_csl_style_is_verified(verifier, reference: str) -> None:  # type: ignore[no-untyped-def]
    result = only_result(verifier, reference)
    assert result.verdict == "verified", (result.mismatches, result.reason)


def test_a_venue_the_title_runs_into_is_read_as_the_venue(verifier) -> None:  # type: ignore[no-untyped-def]
    # The same IOP entry with another venue after the title: the venue is wrong, not the title.
    result = only_result(verifier, IOP_ABBAS.replace("NeurIPS", "ICML"))
    assert result.verdict == "mismatch"
    assert [(m.field, m.cited) for m in result.mismatches] == [("venue", "ICML")]


@pytest.mark.parametrize(("reference", "field"), [
    # Words added to a title that name no venue.
    (PNAS_ABBAS.replace(" in NeurIPS", " for Large Language Models in NeurIPS"), "title"),
    # A title missing its first words, after a comma.
    ("Chang, Kent et al., Memory: An Archaeology of Books Known to ChatGPT/GPT-4, in: "
     "Proceedings of the 2023 Conference on Empirical Methods in Natural Language Processing, "
     "2023.", "title"),
    # One name the record lacks in a short list cut by "et al." (the rule for another
    # version's extra author needs eight names).
    ("Saharia, C., Chan, W., Saxena, S., Mahdavi, S.S., et al. (2022). Photorealistic "
     "Text-to-Image Diffusion Models with Deep Language Understanding. In NeurIPS.", "authors"),
])
def test_wrong_fields_stay_errors(verifier, reference: str, field: str) -> None:  # type: ignore[no-untyped-def]
    result = only_result(verifier, reference)
    assert result.verdict == "mismatch"
    assert [m.field for m in result.mismatches] == [field]


@pytest.mark.parametrize(("reference", "name"), [
    (IOP_ABOAGYE, "C.-C. M. Yeh"),
    ("Aboagye P, Zheng Y, Yeh C-CM, et al (2022) Normalization ... In: ICLR", "C.-C. M. Yeh"),
    ("Parra A, Chng S-F, Chin T-J, et al (2021) Rotation ... In: CVPR", "S.-F. Chng"),
    ("Zhang Y, An B and Cerný J 2021 Computing Ex Ante Coordinated Team-Maxmin Equilibria AAAI",
     "B. An"),
    ("HUTI, M, Atherton P, Ince R A A and Garrod O G B 2026 Visual Reasoning Benchmark",
     "O. G. B. Garrod"),
])
def test_vancouver_and_iop_initials_keep_the_list_going(reference: str, name: str) -> None:
    assert name in parse_reference(reference).authors


@pytest.mark.parametrize(("cited", "record", "same"), [
    ("Yang Jia-Qi", "Jiaqi Yang", True),
    ("Chen Hwann-Tzong", "Hwann-Tzong Chen", True),
    ("Alegre Lucas Nunes", "Lucas N. Alegre", True),
    ("W. Coley Connor", "Connor Coley", True),
    ("Zhang Wei", "Wei Li", False),  # another family name
    ("Wei Li", "Li Wang", False),
])
def test_a_name_turned_round_is_the_same_person(cited: str, record: str, same: bool) -> None:
    assert (compare_authors([cited], [record]).matched == 1) is same


def test_a_period_before_the_comma_does_not_end_the_list() -> None:
    fields = parse_reference("Basu S., Sankararaman KA., Sankararaman A. Beyond log2(T) regret "
                             "for decentralized bandits in matching markets. ICML. 2021.")
    assert fields.authors == ["S. Basu", "K. A. Sankararaman", "A. Sankararaman"]
    assert fields.title == "Beyond log2(T) regret for decentralized bandits in matching markets"


@pytest.mark.parametrize("text", ["A. van der", "Smith J, van der", "Wang Y, Du"])
def test_particles_at_the_end_of_a_text_are_no_crash(text: str) -> None:
    assert parse_reference(text) is not None


def test_a_title_that_opens_the_text_is_set_off_as_a_title(verifier) -> None:  # type: ignore[no-untyped-def]
    # The title's label read as a name ("Barlow Twins"): the text still carries the record's
    # whole title, so the miss is no accusation (a comma before a title counts only after a
    # name; nothing before it counts too).
    result = only_result(verifier, "Key papers:\n\n- Barlow Twins: Self-Supervised Learning via "
                                   "Redundancy Reduction (Zbontar et al., ICML 2021)\n")
    assert not result.flagged, result.reason


@pytest.mark.parametrize("reference", [
    # The Royal Society of Chemistry's style prints no titles (physics styles neither).
    "1 K. Zhu, Y. Cao, W. Zhai, J. Cheng and Z.-J. Zha, in CVPR, 2021.",
    # (Read with the title "Wick, J.-B. Tristan and J.-W", it was not among ICML 2021's papers.)
    "1 H. Wu, B. Esmaeili, M. L. Wick, J.-B. Tristan and J.-W. van de Meent, in ICML, 2021.",
    "1 A. Abbas and P. Swoboda, in NeurIPS, 2021.",
    # Angewandte Chemie's: the names before "in" are no title for the venue's list.
    "[1] A. Abbas, P. Swoboda in NeurIPS, 2021.",
    "[1] A. M. Alaa, B. van Breugel, E. S. Saveliev, M. van der Schaar in ICML, 2022.",
    # Revista Virtual de Química's and Angewandte Chemie's, with a long venue's name.
    ("1 Nagata, R.; Sakaguchi, K. Em Proceedings of the 54th Annual Meeting of the "
     "Association for Computational Linguistics (Volume 1: Long Papers) 2016."),
    ("[1] H. Sung, K. Kyle in Proceedings of the 2024 Conference on Empirical Methods in "
     "Natural Language Processing, 2024."),
    # A venue's name read as the title, with its year: no title before a venue either.
    ("A good start is *“Mistakes Help Us Grow”: Facilitating and Evaluating Growth Mindset "
     "Supportive Language in Classrooms* by Kunal Handa et al. (Proceedings of the 2023 "
     "Conference on Empirical Methods in Natural Language Processing 2023)."),
])
def test_a_reference_with_no_title_is_never_accused(verifier, reference: str) -> None:  # type: ignore[no-untyped-def]
    results = verifier.verify_text(reference).results
    assert not any(result.flagged for result in results), [r.reason for r in results]


def test_a_reference_with_no_title_and_its_identifier_is_verified(verifier) -> None:  # type: ignore[no-untyped-def]
    result = only_result(verifier, (
        "1 M. Huti, A. Mackintosh, A. Waldock, D. Andrews, M. Lelièvre, M. Boos, T. Murray, "
        "P. Atherton, R. A. A. Ince and O. G. B. Garrod, arXiv, 2026, preprint, "
        "arXiv:arXiv:2602.12196, DOI: 10.48550/arXiv.2602.12196v1."))
    assert result.verdict == "verified", (result.mismatches, result.reason)
