"""References written as labelled fields: Markdown tables, "Title: … Authors: …" blocks, JSON,
RIS and EndNote (refer) records, Wikipedia's citation templates."""

from __future__ import annotations

import json
import re
from bisect import bisect_left
from collections.abc import Iterator

from citecheck.extract.fields import parse_reference, take_identifiers
from citecheck.extract.names import names_as_listed
from citecheck.extract.types import Citation, CitedFields, disjoint
from citecheck.records import display_name
from citecheck.sources.bibtex import record_from_fields

# What a label or a column heading names, by its words in lower case. Only labels that
# name one field unmistakably: "Name" or "Source" alone could be anything.
FIELD_LABELS = {
    "title": "title", "paper": "title", "paper title": "title", "title of paper": "title",
    "article": "title", "article title": "title", "publication title": "title",
    "author": "author", "authors": "author", "author(s)": "author", "authors list": "author",
    "by": "author", "written by": "author", "creators": "author",
    "year": "year", "publication year": "year", "year published": "year", "published": "year",
    "date": "year", "publication date": "year", "issued": "year",
    "venue": "venue", "conference": "venue", "journal": "venue", "published in": "venue",
    "publication venue": "venue", "conference/journal": "venue", "journal/conference": "venue",
    "venue/year": "venue", "booktitle": "venue", "proceedings": "venue",
    "container-title": "venue", "container title": "venue", "appeared in": "venue",
    # A column of whole references, read as a reference list's entries are.
    "reference": "entry", "full reference": "entry", "citation": "entry",
    "doi": "doi", "arxiv": "eprint", "arxiv id": "eprint", "arxiv_id": "eprint",
    "eprint": "eprint", "url": "url", "link": "url", "pdf": "url", "paper link": "url",
}
# A labelled line: "Title: X", "**Title:** X", "- *Authors*: X", "  year: 2017".
LABELLED_LINE = re.compile(
    r"^[ \t]{0,12}(?:[-*+•][ \t]{1,4}|\d{1,3}[.)][ \t]{1,4})?(?:\*\*|__|\*|_)?"
    r"(?P<label>[A-Za-z][A-Za-z()/_ -]{0,28}?)[ \t]{0,2}(?:\*\*|__|\*|_)?[ \t]{0,2}:"
    r"(?:\*\*|__|\*|_)?[ \t]{1,4}(?P<value>\S[^\n]{0,2000})$",
    re.MULTILINE,
)
# A line above a block of labels that holds its title: "1. **Attention Is All You Need**",
# "### Attention Is All You Need (2017)".
HEADING_LINE = re.compile(r"^[ \t]{0,12}(?:#{1,6}[ \t]{1,4}|[-*+•][ \t]{1,4}|\d{1,3}[.)][ \t]{1,4})?"
                          r"(?:\d{1,3}[.)][ \t]{1,4})?(?P<value>\S[^\n]{0,600})$",
                          re.MULTILINE)
TABLE_ROW = re.compile(r"^[ \t]{0,3}\|(?P<cells>[^\n]{1,4000})\|[ \t]*$", re.MULTILINE)
TABLE_RULE = re.compile(r"^[ \t]{0,3}\|(?:[ \t]{0,3}:?-{1,80}:?[ \t]{0,3}\|){1,30}[ \t]*$")
MARKDOWN_LINK = re.compile(r"\[([^\]\n]{1,600})\]\((https?://[^)\s]{1,500})\)")
EMPHASIS_SIGNS = re.compile(r"(?<!\w)(?:\*\*|__|\*|_)|(?:\*\*|__|\*|_)(?!\w)|`")
VENUE_YEAR = re.compile(r",?\s?\(?((?:1[6-9]|20)\d\d)\)?$")
JSON_TITLE_KEY = re.compile(r"[\"']title[\"']\s{0,5}:", re.IGNORECASE)
# What a title cell holding names before the title has: "Plappert et al., X", "Lee, A. X".
NAMES_BEFORE_TITLE = re.compile(r"\bet\.?\sal\b|[,.]\s")
ET_AL = re.compile(r"(?:and\s)?(?:others|et\.?\sal\.?)", re.IGNORECASE)
QUOTES = "\"“”'‘’«»"
# A RIS record ("TY  - CONF" ... "ER  -"), as reference managers export it, one tag a line.
RIS_START = re.compile(r"^[ \t]{0,3}TY  - ", re.MULTILINE)
RIS_END = re.compile(r"^[ \t]{0,3}ER  -[ \t]*$", re.MULTILINE)
RIS_LINE = re.compile(r"^[ \t]{0,3}([A-Z][A-Z0-9])  - ?([^\n]{0,4000})$", re.MULTILINE)
RIS_FIELDS = {"TI": "title", "T1": "title", "AU": "author", "A1": "author", "PY": "year",
              "Y1": "year", "DA": "year", "T2": "venue", "JO": "venue", "JF": "venue",
              "BT": "venue", "J2": "venue", "DO": "doi", "UR": "url"}
