"""Renderings of one HALLMARK entry in the citation styles people and language models write."""

from __future__ import annotations

import html
import re
import sys
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from citecheck.records import family_name, split_bibtex_authors

# Words that stay lower case inside a title-cased or sentence-cased title.
_SMALL_WORDS = frozenset({"a", "an", "the", "and", "or", "but", "of", "for", "in", "on", "at",
                          "to", "by", "with", "via", "from", "as", "vs"})


class Work:
    """The parts of a HALLMARK ``fields`` dict that citation styles print."""

    def __init__(self, fields: dict[str, str]) -> None:
        names = split_bibtex_authors(fields.get("author", ""))
        # BibTeX "and others" is printed as "et al." by every style.
        self.et_al = bool(names) and names[-1] == "et al."
        self.authors = [n for n in names if n != "et al."]
        title = html.unescape(fields.get("title", "")).replace("{", "").replace("}", "")
        self.title = " ".join(title.split())
        self.year = str(fields.get("year", "") or "").strip()
        self.venue = (fields.get("booktitle") or fields.get("journal") or "").strip()
        self.is_journal = bool(fields.get("journal")) and not fields.get("booktitle")
        self.doi = (fields.get("doi") or "").strip()
        self.url = (fields.get("url") or "").strip()

    @property
    def link(self) -> str:
        return f"https://doi.org/{self.doi}" if self.doi else self.url


def _split(name: str) -> tuple[list[str], str]:
    """(given names, family name) of a display name."""
    family = family_name(name)
    given = name[: len(name) - len(family)].split() if name.endswith(family) else name.split()[:-1]
    return given, family


def _initial(given: str, dotted: bool = True) -> str:
    """"Jean-Pierre" -> "J.-P."; "S." -> "S."; dotless for Vancouver ("JP")."""
    parts = [p for p in given.split("-") if p]
    if dotted:
        return "-".join(p[0].upper() + "." for p in parts)
    return "".join(p[0].upper() for p in parts)


def initials_first(name: str) -> str:
    """"Matthew S. Brennan" -> "M. S. Brennan" (IEEE)."""
    given, family = _split(name)
    return " ".join([*(_initial(g) for g in given), family])


def family_initials(name: str, space: str = " ") -> str:
    """"Matthew S. Brennan" -> "Brennan, M. S." (APA, Nature; LNCS without spaces)."""
    given, family = _split(name)
    initials = space.join(_initial(g) for g in given)
    return f"{family}, {initials}" if initials else family


def family_given(name: str) -> str:
    """"Matthew S. Brennan" -> "Brennan, Matthew S." (MLA, Chicago first author)."""
    given, family = _split(name)
    return f"{family}, {' '.join(given)}" if given else family


def vancouver_name(name: str) -> str:
    """"Matthew S. Brennan" -> "Brennan MS"."""
    given, family = _split(name)
    initials = "".join(_initial(g, dotted=False) for g in given)
    return f"{family} {initials}".strip()


def join_names(names: list[str], last: str = ", and ", pair: str = " and ") -> str:
    if len(names) <= 1:
        return "".join(names)
    if len(names) == 2:
        return names[0] + pair + names[1]
    return ", ".join(names[:-1]) + last + names[-1]


def sentence_case(title: str) -> str:
    """APA and Vancouver article titles: first word and words after a colon capitalised;
    acronyms and words with inner capitals ("BERT", "ImageNet") kept."""
    words = title.split(" ")
    out = []
    capitalise = True
    for word in words:
        keep = word[1:] != word[1:].lower() or (word.isupper() and len(word) > 1)
        if keep:
            out.append(word)
        elif capitalise:
            out.append(word[:1].upper() + word[1:].lower())
        else:
            out.append(word.lower())
        capitalise = word.endswith((":", "?", "!", "."))
    return " ".join(out)


def _end(text: str) -> str:
    """``text`` with one final period ("... Work?" keeps its question mark)."""
    return text if text.endswith((".", "?", "!")) else text + "."


def apa7(fields: dict[str, str]) -> str:
    """Abbas, A., & Swoboda, P. (2021). Combinatorial optimization .... *NeurIPS*. https://..."""
    work = Work(fields)
    names = [family_initials(n) for n in work.authors]
    if len(names) > 20:  # APA 7: the first 19, an ellipsis, the last
        listed = ", ".join(names[:19]) + ", . . . " + names[-1]
    elif work.et_al:
        listed = ", ".join(names) + ", et al."
    else:
        listed = join_names(names, last=", & ", pair=", & ")
    ref = f"{listed} ({work.year or 'n.d.'}). {_end(sentence_case(work.title))}"
    if work.venue:
        ref += f" *{work.venue}*."
    if work.link:
        ref += f" {work.link}"
    return ref


