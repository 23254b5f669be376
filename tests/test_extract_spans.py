"""Finding citation spans in answers: entries, identifiers, in-text cites and their links."""

import json
from pathlib import Path

import pytest

from citecheck.extract import Citation, extract
from citecheck.extract.pipeline import detect_format

ANSWERS = Path(__file__).resolve().parent / "data" / "answers"


def kinds(citations: list[Citation]) -> list[str]:
    return [c.kind for c in citations]


def test_spans_index_the_original_text() -> None:
    text = "See doi:10.1038/nature14539. Also (Vaswani et al., 2017)."
    for citation in extract(text):
        assert text[citation.span[0]:citation.span[1]] == citation.text


def test_prose_paragraph_with_year_and_quoted_phrase_is_not_an_entry() -> None:
    text = ('In 2017, researchers at Google showed that recurrence was not necessary. The idea, '
            'often summarised as "attention is all you need", spread quickly by 2019.')
    assert extract(text) == []


def test_prose_bullets_with_years_are_not_entries() -> None:
    text = ("- GPT-2 was released in February 2019 by OpenAI, \"too dangerous\" at first.\n"
            "- In 2020, larger models kept improving with scale.\n")
    assert extract(text) == []


def test_reference_inside_a_sentence_is_one_span_without_the_prose() -> None:
    text = ("As shown in Ahmed Abbas and Paul Swoboda. Combinatorial Optimization for Panoptic "
            "Segmentation: A Fully Differentiable Approach. In NeurIPS, 2021. This approach "
            "avoids heuristic post-processing.")
    [citation] = extract(text)
    assert citation.kind == "reference"
    assert citation.text.startswith("Ahmed Abbas and Paul Swoboda.")
    assert citation.text.endswith("In NeurIPS, 2021.")
    assert citation.fields.venue == "NeurIPS"


def test_apa_reference_inside_a_sentence_keeps_its_doi_as_a_field() -> None:
    text = ("The APA version is Abbas, A., & Swoboda, P. (2021). Combinatorial optimization for "
            "panoptic segmentation: A fully differentiable approach. NeurIPS. "
            "https://doi.org/10.5555/abc.123. It is widely cited.")
    [citation] = extract(text)
    assert citation.fields.doi == "10.5555/abc.123"
    assert citation.text.endswith("abc.123.")


def test_wrapped_entry_stays_one_span() -> None:
    text = ('[1] D. P. Kingma and M. Welling, "Auto-encoding variational\n'
            '    Bayes," in Proc. ICLR,\n    2014.\n'
            '[2] S. Ioffe and C. Szegedy, "Batch normalization," in Proc. ICML, 2015.\n')
    citations = extract(text)
    assert kinds(citations) == ["reference", "reference"]
    assert citations[0].fields.title == "Auto-encoding variational Bayes"


def test_numeric_citation_links_to_numbered_entry() -> None:
    text = ("Residual learning [2] helps.\n\n"
            "[1] S. Ioffe and C. Szegedy, \"Batch normalization,\" in Proc. ICML, 2015.\n"
            "[2] K. He, X. Zhang, S. Ren, and J. Sun, \"Deep residual learning for image "
            "recognition,\" in Proc. CVPR, 2016.\n")
    citations = extract(text)
    inline = next(c for c in citations if c.kind == "inline")
    assert inline.links_to is not None
    assert citations[inline.links_to].fields.year == 2016


def test_list_markers_are_not_numeric_citations() -> None:
    text = "[1] S. Ioffe and C. Szegedy, \"Batch normalization,\" in Proc. ICML, 2015.\n"
    assert kinds(extract(text)) == ["reference"]


def test_author_year_citation_links_by_family_name_and_year() -> None:
    text = ("Attention suffices (Vaswani et al., 2017).\n\n"
            "1. Vaswani, A., Shazeer, N., & Polosukhin, I. (2017). Attention is all you need. "
            "NeurIPS.\n")
    citations = extract(text)
    assert citations[0].kind == "inline"
    assert citations[0].links_to == 1


def test_bare_author_year_without_entry_carries_authors_and_year() -> None:
    [citation] = extract("Several studies (Smith & Jones 2020) found this.")
    assert citation.kind == "inline"
    assert citation.fields.authors == ["Smith", "Jones"]
    assert citation.fields.year == 2020
    assert citation.links_to is None


def test_several_author_year_cites_in_one_parenthesis() -> None:
    citations = extract("Effects were similar (Smith & Jones 2020; Lee 2019a).")
    assert [c.text for c in citations] == ["Smith & Jones 2020", "Lee 2019a"]


def test_numeric_range_in_prose_is_not_a_citation() -> None:
    assert extract("The budget was [100, 200] GPUs.") == []


def test_quoted_title_in_running_text_is_a_title_citation() -> None:
    [citation] = extract('Start with the paper "Attention Is All You Need", then move on.')
    assert citation.kind == "title"
    assert citation.fields.title == "Attention Is All You Need"


def test_identifiers_found_with_prefixes_and_trailing_punctuation_stripped() -> None:
    text = ("See doi:10.1145/3065386, arXiv:2106.09685v2 and hep-th/9711200; "
            "also https://doi.org/10.1016/j.cell.2006.07.024.")
    citations = extract(text)
    assert kinds(citations) == ["doi", "arxiv", "arxiv", "doi"]
    assert citations[0].fields.doi == "10.1145/3065386"
    assert citations[1].fields.arxiv == "2106.09685"
    assert citations[2].fields.arxiv == "hep-th/9711200"
    assert citations[3].text.endswith("07.024")


def test_isbn_and_pmid_are_found() -> None:
    citations = extract("The book is ISBN 978-0-262-03561-3 and the trial PMID: 18997196.")
    assert [(c.kind, c.fields.isbn or c.fields.pmid) for c in citations] == [
        ("isbn", "9780262035613"), ("pmid", "18997196")]


