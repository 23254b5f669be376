"""Field parsing of single reference strings in the common citation styles."""

import pytest

from citecheck.extract import extract
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


# Author lists joined by the conjunction of the reference's language.

def test_spanish_y_joins_the_last_two_authors() -> None:
    fields = parse_reference("García, J. y López, M. (2019). Título del artículo. Revista de "
                             "Psicología, 3(2), 1-10.")
    assert fields.authors == ["J. García", "M. López"]
    assert fields.title == "Título del artículo"
    assert fields.venue == "Revista de Psicología"


def test_spanish_y_after_a_list_and_full_given_names() -> None:
    names, _ = parse_names("García, J., Pérez, A. y López, M.")
    assert names == ["J. García", "A. Pérez", "M. López"]
    names, _ = parse_names("García, Juan y López, María")
    assert names == ["Juan García", "María López"]


def test_y_inside_a_spanish_family_name_is_kept() -> None:
    names, _ = parse_names("Ortega y Gasset, J. y Marías, J.")
    assert names == ["J. Ortega y Gasset", "J. Marías"]
    names, _ = parse_names("Blaise Agüera y Arcas")
    assert names == ["Blaise Agüera y Arcas"]


def test_particles_survive_a_conjunction_between_names() -> None:
    names, _ = parse_names("de la Cruz, M. y Van der Berg, J.")
    assert names == ["M. de la Cruz", "J. Van der Berg"]
    names, _ = parse_names("Jansen, P. en de Vries, K.")
    assert names == ["P. Jansen", "K. de Vries"]


def test_german_und_with_given_names_first_before_a_colon() -> None:
    fields = parse_reference("Klaus Müller und Hans Schmidt: Soziale Ungleichheit im Wandel. "
                             "Zeitschrift für Soziologie 47 (2018), S. 150-170.")
    assert fields.authors == ["Klaus Müller", "Hans Schmidt"]
    assert fields.title == "Soziale Ungleichheit im Wandel"


def test_french_italian_portuguese_conjunctions() -> None:
    fields = parse_reference("Dupont, J. et Martin, P. (2017). Les inégalités scolaires. Revue "
                             "française de sociologie, 58(1), 1-20.")
    assert families(fields.authors) == ["Dupont", "Martin"]
    names, _ = parse_names("Rossi, M., Bianchi, L. e Ferrari, G.")
    assert families(names) == ["Rossi", "Bianchi", "Ferrari"]
    names, _ = parse_names("Silva, A. e Santos, B.")
    assert families(names) == ["Silva", "Santos"]


# Venues: the text after a book's title (publisher, place, edition, degree) is no venue.

def test_apa_book_place_and_publisher_is_no_venue() -> None:
    fields = parse_reference("Whittaker, J. (1990). Graphical models in applied multivariate "
                             "statistics. Chichester, UK: Wiley.")
    assert fields.title == "Graphical models in applied multivariate statistics"
    assert fields.venue is None


def test_chicago_book_with_subtitle_and_translator_is_no_venue() -> None:
    fields = parse_reference("Calvino, Italo. Invisible Cities. Translated by William Weaver. "
                             "San Diego: Harcourt Brace Jovanovich, 1974.")
    assert fields.venue is None
    fields = parse_reference("Lakoff, George, and Mark Johnson. Metaphors We Live By. With a new "
                             "afterword. Chicago: University of Chicago Press, 2003.")
    assert fields.venue is None


def test_harvard_and_ieee_publishers_and_editions_are_no_venue() -> None:
    assert parse_reference("Bishop, C. M. 2006, Pattern Recognition and Machine Learning, "
                           "Springer, New York.").venue is None
    assert parse_reference("[4] R. O. Duda, P. E. Hart, and D. G. Stork, Pattern Classification, "
                           "2nd ed. New York, NY, USA: Wiley, 2001.").venue is None
    assert parse_reference("Horn, B. K. P. Robot Vision. MIT Press, Cambridge, MA, "
                           "1986.").venue is None