def mla_names(work: Work) -> str:
    """"Abbas, Ahmed, and Paul Swoboda." and, past two names, "Abbas, Ahmed, et al." (MLA)."""
    authors = work.authors
    if len(authors) >= 3 or (work.et_al and authors):
        return family_given(authors[0]) + ", et al."
    if len(authors) == 2:
        return f"{family_given(authors[0])}, and {authors[1]}."
    return _end(family_given(authors[0])) if authors else ""


def mla9(fields: dict[str, str]) -> str:
    """Abbas, Ahmed, and Paul Swoboda. "Combinatorial Optimization ...." *NeurIPS*, 2021."""
    work = Work(fields)
    listed = mla_names(work)
    ref = f"{listed} \u201c{_end(work.title)}\u201d"
    ref += f" *{work.venue}*, {work.year}." if work.venue else f" {work.year}."
    if work.doi:
        ref += f" https://doi.org/{work.doi}."
    return ref.strip()


def chicago_author_date(fields: dict[str, str]) -> str:
    """Abbas, Ahmed, and Paul Swoboda. 2021. "Combinatorial ...." In *NeurIPS*."""
    work = Work(fields)
    authors = work.authors
    if len(authors) > 10:  # Chicago 17: more than ten authors, the first seven and et al.
        names = [family_given(authors[0]), *authors[1:7]]
        listed = ", ".join(names) + ", et al."
    else:
        names = [family_given(authors[0]), *authors[1:]] if authors else []
        listed = join_names(names, pair=", and ") + (", et al." if work.et_al else "")
    ref = f"{_end(listed)} {work.year}. \u201c{_end(work.title)}\u201d"
    if work.venue:
        ref += f" {'' if work.is_journal else 'In '}*{work.venue}*."
    if work.link:
        ref += f" {work.link}."
    return ref


def harvard(fields: dict[str, str]) -> str:
    """Abbas, A. and Swoboda, P. (2021) 'Combinatorial ...', *NeurIPS*. Available at: URL."""
    work = Work(fields)
    names = [family_initials(n, space="") for n in work.authors]
    if len(names) >= 4 or work.et_al:
        listed = f"{names[0]} et al." if names else ""
    else:
        listed = join_names(names, last=" and ")
    ref = f"{listed} ({work.year}) \u2018{work.title}\u2019"
    ref += f", *{work.venue}*." if work.venue else "."
    if work.link:
        ref += f" Available at: {work.link}."
    return ref


def ieee(fields: dict[str, str]) -> str:
    """[1] A. Abbas and P. Swoboda, "Combinatorial ...," in *Proc. NeurIPS*, 2021."""
    work = Work(fields)
    names = [initials_first(n) for n in work.authors]
    # IEEE: more than six authors, the first and et al.
    many = (len(names) > 6 or work.et_al) and bool(names)
    listed = f"{names[0]} et al." if many else join_names(names)
    ref = f"[1] {listed}, \u201c{work.title},\u201d"
    if work.venue:
        ref += f" {'' if work.is_journal else 'in '}*{'' if work.is_journal else 'Proc. '}" \
               f"{work.venue}*,"
    ref += f" {work.year}."
    if work.doi:
        ref += f" doi: {work.doi}."
    return ref


def acm(fields: dict[str, str]) -> str:
    """Ahmed Abbas and Paul Swoboda. 2021. Combinatorial .... In *NeurIPS*. https://doi.org/..."""
    work = Work(fields)
    listed = join_names(work.authors) + (" et al." if work.et_al else "")
    ref = f"{_end(listed)} {work.year}. {_end(work.title)}"
    if work.venue:
        ref += f" {'' if work.is_journal else 'In '}*{work.venue}*."
    if work.link:
        ref += f" {work.link}"
    return ref


def vancouver(fields: dict[str, str]) -> str:
    """1. Abbas A, Swoboda P. Combinatorial optimization .... NeurIPS. 2021."""
    work = Work(fields)
    names = [vancouver_name(n) for n in work.authors]
    listed = ", ".join(names[:6]) + (", et al." if len(names) > 6 or work.et_al else ".")
    ref = f"1. {listed} {_end(sentence_case(work.title))}"
    if work.venue:
        ref += f" {work.venue}."
    ref += f" {work.year}."
    if work.doi:
        ref += f" doi:{work.doi}"
    return ref


