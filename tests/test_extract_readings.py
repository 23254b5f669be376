"""Citations as people and models write them: readings resolved against the record, nothing lost."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from citecheck.extract import extract
from citecheck.extract import fields as fields_module
from citecheck.extract.references import parse_reference
from citecheck.fix import fix_text
from citecheck.match import Candidate
from citecheck.records import Record
from citecheck.report import IndexInfo, Report
from citecheck.venues import default_venue_table
from citecheck.verdict import MISMATCH, NOT_FOUND, UNVERIFIABLE, VERIFIED, CitationResult, Coverage, decide
from citecheck.verifier import work_key

AGARWAL = Record(id="r-agarwal", title="Acceleration via Fractal Learning Rate Schedules",
                 authors=["Naman Agarwal", "Surbhi Goel", "Cyril Zhang"], year=2021, venue="ICML")
ACUNA = Record(id="r-acuna", title="f-Domain Adversarial Learning: Theory and Algorithms",
               authors=["David Acuna", "Guojun Zhang", "Marc T. Law", "Sanja Fidler"], year=2021,
               venue="ICML")
ABBAS = Record(id="r-abbas", title="Combinatorial Optimization for Panoptic Segmentation: A Fully "
               "Differentiable Approach", authors=["Ahmed Abbas", "Paul Swoboda"], year=2021,
               venue="NeurIPS")
PSOMAS = Record(id="r-psomas", title="Fair and Efficient Allocations Without Obvious Manipulations",
                authors=["Alexandros Psomas", "Paritosh Verma"], year=2022, venue="NeurIPS")
AN = Record(id="r-an", title="Generalization Bounds for (Wasserstein) Robust Optimization",
            authors=["Yang An", "Rui Gao"], year=2021, venue="NeurIPS")

AGARWAL_BULLET = ("- Agarwal, Goel and Zhang (2021). *Acceleration via Fractal Learning Rate "
                  "Schedules*. ICML.")
ACUNA_BULLET = ("- Acuna, Zhang, Law and Fidler (2021). *f-Domain Adversarial Learning: Theory "
                "and Algorithms*. ICML.")
ACUNA_NUMBERED = ("[1] David Acuna, Guojun Zhang, Marc T. Law, Sanja Fidler. f-Domain Adversarial "
                  "Learning: Theory and Algorithms. In ICML, 2021.")


def verdict_of(text: str, record: Record) -> CitationResult:
    """The verdict on the one reference in ``text`` when ``record`` is the only candidate."""
    [citation] = [c for c in extract(text) if c.kind in ("reference", "bibtex")]
    coverage = Coverage(frozenset(), frozenset(), complete=True)
    return decide(citation, [Candidate(record, 1.0)], default_venue_table(), coverage,
                  today=date(2026, 12, 1))


def test_family_names_only_list_reads_as_three_authors() -> None:
    fields = parse_reference(AGARWAL_BULLET)
    assert fields.authors == ["Agarwal", "Goel", "Zhang"]
    assert fields.title == "Acceleration via Fractal Learning Rate Schedules"
    assert fields.venue == "ICML"


def test_family_names_only_list_is_verified_not_an_author_mismatch() -> None:
    assert verdict_of(AGARWAL_BULLET, AGARWAL).verdict == VERIFIED


def test_family_only_bullet_with_lower_case_title_is_a_reference() -> None:
    [citation] = extract(ACUNA_BULLET)
    assert citation.kind == "reference"
    assert citation.fields.authors == ["Acuna", "Zhang", "Law", "Fidler"]
    assert verdict_of(ACUNA_BULLET, ACUNA).verdict == VERIFIED


def test_numbered_entry_with_lower_case_title_is_kept_and_linked() -> None:
    text = f"Domain adaptation has theory [1].\n\nReferences\n\n{ACUNA_NUMBERED}\n"
    citations = extract(text)
    assert [c.kind for c in citations] == ["inline", "reference"]
    assert citations[0].links_to == 1
    assert citations[1].fields.title == "f-Domain Adversarial Learning: Theory and Algorithms"


def test_given_first_list_ending_in_a_two_letter_family_name() -> None:
    fields = parse_reference("Chandan Singh, Bin Yu. 2022. Augmenting interpretable models with "
                             "LLMs during training. arXiv.")
    assert fields.authors == ["Chandan Singh", "Bin Yu"]
    assert fields.year == 2022


def test_abbreviated_particles_stay_in_the_name() -> None:
    fields = parse_reference("M. v. d. Schaar, A. Alaa. Generative time-series modeling with "
                             "Fourier flows. In ICLR, 2021.")
    assert fields.authors == ["M. v. d. Schaar", "A. Alaa"]
    assert fields.venue == "ICLR"


def test_a_bare_venue_word_is_no_venue() -> None:
    fields = parse_reference('A. Smith and B. Jones, "Learning to rank with partial labels," '
                             "in Proc. , 2026.")
    assert fields.venue is None
    assert fields.title == "Learning to rank with partial labels"


def test_vancouver_names_keep_their_readings() -> None:
    text = ("1. Psomas A, Verma P. Fair and efficient allocations without obvious "
            "manipulations. NeurIPS. 2022.")
    [citation] = extract(text)
    assert citation.fields.authors == ["A. Psomas", "P. Verma"]
    assert verdict_of(text, PSOMAS).verdict == VERIFIED


@pytest.mark.parametrize("text", [
    "Yang An and Rui Gao. 2021. Generalization Bounds for (Wasserstein) Robust Optimization. "
    "In *NeurIPS*.",
    "An, Y., & Gao, R. (2021). Generalization bounds for (Wasserstein) robust optimization. "
    "*NeurIPS*.",
    "An, Yang, and Rui Gao. \u201cGeneralization Bounds for (Wasserstein) Robust "
    "Optimization.\u201d *NeurIPS*, 2021.",
    "[1] Y. An and R. Gao, \u201cGeneralization Bounds for (Wasserstein) Robust Optimization,\u201d "
    "in *Proc. NeurIPS*, 2021.",
])
def test_short_family_names_that_are_english_words(text: str) -> None:
    assert verdict_of(text, AN).verdict == VERIFIED


def test_swapped_family_names_are_still_an_author_mismatch() -> None:
    swapped = AGARWAL_BULLET.replace("Agarwal, Goel", "Goel, Agarwal")
    result = verdict_of(swapped, AGARWAL)
    assert result.verdict == MISMATCH
    assert [m.field for m in result.mismatches] == ["authors"]


def test_an_invented_author_is_still_an_author_mismatch() -> None:
    invented = AGARWAL_BULLET.replace("Goel", "Hartmann")
    assert verdict_of(invented, AGARWAL).verdict == MISMATCH


def test_a_dropped_author_is_still_an_author_mismatch() -> None:
    dropped = AGARWAL_BULLET.replace("Agarwal, Goel and Zhang", "Agarwal and Zhang")
    assert verdict_of(dropped, AGARWAL).verdict == MISMATCH


def test_readings_are_compared_without_parsing_again(monkeypatch: pytest.MonkeyPatch) -> None:
    [citation] = extract(AGARWAL_BULLET)
    assert citation.fields.readings  # "Goel Agarwal" and "Zhang" is kept as a reading

    def no_parse(*args: object, **kwargs: object) -> None:
        raise AssertionError("parsed again at verification")

    monkeypatch.setattr(fields_module, "parse_reference", no_parse)
    result = decide(citation, [Candidate(AGARWAL, 1.0)], default_venue_table(),
                    Coverage(frozenset(), frozenset(), complete=True))
    assert result.verdict == VERIFIED


def test_html_ordered_list_gives_one_citation_per_item() -> None:
    html = ("<p>References</p><ol><li>David Acuna, Guojun Zhang, Marc T. Law, Sanja Fidler. "
            "<i>f-Domain Adversarial Learning: Theory and Algorithms</i>. In ICML, 2021.</li> "
            "<li>Ahmed Abbas and Paul Swoboda. <i>Combinatorial Optimization for Panoptic "
            "Segmentation: A Fully Differentiable Approach</i>. In NeurIPS, 2021.</li></ol>")
    citations = extract(html)
    assert [c.kind for c in citations] == ["reference", "reference"]
    assert all("<li>" not in c.text and "</li" not in c.text for c in citations)
    assert [c.fields.title for c in citations] == [ACUNA.title, ABBAS.title]


def test_html_linked_title_keeps_its_doi() -> None:
    # The address of "<a href=...>" is the only place an HTML list gives the DOI: losing
    # it loses the evidence against a fabricated one, and the arXiv id of a preprint.
    html = ("<ol>\n  <li>Jonathan Ho and Tim Salimans. <a href=\"https://doi.org/10.48550/"
            "arXiv.2207.12598\"><i>Classifier-Free Diffusion Guidance</i></a>. In NeurIPS, "
            "2022.</li>\n  <li>Ahmed Abbas and Paul Swoboda. <a href='https://doi.org/10.1109/"
            "CVPR46437.2021.00249'>https://doi.org/10.1109/CVPR46437.2021.00249</a>. "
            "<i>Combinatorial Optimization for Panoptic Segmentation: A Fully Differentiable "
            "Approach</i>. In NeurIPS, 2021.</li>\n</ol>\n")
    first, second = [c for c in extract(html) if c.kind == "reference"]
    assert first.fields.title == "Classifier-Free Diffusion Guidance"
    assert first.fields.doi == "10.48550/arxiv.2207.12598"
    assert first.fields.arxiv == "2207.12598"
    assert first.fields.venue == "NeurIPS" and first.fields.year == 2022
    assert first.text.startswith("Jonathan Ho") and first.text.endswith("2022.")
    assert second.fields.doi == "10.1109/cvpr46437.2021.00249"
    assert second.fields.title == ABBAS.title


def test_html_entities_do_not_split_a_name() -> None:
    html = ("<ul><li>Chengyi Wang, Yu Wu, Ken&#x27;ichi Kumatani. <em>UniSpeech: Unified Speech "
            "Representation Learning with Labeled and Unlabeled Data</em>. In ICML, 2021.</li></ul>")
    [citation] = extract(html)
    assert citation.fields.authors == ["Chengyi Wang", "Yu Wu", "Ken'ichi Kumatani"]
    assert citation.text.startswith("Chengyi Wang") and citation.text.endswith("2021.")


def test_markdown_list_with_links_gives_one_citation_per_item() -> None:
    text = ("Relevant work:\n\n"
            "1. [Combinatorial Optimization for Panoptic Segmentation: A Fully Differentiable "
            "Approach](https://dblp.org/rec/conf/nips/AbbasS21) — Ahmed Abbas, Paul Swoboda "
            "(NeurIPS 2021)\n"
            f"2. {ACUNA_BULLET[2:]}\n")
    entries = [c for c in extract(text) if c.kind == "reference"]
    assert [c.fields.title for c in entries] == [ABBAS.title, ACUNA.title]


def test_an_unparseable_numbered_entry_is_unverifiable_with_its_span() -> None:
    text = (f"References\n\n{ACUNA_NUMBERED}\n"
            "[2] ——, vol. 44, pp. 12–19, 2021, doi: n/a.\n")
    citations = extract(text)
    assert len(citations) == 2
    lost = citations[1]
    assert lost.problem is not None and text[lost.span[0]:lost.span[1]].startswith("——, vol. 44")
    result = decide(lost, [], default_venue_table(), Coverage(frozenset(), frozenset()))
    assert result.verdict == UNVERIFIABLE and result.reason == lost.problem


def test_texts_differing_by_a_hyphen_are_verified_apart() -> None:
    hyphen = parse_reference("A. Smith. In-Context Learning and Induction Heads. In ICML, 2022.")
    space = parse_reference("A. Smith. In Context Learning and Induction Heads. In ICML, 2022.")
    assert work_key(hyphen) != work_key(space)
    assert work_key(hyphen) == work_key(parse_reference(
        "A. Smith. In-Context Learning and Induction Heads. In ICML, 2022."))


def test_an_unclosed_bibtex_entry_does_not_swallow_the_next() -> None:
    text = ("@article{vaswani2017,\n  title = {Attention Is All You Need},\n"
            "  author = {Vaswani, Ashish},\n  year = {2017}\n"
            "@inproceedings{abbas21,\n  title = {" + ABBAS.title + "},\n"
            "  author = {Ahmed Abbas and Paul Swoboda},\n  booktitle = {NeurIPS},\n"
            "  year = {2021}\n}\n")
    citations = extract(text)
    assert [c.key for c in citations] == ["vaswani2017", "abbas21"]
    assert citations[1].fields.title == ABBAS.title


def test_summary_counts_works_and_mentions_apart() -> None:
    text = (f"Trained end to end [1], see also [1] and [2].\n\nReferences\n\n"
            f"[1] Ahmed Abbas and Paul Swoboda. {ABBAS.title}. In NeurIPS, 2021.\n"
            f"{ACUNA_NUMBERED.replace('[1]', '[2]')}\n")
    citations = extract(text)
    results = [CitationResult(c, VERIFIED, 0.9) for c in citations]
    summary = Report("<text>", IndexInfo("-", 0, "-"), results).summary
    assert summary["total"] == 2 and summary["verified"] == 2 and summary["mentions"] == 3


# One BibTeX entry as generated text writes it: well formed, unclosed, or with a broken value.
ENTRY = st.tuples(
    st.from_regex(r"[a-z]{3,8}20[0-2][0-9]", fullmatch=True),
    st.sampled_from([ABBAS.title, ACUNA.title, AGARWAL.title, "R{\\'e}sum{\\'e} of Things"]),
    st.sampled_from(["closed", "unclosed", "broken"]),
)


def render_entry(key: str, title: str, shape: str) -> str:
    body = f"@article{{{key},\n  title = {{{title}}},\n  author = {{Ahmed Abbas}},\n  year = {{2021}}"
    if shape == "closed":
        return body + "\n}\n"
    if shape == "unclosed":
        return body + "\n"
    return body.replace("title = {", "title = {{") + "\n}\n"


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(ENTRY, min_size=1, max_size=6, unique_by=lambda e: e[0]),
       st.sampled_from([VERIFIED, MISMATCH, NOT_FOUND, UNVERIFIABLE]))
def test_fix_writes_back_every_input_entry(entries: list[tuple[str, str, str]],
                                           verdict: str) -> None:
    text = "\n".join(render_entry(*entry) for entry in entries)
    results = [CitationResult(c, verdict if c.problem is None else UNVERIFIABLE, 0.9)
               for c in extract(text, format="bibtex")]
    fixed, changes = fix_text(text, Report("refs.bib", IndexInfo("-", 0, "-"), results))
    for key, _, _ in entries:
        assert f"{{{key}," in fixed  # every entry is still there, by its key
    assert fixed.count("@article") == len(entries)
    assert all(change.line >= 1 for change in changes)


def test_fix_reports_an_unparseable_entry_by_line_and_keeps_it_verbatim() -> None:
    text = "% refs\n\n@misc{broken\nnothing that parses here\n"
    citations = extract(text, format="bibtex")
    results = [CitationResult(c, UNVERIFIABLE, 0.5, reason=c.problem) for c in citations]
    fixed, changes = fix_text(text, Report("refs.bib", IndexInfo("-", 0, "-"), results))
    assert fixed == text
    assert [(c.action, c.line) for c in changes] == [("unparsed", 3)]


def test_accented_bare_initials_keep_every_vancouver_author() -> None:
    from citecheck.extract import extract

    text = ("1. Aziz H, Cseh Á, Dickerson JP, McElfresh DC. Optimal kidney exchange with "
            "immunosuppressants. AAAI. 2021.\n2. Roos D, Davis O, Eijkelboom F, Bronstein M, "
            "Welling M, Ceylan İİ, et al. Categorical flow maps. 2026.\n")
    first, second = [c for c in extract(text) if c.kind == "reference"]
    assert first.fields.authors == ["H. Aziz", "Á. Cseh", "J. P. Dickerson", "D. C. McElfresh"]
    assert second.fields.authors[-1] == "İ. İ. Ceylan" and second.fields.et_al


AKAGI = Record(id="r-akagi", title="Non-approximate Inference for Collective Graphical Models on "
               "Path Graphs via Discrete Difference of Convex Algorithm",
               authors=["Yasunori Akagi", "Naoki Marumo", "Hideaki Kim", "Takeshi Kurashima",
                        "Hiroyuki Toda"], year=2021, venue="NeurIPS 2021")


@pytest.mark.parametrize("text", [
    "Yasunori Akagi et al. (2023). MAP inference algorithms without approximation for collective "
    "graphical models on path graphs via discrete difference of convex algorithm. Mach. Learn..",
    "Akagi, Y., Marumo, N., Kim, H., Kurashima, T., & Toda, H. (2023). MAP inference algorithms "
    "without approximation for collective graphical models on path graphs via discrete "
    "difference of convex algorithm. *Mach. Learn.*. https://doi.org/10.1007/S10994-022-06275-9",
])
def test_a_reading_whose_title_swallows_the_venue_does_not_hide_the_journal_version(
        text: str) -> None:
    # The journal version of a NeurIPS paper, which the index lacks: the reading compared is
    # the one with the title closest to the record's, whose venue then differs too (another
    # version), not the one that reads "... algorithm. Mach. Learn" as the title.
    [citation] = [c for c in extract(text) if c.kind == "reference"]
    open_world = Coverage(frozenset(), frozenset())
    result = decide(citation, [Candidate(AKAGI, 1.0)], default_venue_table(), open_world,
                    today=date(2026, 12, 1))
    assert result.verdict == UNVERIFIABLE
    assert result.reason is not None and "similar title by the same authors" in result.reason