def test_theses_and_technical_reports_are_no_venue() -> None:
    assert parse_reference("Andersen, L. O. Program Analysis and Specialization for the C "
                           "Programming Language. PhD thesis, DIKU, University of Copenhagen, "
                           "May 1994.").venue is None
    assert parse_reference("M. Holliday and M. Stumm. Performance evaluation of hierarchical "
                           "ring-based multiprocessors. Technical Report CS-1992-18, Duke "
                           "University, 1992.").venue is None
    assert parse_reference('[7] J. Kim, "Real-time obstacle avoidance," M.S. thesis, Dept. Mech. '
                           "Eng., Stanford Univ., Stanford, CA, 1992.").venue is None


def test_chapter_venue_is_the_book_after_its_editors() -> None:
    fields = parse_reference("Angus, L., & Hardtke, K. (2004). Working with narrative in "
                             "psychotherapy. In L. Angus & J. McLeod (Eds.), The handbook of "
                             "narrative and psychotherapy (pp. 37-52). London: Sage.")
    assert fields.venue == "The handbook of narrative and psychotherapy"


def test_journal_venues_that_look_like_imprints_are_kept() -> None:
    fields = parse_reference('Smith, J. (2010). "Sustainable consumption and resilience." '
                             "Sustainability: Science, Practice, Policy, 6(2), 1-12.")
    assert fields.venue == "Sustainability: Science, Practice, Policy"
    fields = parse_reference("Knopfmacher, A., and Warlimont, R. Distinct degree factorizations "
                             "for polynomials over a finite field. Trans. Amer. Math. Soc. 347, "
                             "(1995), 2235-2243.")
    assert fields.venue == "Trans. Amer. Math. Soc"
    fields = parse_reference("Abraham, Nicolas. “Notes on the Phantom.” Trans. Nicholas Rand. "
                             "Critical Inquiry 13.2 (1987): 287-292.")
    assert fields.venue == "Critical Inquiry"


def test_arxiv_preprint_keeps_its_venue() -> None:
    fields = parse_reference("[62] Matt Taddy. Document classification by inversion of "
                             "distributed language representations. arXiv preprint "
                             "arXiv:1504.07295, 2015.")
    assert fields.venue == "preprint"
    assert fields.arxiv == "1504.07295"


def test_given_first_names_with_a_leading_initial_keep_the_list_whole() -> None:
    # "Kozuno, A." and "Guo, J." would be family-first readings that end the list early.
    names, _ = parse_names("Alan Chan, Hugo Silva, Sungsu Lim, Tadashi Kozuno, "
                           "A. Rupam Mahmood, and Martha White")
    assert names == ["Alan Chan", "Hugo Silva", "Sungsu Lim", "Tadashi Kozuno",
                     "A. Rupam Mahmood", "Martha White"]
    names, _ = parse_names("Chuan Guo, J. Zico Kolter, and Eric Wong")
    assert names == ["Chuan Guo", "J. Zico Kolter", "Eric Wong"]
    names, _ = parse_names("H. Brendan McMahan, Eider Moore, Daniel Ramage. Communication-"
                           "efficient learning of deep networks from decentralized data.")
    assert names == ["H. Brendan McMahan", "Eider Moore", "Daniel Ramage"]


def test_family_first_lists_still_read_family_first() -> None:
    assert parse_names("Kolter, J. Z., & Wong, E.")[0] == ["J. Z. Kolter", "E. Wong"]
    assert parse_names("Vaswani, A. Attention is all you need")[0] == ["A. Vaswani"]
    assert parse_names("D. G. Bradlee, S. J. Eggers, Integrating Register Allocation")[0] == [
        "D. G. Bradlee", "S. J. Eggers"]