def nature(fields: dict[str, str]) -> str:
    """1. Abbas, A. & Swoboda, P. Combinatorial .... *NeurIPS* (2021)."""
    work = Work(fields)
    names = [family_initials(n) for n in work.authors]
    if len(names) > 5 or work.et_al:  # Nature: more than five authors, the first and et al.
        listed = f"{names[0]} et al." if names else ""
    else:
        listed = join_names(names, last=" & ", pair=" & ")
    ref = f"1. {listed} {_end(work.title)}"
    ref += f" *{work.venue}* ({work.year})." if work.venue else f" ({work.year})."
    if work.doi:
        ref += f" https://doi.org/{work.doi}"
    return ref


def springer_lncs(fields: dict[str, str]) -> str:
    """1. Abbas, A., Swoboda, P.: Combinatorial .... In: NeurIPS (2021)"""
    work = Work(fields)
    names = [family_initials(n, space="") for n in work.authors]
    listed = ", ".join(names) + (", et al." if work.et_al else "")
    ref = f"1. {listed}: {_end(work.title)}"
    ref += f" {'' if work.is_journal else 'In: '}{work.venue} ({work.year})" if work.venue \
        else f" ({work.year})"
    if work.doi:
        ref += f". https://doi.org/{work.doi}"
    return ref


def llm_family_bullets(fields: dict[str, str]) -> str:
    """- Abbas and Swoboda (2021). *Combinatorial ...*. NeurIPS."""
    work = Work(fields)
    families = [family_name(n) for n in work.authors]
    listed = join_names(families, last=" and ") + (" et al." if work.et_al else "")
    ref = f"- {listed} ({work.year}). *{work.title}*."
    if work.venue:
        ref += f" {work.venue}."
    return ref


def et_al_short(fields: dict[str, str]) -> str:
    """Ahmed Abbas et al. (2021). Combinatorial .... NeurIPS. (et al. after the first author
    when there are three or more, as language models often write it)."""
    work = Work(fields)
    authors = work.authors
    many = (len(authors) >= 3 or work.et_al) and bool(authors)
    listed = f"{authors[0]} et al." if many else " and ".join(authors)
    ref = f"{listed} ({work.year}). {_end(work.title)}"
    if work.venue:
        ref += f" {work.venue}."
    return ref


def markdown_links(fields: dict[str, str]) -> str:
    """A short Markdown answer whose reference list links the title."""
    work = Work(fields)
    listed = ", ".join(work.authors) + (" et al." if work.et_al else "")
    title = f"[{work.title}]({work.link})" if work.link else f"**{work.title}**"
    venue = f"{work.venue} {work.year}" if work.venue else work.year
    return ("Here is a work that is relevant to your question:\n\n"
            f"1. {title} — {listed} ({venue})\n")


def html_list(fields: dict[str, str]) -> str:
    """An HTML ordered list with an italic title and a link."""
    work = Work(fields)
    listed = html.escape(join_names(work.authors) + (" et al." if work.et_al else ""))
    title = f"<i>{html.escape(work.title)}</i>"
    if work.link:
        title = f'<a href="{html.escape(work.link)}">{title}</a>'
    venue = f" In {html.escape(work.venue)}," if work.venue else ""
    return ("<p>References</p>\n<ol>\n"
            f"  <li>{_end(listed)} {title}.{venue} {work.year}.</li>\n</ol>\n")


def doi_url(fields: dict[str, str]) -> str:
    """Ahmed Abbas, Paul Swoboda: Combinatorial .... NeurIPS 2021. doi:10... / URL."""
    work = Work(fields)
    listed = ", ".join(work.authors) + (" et al." if work.et_al else "")
    ref = f"{listed}: {_end(work.title)}"
    ref += f" {work.venue} {work.year}." if work.venue else f" {work.year}."
    if work.doi:
        ref += f" doi:{work.doi}"
    elif work.url:
        ref += f" URL: {work.url}"
    return ref


# Styles added in the eighth session, after the 14 above: their failures (no citation found
# in title-first entries and quoted titles in prose) were read while fixing the parser.


def latex_bibitem(fields: dict[str, str]) -> str:
    """\\bibitem{key} A.~Abbas and P.~Swoboda. \\newblock Combinatorial .... \\newblock In
    {\\em NeurIPS}, 2021. (natbib's plain style, as LaTeX answers write it)"""
    work = Work(fields)
    names = [initials_first(n).replace(". ", ".~") for n in work.authors]
    listed = join_names(names) + (" et~al." if work.et_al else "")
    ref = f"\\bibitem{{ref1}}\n{_end(listed)}\n\\newblock {_end(work.title)}\n"
    ref += f"\\newblock In {{\\em {work.venue}}}, {work.year}." if work.venue \
        else f"\\newblock {work.year}."
    return ref