def test_bibtex_entry_fields_are_latex_free() -> None:
    text = ('@inproceedings{m{\\"u}ller2019,\n  author = {M{\\"u}ller, Rafael and Hinton, '
            'Geoffrey E.},\n  title = {When does label smoothing help?},\n  year = {2019}\n}\n')
    [citation] = extract(text)
    assert citation.kind == "bibtex"
    assert citation.fields.authors[0] == "Rafael Müller"


def test_latex_cite_keys_link_to_bibitems() -> None:
    text = ("Sequence models~\\cite{hochreiter1997long} work.\n\n"
            "\\begin{thebibliography}{9}\n\\bibitem{hochreiter1997long}\n"
            "S.~Hochreiter and J.~Schmidhuber.\n\\newblock Long short-term memory.\n"
            "\\newblock {\\em Neural Computation}, 9(8):1735--1780, 1997.\n"
            "\\end{thebibliography}\n")
    citations = extract(text)
    cite = citations[0]
    assert cite.text == "hochreiter1997long"
    assert cite.links_to is not None
    assert citations[cite.links_to].fields.title == "Long short-term memory"


def test_html_links_give_identifier_spans_only() -> None:
    text = ('<p>See <a href="https://doi.org/10.1038/nature14539">LeCun et al. 2015</a> and '
            '<a href="https://github.com/pytorch/pytorch">code</a>.</p>')
    assert kinds(extract(text)) == ["doi"]


def test_duplicate_entries_have_identical_fields() -> None:
    entry = ("Goodfellow, I., Pouget-Abadie, J., & Bengio, Y. (2014). Generative adversarial "
             "nets. Advances in Neural Information Processing Systems, 27.")
    first, second = extract(f"- {entry}\n- {entry}\n")
    assert first.fields == second.fields


@pytest.mark.parametrize(("text", "expected"), [
    ("@article{a, title={T}}", "bibtex"),
    ("\\begin{thebibliography}{1}\\bibitem{a} A.", "latex"),
    ('<p><a href="https://x.org">x</a></p>', "html"),
    ("## References\n\n1. A. B. Title.", "markdown"),
    ("Plain words only.", "text"),
])
def test_format_detection(text: str, expected: str) -> None:
    assert detect_format(text) == expected


def test_format_keyword_overrides_detection() -> None:
    text = "@misc{k, title={Attention}, year={2017}} and Smith (2019) said."
    assert kinds(extract(text, format="bibtex")) == ["bibtex"]


def test_unknown_format_is_rejected() -> None:
    with pytest.raises(ValueError):
        extract("text", format="docx")


def test_answer_set_recall_and_precision_meet_targets() -> None:
    """The hand-labelled answers of tests/data/answers: recall >= 0.97, precision >= 0.95."""
    tp = predicted = gold_total = 0
    for path in sorted(ANSWERS.iterdir()):
        if path.suffix == ".json":
            continue
        text = path.read_text(encoding="utf-8")
        gold = []
        for item in json.loads(path.with_suffix(".json").read_text(encoding="utf-8")):
            start = -1
            for _ in range(item.get("occurrence", 0) + 1):
                start = text.find(item["text"], start + 1)
            gold.append((start, start + len(item["text"])))
        citations = extract(text)
        predicted += len(citations)
        gold_total += len(gold)
        for start, end in gold:
            if any(min(end, c.span[1]) - max(start, c.span[0])
                   >= 0.8 * max(end - start, c.span[1] - c.span[0]) for c in citations):
                tp += 1
    assert gold_total >= 100
    assert tp / gold_total >= 0.97
    assert tp / predicted >= 0.95


NARRATIVE_REFERENCES = (
    "\n\nReferences\n\n"
    "[1] David Abel, Will Dabney, Anna Harutyunyan. On the Expressivity of Markov Reward. "
    "NeurIPS 2021.\n"
    "[2] Tri Dao and Christopher Ré. FlashAttention: Fast and Memory-Efficient Exact "
    "Attention with IO-Awareness. NeurIPS 2022.\n")


def test_narrative_cite_without_a_year_links_to_the_entry_it_names() -> None:
    text = ("As Abel et al. showed, scalar rewards fall short; Dao and Ré made attention "
            "IO-aware." + NARRATIVE_REFERENCES)
    citations = extract(text)
    inline = [c for c in citations if c.kind == "inline"]
    assert [c.text for c in inline] == ["Abel et al.", "Dao and Ré"]
    assert [citations[c.links_to].fields.title[:20] for c in inline if c.links_to is not None] == [
        "On the Expressivity ", "FlashAttention: Fast"]


def test_narrative_names_without_a_year_or_a_matching_entry_are_not_citations() -> None:
    text = ("Smith et al. disagreed, and Rogers and Hammerstein wrote the score; the names "
            "Abel and Dao alone say nothing." + NARRATIVE_REFERENCES)
    assert [c.kind for c in extract(text)] == ["reference", "reference"]


def test_narrative_cite_without_a_year_matching_two_entries_is_dropped() -> None:
    text = ("Abel et al. proposed it." + NARRATIVE_REFERENCES +
            "[3] David Abel, Michael L. Littman, Satinder Singh. Settling the Reward Hypothesis. "
            "ICML 2023.\n")
    assert [c.kind for c in extract(text)] == ["reference"] * 3


def test_narrative_cite_with_a_year_is_still_one_author_year_cite() -> None:
    text = "As Abel et al. (2021) showed, it fails." + NARRATIVE_REFERENCES
    [inline] = [c for c in extract(text) if c.kind == "inline"]
    assert inline.text == "Abel et al. (2021)" and inline.fields.year == 2021