def test_dblp_style_colon_after_the_last_given_first_name() -> None:
    # DBLP writes "A, B, C: Title. Venue Year."; the last name is no title ("Jiliang Tang").
    fields = parse_reference("Yao Ma, Xiaorui Liu, Neil Shah, Jiliang Tang: Is Homophily a "
                             "Necessity for Graph Neural Networks? ICLR 2022.")
    assert fields.authors == ["Yao Ma", "Xiaorui Liu", "Neil Shah", "Jiliang Tang"]
    assert fields.title == "Is Homophily a Necessity for Graph Neural Networks?"
    assert (fields.venue, fields.year) == ("ICLR", 2022)
    fields = parse_reference("Mark Sandler, Max Vladymyrov, Andrey Zhmoginov, Nolan Miller, "
                             "Tom Madams, Andrew Jackson, Blaise Agüera y Arcas: Meta-Learning "
                             "Bidirectional Update Rules. ICML 2021.")
    assert fields.authors[-1] == "Blaise Agüera y Arcas"
    assert fields.title == "Meta-Learning Bidirectional Update Rules"
    fields = parse_reference("Qi Tian, Kun Kuang, Kelu Jiang, Furui Liu, Zhihua Wang, Fei Wu: "
                             "ConfounderGAN: Protecting Image Data Privacy with Causal "
                             "Confounder. NeurIPS 2022.")
    assert fields.authors[-1] == "Fei Wu"
    assert fields.title == "ConfounderGAN: Protecting Image Data Privacy with Causal Confounder"
    # A title's colon after a family-first list is still the title's.
    fields = parse_reference("Vaswani, A., Shazeer, N. Attention Is All You Need: A Study. "
                             "NeurIPS 2017.")
    assert fields.authors == ["A. Vaswani", "N. Shazeer"]
    fields = parse_reference("Paul Saurette, The Kantian Imperative: Humiliation, Common Sense, "
                             "Politics (Toronto: University of Toronto Press, 2005).")
    assert fields.authors == ["Paul Saurette"]


def test_a_subtitle_after_a_question_mark_stays_in_the_title() -> None:
    # The subtitle after "?" is neither prose after the reference nor its venue.
    text = ("Ahmed M. Alaa et al. (2022). How Faithful is your Synthetic Data? Sample-level "
            "Metrics for Evaluating and Auditing Generative Models. ICML.")
    [citation] = extract(text)
    assert citation.text == text
    assert citation.fields.title == ("How Faithful is your Synthetic Data? Sample-level Metrics "
                                     "for Evaluating and Auditing Generative Models")
    assert citation.fields.venue == "ICML"
    apa = ("Alaa, A. M., van Breugel, B., Saveliev, E. S., & van der Schaar, M. (2022). How "
           "faithful is your synthetic data? Sample-level metrics for evaluating and auditing "
           "generative models. *ICML*.")
    [citation] = extract(apa)
    assert citation.text == apa
    # Prose after the reference is still no part of it.
    [citation] = extract("As shown by Alaa, A. M., van Breugel, B. (2022). How faithful is your "
                         "synthetic data? ICML. This result is fine.")
    assert citation.text.endswith("ICML.")


def test_a_middle_initial_without_its_dot_continues_the_name() -> None:
    fields = parse_reference("Mummadi, Charanpal D, et al. “Test-time adaptation for continual "
                             "semantic segmentation.” *ICML*, 2021.")
    assert fields.authors == ["Charanpal D. Mummadi"] and fields.et_al
    assert fields.title == "Test-time adaptation for continual semantic segmentation"
    assert fields.venue == "ICML"
    names, _ = parse_names("Ouellett, M. L, Stanley, C. (2004). Fostering diversity.")
    assert names == ["M. L. Ouellett", "C. Stanley"]


def test_a_family_name_that_is_one_initial() -> None:
    # "Mallikarjun B. R." (DBLP): every style that writes the family name first, or the
    # initials alone, lost the whole entry.
    title = "Learning Complete 3D Morphable Face Models From Images and Videos"
    apa = parse_reference("R., M. B., Tewari, A., & Theobalt, C. (2021). Learning complete 3D "
                          "morphable face models from images and videos. *CVPR*.")
    assert families(apa.authors) == ["R.", "Tewari", "Theobalt"]
    assert (apa.venue, apa.year) == ("CVPR", 2021)
    ieee = parse_reference(f"[1] M. B. R., A. Tewari, and C. Theobalt, “{title},” in *Proc. "
                           "CVPR*, 2021.")
    assert ieee.authors == ["M. B. R.", "A. Tewari", "C. Theobalt"] and ieee.title == title
    mla = parse_reference(f"R., Mallikarjun B., et al. “{title}.” *CVPR*, 2021.")
    assert mla.authors == ["Mallikarjun B. R."] and mla.et_al
    chicago = parse_reference(f"R., Mallikarjun B., Ayush Tewari, and Christian Theobalt. 2021. "
                              f"“{title}.” In *CVPR*.")
    assert chicago.authors == ["Mallikarjun B. R.", "Ayush Tewari", "Christian Theobalt"]
    bullet = parse_reference(f"- R., Tewari and Theobalt (2021). *{title}*. CVPR.")
    assert bullet.authors == ["R", "Tewari", "Theobalt"] and bullet.title == title
    # Initials after a family name are its given names, not a name of their own.
    names, _ = parse_names("Wellman Kephart, J. O., Hogg, T., & Huberman, B. A. (1989).")
    assert names == ["J. O. Wellman Kephart", "T. Hogg", "B. A. Huberman"]