def chicago_notes(fields: dict[str, str]) -> str:
    """Abbas, Ahmed, and Paul Swoboda. "Combinatorial ...." In *NeurIPS*, 2021. (Chicago
    notes and bibliography: the year last)"""
    work = Work(fields)
    authors = work.authors
    names = [family_given(authors[0]), *authors[1:]] if authors else []
    listed = join_names(names, pair=", and ") + (", et al." if work.et_al else "")
    ref = f"{_end(listed)} \u201c{_end(work.title)}\u201d"
    if work.venue:
        ref += f" {'' if work.is_journal else 'In '}*{work.venue}*, {work.year}."
    else:
        ref += f" {work.year}."
    if work.link:
        ref += f" {work.link}."
    return ref


def acs(fields: dict[str, str]) -> str:
    """Abbas, A.; Swoboda, P. Combinatorial .... In *NeurIPS*; 2021. (ACS: semicolons)"""
    work = Work(fields)
    listed = "; ".join(family_initials(n) for n in work.authors) + ("; et al." if work.et_al
                                                                     else "")
    ref = f"{_end(listed)} {_end(work.title)}"
    ref += f" In *{work.venue}*; {work.year}." if work.venue else f" {work.year}."
    if work.doi:
        ref += f" DOI: {work.doi}."
    return ref


def elsevier_harvard(fields: dict[str, str]) -> str:
    """Abbas, A., Swoboda, P., 2021. Combinatorial ..., in: NeurIPS. (Elsevier's Harvard)"""
    work = Work(fields)
    listed = ", ".join(family_initials(n, space="") for n in work.authors) + (
        ", et al." if work.et_al else "")
    ref = f"{listed}, {work.year}. {work.title}"
    ref += f", in: {work.venue}." if work.venue else "."
    if work.link:
        ref += f" {work.link}"
    return ref


def ama(fields: dict[str, str]) -> str:
    """Abbas A, Swoboda P. Combinatorial optimization .... *NeurIPS*. 2021. (AMA: the first
    three and et al. past six authors)"""
    work = Work(fields)
    names = [vancouver_name(n) for n in work.authors]
    many = len(names) > 6 or work.et_al
    listed = ", ".join(names[:3]) + ", et al." if many else ", ".join(names) + "."
    ref = f"{listed} {_end(sentence_case(work.title))}"
    if work.venue:
        ref += f" *{work.venue}*."
    ref += f" {work.year}."
    if work.doi:
        ref += f" doi:{work.doi}"
    return ref


def gbt_name(name: str) -> str:
    """"Matthew S. Brennan" -> "BRENNAN M S" (GB/T 7714: family name in capitals)."""
    given, family = _split(name)
    initials = " ".join(part[0] for g in given for part in g.split("-") if part)
    return f"{family.upper()} {initials}".strip()


def gbt7714(fields: dict[str, str]) -> str:
    """[1] ABBAS A, SWOBODA P. Combinatorial optimization ...[C]//NeurIPS. 2021. (GB/T 7714,
    the Chinese national standard: three names, then "et al."; the document type after the
    title, "//" before the volume that holds it)"""
    work = Work(fields)
    names = [gbt_name(n) for n in work.authors]
    many = len(names) > 3 or work.et_al
    listed = ", ".join(names[:3]) + (", et al." if many else ".")
    title = sentence_case(work.title).rstrip(".")
    if not work.venue:
        ref = f"[1] {listed} {title}[EB/OL]. {work.year}."
    elif work.is_journal:
        ref = f"[1] {listed} {title}[J]. {work.venue}, {work.year}."
    else:
        ref = f"[1] {listed} {title}[C]//{work.venue}. {work.year}."
    if work.doi:
        ref += f" DOI:{work.doi}."
    return ref


def iso690(fields: dict[str, str]) -> str:
    """ABBAS, Ahmed and SWOBODA, Paul. Combinatorial .... In: *NeurIPS*. 2021. (ISO 690:
    family names in capitals, every name inverted)"""
    work = Work(fields)
    names = []
    for name in work.authors:
        given, family = _split(name)
        names.append(f"{family.upper()}, {' '.join(given)}" if given else family.upper())
    listed = join_names(names, last=" and ") + (" et al." if work.et_al else "")
    ref = f"{_end(listed)} {_end(work.title)}"
    if work.venue:
        ref += f" In: *{work.venue}*." if not work.is_journal else f" *{work.venue}*."
    ref += f" {work.year}."
    if work.doi:
        ref += f" DOI {work.doi}."
    return ref


