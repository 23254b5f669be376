"""The CRF that redraws unmarked title/venue boundaries, and the rules it must not override."""

import os
import subprocess
import sys
from importlib import resources

from citecheck.extract import crf
from citecheck.extract.crf import ATTRIBUTES_NAME, MODEL_NAME, labelled_runs
from citecheck.extract.references import parse_reference

from conftest import ROOT


def test_comma_separated_book_title_keeps_its_comma_parts() -> None:
    fields = parse_reference("Coakley, Sarah, Powers and Submissions: Spirituality, Philosophy "
                             "and Gender, Oxford: Blackwell, 2002.")
    assert fields.title == "Powers and Submissions: Spirituality, Philosophy and Gender"


def test_chicago_title_before_a_parenthesised_imprint() -> None:
    fields = parse_reference("Paul Saurette, The Kantian Imperative: Humiliation, Common Sense, "
                             "Politics (Toronto: University of Toronto Press, 2005).")
    assert fields.title == "The Kantian Imperative: Humiliation, Common Sense, Politics"
    assert fields.year == 2005


def test_final_acronym_stays_the_venue_in_apa_without_volume() -> None:
    fields = parse_reference("Abnar, S., Dehghani, M., Neyshabur, B., & Sedghi, H. (2022). "
                             "Exploring the Limits of Large Scale Pre-training. ICLR.")
    assert fields.title == "Exploring the Limits of Large Scale Pre-training"
    assert fields.venue == "ICLR"


def test_emphasised_title_with_by_list_is_left_to_the_rules() -> None:
    fields = parse_reference("*Deep Residual Learning for Image Recognition* by K. He, X. Zhang, "
                             "S. Ren, J. Sun (CVPR 2016)")
    assert fields.title == "Deep Residual Learning for Image Recognition"
    assert fields.venue == "CVPR"
    assert len(fields.authors) == 4


def test_quoted_title_after_et_al_is_left_to_the_rules() -> None:
    fields = parse_reference('Vaswani et al., "Attention Is All You Need", NeurIPS 2017')
    assert fields.title == "Attention Is All You Need"
    assert fields.venue == "NeurIPS"
    assert fields.year == 2017


def test_title_never_starts_inside_the_rule_author_list() -> None:
    fields = parse_reference("Cheng Sun, Min Sun, and Hwann-Tzong Chen. HoHoNet: 360 Indoor "
                             "Holistic Understanding With Latent Horizontal Features. In CVPR, "
                             "2021.")
    assert fields.title == ("HoHoNet: 360 Indoor Holistic Understanding With Latent Horizontal "
                            "Features")


def test_runs_cover_the_text_with_character_offsets() -> None:
    text = "Kaisse, E. M. (1983). The syntax of auxiliary reduction. Language, 59, 93-122."
    runs = labelled_runs(text)
    assert runs[0][0] == "author" and text[runs[0][1]:runs[0][2]] == "Kaisse, E. M."
    assert ("date", text.index("(1983)"), text.index("(1983)") + len("(1983).")) in runs


def test_lone_surrogates_do_not_break_the_tagger() -> None:
    assert labelled_runs("Smith, J. (2020). Title \udcff here. Journal, 1, 2-3.")


def test_bundled_model_is_under_two_megabytes() -> None:
    model = resources.files("citecheck.models").joinpath(MODEL_NAME)
    assert len(model.read_bytes()) < 2_000_000


