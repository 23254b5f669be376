"""Online resolvers against a real local HTTP server that replies in the shape of the real APIs."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

import pytest

from citecheck.errors import OnlineError
from citecheck.online import HttpClient, Lookup, OnlineResolver, ResponseCache
from citecheck.online.http import retry_after_seconds

REPLIES = Path(__file__).parent / "data" / "sources" / "online"
JSON = "application/json"
ATOM = "application/atom+xml"


@dataclass
class Reply:
    status: int = 200
    body: str = ""
    content_type: str = JSON
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0


def recorded(name: str, content_type: str = JSON) -> Reply:
    return Reply(body=(REPLIES / name).read_text(encoding="utf-8"), content_type=content_type)


@dataclass
class Seen:
    path: str
    query: dict[str, list[str]]
    headers: dict[str, str]


class FakeApis:
    """Routes by path to scripted replies (the last reply repeats); records every request."""

    def __init__(self) -> None:
        self.routes: dict[str, list[Reply]] = {}
        self.requests: list[Seen] = []
        self.url = ""

    def route(self, path: str, *replies: Reply) -> None:
        self.routes[path] = list(replies)

    def hits(self, path: str) -> int:
        return sum(1 for seen in self.requests if seen.path == path)

    def next_reply(self, path: str) -> Reply:
        replies = self.routes.get(path)
        if not replies:
            return Reply(status=404, body='{"status": "error", "message": "Not found"}')
        return replies.pop(0) if len(replies) > 1 else replies[0]


@pytest.fixture
def apis() -> Iterator[FakeApis]:
    fake = FakeApis()

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            parts = urlsplit(self.path)
            path = unquote(parts.path)
            fake.requests.append(Seen(path, parse_qs(parts.query), dict(self.headers.items())))
            reply = fake.next_reply(path)
            time.sleep(reply.delay)
            body = reply.body.encode("utf-8")
            try:
                self.send_response(reply.status)
                self.send_header("Content-Type", reply.content_type)
                self.send_header("Content-Length", str(len(body)))
                for name, value in reply.headers.items():
                    self.send_header(name, value)
                self.end_headers()
                self.wfile.write(body)
            except OSError:  # the client gave up (timeout test)
                pass

        def log_message(self, format: str, *args: object) -> None:
            return None

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    fake.url = f"http://127.0.0.1:{server.server_port}"
    # A short poll interval keeps shutdown (and so each test) fast.
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.02},
                              daemon=True)
    thread.start()
    yield fake
    server.shutdown()
    server.server_close()


def resolver(apis: FakeApis, **options: object) -> OnlineResolver:
    settings: dict[str, object] = {"timeout": 2.0, "retries": 2, "backoff": 0.01,
                                   "max_retry_after": 0.05, "contact": "dev@example.org"}
    settings.update(options)
    return OnlineResolver(
        crossref_url=f"{apis.url}/crossref", openalex_url=f"{apis.url}/openalex",
        arxiv_url=f"{apis.url}/arxiv/api/query", doi_url=f"{apis.url}/doi",
        **settings,  # type: ignore[arg-type]
    )


NATURE = "/crossref/works/10.1038/nature14539"


def test_doi_found_in_crossref_is_mapped_to_a_record(apis: FakeApis) -> None:
    apis.route(NATURE, recorded("crossref-work.json"))
    result = resolver(apis).resolve(Lookup(doi="https://doi.org/10.1038/NATURE14539"))
    assert result.via == "doi"
    assert result.services == ["crossref"]
    [record] = result.records
    assert (record.id, record.title, record.year, record.venue) == (
        "doi:10.1038/nature14539", "Deep learning", 2015, "Nature")
    assert record.authors == ["Yann LeCun", "Yoshua Bengio", "Geoffrey Hinton"]


def test_requests_are_polite_with_contact_in_user_agent_and_mailto(apis: FakeApis) -> None:
    apis.route(NATURE, recorded("crossref-work.json"))
    resolver(apis).resolve(Lookup(doi="10.1038/nature14539"))
    [seen] = apis.requests
    assert "mailto:dev@example.org" in seen.headers["User-Agent"]
    assert seen.headers["User-Agent"].startswith("citecheck/")
    assert seen.query["mailto"] == ["dev@example.org"]


def test_contact_defaults_to_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CITECHECK_CONTACT", "env@example.org")
    assert "mailto:env@example.org" in HttpClient().user_agent


def test_cache_hit_avoids_a_second_request(apis: FakeApis, tmp_path: Path) -> None:
    apis.route(NATURE, recorded("crossref-work.json"))
    cache = tmp_path / "online-cache.sqlite"
    with resolver(apis, cache_path=cache) as first:
        first.resolve(Lookup(doi="10.1038/nature14539"))
    with resolver(apis, cache_path=cache) as second:
        result = second.resolve(Lookup(doi="10.1038/nature14539"))
    assert result.records[0].title == "Deep learning"
    assert apis.hits(NATURE) == 1


def test_not_found_is_cached_as_an_answer(apis: FakeApis, tmp_path: Path) -> None:
    lookup = Lookup(doi="10.9999/made.up")
    with resolver(apis, cache_path=tmp_path / "cache.sqlite") as online:
        assert online.resolve(lookup).records == []
        assert online.resolve(lookup).records == []
    assert apis.hits("/crossref/works/10.9999/made.up") == 1
    assert apis.hits("/doi/10.9999/made.up") == 1


def test_cache_entries_expire_after_their_ttl(tmp_path: Path) -> None:
    cache = ResponseCache(tmp_path / "cache.sqlite", ttl_seconds=0)
    cache.put("key", 200, "body")
    time.sleep(0.01)
    assert cache.get("key") is None


def test_server_error_then_success_is_retried(apis: FakeApis) -> None:
    apis.route(NATURE, Reply(status=503, body="busy"), recorded("crossref-work.json"))
    result = resolver(apis).resolve(Lookup(doi="10.1038/nature14539"))
    assert result.records[0].doi == "10.1038/nature14539"
    assert apis.hits(NATURE) == 2


def test_rate_limit_retry_after_is_honoured_within_the_bound(apis: FakeApis) -> None:
    apis.route("/slow-down", Reply(status=429, headers={"Retry-After": "3"}),
               Reply(status=429, headers={"Retry-After": "0"}), Reply(body='{"ok": true}'))
    waits: list[float] = []
    http = HttpClient(retries=3, backoff=0.5, max_retry_after=1.0, sleep=waits.append)
    assert http.get("test", f"{apis.url}/slow-down", lambda body: body) == '{"ok": true}'
    assert waits == [1.0, 0.0]


def test_backoff_doubles_between_attempts(apis: FakeApis) -> None:
    apis.route("/flaky", Reply(status=502), Reply(status=500), Reply(body="fine"))
    waits: list[float] = []
    http = HttpClient(retries=3, backoff=0.25, sleep=waits.append)
    assert http.get("test", f"{apis.url}/flaky", lambda body: body) == "fine"
    assert waits == [0.25, 0.5]


def test_rate_limit_exhausted_is_an_online_error_with_reason(apis: FakeApis) -> None:
    apis.route("/limited", Reply(status=429, headers={"Retry-After": "1"}))
    http = HttpClient(retries=2, max_retry_after=0.01)
    with pytest.raises(OnlineError, match=r"HTTP 429 \(3 attempts\)"):
        http.get("crossref", f"{apis.url}/limited", lambda body: body)
    assert apis.hits("/limited") == 3


def test_slow_reply_times_out_as_online_error(apis: FakeApis) -> None:
    apis.route("/slow", Reply(body="late", delay=1.0))
    http = HttpClient(timeout=0.2, retries=0)
    started = time.monotonic()
    with pytest.raises(OnlineError, match=r"timed out after 0\.2s"):
        http.get("openalex", f"{apis.url}/slow", lambda body: body)
    assert time.monotonic() - started < 0.9


def test_client_error_other_than_not_found_is_not_retried(apis: FakeApis) -> None:
    apis.route("/bad", Reply(status=400, body="bad request"))
    with pytest.raises(OnlineError, match="HTTP 400"):
        HttpClient(retries=3, backoff=0.01).get("crossref", f"{apis.url}/bad", lambda b: b)
    assert apis.hits("/bad") == 1


def test_unreachable_service_is_an_online_error() -> None:
    http = HttpClient(retries=1, backoff=0.01, timeout=0.5)
    with pytest.raises(OnlineError, match="connection failed"):
        http.get("crossref", "http://127.0.0.1:9/works", lambda body: body)


def test_malformed_json_is_an_online_error_and_is_not_cached(apis: FakeApis,
                                                             tmp_path: Path) -> None:
    apis.route(NATURE, Reply(body='{"status": "ok", "message": {"DOI": '),
               recorded("crossref-work.json"))
    cache_path = tmp_path / "cache.sqlite"
    with resolver(apis, cache_path=cache_path) as online:
        with pytest.raises(OnlineError, match="crossref: malformed reply"):
            online.crossref.work("10.1038/nature14539")
        assert online.crossref.work("10.1038/nature14539") is not None
    assert apis.hits(NATURE) == 2


def test_doi_missing_from_crossref_falls_back_to_doi_org_csl(apis: FakeApis) -> None:
    apis.route("/doi/10.5281/zenodo.1234567", recorded("doiorg-csl.json"))
    result = resolver(apis).resolve(Lookup(doi="10.5281/zenodo.1234567"))
    [record] = result.records
    assert record.title == "Transformers: State-of-the-Art Natural Language Processing"
    assert record.year == 2020
    assert result.services == ["crossref", "doi.org"]
    [csl_request] = [seen for seen in apis.requests if seen.path.startswith("/doi/")]
    assert csl_request.headers["Accept"] == "application/vnd.citationstyles.csl+json"


def test_doi_unknown_everywhere_is_an_empty_result_not_an_error(apis: FakeApis) -> None:
    result = resolver(apis).resolve(Lookup(doi="10.9999/fabricated.2023"))
    assert result.records == []
    assert result.via is None
    assert result.services == ["crossref", "doi.org"]


def test_arxiv_id_is_resolved_from_the_atom_feed(apis: FakeApis) -> None:
    apis.route("/arxiv/api/query", recorded("arxiv-feed.xml", ATOM))
    result = resolver(apis).resolve(Lookup(arxiv="arXiv:1706.03762v5"))
    [record] = result.records
    assert (record.id, record.arxiv, record.year) == ("arXiv:1706.03762", "1706.03762", 2017)
    assert record.authors[:2] == ["Ashish Vaswani", "Noam Shazeer"]
    assert apis.requests[0].query["id_list"] == ["1706.03762"]


def test_arxiv_doi_is_looked_up_at_arxiv(apis: FakeApis) -> None:
    apis.route("/arxiv/api/query", recorded("arxiv-feed.xml", ATOM))
    result = resolver(apis).resolve(Lookup(doi="10.48550/arXiv.1706.03762"))
    assert result.via == "arxiv"
    assert apis.hits(NATURE) == 0


def test_arxiv_error_entry_means_no_record(apis: FakeApis) -> None:
    apis.route("/arxiv/api/query", recorded("arxiv-error.xml", ATOM))
    result = resolver(apis).resolve(Lookup(arxiv="9999.99999"))
    assert result.records == []
    assert result.services == ["arxiv", "openalex"]


def test_title_search_returns_crossref_candidates(apis: FakeApis) -> None:
    apis.route("/crossref/works", recorded("crossref-search.json"))
    result = resolver(apis).resolve(Lookup(
        title="Deep Residual Learning for Image Recognition", authors=["Kaiming He"], year=2016))
    assert result.via == "title"
    assert [r.doi for r in result.records] == ["10.1109/cvpr.2016.90",
                                               "10.1007/978-3-319-46493-0_38"]
    query = apis.requests[0].query
    assert query["query.bibliographic"] == [
        "Deep Residual Learning for Image Recognition He 2016"]
    assert query["rows"] == ["5"]


def test_title_search_falls_back_to_openalex_when_crossref_fails(apis: FakeApis) -> None:
    apis.route("/crossref/works", Reply(status=500, body="oops"))
    apis.route("/openalex/works", recorded("openalex-search.json"))
    result = resolver(apis, retries=1).resolve(Lookup(title="Deep Residual Learning"))
    assert result.services == ["openalex"]
    assert result.records[0].id == "openalex:W2194775991"
    assert apis.hits("/crossref/works") == 2


def test_failure_with_nothing_found_raises_online_error_with_reasons(apis: FakeApis) -> None:
    for path in (NATURE, "/doi/10.1038/nature14539", "/openalex/works/doi:10.1038/nature14539"):
        apis.route(path, Reply(status=503, body="down"))
    with pytest.raises(OnlineError) as caught:
        resolver(apis, retries=0).resolve(Lookup(doi="10.1038/nature14539"))
    reason = str(caught.value)
    assert "crossref: HTTP 503" in reason
    assert "doi.org: HTTP 503" in reason
    assert "openalex: HTTP 503" in reason


def test_failure_of_one_service_does_not_hide_another_services_answer(apis: FakeApis) -> None:
    apis.route(NATURE, Reply(status=503, body="down"))
    apis.route("/doi/10.1038/nature14539", recorded("doiorg-csl.json"))
    result = resolver(apis, retries=0).resolve(Lookup(doi="10.1038/nature14539"))
    assert result.via == "doi"
    assert result.services == ["doi.org"]


def test_nothing_to_look_up_makes_no_request(apis: FakeApis) -> None:
    assert resolver(apis).resolve(Lookup(authors=["Someone"])).records == []
    assert apis.requests == []


@pytest.mark.parametrize(("header", "seconds"), [
    ("120", 120.0), ("0", 0.0), ("soon", None), (None, None),
])
def test_retry_after_header_is_parsed(header: str | None, seconds: float | None) -> None:
    assert retry_after_seconds(header) == seconds


def test_retry_after_http_date_is_seconds_from_now() -> None:
    waited = retry_after_seconds(time.strftime("%a, %d %b %Y %H:%M:%S GMT",
                                               time.gmtime(time.time() + 30)))
    assert waited is not None and 25 < waited <= 31