def wikipedia_cite(fields: dict[str, str]) -> str:
    """{{cite conference |last1=Abbas |first1=Ahmed |title=... |conference=NeurIPS |year=2021}}
    (Wikipedia's citation templates, as a model writing wiki text cites)"""
    work = Work(fields)
    parts = ["cite journal" if work.is_journal else "cite conference"]
    for number, name in enumerate(work.authors, 1):
        given, family = _split(name)
        parts += [f"last{number}={family}", f"first{number}={' '.join(given)}"]
    if work.et_al:
        parts.append("display-authors=etal")
    parts.append(f"title={work.title}")
    if work.venue:
        parts.append(f"{'journal' if work.is_journal else 'conference'}={work.venue}")
    parts.append(f"year={work.year}")
    if work.doi:
        parts.append(f"doi={work.doi}")
    return "{{" + " |".join(parts) + "}}"


def endnote_refer(fields: dict[str, str]) -> str:
    """%0 Conference Proceedings / %A Abbas, Ahmed / %T ... / %B NeurIPS / %D 2021 (EndNote's
    refer export)"""
    work = Work(fields)
    lines = ["%0 Journal Article" if work.is_journal else "%0 Conference Proceedings"]
    lines += [f"%A {family_given(name)}" for name in work.authors]
    if work.et_al:
        lines.append("%A et al.")
    lines.append(f"%T {work.title}")
    if work.venue:
        lines.append(f"%{'J' if work.is_journal else 'B'} {work.venue}")
    lines.append(f"%D {work.year}")
    if work.doi:
        lines.append(f"%R {work.doi}")
    return "\n".join(lines)


def family_names(work: Work) -> str:
    """"Abbas et al." past two authors, "Abbas and Swoboda", "Abbas": how in-text cites and
    language models' lists name the authors."""
    families = [_split(name)[1] for name in work.authors]
    if len(families) > 2 or (work.et_al and families):
        return f"{families[0]} et al."
    return " and ".join(families)


def title_author_paren(fields: dict[str, str]) -> str:
    """- Combinatorial Optimization ... (Abbas and Swoboda, NeurIPS 2021) (a language model's
    list of titles, each with an in-text cite)"""
    work = Work(fields)
    # A short venue is named with the year ("NeurIPS 2021"); a long one is left out.
    venue = work.venue if work.venue.endswith(work.year) else f"{work.venue} {work.year}"
    short = work.venue and len(venue.split()) <= 3 and "(" not in venue
    date = venue if short else work.year
    return f"Key papers:\n\n- {work.title.rstrip('.')} ({family_names(work)}, {date})\n"


def bold_author_date(fields: dict[str, str]) -> str:
    """1. **Abbas and Swoboda (2021)** – *Combinatorial Optimization ...*. NeurIPS. (a
    language model's list led by the in-text cite)"""
    work = Work(fields)
    ref = f"1. **{family_names(work)} ({work.year})** – *{work.title.rstrip('.')}*."
    return ref + (f" {work.venue}." if work.venue else "")


# Google Scholar's "Cite" exports (added in the twelfth session): what users paste most. Scholar
# prints a title in lower case past its first letter and a subtitle's ("Bert: Pre-training
# ..."), a venue by its long name in lower case too, prints no DOI, and cuts an author list
# it stores at eleven names, with no "et al." in Harvard and Vancouver.
SCHOLAR_NAMES = 11
# venue: (Scholar's name, publisher, month); "{year}" and "{ordinal}" are filled in.
_SCHOLAR_VENUES: dict[str, tuple[str, str, str]] = {
    "ICML": ("International conference on machine learning", "PMLR", "July"),
    "ICLR": ("International conference on learning representations", "", ""),
    "CVPR": ("Proceedings of the IEEE/CVF conference on computer vision and pattern "
             "recognition", "", "June"),
    "ICCV": ("Proceedings of the IEEE/CVF international conference on computer vision", "",
             "October"),
    "ECCV": ("European conference on computer vision", "Cham: Springer Nature Switzerland",
             "August"),
    "AAAI": ("Proceedings of the AAAI conference on artificial intelligence", "", ""),
    "IJCAI": ("International joint conference on artificial intelligence", "", ""),
    "AISTATS": ("International conference on artificial intelligence and statistics", "PMLR",
                ""),
    "UAI": ("Uncertainty in artificial intelligence", "PMLR", ""),
    "COLT": ("Conference on learning theory", "PMLR", ""),
    "WACV": ("Proceedings of the IEEE/CVF winter conference on applications of computer "
             "vision", "", ""),
    "IROS": ("{year} IEEE/RSJ international conference on intelligent robots and systems "
             "(IROS)", "IEEE", "October"),
    "ICRA": ("{year} IEEE international conference on robotics and automation (ICRA)", "IEEE",
             "May"),
    "ACL": ("Proceedings of the {ordinal} annual meeting of the association for computational "
            "linguistics", "", "July"),
    "EMNLP": ("Proceedings of the {year} conference on empirical methods in natural language "
              "processing (EMNLP)", "", "November"),
    "NAACL": ("Proceedings of the {year} conference of the North American chapter of the "
              "association for computational linguistics: human language technologies", "",
              "June"),
    "KDD": ("Proceedings of the {kdd} ACM SIGKDD international conference on knowledge "
            "discovery & data mining", "", "August"),
}
_SCHOLAR_JOURNALS = {"Mach. Learn.": "Machine learning",
                     "J. Mach. Learn. Res.": "Journal of machine learning research",
                     "JMLR": "Journal of machine learning research",
                     "Trans. Mach. Learn. Res.": "Transactions on machine learning research",
                     "TMLR": "Transactions on machine learning research"}
