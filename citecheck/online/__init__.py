"""Optional online resolvers (Crossref, OpenAlex, arXiv, doi.org), used only with ``--online``."""

from __future__ import annotations

from citecheck.online.cache import ResponseCache
from citecheck.online.http import CONTACT_ENV, HttpClient
from citecheck.online.resolver import Lookup, LookupFields, OnlineResolver, ResolveResult

__all__ = ["CONTACT_ENV", "HttpClient", "Lookup", "LookupFields", "OnlineResolver",
           "ResolveResult", "ResponseCache"]