def test_a_lower_case_title_that_starts_with_a_name_holding_digits() -> None:
    text = ("Alexei Baevski et al. (2023). wav2vec 2.0: A Framework for Self-Supervised Learning "
            "of Speech Representations. NeurIPS.")
    [citation] = extract(text)
    assert citation.kind == "reference" and citation.text == text
    assert citation.fields.title == ("wav2vec 2.0: A Framework for Self-Supervised Learning of "
                                     "Speech Representations")
    # A verb after the date is prose, not a title.
    assert [c.kind for c in extract("Ho et al. (2020) introduced diffusion models.")] == ["inline"]


def test_initials_and_a_bare_capital_for_a_family_name() -> None:
    # "Vijay Kumar B G" in IEEE style: "V. K. B. G," is one name, and the list goes on.
    fields = parse_reference("Z. Khan, V. K. B. G, S. Schulter, M. Chandraker, and Y. Fu, "
                             "“Exploring Question Decomposition for Zero-Shot VQA,” in *Proc. "
                             "NeurIPS*, 2023.")
    assert fields.authors == ["Z. Khan", "V. K. B. G", "S. Schulter", "M. Chandraker", "Y. Fu"]
    assert fields.title == "Exploring Question Decomposition for Zero-Shot VQA"


def test_a_title_case_subtitle_after_a_question_mark() -> None:
    fields = parse_reference("1. Agarwala, A. & Zhang, Q. One Network Fits All? Modular versus "
                             "Monolithic Task Formulations in Neural Networks. *ICLR* (2021).")
    assert fields.title == ("One Network Fits All? Modular versus Monolithic Task Formulations in "
                            "Neural Networks")
    assert fields.venue == "ICLR"
    # A venue after the question is still the venue.
    fields = parse_reference("Ma, Y., Liu, X., Shah, N., & Tang, J. (2022). Is homophily a "
                             "necessity for graph neural networks? Proceedings of ICLR.")
    assert fields.title == "Is homophily a necessity for graph neural networks?"


def test_family_names_only_with_an_apostrophe() -> None:
    fields = parse_reference("- Lim, Li, O'Bray and Defferrard (2021). *Large Scale Learning on "
                             "Non-Homophilous Graphs: New Benchmarks and Strong Simple Methods*. "
                             "NeurIPS.")
    assert fields.authors == ["Lim", "Li", "O'Bray", "Defferrard"]
    assert fields.title.startswith("Large Scale Learning")


def test_quotes_inside_a_quoted_title_do_not_end_it() -> None:
    # Real ACL Anthology titles in Harvard's single quotes and MLA's double ones.
    assert parse_reference(
        "Papantoniou, K. et al. (2021) ‘Linguistic Cues of Deception in a Multilingual April "
        "Fools’ Day Context’, *Proceedings of the Eighth Italian Conference on Computational "
        "Linguistics (CLiC-it 2021)*.").title == (
        "Linguistic Cues of Deception in a Multilingual April Fools’ Day Context")
    assert parse_reference(
        "Danescu-Niculescu-Mizil, C. and Lee, L. (2010) ‘Don’t ‘Have a Clue’? Unsupervised "
        "Co-Learning of Downward-Entailing Operators.’, *Proceedings of the ACL 2010 Conference "
        "Short Papers*.").title == (
        "Don’t ‘Have a Clue’? Unsupervised Co-Learning of Downward-Entailing Operators")
    assert parse_reference(
        "Kuboň, Vladislav. “Post-Workshop commentary: New languages are not virgin languages: "
        "EAMT ‘99 Workshop from an “eastern” point of view.” *EAMT Workshop: EU and the new "
        "languages*, 1999.").title == (
        "Post-Workshop commentary: New languages are not virgin languages: EAMT ‘99 Workshop "
        "from an “eastern” point of view")