# NeurIPS is cited as a journal: volume N holds the papers of 1987 + N.
_NEURIPS = ("Advances in neural information processing systems", 1987)


def _ordinal(number: int) -> str:
    suffix = "th" if 10 <= number % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(number % 10,
                                                                                  "th")
    return f"{number}{suffix}"


def scholar_case(text: str) -> str:
    """"BERT: Pre-Training of Deep ..." -> "Bert: Pre-training of deep ..." (Scholar's case)."""
    lowered = text[:1].upper() + text[1:].lower()
    return re.sub(r"(: )([a-z])", lambda m: m.group(1) + m.group(2).upper(), lowered)


class ScholarVenue:
    """Where Scholar says a work appeared: a proceedings, a journal and volume, or arXiv."""

    def __init__(self, work: Work, fields: dict[str, str]) -> None:
        short = re.sub(r"\s+\d{4}$", "", work.venue)
        year = int(work.year) if work.year.isdigit() else 0
        self.name, self.publisher, self.month, self.volume = work.venue, "", "", ""
        self.is_journal = work.is_journal
        arxiv = fields.get("arxiv") or re.sub(r"(?i)^10\.48550/arxiv\.", "", work.doi)
        if short.lower().startswith("arxiv"):
            self.name = f"arXiv preprint arXiv:{arxiv}" if re.match(r"\d{4}\.\d", arxiv) \
                else "arXiv preprint"
            self.is_journal = True
        elif short in ("NeurIPS", "NIPS") and year:
            self.name, self.volume = _NEURIPS[0], str(year - _NEURIPS[1])
            self.is_journal = True
        elif short in _SCHOLAR_VENUES:
            name, self.publisher, self.month = _SCHOLAR_VENUES[short]
            self.name = name.format(year=year, ordinal=_ordinal(year - 1962),
                                    kdd=_ordinal(year - 1994))
        elif short in _SCHOLAR_JOURNALS:
            self.name, self.is_journal = _SCHOLAR_JOURNALS[short], True
        else:
            self.name = short
        self.named = bool(work.venue)

    def date(self, year: str) -> str:
        """"2021, July" where Scholar knows the month."""
        return f"{year}, {self.month}" if self.month else year

    def after_title(self) -> str:
        """APA and Harvard: " In Venue. PMLR." or a journal's " Venue, 35."."""
        if self.is_journal:
            return f" {self.name}" + (f", {self.volume}." if self.volume else ".")
        if not self.named:
            return ""
        return f" In {self.name}." + (f" {self.publisher}." if self.publisher else "")

    def with_year(self, year: str, lead: str = "") -> str:
        """MLA and Chicago: " [In ]Venue. PMLR, 2021." or a journal's " Venue 35 (2021)."."""
        if self.is_journal:
            return f" {self.name}{' ' + self.volume if self.volume else ''} ({year})."
        if not self.named:
            return f" ({year})."
        return f" {lead}{self.name}. {self.publisher + ', ' if self.publisher else ''}{year}."


def _scholar_parts(fields: dict[str, str]) -> tuple[Work, ScholarVenue, str]:
    work = Work(fields)
    return work, ScholarVenue(work, fields), scholar_case(work.title).rstrip(".")


def scholar_apa(fields: dict[str, str]) -> str:
    """Abbas, A., & Swoboda, P. (2021, July). Combinatorial optimization .... In
    International conference on machine learning. PMLR. (Scholar's APA: past seven names, the
    first six, an ellipsis and the last)"""
    work, venue, title = _scholar_parts(fields)
    names = [family_initials(n) for n in work.authors]
    if len(names) > 7:
        listed = ", ".join(names[:6]) + ", ... & " + names[-1]
    else:
        listed = join_names(names, last=", & ", pair=", & ")
    return f"{listed} ({venue.date(work.year)}). {title}.{venue.after_title()}"


