"""Verifying a JSONL file of answers into a resumable JSONL of reports, over a thread pool."""

from __future__ import annotations

import json
import os
from collections import deque
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from citecheck.errors import InputError
from citecheck.report import Report
from citecheck.verifier import Verifier

# Texts per verify_many call: enough to batch the embedding well, small enough that an
# interrupt loses little work and the progress bar moves. 32 answers of ~5 references
# embed as ~160 sentences, where MiniLM's per-batch overhead has flattened out.
CHUNK_SIZE = 32

UTF8_BOM = b"\xef\xbb\xbf"

Progress = Callable[[int, int], None]
"""Called as ``progress(done, total)`` with the number of lines processed in this run."""


@dataclass(slots=True)
class BatchItem:
    """One well-formed input line: its id, the text to check and the original record."""

    line_number: int
    id: Any
    text: str
    record: dict[str, Any]

    @property
    def model(self) -> str | None:
        model = self.record.get("model")
        return str(model) if model is not None else None


@dataclass(slots=True, frozen=True)
class Malformed:
    """An input line that could not be checked, and why."""

    line_number: int
    reason: str


@dataclass(slots=True)
class BatchResult:
    """What one run did: lines written, lines already done, lines skipped as malformed."""

    lines: int = 0
    written: int = 0
    already_done: int = 0
    malformed: list[Malformed] = field(default_factory=list)


def _content_text(content: Any) -> str:
    """The text of a chat message's content: a string or a list of typed parts."""
    if isinstance(content, str):
        return content
    if isinstance(content, list):
        return "\n".join(part.get("text", "") for part in content
                         if isinstance(part, dict) and isinstance(part.get("text"), str))
    return ""


def parse_line(line: str | bytes, line_number: int) -> BatchItem | Malformed:
    """Read one input line: ``{"id", "text", ...}`` or an OpenAI-style ``{"messages": [...]}``."""
    try:
        record = json.loads(line)
    except json.JSONDecodeError as exc:
        return Malformed(line_number, f"invalid JSON ({exc.msg} at column {exc.colno})")
    except UnicodeDecodeError as exc:
        return Malformed(line_number, f"not UTF-8 ({exc.reason} at byte {exc.start})")
    if not isinstance(record, dict):
        return Malformed(line_number, f"expected a JSON object, got {type(record).__name__}")
    item_id = record.get("id", line_number)
    if item_id is None or isinstance(item_id, (dict, list, bool)):
        return Malformed(line_number, f"id must be a string or a number, got {item_id!r}")
    if "text" in record:
        if not isinstance(record["text"], str):
            return Malformed(line_number, "\"text\" must be a string")
        return BatchItem(line_number, item_id, record["text"], record)
    messages = record.get("messages")
    if isinstance(messages, list):
        turns = [_content_text(m.get("content")) for m in messages
                 if isinstance(m, dict) and m.get("role") == "assistant"]
        if not turns:
            return Malformed(line_number, "\"messages\" has no assistant turn")
        # One text, so a reference list in a later turn can back in-text cites in an earlier one.
        return BatchItem(line_number, item_id, "\n\n".join(turns), record)
    return Malformed(line_number, "expected a \"text\" string or a \"messages\" list")


def id_key(item_id: Any) -> str:
    """Ids compare as strings, so ``7`` in the input and ``"7"`` in the output are one id."""
    return str(item_id)


def read_input_lines(path: Path) -> list[tuple[int, bytes]]:
    """The non-blank lines of the input with their 1-based line numbers, undecoded.

    Lines are decoded one by one (in parse_line) so that one bad byte costs one line, not
    the run.
    """
    check_paths(path, None)
    try:
        with path.open("rb") as handle:
            lines = [(number, line) for number, line in enumerate(handle, 1) if line.strip()]
    except OSError as exc:
        raise InputError(f"cannot read {path}: {exc.strerror}") from None
    if lines and lines[0][0] == 1 and lines[0][1].startswith(UTF8_BOM):
        lines[0] = (1, lines[0][1][len(UTF8_BOM):])
    return lines


def completed_ids(path: Path) -> set[str]:
    """Ids already in the output, after cutting off a trailing partial line left by a kill."""
    if not path.exists():
        return set()
    done: set[str] = set()
    offset, last_start, last_ok = 0, 0, True
    with path.open("rb") as handle:
        for raw in handle:
            last_start, offset = offset, offset + len(raw)
            record = _complete_record(raw)
            last_ok = record is not None
            if record is not None and "id" in record:
                done.add(id_key(record["id"]))
    # Only the last line can be cut short (lines are written whole); a bad line in the
    # middle was put there by someone else and is left alone.
    if not last_ok:
        with path.open("r+b") as handle:
            handle.truncate(last_start)
    return done