# An EndNote (refer) record: "%A Vaswani, Ashish", "%T Attention Is All You Need", one tag a
# line, the record's lines together.
# (A record may list thousands of authors: the GPT-4 report has 280.)
REFER_RECORD = re.compile(r"(?:^[ \t]{0,3}%[A-Z0-9@] [^\n]{0,4000}(?:\n|$)){2,5000}", re.MULTILINE)
REFER_LINE = re.compile(r"^[ \t]{0,3}%([A-Z0-9@]) ([^\n]{0,4000})$", re.MULTILINE)
REFER_FIELDS = {"T": "title", "A": "author", "D": "year", "J": "venue", "B": "venue",
                "R": "doi", "U": "url"}
# Wikipedia's citation templates: "{{cite journal |last1=Vaswani |first1=Ashish |title=...}}".
CITE_TEMPLATE = re.compile(r"\{\{\s{0,3}(?:[Cc]ite[ _][a-z]{2,12}|[Cc]itation)\s{0,3}\|"
                           r"([^{}]{1,6000})\}\}")
WIKI_LINK = re.compile(r"\[\[(?:[^\[\]|]{0,200}\|)?([^\[\]|]{0,300})\]\]")
TEMPLATE_NAME = re.compile(r"(last|first|author|surname|given)(\d{0,2})")
TEMPLATE_FIELDS = {"title": "title", "year": "year", "date": "year", "journal": "venue",
                   "conference": "venue", "book-title": "venue", "booktitle": "venue",
                   "work": "venue", "website": "venue", "publisher": "publisher",
                   "doi": "doi", "arxiv": "eprint", "eprint": "eprint", "url": "url"}
# A block's labels lie on consecutive lines; a blank line or two may sit between them.
MAX_GAP_LINES = 2
MAX_JSON_CHARS = 20_000


def find_structured(text: str) -> list[Citation]:
    """Every reference of ``text`` written as labelled fields, in document order."""
    found = list(_table_rows(text)) if "|" in text else []
    found += _labelled_blocks(text)
    if JSON_TITLE_KEY.search(text):
        found += _json_objects(text)
    if "ER  -" in text:
        found += _ris_records(text)
    if "%T " in text:
        found += _refer_records(text)
    if "{{" in text:
        found += _cite_templates(text)
    return disjoint(found)


def _field_of(label: str) -> str | None:
    label = " ".join(label.lower().replace("*", "").replace("_", " ").split())
    return FIELD_LABELS.get(label) or FIELD_LABELS.get(label.rstrip("s"))


def _plain(value: str) -> str:
    """A value without Markdown emphasis, code marks, enclosing quotes or a final period."""
    value = EMPHASIS_SIGNS.sub("", value).strip().rstrip(",;")
    if len(value) > 2 and value[0] in QUOTES:
        closed = value.rstrip(".")
        if closed[-1:] in QUOTES:
            value = closed[1:-1]
    return value.strip()


