"""References written as labelled fields (Markdown tables, "Title: ..." lines, JSON, RIS and
EndNote records, Wikipedia's citation templates) and titles named with their authors in prose
("*X* by A and B (ICLR 2018)").

Language models answer "list the key papers" in these forms as often as in a citation style;
before, none of them gave a citation at all. The records are real corpus records, in an
index declaring their venue-years complete, as the default index declares them.
"""

from __future__ import annotations

import json

import pytest

from citecheck import Verifier
from citecheck.extract import extract

from conftest import FIXTURES, complete_index_of, only_result

RECORDS = FIXTURES / "corpus" / "other_forms.jsonl"
TITLE = "Parameter Space Noise for Exploration"
AUTHORS = ["Matthias Plappert", "Rein Houthooft", "Prafulla Dhariwal", "Szymon Sidor",
           "Richard Y. Chen", "Xi Chen", "Tamim Asfour", "Pieter Abbeel", "Marcin Andrychowicz"]
BANDITS = "Batched Dueling Bandits"
BANDITS_AUTHORS = ["Arpit Agarwal", "Rohan Ghuge", "Viswanath Nagarajan"]


@pytest.fixture(scope="module")
def verifier(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    opened = complete_index_of(RECORDS, tmp_path_factory.mktemp("structured") / "index")
    yield opened
    opened.close()


def table(authors: list[str], title: str = TITLE) -> str:
    return ("Here are the papers you asked for:\n\n"
            "| # | Paper | Authors | Venue | Year |\n|:-:|:--|:--|:--|--:|\n"
            f"| 1 | **{title}** | {', '.join(authors)} | ICLR | 2018 |\n"
            f"| 2 | [{BANDITS}](https://proceedings.mlr.press/v162/agarwal22a.html) | "
            f"{' and '.join(BANDITS_AUTHORS)} | ICML | 2022 |\n\nBoth are worth reading.")


def labelled(authors: list[str], title: str = TITLE) -> str:
    return (f"1. **Title:** {title}\n   **Authors:** {', '.join(authors)}\n"
            "   **Venue:** ICLR, 2018\n")


def heading(authors: list[str], title: str = TITLE) -> str:
    return (f"Key papers:\n\n### 1. {title}\n- **Authors**: {', '.join(authors)}\n"
            "- **Year**: 2018\n- **Published in**: ICLR 2018\n\nIt adds noise to the weights.")


def yaml(authors: list[str], title: str = TITLE) -> str:
    return f'- title: "{title}"\n  authors: [{", ".join(authors)}]\n  year: 2018\n  venue: ICLR\n'


def json_answer(authors: list[str], title: str = TITLE) -> str:
    item = {"title": title, "authors": authors, "year": 2018, "venue": "ICLR"}
    return "```json\n" + json.dumps({"references": [item]}, indent=2) + "\n```"


def csl_json(authors: list[str], title: str = TITLE) -> str:
    # The authors come before the title, as {"given", "family"} objects.
    names = [{"given": " ".join(a.split()[:-1]), "family": a.split()[-1]} for a in authors]
    return json.dumps({"type": "paper-conference", "author": names, "title": title,
                       "container-title": "ICLR", "issued": {"date-parts": [[2018]]}})


def prose_by(authors: list[str], title: str = TITLE) -> str:
    return f"A good start is *{title}* by {', '.join(authors[:-1])} and {authors[-1]} (ICLR 2018)."


def linked_dash(authors: list[str], title: str = TITLE) -> str:
    return (f"1. [{title}](https://openreview.net/forum?id=ByBAl2eAZ) — {', '.join(authors)} "
            "(ICLR 2018)")


def venue_then_by(authors: list[str], title: str = TITLE) -> str:
    return f"- *{title}* (ICLR 2018) by {', '.join(authors[:-1])} and {authors[-1]}"


def ris(authors: list[str], title: str = TITLE) -> str:
    # A reference manager's export: one "AU" line an author, family name first.
    names = "".join(f"AU  - {a.split()[-1]}, {' '.join(a.split()[:-1])}\n" for a in authors)
    return (f"Here is the RIS export:\n\nTY  - CONF\nTI  - {title}\n{names}"
            "T2  - ICLR\nPY  - 2018\nER  - \n")


def endnote(authors: list[str], title: str = TITLE) -> str:
    # EndNote's refer export: "%A" lines, family name first, the record's lines together.
    names = "".join(f"%A {a.split()[-1]}, {' '.join(a.split()[:-1])}\n" for a in authors)
    return f"%0 Conference Proceedings\n{names}%T {title}\n%B ICLR\n%D 2018\n\nAnd more."


def wikipedia(authors: list[str], title: str = TITLE) -> str:
    # Wikipedia's citation template, numbered names, a wiki link in a value.
    names = "".join(f" |last{n}={a.split()[-1]} |first{n}={' '.join(a.split()[:-1])}"
                    for n, a in enumerate(authors, 1))
    return (f"Noise helps exploration.<ref>{{{{cite conference{names} |title={title} "
            "|conference=[[International Conference on Learning Representations|ICLR]] "
            "|date=April 2018}}</ref> It is used widely.")


FORMS = [table, labelled, heading, yaml, json_answer, csl_json, prose_by, linked_dash,
         venue_then_by, ris, endnote, wikipedia]


@pytest.mark.parametrize("form", FORMS)
def test_each_form_gives_the_fields_it_labels(form) -> None:  # type: ignore[no-untyped-def]
    citations = [c for c in extract(form(AUTHORS)) if c.fields.title == TITLE]
    assert len(citations) == 1
    fields = citations[0].fields
    assert (fields.authors, fields.year) == (AUTHORS, 2018)
    assert fields.venue is not None and fields.venue.startswith("ICLR")


@pytest.mark.parametrize("form", FORMS)
def test_a_real_work_in_each_form_is_verified(verifier: Verifier, form) -> None:  # type: ignore[no-untyped-def]
    results = [r for r in verifier.verify_text(form(AUTHORS)).results
               if r.citation.fields.title == TITLE]
    assert [r.verdict for r in results] == ["verified"], [(r.mismatches, r.reason)
                                                          for r in results]


@pytest.mark.parametrize("form", FORMS)
def test_a_wrong_author_in_each_form_is_a_mismatch(verifier: Verifier, form) -> None:  # type: ignore[no-untyped-def]
    wrong = [*AUTHORS[:3], "Percy Liang", *AUTHORS[4:]]
    (result,) = [r for r in verifier.verify_text(form(wrong)).results
                 if r.citation.fields.title == TITLE]
    assert result.verdict == "mismatch"
    assert [m.field for m in result.mismatches] == ["authors"]


@pytest.mark.parametrize("form", FORMS)
def test_an_invented_paper_at_a_listed_venue_year_is_not_found(verifier: Verifier, form) -> None:  # type: ignore[no-untyped-def]
    invented = "Spectral Token Routing for Sample-Efficient Exploration"
    (result,) = [r for r in verifier.verify_text(form(AUTHORS, invented)).results
                 if r.citation.fields.title == invented]
    assert result.verdict == "not_found"


def test_a_table_gives_one_citation_per_row_with_its_link() -> None:
    rows = [c for c in extract(table(AUTHORS)) if c.kind == "reference"]
    assert [c.fields.title for c in rows] == [TITLE, BANDITS]
    assert rows[1].fields.authors == BANDITS_AUTHORS
    assert rows[1].fields.url == "https://proceedings.mlr.press/v162/agarwal22a.html"
    assert rows[1].text.startswith("| 2 |")


def test_a_doi_link_label_is_the_citations_doi() -> None:
    text = heading(AUTHORS).replace(
        "\n\nIt", "\n- **Link**: https://doi.org/10.48550/arXiv.1706.01905\n\nIt")
    (citation,) = [c for c in extract(text) if c.kind == "reference"]
    assert (citation.fields.doi, citation.fields.arxiv) == ("10.48550/arxiv.1706.01905",
                                                            "1706.01905")


def test_the_doi_after_a_title_named_with_its_authors_is_part_of_it() -> None:
    text = prose_by(AUTHORS).rstrip(".") + ". https://doi.org/10.48550/arXiv.1706.01905"
    (citation,) = extract(text)
    assert citation.fields.doi == "10.48550/arxiv.1706.01905"
    assert citation.text.endswith("1706.01905")


def test_a_named_venue_in_the_brackets_is_kept_and_a_phrase_is_not() -> None:
    named = extract(f"See *{TITLE}* by Matthias Plappert et al. (J. Mach. Learn. Res. 2018).")
    phrase = extract(f"See *{TITLE}* by Matthias Plappert et al. (first published 2018).")
    assert [(c.fields.venue, c.fields.year) for c in named] == [("J. Mach. Learn. Res.", 2018)]
    assert [(c.fields.venue, c.fields.year) for c in phrase] == [(None, 2018)]
    assert named[0].fields.et_al and named[0].fields.authors == ["Matthias Plappert"]


def test_names_after_by_that_may_be_cut_short_are_not_taken_as_the_author_list(
        verifier: Verifier) -> None:
    # "y" joins the last two names in Spanish; the list after "by" stops before it. Taken
    # as the whole list, the first eight would read as an author left out.
    text = f'"{TITLE}" by {", ".join(AUTHORS[:-1])} y {AUTHORS[-1]} (ICLR 2018).'
    assert not any(c.fields.authors == AUTHORS[:-1] for c in extract(text))
    assert [r.verdict for r in verifier.verify_text(text).results] == ["verified"]


@pytest.mark.parametrize("text", [
    # A results table names no title column.
    "| Model | Accuracy | Year |\n|---|---|---|\n| ResNet-50 | 76.1 | 2016 |",
    # A title with nothing else labelled is a heading, not a reference.
    "Title: Notes on exploration\n\nWe add noise to the parameters.",
    # Labels of something else.
    "Name: Matthias Plappert\nRole: author\nYear: 2018",
    # JSON without a title, and broken JSON.
    '{"name": "ResNet", "year": 2016}',
    '{"title": "Parameter Space Noise for Exploration", "year": 20',
])
def test_other_labelled_text_is_no_citation(text: str) -> None:
    assert [c for c in extract(text) if c.kind == "reference"] == []


def test_a_labelled_title_line_is_not_also_read_as_a_reference_entry() -> None:
    citations = extract(labelled(AUTHORS) + "\n" + labelled(BANDITS_AUTHORS, BANDITS))
    assert [(c.kind, c.fields.title) for c in citations] == [("reference", TITLE),
                                                             ("reference", BANDITS)]


def test_only_result_in_a_json_answer(verifier: Verifier) -> None:
    assert only_result(verifier, json_answer(AUTHORS)).verdict == "verified"


def test_a_column_of_whole_references_is_read_entry_by_entry(verifier: Verifier) -> None:
    text = ("| # | Reference | Why it matters |\n|---|---|---|\n"
            f"| 1 | {', '.join(AUTHORS[:-1])}, and {AUTHORS[-1]}. {TITLE}. ICLR 2018. | noise |\n"
            f"| 2 | {', '.join(BANDITS_AUTHORS)} (2022). {BANDITS}. ICML. | bandits |\n")
    results = verifier.verify_text(text).results
    assert [(r.citation.fields.title, r.verdict) for r in results] == [
        (TITLE, "verified"), (BANDITS, "verified")]
    assert results[0].citation.fields.authors == AUTHORS


def test_names_before_the_title_in_a_title_column_are_its_authors(verifier: Verifier) -> None:
    text = (f"| Paper | Year |\n|---|---|\n| Plappert et al., {TITLE} | 2018 |\n"
            f"| Adversarial Cheap Talk | 2023 |\n")
    citations = extract(text)
    assert [(c.fields.title, c.fields.authors) for c in citations] == [
        (TITLE, ["Plappert"]), ("Adversarial Cheap Talk", [])]
    assert verifier.verify_text(text).results[0].verdict == "verified"


def test_a_table_ends_at_its_last_row() -> None:
    # The second table's heading and rule are no rows of the first.
    one = "| Title | Year |\n|---|---|\n| Parameter Space Noise for Exploration | 2018 |\n"
    two = "| Model | Accuracy |\n|---|---|\n| Batched Dueling Bandits Model | 2022 |\n"
    citations = extract(one + "\n" + two)
    assert [c.fields.title for c in citations] == [TITLE]


def test_a_name_suffix_does_not_end_the_names_after_by() -> None:
    # "Hruschka Jr., Tom M. Mitchell": the list goes on after the suffix's period.
    text = ('"Merging knowledge bases in different languages" — Jerónimo Hernández-González, '
            "Estevam R. Hruschka Jr., Tom M. Mitchell (TextGraphs-11, 2017)")
    (citation,) = extract(text)
    assert citation.fields.authors == ["Jerónimo Hernández-González", "Estevam R. Hruschka Jr.",
                                       "Tom M. Mitchell"]
    assert citation.fields.year == 2017


def test_an_html_table_is_read_as_a_markdown_table_is(verifier: Verifier) -> None:
    text = ("<p>Papers:</p>\n<table>\n  <tr><th>Title</th><th>Authors</th><th>Venue</th>"
            "<th>Year</th></tr>\n  <tr>\n    <td><i>" + TITLE + "</i></td>\n    <td>"
            + ", ".join(AUTHORS) + "</td><td>ICLR</td><td>2018</td>\n  </tr>\n  <tr><td>"
            + BANDITS + "</td><td>" + ", ".join(BANDITS_AUTHORS)
            + "</td><td>ICML</td><td>2022</td></tr>\n</table>\n<p>Both are worth reading.</p>")
    results = verifier.verify_text(text).results
    assert [(r.citation.fields.title, r.citation.fields.year, r.verdict) for r in results] == [
        (TITLE, 2018, "verified"), (BANDITS, 2022, "verified")]
    assert results[0].citation.text.startswith("<tr>") and BANDITS in results[1].citation.text
    # A table alone is HTML too.
    assert len(extract(text[text.index("<table>"):text.index("</table>")])) == 2


def test_a_nickname_does_not_end_the_names_after_a_dash() -> None:
    text = ("1. **Can an Image Classifier Suffice For Action Recognition?** — Quanfu Fan, "
            "Chun-Fu (Richard) Chen, Rameswar Panda (ICLR 2022)")
    (citation,) = extract(text)
    assert citation.fields.authors == ["Quanfu Fan", "Chun-Fu (Richard) Chen", "Rameswar Panda"]


def test_a_one_word_heading_over_labels_is_a_section_not_a_title() -> None:
    text = "## Sources\n- **Authors**: Matthias Plappert, Rein Houthooft\n- **Venue**: ICLR 2018"
    assert extract(text) == []


def test_a_ris_record_cut_short_by_the_next_one_is_not_read() -> None:
    broken = f"TY  - CONF\nTI  - {TITLE}\nAU  - Plappert, Matthias\n"
    whole = f"TY  - CONF\nTI  - {BANDITS}\nAU  - Agarwal, Arpit\nPY  - 2022\nER  - \n"
    assert [c.fields.title for c in extract(broken + whole)] == [BANDITS]


def test_more_authors_marked_in_a_template_or_a_refer_record_set_et_al() -> None:
    template = ("{{cite journal |last1=Plappert |first1=Matthias |display-authors=etal "
                f"|title={TITLE} |journal=ICLR |year=2018}}}}")
    refer = f"%A Plappert, Matthias\n%A et al.\n%T {TITLE}\n%D 2018\n"
    for text in (template, refer):
        (citation,) = extract(text)
        assert (citation.fields.authors, citation.fields.et_al) == (["Matthias Plappert"], True)


# --- Titles listed with an in-text cite, and lists led by one ---------------------------------

def listed(lead: str, title: str = TITLE) -> str:
    return f"Key papers:\n\n- {title} ({lead}, ICLR 2018)\n- and more to come.\n"


def led(lead: str, title: str = TITLE) -> str:
    return f"1. **{lead} (2018)** – *{title}*. ICLR.\n"


@pytest.mark.parametrize(("form", "missing_verdict"), [(listed, "unverifiable"), (led, "not_found")])
def test_a_title_listed_with_its_cite_is_checked(verifier: Verifier, form,  # type: ignore[no-untyped-def]
                                                 missing_verdict: str) -> None:
    (right,) = verifier.verify_text(form("Plappert et al.")).results
    assert (right.citation.fields.title, right.verdict) == (TITLE, "verified")
    (wrong,) = verifier.verify_text(form("Liang and Abbeel")).results
    assert wrong.verdict == "mismatch" and [m.field for m in wrong.mismatches] == ["authors"]
    # Unquoted words before an in-text cite may name a topic ("- Parameter Noise for Deep
    # Exploration (Plappert et al., ICLR 2018)"): a title no record has is not an accusation
    # there; after a lead of names and a date, the words are the title.
    invented = "Spectral Token Routing for Sample-Efficient Exploration"
    (missing,) = verifier.verify_text(form("Plappert et al.", invented)).results
    assert missing.verdict == missing_verdict
    # The cite itself is wrong when its author has no work there.
    (wrong_cite,) = verifier.verify_text(form("Liang et al.", invented)).results
    assert wrong_cite.verdict == "not_found"
    # A subtitle makes it a title either way.
    subtitled = "Spectral Token Routing: Sample-Efficient Exploration with Parameter Noise"
    (missing,) = verifier.verify_text(form("Plappert et al.", subtitled)).results
    assert missing.verdict == "not_found"


def test_a_lead_of_a_whole_reference_list_of_names_in_bold_is_read(verifier: Verifier) -> None:
    # "**Vaswani, A., Shazeer, N., ... & Polosukhin, I. (2017).** Attention is all you need."
    (result,) = verifier.verify_text(
        f"1. **Plappert, M., Houthooft, R., Dhariwal, P., ... & Andrychowicz, M. (2018).** "
        f"{TITLE}. *ICLR*.\n").results
    assert (result.citation.fields.title, result.verdict) == (TITLE, "verified")
    assert result.citation.fields.et_al
    (wrong,) = verifier.verify_text(
        f"1. **Plappert, M., Houthooft, R., & Levine, S. (2018).** {TITLE}. *ICLR*.\n").results
    assert wrong.verdict == "mismatch" and [m.field for m in wrong.mismatches] == ["authors"]


def test_a_claim_in_a_list_with_its_cite_is_no_title() -> None:
    # Sentence case: a claim and its in-text cite, not a title.
    citations = extract("- Parameter noise helps exploration in sparse tasks (Plappert et al., "
                        "2018)\n")
    assert [(c.kind, c.fields.title) for c in citations] == [("inline", None)]


def test_an_emphasised_title_with_a_year_is_not_read_as_names() -> None:
    (citation,) = extract("1. **Attention Is All You Need (2017)** – Vaswani et al. NeurIPS.\n")
    assert citation.fields.title.startswith("Attention Is All You Need")
    assert (citation.fields.authors, citation.fields.year) == (["Vaswani"], 2017)


@pytest.mark.parametrize("label", ["- Exploration by Parameter Noise (Plappert et al., ICLR 2018)\n",
                                   "**Exploration by Parameter Noise** (Plappert et al., ICLR 2018)"])
def test_a_topic_named_with_an_in_text_cite_is_no_accusation(verifier: Verifier,  # type: ignore[no-untyped-def]
                                                              label: str) -> None:
    results = verifier.verify_text(f"Key ideas:\n\n{label}").results
    assert results and not any(r.flagged for r in results), [(r.verdict, r.reason) for r in results]
    # The reason names the work the cite points to.
    assert any(TITLE in (r.reason or "") for r in results)


def test_a_refer_record_of_many_authors_is_one_record() -> None:
    names = "".join(f"%A Author{n}, Given\n" for n in range(150))
    (citation,) = extract(f"%0 Report\n{names}%T {TITLE}\n%D 2018\n")
    assert len(citation.fields.authors) == 150 and citation.fields.title == TITLE
