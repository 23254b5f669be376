"""Streaming JSON items: arrays and ``items`` members decoded one at a time."""

from __future__ import annotations

import io
import json

import pytest

from citecheck.sources import jsonstream
from citecheck.sources.jsonstream import iter_json_items


def items(text: str) -> list[object]:
    return list(iter_json_items(io.StringIO(text)))


def test_top_level_array_yields_its_elements() -> None:
    assert items(' [ {"a": 1}, 2, "x" , [3] ] ') == [{"a": 1}, 2, "x", [3]]


def test_nested_items_array_is_found_through_objects() -> None:
    text = '{"status": "ok", "message": {"facets": {}, "items": [{"DOI": "1"}, {"DOI": "2"}]}}'
    assert items(text) == [{"DOI": "1"}, {"DOI": "2"}]


def test_object_without_items_is_itself_the_item() -> None:
    assert items('{"message": {"DOI": "10.1/x", "title": ["T"]}}') == [
        {"message": {"DOI": "10.1/x", "title": ["T"]}}]


def test_values_split_across_chunks_decode_whole(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(jsonstream, "CHUNK_CHARS", 3)
    data = [{"title": "a long title " * 5, "n": 1234567}, 98765, {"nested": [1, [2, 3]]}]
    assert items(json.dumps({"items": data})) == data


def test_stream_is_lazy_and_reports_errors_after_good_items() -> None:
    stream = iter_json_items(io.StringIO('[{"ok": 1}, {"broken": '))
    assert next(stream) == {"ok": 1}
    with pytest.raises(ValueError):
        next(stream)


def test_empty_array_yields_nothing() -> None:
    assert items("[]") == []
    assert items('{"items": []}') == []
