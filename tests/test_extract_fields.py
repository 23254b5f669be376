"""Field parsing of single reference strings in the common citation styles."""

from citecheck.extract.names import parse_names
from citecheck.extract.references import parse_reference
from citecheck.records import family_name


def families(names: list[str]) -> list[str]:
    return [family_name(name) for name in names]


def test_ieee_reference_splits_authors_title_venue() -> None:
    fields = parse_reference(
        '[1] K. He, X. Zhang, S. Ren, and J. Sun, "Deep residual learning for image '
        'recognition," in Proc. IEEE Conf. Comput. Vis. Pattern Recognit. (CVPR), 2016, '
        "pp. 770–778."
    )
    assert families(fields.authors) == ["He", "Zhang", "Ren", "Sun"]
    assert fields.title == "Deep residual learning for image recognition"
    assert fields.year == 2016
    assert fields.venue is not None and fields.venue.startswith("Proc. IEEE Conf.")
    assert fields.pages == "770–778"


def test_apa_reference_with_doi_url_gives_doi_and_title() -> None:
    fields = parse_reference(
        "Devlin, J., Chang, M.-W., Lee, K., & Toutanova, K. (2019). BERT: Pre-training of deep "
        "bidirectional transformers for language understanding. Proceedings of NAACL-HLT, "
        "4171–4186. https://doi.org/10.18653/v1/N19-1423"
    )
    assert families(fields.authors) == ["Devlin", "Chang", "Lee", "Toutanova"]
    assert fields.title == ("BERT: Pre-training of deep bidirectional transformers for "
                            "language understanding")
    assert fields.year == 2019
    assert fields.doi == "10.18653/v1/n19-1423"


def test_vancouver_authors_give_family_names_and_initials() -> None:
    fields = parse_reference(
        "Devlin J, Chang MW, Lee K, Toutanova K. BERT: pre-training of deep bidirectional "
        "transformers for language understanding. Proc NAACL. 2019:4171-86."
    )
    assert fields.authors == ["J. Devlin", "M. W. Chang", "K. Lee", "K. Toutanova"]
    assert fields.title is not None and fields.title.startswith("BERT: pre-training")
    assert fields.year == 2019


def test_vancouver_et_al_sets_the_flag() -> None:
    fields = parse_reference(
        "Ridker PM, Danielson E, Fonseca FA, Genest J, Gotto AM Jr, Kastelein JJ, et al. "
        "Rosuvastatin to prevent vascular events in men and women with elevated C-reactive "
        "protein. N Engl J Med. 2008;359(21):2195-207."
    )
    assert fields.et_al
    assert families(fields.authors)[:3] == ["Ridker", "Danielson", "Fonseca"]
    assert fields.title is not None and fields.title.endswith("C-reactive protein")
    assert fields.year == 2008


def test_acm_sentence_reference_with_colon_in_title() -> None:
    fields = parse_reference(
        "Ahmed Abbas and Paul Swoboda. Combinatorial Optimization for Panoptic Segmentation: "
        "A Fully Differentiable Approach. In NeurIPS, 2021."
    )
    assert fields.authors == ["Ahmed Abbas", "Paul Swoboda"]
    assert fields.title == ("Combinatorial Optimization for Panoptic Segmentation: A Fully "
                            "Differentiable Approach")
    assert fields.venue == "NeurIPS"
    assert fields.year == 2021


def test_nature_style_year_at_the_end() -> None:
    fields = parse_reference("LeCun, Y., Bengio, Y. & Hinton, G. Deep learning. "
                             "Nature 521, 436–444 (2015).")
    assert families(fields.authors) == ["LeCun", "Bengio", "Hinton"]
    assert fields.title == "Deep learning"
    assert fields.venue == "Nature"
    assert fields.year == 2015


def test_mla_first_author_inverted_others_not() -> None:
    fields = parse_reference('Hochreiter, Sepp, and Jürgen Schmidhuber. "Long Short-Term '
                             'Memory." Neural Computation, vol. 9, no. 8, 1997, pp. 1735-1780.')
    assert fields.authors == ["Sepp Hochreiter", "Jürgen Schmidhuber"]
    assert fields.title == "Long Short-Term Memory"
    assert fields.volume == "9"
    assert fields.year == 1997


def test_title_with_question_mark_keeps_it() -> None:
    fields = parse_reference(
        "Müller, R., Kornblith, S., & Hinton, G. E. (2019). When does label smoothing help? "
        "Advances in Neural Information Processing Systems, 32."
    )
    assert fields.title == "When does label smoothing help?"
    assert fields.venue == "Advances in Neural Information Processing Systems"


def test_loose_llm_title_by_authors() -> None:
    fields = parse_reference("*Playing Atari with Deep Reinforcement Learning* by Volodymyr "
                             "Mnih, Koray Kavukcuoglu and David Silver (2013)")
    assert fields.title == "Playing Atari with Deep Reinforcement Learning"
    assert families(fields.authors) == ["Mnih", "Kavukcuoglu", "Silver"]
    assert fields.year == 2013


def test_bold_title_venue_then_dash_authors() -> None:
    fields = parse_reference("**Denoising Diffusion Probabilistic Models** (NeurIPS 2020) — "
                             "Jonathan Ho, Ajay Jain, Pieter Abbeel")
    assert fields.title == "Denoising Diffusion Probabilistic Models"
    assert families(fields.authors) == ["Ho", "Jain", "Abbeel"]
    assert fields.year == 2020


def test_single_author_et_al_with_quoted_title() -> None:
    fields = parse_reference('Brown et al., "Language Models are Few-Shot Learners", NeurIPS 2020')
    assert fields.authors == ["Brown"]
    assert fields.et_al
    assert fields.title == "Language Models are Few-Shot Learners"
    assert fields.year == 2020


def test_arxiv_identifier_is_a_field_and_not_the_venue_year() -> None:
    fields = parse_reference("Hu, E. J., Shen, Y., Wallis, P., & Chen, W. (2021). LoRA: Low-rank "
                             "adaptation of large language models. arXiv:2106.09685v2.")
    assert fields.arxiv == "2106.09685"
    assert fields.year == 2021
    assert fields.title == "LoRA: Low-rank adaptation of large language models"


def test_latex_bibitem_text_is_normalised() -> None:
    fields = parse_reference("S.~Hochreiter and J.~Schmidhuber.\n\\newblock Long short-term "
                             "memory.\n\\newblock {\\em Neural Computation}, 9(8):1735--1780, "
                             "1997.")
    assert families(fields.authors) == ["Hochreiter", "Schmidhuber"]
    assert fields.title == "Long short-term memory"


def test_particles_stay_in_the_family_name() -> None:
    names, _ = parse_names("G. Huang, Z. Liu, L. van der Maaten, and K. Q. Weinberger")
    assert families(names) == ["Huang", "Liu", "van der Maaten", "Weinberger"]


def test_all_capitals_family_name_is_recased() -> None:
    names, _ = parse_names("ROSANVALLON P.,")
    assert names == ["P. Rosanvallon"]