def _fields(raw: dict[str, str | list[str]]) -> CitedFields | None:
    """CitedFields of labelled values; None without a title and one more field."""
    values: dict[str, str] = {}
    urls = []
    for name, value in raw.items():
        if isinstance(value, list):
            continue
        for link_text, url in MARKDOWN_LINK.findall(value):
            urls.append(url)
            value = value.replace(f"[{link_text}]({url})", link_text)
        values[name] = _plain(value)
    if urls and not values.get("url"):
        values["url"] = urls[0]
    title = values.get("title", "")
    if not title or not any(values.get(name) or raw.get(name)
                            for name in ("author", "year", "venue", "doi", "eprint", "url")):
        return None
    venue = values.get("venue", "")
    dated = VENUE_YEAR.search(venue)
    if dated is not None:  # "NeurIPS, 2021": the year, and the venue without it
        values.setdefault("year", dated.group(1))
        venue = venue[:dated.start()]
    doi, url = values.get("doi", ""), values.get("url", "")
    if doi.lower().startswith(("http://", "https://")) and "doi.org/" not in doi.lower():
        doi, url = "", url or doi  # a handle or a landing page in the DOI's place
    bibtex_like = {"title": title, "year": values.get("year", ""), "booktitle": venue,
                   "doi": doi, "url": url, "eprint": values.get("eprint", "")}
    # A link may be the DOI's or the arXiv id's ("Link: https://doi.org/10...").
    linked = CitedFields()
    take_identifiers(f"{url} {doi}", linked)
    bibtex_like["doi"] = bibtex_like["doi"] or linked.doi or ""
    bibtex_like["eprint"] = bibtex_like["eprint"] or linked.arxiv or ""
    record = record_from_fields("", {k: v for k, v in bibtex_like.items() if v}, None)
    if record is None:
        return None
    authors, et_al = _authors(raw.get("author"))
    return CitedFields(**{**record.work_fields(), "authors": authors}, et_al=et_al)


def _authors(value: str | list[str] | None) -> tuple[list[str], bool]:
    """The names of an author value: a string of names, or a list of them."""
    if not value:
        return [], False
    if isinstance(value, str):
        return names_as_listed(re.sub(r"^\[|\]$", "", _plain(value).strip()))  # YAML's "[A, B]"
    # One name per item, as written: "Vaswani, Ashish" or "J.Scott McCarley".
    names = [display_name(_plain(one)) for one in value if not ET_AL.fullmatch(_plain(one))]
    return [name for name in names if name], len(names) < len(value)


def _table_rows(text: str) -> Iterator[Citation]:
    """A Markdown table whose headings name a title column: one citation per row."""
    rows = list(TABLE_ROW.finditer(text))
    index = 0
    while index < len(rows) - 1:
        header, rule = rows[index], rows[index + 1]
        index += 1
        if not TABLE_RULE.match(rule.group(0)) or not _adjacent(text, header, rule):
            continue
        columns = [_field_of(cell) for cell in _cells(header.group("cells"))]
        readable = "title" in columns or "entry" in columns
        index += 1
        previous = rule
        # The body: the rows on the lines that follow, up to a line that is not one.
        while index < len(rows) and _adjacent(text, previous, rows[index]):
            row = previous = rows[index]
            index += 1
            if not readable:
                continue
            raw: dict[str, str | list[str]] = {}
            for field, cell in zip(columns, _cells(row.group("cells")), strict=False):
                if field and cell.strip() and field not in raw:
                    raw[field] = cell.strip()
            fields = _fields(raw) if "title" in raw else _entry_fields(raw)
            if (fields is not None and "author" not in raw and not fields.authors
                    and NAMES_BEFORE_TITLE.search(str(raw["title"]))):
                # "| Plappert et al., Parameter Space Noise ... | 2018 |": names and a
                # title in the title column, read as an entry when that finds both.
                whole = _entry_fields({**raw, "entry": raw["title"]})
                if whole is not None and (whole.et_al or len(whole.authors) >= 2) and len(
                        (whole.title or "").split()) >= 3:
                    fields = whole
            if fields is not None:
                start = row.start() + len(row.group(0)) - len(row.group(0).lstrip())
                yield Citation(text[start:row.end()], (start, row.end()), "reference", fields)


def _entry_fields(raw: dict[str, str | list[str]]) -> CitedFields | None:
    """A whole reference in a table cell, parsed as a list entry; the row's other columns
    (a year, a DOI) fill what it leaves out."""
    entry = raw.get("entry")
    if not isinstance(entry, str):
        return None
    fields = parse_reference(_plain(entry))
    if not fields.title:
        return None
    more = _fields({**raw, "title": fields.title})
    if more is not None:
        fields.year = fields.year or more.year
        fields.doi, fields.arxiv = fields.doi or more.doi, fields.arxiv or more.arxiv
    return fields


