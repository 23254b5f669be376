"""References in national standards that print family names in capitals: GB/T 7714 (China:
"KIM J W, HE K, et al. Title[C]//Venue. 2021: 1-9."), ISO 690 ("LIU, Lingjie, DE BIE,
Tijl and ... Title. In: Venue. 2018.") and DIN 1505 (Germany: "FU, Zhenyong ; XIANG, Tao:
Title. In: Venue, 2015"); GOST's "Title // Venue" (Russia); and the French, Spanish and
Portuguese words for "In:" ("dans :", "En:", "Em:").

Before, a GB/T 7714 reference of a real work was flagged nearly every time (the type mark
"[C]//" glued to the title made it another title; "HE K" and "KIM J W" were no names), and
ISO 690 gave no citation for a fifth of real works. The records are real corpus records, in
an index declaring their venue-years complete, as the default index declares them.
"""

from __future__ import annotations

import pytest

from citecheck.extract.fields import parse_reference

from conftest import FIXTURES, complete_index_of, only_result

RECORDS = FIXTURES / "corpus" / "national_styles.jsonl"

GBT = [
    ("[1] YANG Y, KERCE J C, FEKRI F. LOGICDEF: An interpretable defense framework against "
     "adversarial examples via inductive scene graph reasoning[C]//Proceedings of the AAAI "
     "Conference on Artificial Intelligence. 2022: 3840-3848."),
    ("[2] DAWIDOWICZ G, HIRSCH E, TAL A. LIMITR: Leveraging local information for medical "
     "image-text representation[C]//ICCV. 2023."),
    ("[3] CHAN K C, WANG X, YU K, et al. Understanding deformable alignment in video "
     "super-resolution[C]//AAAI 2021. 2021. DOI:10.1609/aaai.v35i2.16181."),
    ("[4] CIUBOTARIU G, VASLUIANU F A, ZHOU Z, et al. AIM 2025 challenge on high FPS motion "
     "deblurring: Methods and results[J/OL]. arXiv preprint, 2025."),
    ("[5] BERETTA L, COHEN-ADDAD V, LATTANZI S, et al. Multi-Swap k-Means++[C]//Advances in "
     "Neural Information Processing Systems. 2023."),
    ("[6] SANYAL S, SINGH H, REN X. FaiRR: Faithful and robust deductive reasoning over "
     "natural language[C]//Proceedings of the 60th Annual Meeting of the Association for "
     "Computational Linguistics. 2022: 1075-1093."),
]
DIN = [
    ("FU, Zhenyong ; XIANG, Tao ; KODIROV, Elyor ; GONG, Shaogang: Zero-Shot Object Recognition "
     "by Semantic Manifold Distance. In: IEEE Conference on Computer Vision and Pattern "
     "Recognition (CVPR), 2015, S. 2635–2644"),
]
ISO = [
    ("FU, Zhenyong, XIANG, Tao, KODIROV, Elyor and GONG, Shaogang. Zero-Shot Object "
     "Recognition by Semantic Manifold Distance. In: *CVPR 2015*. 2015."),
    ("KANG, Bo, NOELS, Sander and DE BIE, Tijl. VIGIL: An Extensible System for Real-Time "
     "Detection and Mitigation of Cognitive Bias Triggers. arXiv preprint. 2026."),
    ("MU, Linjie, HUANG, Zhongzhen, QIN, Shengqian, ZHU, Yakun, ZHANG, Shaoting and ZHANG, "
     "Xiaofan. MMXU: A Multi-Modal and Multi-X-ray Understanding Dataset for Disease "
     "Progression. In: *Findings of the Association for Computational Linguistics: ACL "
     "2025*. 2025."),
]

# French sets a space before the colon of "dans :"; Spanish writes "En:", Portuguese "Em:".
ROMANCE = [
    ("S. Sanyal, H. Singh, X. Ren, FaiRR: faithful and robust deductive reasoning over natural "
     "language, dans : Proceedings of the 60th Annual Meeting of the Association for "
     "Computational Linguistics, 2022, p. 1075-1093."),
    ("Sanyal, S.; Singh, H.; Ren, X. FaiRR: Faithful and Robust Deductive Reasoning over Natural "
     "Language. En: Proceedings of the 60th Annual Meeting of the Association for "
     "Computational Linguistics. Dublín: Association for Computational Linguistics, 2022, "
     "pp. 1075-1093."),
    ("SANYAL, S.; SINGH, H.; REN, X. FaiRR: faithful and robust deductive reasoning over "
     "natural language, Em: Proceedings of the 60th Annual Meeting of the Association for "
     "Computational Linguistics, 2022. p. 1075-1093."),
]