def test_a_quotation_that_opens_a_title_is_part_of_it() -> None:
    fields = parse_reference(
        "Louis, A., Roth, D., & Radlinski, F. (2020). “I’d rather just go to bed”: Understanding "
        "indirect answers. *Proceedings of the 2020 Conference on Empirical Methods in Natural "
        "Language Processing (EMNLP)*.")
    assert fields.title is not None and fields.title.endswith(
        "I’d rather just go to bed”: Understanding indirect answers")
    assert fields.venue is not None and fields.venue.startswith("Proceedings of the 2020")


def test_abbreviated_given_names_of_south_asian_names_continue_the_name() -> None:
    fields = parse_reference(
        "Shraman Pramanick, Shivam Sharma, Dimitar Dimitrov, Md. Shad Akhtar, Preslav Nakov, and "
        "Tanmoy Chakraborty. MOMENTA: A Multimodal Framework for Detecting Harmful Memes and "
        "Their Targets. In EMNLP 2021.")
    assert families(fields.authors)[3:] == ["Akhtar", "Nakov", "Chakraborty"]
    fields = parse_reference(
        "Atul Kr. Ojha, Valentin Malykh, Alina Karakanta, and Chao-Hong Liu. 2020. Findings of "
        "the LoResMT 2020 Shared Task on Zero-Shot for Low-Resource languages. In *Proceedings "
        "of the 3rd Workshop on Technologies for MT of Low Resource Languages*.")
    assert fields.authors[0] == "Atul Kr. Ojha" and len(fields.authors) == 4


def test_mla_first_author_with_a_two_word_family_name() -> None:
    # MLA inverts the first author only: "Family, Given, et al." with "Mac Aodha", "Al Ghussin".
    fields = parse_reference(
        "Mac Aodha, Oisin, et al. “Presence-Only Geographical Priors for Fine-Grained Image "
        "Classification.” *ICCV 2019*, 2019.")
    assert fields.authors == ["Oisin Mac Aodha"] and fields.et_al
    assert fields.title == "Presence-Only Geographical Priors for Fine-Grained Image Classification"
    fields = parse_reference(
        "Al Ghussin, Yusser, and Jingyi Zhang. “Exploring Paracrawl for Document-level Neural "
        "Machine Translation.” *Proceedings of EACL*, 2023.")
    assert fields.authors == ["Yusser Al Ghussin", "Jingyi Zhang"]
    # A given-first name before a one-word name is no inverted family name.
    assert parse_reference("Prachi Jain, Mausam, and Soumen Chakrabarti. 2020. Temporal "
                           "knowledge base completion. In EMNLP.").authors[0] == "Prachi Jain"


def test_a_short_given_name_that_is_an_english_word_after_an_inverted_family_name() -> None:
    fields = parse_reference(
        "Huang, You, Lichao Chen, Jiayi Ji, Liujuan Cao, Shengchuan Zhang, and Rongrong Ji. 2025. "
        "“Inter2Former: Dynamic Hybrid Attention for Efficient High-Precision Interactive "
        "Segmentation.” In *ICCV 2025*.")
    assert fields.authors[:2] == ["You Huang", "Lichao Chen"] and len(fields.authors) == 6


def test_a_reference_whose_title_starts_with_a_lower_case_name() -> None:
    (citation,) = extract(
        "Muñoz, Alán F., et al. “cp_measure: API-first feature extraction for image-based "
        "profiling workflows.” *arXiv (cs.CV)*, 2025.")
    assert citation.fields.title == (
        "cp_measure: API-first feature extraction for image-based profiling workflows")
    (fairseq,) = extract("Ott, M. et al. (2019). fairseq: A fast, extensible toolkit for sequence "
                         "modeling. In NAACL-HLT Demonstrations.")
    assert fairseq.fields.title is not None and fairseq.fields.title.startswith("fairseq:")