def _complete_record(raw: bytes) -> dict[str, Any] | None:
    if not raw.endswith(b"\n"):
        return None
    try:
        record = json.loads(raw)
    except (json.JSONDecodeError, UnicodeDecodeError):
        return None
    return record if isinstance(record, dict) else None


def output_record(item: BatchItem, report: Report) -> dict[str, Any]:
    """The input record plus the report's citations and summary (and the id, if it had none)."""
    full = report.to_dict()
    return {**item.record, "id": item.id, "citations": full["citations"],
            "summary": full["summary"]}


def _write_line(fd: int, record: dict[str, Any]) -> None:
    # One os.write per line on an O_APPEND descriptor: an interrupt lands between lines,
    # and a kill -9 can at worst leave one partial last line, which completed_ids() cuts.
    data = (json.dumps(record, ensure_ascii=False) + "\n").encode("utf-8")
    while data:
        written = os.write(fd, data)
        data = data[written:]


def _verify_chunk(verifier: Verifier, items: list[BatchItem]) -> list[Report]:
    reports = verifier.verify_many([item.text for item in items])
    for item, report in zip(items, reports, strict=True):
        report.source = id_key(item.id)
    return reports


def _chunks(items: list[BatchItem], size: int) -> Iterator[list[BatchItem]]:
    for start in range(0, len(items), size):
        yield items[start:start + size]


def run_batch(verifier: Verifier, input_path: Path, output_path: Path, *, workers: int = 1,
              chunk_size: int = CHUNK_SIZE, progress: Progress | None = None) -> BatchResult:
    """Verify every line of ``input_path`` not yet in ``output_path``, appending one line each.

    Output lines follow input order. Rerunning resumes: ids already in the output are skipped.
    """
    if workers < 1:
        raise InputError(f"workers must be at least 1, got {workers}")
    check_paths(input_path, output_path)
    lines = read_input_lines(input_path)
    done = completed_ids(output_path)
    result = BatchResult(lines=len(lines))
    pending: list[BatchItem] = []
    seen: dict[str, int] = {}
    for number, line in lines:
        parsed = parse_line(line, number)
        if isinstance(parsed, Malformed):
            result.malformed.append(parsed)
            continue
        key = id_key(parsed.id)
        if key in seen:
            result.malformed.append(Malformed(number, f"duplicate id {parsed.id!r} (first on "
                                                      f"line {seen[key]})"))
            continue
        seen[key] = number
        if key in done:
            result.already_done += 1
        else:
            pending.append(parsed)

    total = len(pending) + len(result.malformed)
    processed = len(result.malformed)
    if progress is not None:
        progress(processed, total)
    output_path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(output_path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)
    executor = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="citecheck-batch")
    try:
        # A bounded window of chunks in flight: memory stays flat and lines are written in
        # input order as soon as the oldest chunk is done.
        window: deque[tuple[list[BatchItem], Future[list[Report]]]] = deque()
        chunks = _chunks(pending, chunk_size)
        for chunk in chunks:
            window.append((chunk, executor.submit(_verify_chunk, verifier, chunk)))
            if len(window) >= 2 * workers:
                processed += _drain_oldest(window, fd, result)
                if progress is not None:
                    progress(processed, total)
        while window:
            processed += _drain_oldest(window, fd, result)
            if progress is not None:
                progress(processed, total)
    finally:
        # On an interrupt, drop queued chunks instead of verifying them before exiting.
        executor.shutdown(wait=True, cancel_futures=True)
        os.close(fd)
    return result


def _drain_oldest(window: deque[tuple[list[BatchItem], Future[list[Report]]]], fd: int,
                  result: BatchResult) -> int:
    chunk, future = window.popleft()
    for item, report in zip(chunk, future.result(), strict=True):
        _write_line(fd, output_record(item, report))
        result.written += 1
    return len(chunk)


def read_output(path: Path) -> Iterator[dict[str, Any]]:
    """The complete, parseable lines of a batch output file."""
    with path.open("rb") as handle:
        for raw in handle:
            record = _complete_record(raw)
            if record is not None:
                yield record


def check_paths(input_path: Path, output_path: Path | None) -> None:
    """Fail fast, before the model loads, on inputs and outputs a run cannot use."""
    if not input_path.exists():
        raise InputError(f"no such file: {input_path}")
    if input_path.is_dir():
        raise InputError(f"{input_path} is a directory, not a file")
    if output_path is None:
        return
    if output_path.is_dir():
        raise InputError(f"output {output_path} is a directory, not a file")
    if output_path.exists() and output_path.resolve() == input_path.resolve():
        raise InputError("the output file must differ from the input file")