def _adjacent(text: str, above: re.Match[str], below: re.Match[str]) -> bool:
    """Whether ``below`` is on the line right after ``above``."""
    return text.count("\n", above.end(), below.start()) == 1 and not text[
        above.end():below.start()].strip()


def _cells(row: str) -> list[str]:
    return [cell.strip() for cell in re.split(r"(?<!\\)\|", row)]


def _ris_records(text: str) -> list[Citation]:
    """RIS records: one citation each, its authors one "AU" line apiece."""
    found: list[Citation] = []
    starts = [match.start() for match in RIS_START.finditer(text)]
    ends = [match.span() for match in RIS_END.finditer(text)]
    for number, start in enumerate(starts):
        following = bisect_left(ends, (start, start))
        if following == len(ends):
            break
        end = ends[following][1]
        if number + 1 < len(starts) and starts[number + 1] < ends[following][0]:
            continue  # another record starts before this one ends: this one is broken
        found += _tagged_record(text, start, end, RIS_LINE.findall(text, start, end),
                                RIS_FIELDS)
    return found


def _refer_records(text: str) -> list[Citation]:
    """EndNote (refer) records: one citation each, its authors one "%A" line apiece."""
    found: list[Citation] = []
    for record in REFER_RECORD.finditer(text):
        end = record.end() - record.group(0).endswith("\n")
        found += _tagged_record(text, record.start(), end,
                                REFER_LINE.findall(record.group(0)), REFER_FIELDS)
    return found


def _tagged_record(text: str, start: int, end: int, lines: list[tuple[str, str]],
                   tags: dict[str, str]) -> list[Citation]:
    """The citation of a record of tagged lines (RIS, refer), one author a line; [] when
    its fields are too few."""
    raw: dict[str, str | list[str]] = {}
    authors: list[str] = []
    for tag, value in lines:
        field = tags.get(tag)
        if field == "author":
            authors.append(value.strip())
        elif field and value.strip() and field not in raw:
            raw[field] = value.strip()
    if authors:
        raw["author"] = authors
    fields = _fields(raw)
    return [] if fields is None else [Citation(text[start:end], (start, end), "reference",
                                               fields)]


def _cite_templates(text: str) -> list[Citation]:
    """Wikipedia's {{cite ...}} and {{citation}} templates: one citation each."""
    found: list[Citation] = []
    for template in CITE_TEMPLATE.finditer(text):
        raw: dict[str, str | list[str]] = {}
        people: dict[str, dict[str, str]] = {}
        more = False
        # "[[Link|text]]" inside a value holds a "|" of its own.
        body = WIKI_LINK.sub(r"\1", template.group(1))
        for parameter in body.split("|"):
            key, _, value = parameter.partition("=")
            key, value = key.strip().lower(), value.strip()
            if not value:
                continue
            name = TEMPLATE_NAME.fullmatch(key)
            if name is not None:
                people.setdefault(name.group(2) or "1", {})[name.group(1)] = value
            elif key in ("authors", "vauthors"):
                raw["author"] = value
            elif key == "display-authors" and value.replace(" ", "").lower() == "etal":
                more = True  # the work has more authors than those listed
            elif TEMPLATE_FIELDS.get(key) and TEMPLATE_FIELDS[key] not in raw:
                raw[TEMPLATE_FIELDS[key]] = value
        names = [person.get("author") or " ".join(
                     filter(None, (person.get("first") or person.get("given"),
                                   person.get("last") or person.get("surname"))))
                 for _, person in sorted(people.items(), key=lambda item: int(item[0]))]
        if any(names):
            raw["author"] = [name for name in names if name] + ["et al."] * more
        fields = _fields(raw)
        if fields is not None:
            found.append(Citation(template.group(0), template.span(), "reference", fields))
    return found


def _labelled_blocks(text: str) -> list[Citation]:
    """Runs of "Label: value" lines naming a title (on a label or on the line above them)
    and one more field: one citation per run."""
    found: list[Citation] = []
    block: list[tuple[str, str, int, int]] = []  # (field, value, start, end)
    last_end = -1
    for match in LABELLED_LINE.finditer(text):
        field = _field_of(match.group("label"))
        if field is None:
            continue
        gap = text[last_end:match.start()] if last_end >= 0 else ""
        if block and (gap.count("\n") > MAX_GAP_LINES + 1 or gap.strip()
                      or any(f == field for f, *_ in block)):
            found += _block_citation(text, block)
            block = []
        block.append((field, match.group("value"), match.start(), match.end()))
        last_end = match.end()
    if block:
        found += _block_citation(text, block)
    return found


