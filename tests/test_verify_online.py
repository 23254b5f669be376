"""--online: the Verifier consults resolvers for citations the index lacks, never failing to not_found."""

from __future__ import annotations

from pathlib import Path

import pytest

from citecheck import Verifier
from citecheck.online import OnlineResolver

from test_online import NATURE, FakeApis, Reply, apis, recorded, resolver  # noqa: F401

pytestmark = pytest.mark.slow

DEEP_LEARNING = ("LeCun, Y., Bengio, Y., & Hinton, G. (2015). Deep learning. Nature, 521(7553), "
                 "436-444. https://doi.org/10.1038/nature14539")
INVENTED = ("Maria Lindqvist and Tomasz Wren. Holographic Gradient Folding for Sparse Mixture "
            "Routers. In ICML, 2022.")


def test_reference_missing_from_the_index_is_verified_online(index_dir: Path,
                                                             apis: FakeApis) -> None:  # noqa: F811
    apis.route(NATURE, recorded("crossref-work.json"))
    with resolver(apis) as online:
        result = Verifier.open(index_dir, online=online).verify_reference(DEEP_LEARNING)
    assert result.verdict == "verified"
    assert result.record is not None and result.record.doi == "10.1038/nature14539"
    assert "online" in (result.reason or "")


def test_network_failure_keeps_the_local_verdict_and_adds_the_reason(index_dir: Path) -> None:
    unreachable = OnlineResolver(crossref_url="http://127.0.0.1:9", openalex_url="http://127.0.0.1:9",
                                 arxiv_url="http://127.0.0.1:9", doi_url="http://127.0.0.1:9",
                                 timeout=0.5, retries=0, backoff=0.01)
    offline = Verifier.open(index_dir, closed_world=True).verify_reference(INVENTED)
    assert offline.verdict == "not_found"
    with unreachable:
        result = Verifier.open(index_dir, closed_world=True,
                               online=unreachable).verify_reference(INVENTED)
    assert result.verdict == "not_found"
    assert "online lookup failed" in (result.reason or "")


def test_server_errors_online_keep_the_local_verdict(index_dir: Path,
                                                     apis: FakeApis) -> None:  # noqa: F811
    apis.route("/crossref/works", Reply(status=503))
    apis.route("/openalex/works", Reply(status=503))
    offline = Verifier.open(index_dir).verify_reference(INVENTED)
    with resolver(apis, retries=0) as online:
        result = Verifier.open(index_dir, online=online).verify_reference(INVENTED)
    assert result.verdict == offline.verdict
    assert "HTTP 503" in (result.reason or "")