def test_an_author_date_entry_whose_names_the_parser_rejects_is_still_read() -> None:
    # Real records of the corpus: a short family name in capitals (read as a name since GB/T
    # 7714 and ISO 690 print names so), one in lower case.
    (loo,) = extract("LOO, E., & Deng, J. (2025). Relation3D : Enhancing relation modeling for "
                     "point cloud instance segmentation. *CVPR 2025*.")
    assert (loo.kind, loo.fields.authors, loo.fields.year) == ("reference",
                                                               ["E. Loo", "J. Deng"], 2025)
    (ye,) = extract("ye, j., Liu, F., Li, Q., Wang, Z., Wang, Y., Wang, X., Duan, Y., & Zhu, J. "
                    "(2024). DreamReward: Aligning human preference in Text-to-3D generation. "
                    "*ECCV 2024*.")
    assert ye.fields.title == "DreamReward: Aligning human preference in Text-to-3D generation"
    assert len(ye.fields.authors) == 8 and ye.fields.venue == "ECCV 2024"
    # A dated sentence of prose is no entry.
    assert extract("We follow the setup of the original paper (2020). Results are below and "
                   "they hold.") == []


def test_pages_before_the_volume_are_no_venue() -> None:
    # ASA: "Pp. 8748–63 in Proceedings of ...", a chapter's editors after its book.
    fields = parse_reference(
        "Radford, Alec, Jong Wook Kim, Chris Hallacy, et al. 2021. “Learning Transferable Visual "
        "Models From Natural Language Supervision.” Pp. 8748–63 in Proceedings of the 38th "
        "International Conference on Machine Learning. PMLR.")
    assert fields.venue is not None
    assert fields.venue.startswith("Proceedings of the 38th International Conference")
    chapter = parse_reference("Smith, John. 2020. “A Study of Quokkas.” Pp. 1–10 in The Book of "
                              "Marsupials, edited by J. Doe. New York: Press.")
    assert chapter.venue == "The Book of Marsupials"


def test_when_a_preprint_was_posted_is_no_venue() -> None:
    # AMA 11: "arXiv. Preprint posted online February 26, 2021."
    fields = parse_reference("Radford A, Kim JW, Hallacy C, et al. Learning Transferable Visual "
                             "Models From Natural Language Supervision. arXiv. Preprint posted "
                             "online February 26, 2021. doi:10.48550/arXiv.2103.00020")
    assert fields.venue == "Preprint" and fields.year == 2021


@pytest.mark.parametrize(("reference", "volume"), [
    # A page range's end before the year is no volume ("8748–8763 (2021)").
    ("Radford, A. et al. Learning transferable visual models from natural language "
     "supervision. Proc. Mach. Learn. Res. 139, 8748–8763 (2021).", "139"),
    # Vancouver's "year;volume:pages" and "year;volume."
    ("Radford A, Kim JW, Hallacy C, et al. Learning transferable visual models from natural "
     "language supervision. PMLR. 2021;139:8748-63.", "139"),
    ("Vaswani A, Shazeer N, Parmar N, et al. Attention is all you need. Advances in neural "
     "information processing systems. 2017;30.", "30"),
    ("Harris CR, Millman KJ, van der Walt SJ, et al. Array programming with NumPy. Nature. "
     "2020;585(7825):357-62.", "585"),
])
def test_the_volume_is_read_in_journal_styles(reference: str, volume: str) -> None:
    assert parse_reference(reference).volume == volume


def test_ieee_editors_after_the_book_are_no_venue() -> None:
    # IEEE names the book, then its editors and publisher: the venue is the book.
    fields = parse_reference(
        "J. Ho, A. Jain, and P. Abbeel, “Denoising Diffusion Probabilistic Models,” in Advances "
        "in Neural Information Processing Systems, H. Larochelle, M. Ranzato, R. Hadsell, M. F. "
        "Balcan, and H. Lin, Eds., Curran Associates, Inc., 2020, pp. 6840–6851.")
    assert fields.venue == "Advances in Neural Information Processing Systems"
    assert fields.year == 2020