def test_a_title_that_leads_with_a_name_and_a_colon_keeps_it() -> None:
    # The CRF took "PILC:" for the end of the authors and the subtitle after "momentum:"
    # for the venue.
    fields = parse_reference("1. Kang N, Qiu S, Zhang S, Li Z, Xia S. PILC: Practical image "
                             "lossless compression with an end-to-end GPU oriented neural "
                             "framework. CVPR. 2022.")
    assert fields.title == ("PILC: Practical image lossless compression with an end-to-end GPU "
                            "oriented neural framework")
    assert fields.venue == "CVPR"
    fields = parse_reference("1. Lin T, Karimireddy SP, Stich SU, Jaggi M. Quasi-global momentum: "
                             "Accelerating decentralized deep learning on heterogeneous data. "
                             "NeurIPS. 2021.")
    assert fields.title == ("Quasi-global momentum: Accelerating decentralized deep learning on "
                            "heterogeneous data")
    assert fields.venue == "NeurIPS"
    fields = parse_reference("Mervis, Carolyn B., & Greco, Carolyn. 1984. Parts and early "
                             "conceptual development: Comment on Tversky & Hemenway. Journal of "
                             "Experimental Psychology: General 113, 194–197.")
    assert fields.title == "Parts and early conceptual development: Comment on Tversky & Hemenway"
    # A subtitle that is a volume or a date may still be cut, and a person's name before a
    # colon is still left to the CRF.
    fields = parse_reference("Michal Jamroz, Marcin Kurdziel: Neural Representations Reveal "
                             "Distinct Modes of Class Fitting in Residual Convolutional Networks. "
                             "AAAI 2023.")
    assert fields.title == ("Neural Representations Reveal Distinct Modes of Class Fitting in "
                            "Residual Convolutional Networks")


def test_an_emphasised_venue_after_the_title_is_not_taken_into_it() -> None:
    fields = parse_reference("1. Alvarado, J., Wang, Y. & Ramon, J. Limits of multi-relational "
                             "graphs. *Mach. Learn.* (2023). https://doi.org/10.1007/S10994-022-06281-X")
    assert fields.title == "Limits of multi-relational graphs"
    assert fields.venue == "Mach. Learn"
    # An emphasised title after a misread author list is still the CRF's to find.
    fields = parse_reference("- De Schutter and Hoogendoorn (2021). *Modeling and control of "
                             "freeway traffic flow by state space neural networks*.")
    assert fields.title == "Modeling and control of freeway traffic flow by state space neural networks"


def test_the_attribute_list_is_the_models() -> None:
    # label_words leaves out the features not in the list: a list from another model would
    # change labels. benchmarks/train_parser.py writes both.
    listed = resources.files("citecheck.models").joinpath(ATTRIBUTES_NAME).read_bytes()
    assert listed.decode("utf-8").split("\n")[:-1] == crf.model_attributes(crf._tagger())


def test_leaving_out_unknown_features_changes_no_label() -> None:
    texts = ["Kaisse, E. M. (1983). The syntax of auxiliary reduction. Language, 59, 93-122.",
             "Zanzibar Quokka and Lemony Snicket. Neural quokka herding with recursive "
             "marshmallow transformers. In NeurIPS, 2021.",
             "[12] Y. LeCun, “Gradient-based learning,” Proc. IEEE 86(11) (1998) pp. 2278–2324.",
             # crfsuite reads a feature up to a NUL: "w=the\x00xyz" is its "w=the".
             "Smith, J. (2020). The\x00xyz ti\x00tle here. Jour\x00nal, 1, 2-3."]
    tagger = crf._tagger()
    for text in texts:
        words = text.split()
        every = crf.sequence_features(words)
        known = crf.sequence_features(words, crf._known_word_features)
        assert sum(map(len, known)) < sum(map(len, every))
        labels = crf.label_words(words)
        score = tagger.probability(labels)  # of the sequence label_words gave the tagger
        assert list(tagger.tag(every)) == labels
        assert tagger.probability(labels) == score  # the same to the last bit, not only the labels


def test_importing_the_parser_loads_no_model() -> None:
    script = ("import sys; import citecheck.extract.pipeline; from citecheck.extract import crf; "
              "print('pycrfsuite' in sys.modules, crf._vocabulary.cache_info().currsize)")
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True,
                         cwd=ROOT, env={**os.environ, "HF_HUB_OFFLINE": "1"})
    assert out.stdout.split() == ["False", "0"]