@pytest.fixture(scope="module")
def verifier(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    opened = complete_index_of(RECORDS, tmp_path_factory.mktemp("national") / "index")
    yield opened
    opened.close()


@pytest.mark.parametrize("reference", GBT + ISO + DIN + ROMANCE)
def test_a_real_work_in_a_national_style_is_verified(verifier, reference: str) -> None:  # type: ignore[no-untyped-def]
    result = only_result(verifier, reference)
    assert result.verdict == "verified", (result.mismatches, result.reason)


def test_gbt_names_and_type_marks_are_read() -> None:
    fields = parse_reference(GBT[2])
    assert fields.authors == ["K. C. Chan", "X. Wang", "K. Yu"] and fields.et_al
    assert fields.title == "Understanding deformable alignment in video super-resolution"
    assert (fields.venue, fields.year) == ("AAAI", 2021)
    # "//" opens the proceedings, as "In:" does; pages after the year are no part of it.
    fields = parse_reference(GBT[0])
    assert fields.authors == ["Y. Yang", "J. C. Kerce", "F. Fekri"]
    assert fields.venue == "Proceedings of the AAAI Conference on Artificial Intelligence"
    # A journal's mark, and initials whose last keeps its dot.
    fields = parse_reference("[7] KINGMA D P, BA J. Adam: a method for stochastic "
                             "optimization[J]. arXiv preprint arXiv:1412.6980, 2014.")
    assert fields.authors == ["D. P. Kingma", "J. Ba"]
    assert fields.title == "Adam: a method for stochastic optimization"


def test_a_title_opening_with_capitals_and_a_year_keeps_them() -> None:
    # "AIM 2025" is no date: a month is a capitalised word.
    assert parse_reference(GBT[3]).title.startswith("AIM 2025 challenge")
    assert parse_reference("Smith, J., May 2020. A title of a work. Venue.").year == 2020


def test_iso_names_in_capitals_with_particles_are_read() -> None:
    assert parse_reference(ISO[1]).authors == ["Bo Kang", "Sander Noels", "Tijl De Bie"]
    assert parse_reference(ISO[0]).authors == ["Zhenyong Fu", "Tao Xiang", "Elyor Kodirov",
                                               "Shaogang Gong"]
    # Vancouver's capitals after a family word stay its initials.
    assert parse_reference("Devlin J, Chang MW, Lee K, Toutanova K. BERT: Pre-training of deep "
                           "bidirectional transformers. NAACL. 2019.").authors == [
        "J. Devlin", "M. W. Chang", "K. Lee", "K. Toutanova"]


def test_gost_double_slash_opens_the_volume() -> None:
    # GOST R 7.0.5 (Russia): "Title // Proceedings. 2021. P. 1-9."
    fields = parse_reference("Sanyal S., Singh H., Ren X. FaiRR: Faithful and robust deductive "
                             "reasoning over natural language // Proceedings of the 60th Annual "
                             "Meeting of the ACL. 2022. P. 1075–1093.")
    assert fields.title == "FaiRR: Faithful and robust deductive reasoning over natural language"
    assert fields.venue == "Proceedings of the 60th Annual Meeting of the ACL"
    assert fields.authors == ["S. Sanyal", "H. Singh", "X. Ren"]


def test_din_names_spaced_off_their_semicolons_are_all_read() -> None:
    assert parse_reference(DIN[0]).authors == ["Zhenyong Fu", "Tao Xiang", "Elyor Kodirov",
                                               "Shaogang Gong"]


def test_a_wrong_author_in_a_national_style_is_a_mismatch(verifier) -> None:  # type: ignore[no-untyped-def]
    gbt = only_result(verifier, GBT[1].replace("HIRSCH E", "LIANG P"))
    iso = only_result(verifier, ISO[0].replace("KODIROV, Elyor", "LIANG, Percy"))
    din = only_result(verifier, DIN[0].replace("KODIROV, Elyor", "LIANG, Percy"))
    for result in (gbt, iso, din):
        assert result.verdict == "mismatch"
        assert [m.field for m in result.mismatches] == ["authors"]


def test_an_invented_work_in_gbt_at_a_listed_venue_year_is_not_found(verifier) -> None:  # type: ignore[no-untyped-def]
    result = only_result(verifier, "[8] DAWIDOWICZ G, HIRSCH E, TAL A. Spectral token routing "
                                   "for medical report generation[C]//ICCV. 2023.")
    assert result.verdict == "not_found"


@pytest.mark.parametrize("reference", ROMANCE)
def test_romance_language_leads_open_the_venue(reference: str) -> None:
    fields = parse_reference(reference)
    assert fields.title is not None and fields.title.lower() == (
        "fairr: faithful and robust deductive reasoning over natural language")
    assert fields.venue == ("Proceedings of the 60th Annual Meeting of the Association for "
                            "Computational Linguistics")
