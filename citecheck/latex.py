"""LaTeX and HTML entities in titles and names turned into plain Unicode text (pylatexenc)."""

from __future__ import annotations

import html
import re
import unicodedata
from functools import lru_cache
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from pylatexenc.latex2text import LatexNodes2Text

_LATEX_HINT = re.compile(r"[\\{}$]")
# What pylatexenc reads as LaTeX outside math: macros, groups, comments and its specials
# ("~", "``", "''", "--", "!`", "?`", "&"); "#", "^" and "_" too, to be safe.
_TEXT_LATEX = re.compile(r"[\\{}%&#~^_]|``|''|--|[!?]`")
# An accent macro on one letter, braced or not (\'e, \'{e}, {\'e}, {\'{e}}, \~ê); the accents
# named by a letter (\v, \c, ...) only with the letter braced: "\vs" is another macro.
_ONE_ACCENT = r"\\(?:([`'\"^~=.])([^\W\d_])|([`'\"^~=.cHkbdruv])\{([^\W\d_])\})"
# (Two alternatives that each start with one character: re skips to the next "{" or "\".)
_ACCENT = re.compile(rf"\{{{_ONE_ACCENT}\}}|{_ONE_ACCENT}")
# pylatexenc accents the dotless i and j as i and j.
_DOTTED = {"\u0131": "i", "\u0237": "j"}
# pylatexenc's combining character for each accent macro (latex2text's unicode_accents_list).
_COMBINING = {"'": "\u0301", "`": "\u0300", '"': "\u0308", "^": "\u0302", "~": "\u0303",
              "=": "\u0304", ".": "\u0307", "c": "\u0327", "H": "\u030b", "k": "\u0328",
              "b": "\u0331", "d": "\u0323", "r": "\u030a", "u": "\u0306", "v": "\u030c"}
# What could end inline math elsewhere than at the next "$": a comment, a paragraph break,
# a macro not made of ASCII letters ("\$", "\)"), an environment. (Macros' arguments: see
# _plain_math.) A macro name runs on over any letter (str.isalpha): ASCII ones only here.
_MATH_UNSAFE = re.compile(r"%|\n\n|\\(?![A-Za-z])|\\(?:begin|end)|\\[A-Za-z]+[^\x00-\x7f]")
_MATH_MACRO = re.compile(r"\\([A-Za-z]+)(\{?)")
# The macros' arguments (pylatexenc's argspecs) that stay inside math, by whether a "{"
# follows the macro's name at once.
_IN_MATH = {"": ("",), "{": ("", "{", "[{")}
_NOT_BRACE = re.compile(r"[^{}]+")
_BARE_AMPERSAND = re.compile(r"(?<!\\)&")


@lru_cache(maxsize=1)
def _latex_converter() -> LatexNodes2Text:
    """One converter for every call: building one costs more than most conversions."""
    from pylatexenc.latex2text import LatexNodes2Text

    return LatexNodes2Text(math_mode="verbatim")


@lru_cache(maxsize=65536)
def latex_to_text(text: str) -> str:
    """Turn LaTeX accents, commands and braces (and HTML entities) into plain Unicode text."""
    if "&" in text:
        # DBLP exports keep HTML entities ("Ken&apos;ichi", "Ch&apos;ng").
        text = html.unescape(text)
    if not _LATEX_HINT.search(text):
        return text
    converted = _simple_latex_to_text(text)
    if converted is None:
        try:
            # A bare "&" is an alignment tab to LaTeX, which pylatexenc drops; in a title or
            # a reference written as text ("Allocation & Regularization") it is a word.
            converted = _latex_converter().latex_to_text(_BARE_AMPERSAND.sub(r"\\&", text))
        except Exception:  # pylatexenc raises on some malformed input; braces alone are dropped
            converted = text.replace("{", "").replace("}", "")
    return " ".join(converted.split())


def _simple_latex_to_text(text: str) -> str | None:
    """pylatexenc's text (math kept verbatim) for text whose only LaTeX is inline $...$ math
    and accents on letters ("Spherical $k$-means", "Jo\\~{a}o"); None for anything else.

    pylatexenc costs 0.4-1 ms a string (0.2 s for a 22,000-character author list with one
    accent): titles with math, and names with accents, are the common cases. It gave
    pylatexenc's output for each of the 1,036 real strings it took, of 1,232 that look like
    LaTeX (index titles, names and author lists, HALLMARK, AnyStyle), and for each of 30,455
    made-up ones (tests/test_latex.py has real examples).
    """
    parts = text.split("$")
    if len(parts) % 2 == 0 or "$$" in text:
        return None  # a "$" without its pair, or display math
    if not all(_plain_math(math) for math in parts[1::2]):
        return None
    for index in range(0, len(parts), 2):
        plain = _ACCENT.sub(_accented, parts[index]) if "\\" in parts[index] else parts[index]
        if _TEXT_LATEX.search(plain):
            return None
        parts[index] = plain
    return "$".join(parts)


def _plain_math(math: str) -> bool:
    """Whether pylatexenc ends inline math at the "$" after ``math`` (kept as written).

    It does unless something in it reads on past that "$": a group left open, or a macro's
    arguments ("$\\frac$", "$\\hat$": the "$" would be the argument). A macro that takes no
    arguments is fine, and so is one that takes one braced argument (after an optional one,
    as \\sqrt) and is followed by the brace.
    """
    if _MATH_UNSAFE.search(math):
        return False
    braces = _NOT_BRACE.sub("", math)
    while "{}" in braces:  # balanced braces: nothing left after taking out the pairs
        braces = braces.replace("{}", "")
    if braces:
        return False
    return all(_macro_arguments(macro.group(1)) in _IN_MATH[macro.group(2)]
               for macro in _MATH_MACRO.finditer(math))


@lru_cache(maxsize=4096)
def _macro_arguments(name: str) -> str:
    """The arguments pylatexenc's parser reads after macro ``\\name``: "" none, "{" one braced,
    its other argspecs ("[{", "{{", ...), or "?" for an argument parser of its own (\\verb)."""
    from pylatexenc.macrospec import MacroStandardArgsParser

    spec = _latex_context().get_macro_spec(name)
    if spec is None:
        return ""  # a macro it does not know takes no arguments
    if type(spec.args_parser) is not MacroStandardArgsParser:
        return "?"
    return spec.args_parser.argspec


@lru_cache(maxsize=1)
def _latex_context() -> Any:
    """pylatexenc's macros, as its converter parses with them (made anew on each call)."""
    from pylatexenc.latexwalker import get_default_latex_context_db

    return get_default_latex_context_db()


def _accented(accent: re.Match[str]) -> str:
    """One accented letter as pylatexenc writes it: composed where Unicode has it."""
    macro, letter = [group for group in accent.groups() if group]
    return unicodedata.normalize("NFC", _DOTTED.get(letter, letter) + _COMBINING[macro])