def scholar_mla(fields: dict[str, str]) -> str:
    """Abbas, Ahmed, and Paul Swoboda. "Combinatorial optimization ...." Advances in neural
    information processing systems 34 (2021). (Scholar's MLA: past two names, "et al.")"""
    work, venue, title = _scholar_parts(fields)
    listed = mla_names(work)
    return f'{listed} "{title}."{venue.with_year(work.year)}'


def scholar_chicago(fields: dict[str, str]) -> str:
    """Abbas, Ahmed, and Paul Swoboda. "Combinatorial optimization ...." In International
    conference on machine learning. PMLR, 2021. (Scholar's Chicago: past ten names, the
    first seven and "et al.")"""
    work, venue, title = _scholar_parts(fields)
    authors = work.authors
    names = [family_given(authors[0]), *authors[1:]] if authors else []
    many = len(names) > 10
    listed = ", ".join(names[:7]) + " et al." if many else _end(join_names(names, pair=", and "))
    return f'{listed} "{title}."{venue.with_year(work.year, lead="In ")}'


def scholar_harvard(fields: dict[str, str]) -> str:
    """Abbas, A. and Swoboda, P., 2021, July. Combinatorial optimization .... In International
    conference on machine learning. PMLR. (Scholar's Harvard: eleven names at most, no "et
    al.")"""
    work, venue, title = _scholar_parts(fields)
    names = [family_initials(n, space="") for n in work.authors[:SCHOLAR_NAMES]]
    listed = join_names(names, last=" and ")
    return f"{listed}, {venue.date(work.year)}. {title}.{venue.after_title()}"


def scholar_vancouver(fields: dict[str, str]) -> str:
    """Abbas A, Swoboda P. Combinatorial optimization .... InInternational conference on machine
    learning 2021 Jul 1. PMLR. (Scholar's Vancouver: eleven names at most, "In" glued to a
    proceedings' name)"""
    work, venue, title = _scholar_parts(fields)
    listed = ", ".join(vancouver_name(n) for n in work.authors[:SCHOLAR_NAMES])
    ref = f"{listed}. {title}."
    if venue.is_journal:
        ref += f" {venue.name}. {work.year}" + (f";{venue.volume}." if venue.volume else ".")
    elif work.venue:
        date = f"{work.year} {venue.month[:3]} 1" if venue.month else work.year
        ref += f" In{venue.name} {date}." + (f" {venue.publisher}." if venue.publisher else "")
    else:
        ref += f" {work.year}."
    return ref


def llm_dash_quote(fields: dict[str, str]) -> str:
    """- Ahmed Abbas & Paul Swoboda, "Combinatorial ...", NeurIPS 2021."""
    work = Work(fields)
    listed = join_names(work.authors, last=" & ", pair=" & ") + (" et al." if work.et_al else "")
    venue = f"{work.venue} " if work.venue else ""
    return f'- {listed}, "{work.title}", {venue}{work.year}.'


def title_first(fields: dict[str, str]) -> str:
    """Combinatorial .... Ahmed Abbas and Paul Swoboda. NeurIPS, 2021."""
    work = Work(fields)
    listed = join_names(work.authors) + (" et al." if work.et_al else "")
    ref = f"{_end(work.title)} {_end(listed)} "
    return ref + (f"{work.venue}, {work.year}." if work.venue else f"{work.year}.")


def llm_title_first_bold(fields: dict[str, str]) -> str:
    """1. **Combinatorial ...** (2021). Ahmed Abbas, Paul Swoboda. *NeurIPS*."""
    work = Work(fields)
    listed = ", ".join(work.authors) + (" et al." if work.et_al else "")
    ref = f"1. **{work.title}** ({work.year}). {_end(listed)}"
    return ref + (f" *{work.venue}*." if work.venue else "")


def prose_quoted_title(fields: dict[str, str]) -> str:
    """Abbas and Swoboda introduced this in "Combinatorial ..." (NeurIPS 2021). (A quoted
    title in a sentence: the authors' family names before it are not part of the citation)"""
    work = Work(fields)
    families = [family_name(n) for n in work.authors]
    who = f"{families[0]} et al." if len(families) >= 3 or work.et_al else " and ".join(families)
    date = f"{work.venue} {work.year}" if work.venue else work.year
    return f'{who} introduced this in "{work.title}" ({date}), which is widely cited.'

def markdown_table(fields: dict[str, str]) -> str:
    """| Title | Authors | Venue | Year | DOI | (an LLM's table of papers, one row each)"""
    work = Work(fields)
    listed = ", ".join(work.authors) + (" et al." if work.et_al else "")
    return ("| Title | Authors | Venue | Year | DOI |\n|---|---|---|---|---|\n"
            f"| {work.title} | {listed} | {work.venue} | {work.year} | {work.doi} |")