def _block_citation(text: str, block: list[tuple[str, str, int, int]]) -> list[Citation]:
    raw: dict[str, str | list[str]] = {field: value for field, value, _, _ in block}
    start, end = block[0][2], block[-1][3]
    if "title" not in raw:
        heading = _heading_above(text, start)
        if heading is None:
            return []
        raw["title"], start = heading
    fields = _fields(raw)
    if fields is None:
        return []
    start += len(text[start:end]) - len(text[start:end].lstrip())
    return [Citation(text[start:end], (start, end), "reference", fields)]


def _heading_above(text: str, start: int) -> tuple[str, int] | None:
    """The title on the line just above a block of labels, and where that line starts:
    a list item, a heading or an emphasised line, with its year in brackets dropped."""
    line_end = text.rfind("\n", 0, start)
    if line_end <= 0:
        return None
    line_start = text.rfind("\n", 0, line_end) + 1
    line = HEADING_LINE.match(text, line_start, line_end)
    labelled = LABELLED_LINE.match(text, line_start, line_end)
    if line is None or (labelled and _field_of(labelled.group("label"))):
        return None
    value = re.sub(r"\s\(\s?(?:1[6-9]|20)\d\d\s?\)\s?[.:]?$", "", line.group("value").strip())
    marked = line.group(0).lstrip()[:1] in "#-*+•" or line.group(0).lstrip()[:1].isdigit()
    emphasised = value[:1] in "*_" + QUOTES
    # One word is a section's heading ("## Sources"), not a work's title.
    if not (marked or emphasised) or value.endswith(":") or len(value.split()) < 2:
        return None
    return value, line_start


def _json_objects(text: str) -> list[Citation]:
    """JSON objects with a "title" key and one more field: one citation each."""
    decoder = json.JSONDecoder()
    found: list[Citation] = []
    done_until = -1
    previous_key = 0
    for key in JSON_TITLE_KEY.finditer(text):
        # Each character is looked at once going back: the search stops at the last key.
        opening = _enclosing_brace(text, key.start(), max(previous_key, done_until))
        previous_key = key.end()
        if opening < 0:
            continue
        try:
            value, length = decoder.raw_decode(text[opening:opening + MAX_JSON_CHARS])
        except ValueError:
            continue
        end = opening + length
        fields = _fields(_json_fields(value)) if isinstance(value, dict) else None
        if fields is not None:
            found.append(Citation(text[opening:end], (opening, end), "reference", fields))
            done_until = end
    return found


def _enclosing_brace(text: str, position: int, floor: int) -> int:
    """Where the object holding ``position`` opens, looking back no further than ``floor``
    (objects before it in the same object, an author's {"given", "family"}, are stepped
    over); -1 when none is there."""
    depth = 0
    for index in range(position - 1, max(floor, position - MAX_JSON_CHARS) - 1, -1):
        char = text[index]
        if char == "}":
            depth += 1
        elif char == "{":
            if depth == 0:
                return index
            depth -= 1
    return -1


def _json_fields(value: dict[str, object]) -> dict[str, str | list[str]]:
    """Labelled values of a decoded object: strings, numbers, lists of names (strings or
    CSL-JSON {"given", "family"} / {"name"} objects)."""
    raw: dict[str, str | list[str]] = {}
    for key, item in value.items():
        field = _field_of(str(key))
        if field is None or field in raw:
            continue
        if isinstance(item, list) and field == "author":
            names = [_json_name(one) for one in item]
            raw[field] = [name for name in names if name]
        elif isinstance(item, str | int) and not isinstance(item, bool):
            raw[field] = str(item)
        elif isinstance(item, dict) and field == "year":
            raw[field] = str(item.get("date-parts") or "")  # CSL's {"date-parts": [[2018]]}
    return raw


def _json_name(item: object) -> str:
    if isinstance(item, str):
        return item
    if isinstance(item, dict):
        if item.get("family"):
            return f"{item.get('given') or ''} {item['family']}".strip()
        return str(item.get("name") or item.get("literal") or "")
    return ""
