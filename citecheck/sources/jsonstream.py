"""Streaming the items of a large JSON document without loading it whole (no ijson needed).

``iter_json_items`` yields the elements of a top-level array, or of an ``items``
array found in an object (at any depth through objects, as in Crossref's
``{"message": {"items": [...]}}``), or an object itself when it has no such array
(a single Crossref work). Values are decoded one at a time with
``json.JSONDecoder.raw_decode`` over a growing buffer, so memory is bounded by the
largest single item, not the file.
"""

from __future__ import annotations

import json
from collections.abc import Generator, Iterator
from typing import IO, Any

CHUNK_CHARS = 1 << 16
_WHITESPACE = " \t\r\n"


class _Buffer:
    """A text buffer over a handle that refills on demand and forgets what was consumed."""

    def __init__(self, handle: IO[str]) -> None:
        self.handle = handle
        self.text = ""
        self.pos = 0
        self.eof = False
        self.decoder = json.JSONDecoder()

    def _fill(self) -> bool:
        if self.eof:
            return False
        chunk = self.handle.read(max(CHUNK_CHARS, len(self.text) - self.pos))
        if not chunk:
            self.eof = True
            return False
        self.text = self.text[self.pos:] + chunk
        self.pos = 0
        return True

    def peek(self) -> str:
        """The next non-whitespace character ('' at the end of input)."""
        while True:
            while self.pos < len(self.text) and self.text[self.pos] in _WHITESPACE:
                self.pos += 1
            if self.pos < len(self.text):
                return self.text[self.pos]
            if not self._fill():
                return ""

    def expect(self, chars: str) -> str:
        char = self.peek()
        if not char or char not in chars:
            raise ValueError(f"expected one of {chars!r} but found {char or 'end of input'!r}")
        self.pos += 1
        return char

    def value(self) -> Any:
        """Decode the next complete JSON value."""
        self.peek()
        while True:
            try:
                value, end = self.decoder.raw_decode(self.text, self.pos)
            except json.JSONDecodeError:
                if self._fill():
                    continue
                raise
            # A number that ends exactly at the buffer's end may continue in the next chunk.
            if end == len(self.text) and self._fill():
                continue
            self.pos = end
            return value


def iter_json_items(handle: IO[str], key: str = "items") -> Iterator[Any]:
    """Yield the items of the JSON document on ``handle`` (see the module docstring)."""
    buffer = _Buffer(handle)
    first = buffer.peek()
    if first == "[":
        yield from _array(buffer)
    elif first == "{":
        found: list[bool] = []
        single = yield from _object(buffer, key, found)
        if not found:
            yield single
    else:
        raise ValueError(f"not a JSON array or object (starts with {first or 'nothing'!r})")


def _array(buffer: _Buffer) -> Iterator[Any]:
    buffer.expect("[")
    if buffer.peek() == "]":
        buffer.pos += 1
        return
    while True:
        yield buffer.value()
        if buffer.expect(",]") == "]":
            return


def _object(buffer: _Buffer, key: str,
            found: list[bool]) -> Generator[Any, None, dict[str, Any]]:
    """Walk an object, streaming any ``key`` array; returns the object's other members."""
    members: dict[str, Any] = {}
    buffer.expect("{")
    if buffer.peek() == "}":
        buffer.pos += 1
        return members
    while True:
        name = buffer.value()
        buffer.expect(":")
        following = buffer.peek()
        if name == key and following == "[":
            found.append(True)
            yield from _array(buffer)
        elif following == "{":
            inner_found: list[bool] = []
            inner = yield from _object(buffer, key, inner_found)
            if inner_found:
                found.append(True)
            else:
                members[name] = inner
        else:
            members[name] = buffer.value()
        if buffer.expect(",}") == "}":
            return members