def labelled_fields(fields: dict[str, str]) -> str:
    """1. **Title:** Combinatorial ... / **Authors:** Ahmed Abbas, ... / **Venue:** NeurIPS,
    2021 (a list item of labelled lines)"""
    work = Work(fields)
    listed = ", ".join(work.authors) + (" et al." if work.et_al else "")
    lines = [f"1. **Title:** {work.title}", f"   **Authors:** {listed}",
             f"   **Venue:** {work.venue}, {work.year}" if work.venue else f"   **Year:** {work.year}"]
    if work.doi:
        lines.append(f"   **DOI:** {work.doi}")
    return "\n".join(lines)


def heading_labels(fields: dict[str, str]) -> str:
    """### Combinatorial ... / - **Authors**: ... / - **Year**: 2021 / - **Venue**: NeurIPS
    (the title as a heading, its fields as labelled bullets under it)"""
    work = Work(fields)
    listed = ", ".join(work.authors) + (" et al." if work.et_al else "")
    lines = ["Key papers:", "", f"### {work.title}", f"- **Authors**: {listed}",
             f"- **Year**: {work.year}"]
    if work.venue:
        lines.append(f"- **Venue**: {work.venue}")
    if work.link:
        lines.append(f"- **Link**: {work.link}")
    return "\n".join(lines)


def json_list(fields: dict[str, str]) -> str:
    """```json [{"title": ..., "authors": [...], "year": 2021, "venue": ...}] ``` (structured
    output)"""
    import json

    work = Work(fields)
    item: dict[str, object] = {"title": work.title,
                               "authors": work.authors + (["et al."] if work.et_al else []),
                               "year": int(work.year) if work.year.isdigit() else work.year}
    if work.venue:
        item["venue"] = work.venue
    if work.doi:
        item["doi"] = work.doi
    return "```json\n" + json.dumps([item], indent=2, ensure_ascii=False) + "\n```"


def prose_by(fields: dict[str, str]) -> str:
    """A good start is *Combinatorial ...* by Ahmed Abbas and Paul Swoboda (NeurIPS 2021)."""
    work = Work(fields)
    names = work.authors
    who = (f"{names[0]} et al." if len(names) > 2 or work.et_al
           else " and ".join(names))
    date = f"{work.venue} {work.year}" if work.venue else work.year
    return f"A good start is *{work.title}* by {who} ({date})."


STYLES: dict[str, Callable[[dict[str, str]], str]] = {
    "apa7": apa7,
    "mla9": mla9,
    "chicago_author_date": chicago_author_date,
    "harvard": harvard,
    "ieee": ieee,
    "acm": acm,
    "vancouver": vancouver,
    "nature": nature,
    "springer_lncs": springer_lncs,
    "llm_family_bullets": llm_family_bullets,
    "et_al": et_al_short,
    "markdown_links": markdown_links,
    "html_list": html_list,
    "doi_url": doi_url,
    "latex_bibitem": latex_bibitem,
    "chicago_notes": chicago_notes,
    "acs": acs,
    "elsevier_harvard": elsevier_harvard,
    "ama": ama,
    "llm_dash_quote": llm_dash_quote,
    "title_first": title_first,
    "llm_title_first_bold": llm_title_first_bold,
    "prose_quoted_title": prose_quoted_title,
    "markdown_table": markdown_table,
    "labelled_fields": labelled_fields,
    "heading_labels": heading_labels,
    "json_list": json_list,
    "prose_by": prose_by,
    "gbt7714": gbt7714,
    "iso690": iso690,
    "wikipedia_cite": wikipedia_cite,
    "endnote_refer": endnote_refer,
    "title_author_paren": title_author_paren,
    "bold_author_date": bold_author_date,
    "scholar_apa": scholar_apa,
    "scholar_mla": scholar_mla,
    "scholar_chicago": scholar_chicago,
    "scholar_harvard": scholar_harvard,
    "scholar_vancouver": scholar_vancouver,
}


def main() -> int:
    """Print every style of the first few valid HALLMARK entries (a visual check)."""
    import json

    from common import shared_file

    path = shared_file("hallmark", "valid_entries.jsonl")
    with open(path, encoding="utf-8") as lines:
        entries = [json.loads(next(lines))["fields"] for _ in range(3)]
    for name, render in STYLES.items():
        print(f"== {name}")
        for fields in entries:
            print(re.sub(r"\n+", "\n", render(fields)).strip())
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
