"""Verifying a JSONL file of answers into a resumable JSONL of reports, on threads or processes."""

from __future__ import annotations

import atexit
import json
import multiprocessing
import os
import signal
import sys
import threading
from collections import deque
from collections.abc import Callable, Iterator
from concurrent.futures import BrokenExecutor, Executor, Future, ProcessPoolExecutor, ThreadPoolExecutor
from concurrent.futures import wait as wait_for
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from threading import Event
from typing import TYPE_CHECKING, Any, Protocol

from citecheck.errors import CitecheckError, IndexError_, InputError
from citecheck.report import IndexInfo, Report

if TYPE_CHECKING:  # the verifier's imports (FAISS, the index) load when a run needs them
    from citecheck.verifier import Verifier

# Texts per verify_many call: enough to batch the embedding well, small enough that an
# interrupt loses little work and the progress bar moves. 32 answers of ~5 references
# embed as ~160 sentences, where MiniLM's per-batch overhead has flattened out.
CHUNK_SIZE = 32
# Generated answers are kilobytes; one line over a megabyte is a dump or a mistake, and
# a 5 MB line once held a run for over 10 minutes (issue 13). The service's body limit
# is the same 1 MB.
MAX_LINE_BYTES = 1024 * 1024
# Default worker processes of the CLI: one per core, at most this many (each holds its own
# encoder and caches; past four, SQLite and the disk are the limit, not the cores).
MAX_DEFAULT_WORKERS = 4

UTF8_BOM = b"\xef\xbb\xbf"
# Keys that hold the answer itself: an error line leaves them out, since they are what
# could not be checked or written (too large, or not valid Unicode).
PAYLOAD_KEYS = ("text", "messages")

Progress = Callable[[int, int], None]
"""Called as ``progress(done, total)`` with the number of lines processed in this run."""

# How often a run waiting on a chunk looks at its stop event: an interrupt is answered
# within this, however long the chunk takes.
STOP_POLL_SECONDS = 0.1


class ManyVerifier(Protocol):
    """What batch needs of a Verifier: reports for many texts at once."""

    def verify_many(self, texts: list[str]) -> list[Report]: ...


@dataclass(slots=True)
class BatchItem:
    """One input line with a usable id: the text to check, the original record, and
    ``problem``, the reason it cannot be checked (then it becomes an error line)."""

    line_number: int
    id: Any
    text: str
    record: dict[str, Any]
    problem: str | None = None

    @property
    def model(self) -> str | None:
        model = self.record.get("model")
        return str(model) if model is not None else None


@dataclass(slots=True, frozen=True)
class Malformed:
    """An input line that could not be checked and has no usable id, and why."""

    line_number: int
    reason: str


@dataclass(slots=True, frozen=True)
class LineError:
    """A line written to the output as an error line: its id and why it was not checked."""

    line_number: int
    id: Any
    reason: str


@dataclass(slots=True, frozen=True)
class OutputLine:
    """One encoded output line (ending in a newline) and the error it reports, if any."""

    data: bytes
    error: str | None = None


@dataclass(slots=True)
class BatchResult:
    """What one run did: lines written (error lines included), lines already done, lines
    skipped as malformed, the lines written as errors, and whether it was stopped early
    (then a rerun resumes after the last written line)."""

    lines: int = 0
    written: int = 0
    already_done: int = 0
    malformed: list[Malformed] = field(default_factory=list)
    failed: list[LineError] = field(default_factory=list)
    interrupted: bool = False


@dataclass(slots=True)
class BatchPlan:
    """The lines a run still has to verify, after malformed and completed ones."""

    lines: int
    pending: list[BatchItem]
    malformed: list[Malformed]
    already_done: int


def _content_text(content: Any) -> str:
    """The text of a chat message's content: a string or a list of typed parts."""
    if isinstance(content, str):
        return content
    if isinstance(content, list):
        return "\n".join(part.get("text", "") for part in content
                         if isinstance(part, dict) and isinstance(part.get("text"), str))
    return ""


def text_problem(text: str, max_bytes: int | None = MAX_LINE_BYTES) -> str | None:
    """Why a text cannot be checked: not valid Unicode, or over ``max_bytes``; else None."""
    try:
        size = len(text.encode("utf-8"))
    except UnicodeEncodeError as exc:
        return f"text is not valid Unicode (a lone surrogate at character {exc.start})"
    return None if max_bytes is None else _size_problem(size, max_bytes)


def _size_problem(size: int, max_bytes: int) -> str | None:
    if size <= max_bytes:
        return None
    return f"line is {size:,} bytes, over the {max_bytes:,}-byte limit per line (--max-line-bytes)"


def _decode(line: str | bytes, line_number: int) -> tuple[Any, str | None] | Malformed:
    """The JSON value of a line and, for bytes that are not UTF-8, why it cannot be checked."""
    problem = None
    if isinstance(line, bytes):
        try:
            line = line.decode("utf-8")
        except UnicodeDecodeError as exc:
            problem = f"not UTF-8 ({exc.reason} at byte {exc.start})"
            # Still read the id, so the line gets an error line and a rerun skips it.
            line = line.decode("utf-8", "surrogateescape")
    try:
        return json.loads(line), problem
    except json.JSONDecodeError as exc:
        return Malformed(line_number, problem or f"invalid JSON ({exc.msg} at column {exc.colno})")


def parse_line(line: str | bytes, line_number: int, *,
               max_bytes: int = MAX_LINE_BYTES) -> BatchItem | Malformed:
    """Read one input line: ``{"id", "text", ...}`` or an OpenAI-style ``{"messages": [...]}``.

    A line with a usable id that still cannot be checked (over ``max_bytes``, not UTF-8, a
    lone surrogate) is a BatchItem with ``problem`` set; a line without one is Malformed.
    """
    size = len(line) if isinstance(line, bytes) else len(line.encode("utf-8", "surrogatepass"))
    decoded = _decode(line, line_number)
    if isinstance(decoded, Malformed):
        return decoded
    record, problem = decoded
    if not isinstance(record, dict):
        return Malformed(line_number, f"expected a JSON object, got {type(record).__name__}")
    item_id = record.get("id", line_number)
    if item_id is None or isinstance(item_id, (dict, list, bool)):
        return Malformed(line_number, f"id must be a string or a number, got {item_id!r}")
    problem = _size_problem(size, max_bytes) or problem
    if "text" in record:
        if not isinstance(record["text"], str):
            return Malformed(line_number, "\"text\" must be a string")
        text = record["text"]
    elif isinstance(record.get("messages"), list):
        turns = [_content_text(m.get("content")) for m in record["messages"]
                 if isinstance(m, dict) and m.get("role") == "assistant"]
        if not turns:
            return Malformed(line_number, "\"messages\" has no assistant turn")
        # One text, so a reference list in a later turn can back in-text cites in an earlier one.
        text = "\n\n".join(turns)
    else:
        return Malformed(line_number, "expected a \"text\" string or a \"messages\" list")
    # The size was checked on the whole line; here only the text's Unicode.
    problem = problem or text_problem(text, max_bytes=None)
    return BatchItem(line_number, item_id, text, record, problem)


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


def start_batch(input_path: Path, output_path: Path, max_line_bytes: int,
                progress: Progress | None) -> tuple[BatchPlan, BatchResult, int]:
    """Plan a run (local or on Ray) and report its first progress: malformed lines are done.

    Returns the plan, the result to fill and the number of lines this run processes.
    """
    plan = plan_batch(input_path, output_path, max_line_bytes=max_line_bytes)
    result = BatchResult(lines=plan.lines, already_done=plan.already_done,
                         malformed=plan.malformed)
    total = len(plan.pending) + len(result.malformed)
    if progress is not None:
        progress(len(result.malformed), total)
    return plan, result, total


def plan_batch(input_path: Path, output_path: Path, *,
               max_line_bytes: int = MAX_LINE_BYTES) -> BatchPlan:
    """Read the input and the output so far: what is malformed, done, and still to verify."""
    check_paths(input_path, output_path)
    lines = read_input_lines(input_path)
    done = completed_ids(output_path)
    plan = BatchPlan(len(lines), [], [], 0)
    seen: dict[str, int] = {}
    for number, line in lines:
        parsed = parse_line(line, number, max_bytes=max_line_bytes)
        if isinstance(parsed, Malformed):
            plan.malformed.append(parsed)
            continue
        key = id_key(parsed.id)
        if key in seen:
            plan.malformed.append(Malformed(number, f"duplicate id {parsed.id!r} (first on "
                                                    f"line {seen[key]})"))
            continue
        seen[key] = number
        if key in done:
            plan.already_done += 1
        else:
            plan.pending.append(parsed)
    return plan


def output_record(item: BatchItem, report: Report) -> dict[str, Any]:
    """The input record plus the report's citations and summary (and the id, if it had none)."""
    full = report.to_dict()
    return {**item.record, "id": item.id, "citations": full["citations"],
            "summary": full["summary"]}


def error_record(item: BatchItem, reason: str) -> dict[str, Any]:
    """An error line: the input record without the answer itself, no citations, and why."""
    kept = {key: value for key, value in item.record.items() if key not in PAYLOAD_KEYS}
    # The summary of no citations, with every key a report's summary has.
    empty = Report("", IndexInfo("", 0, ""), []).summary
    return {**kept, "id": item.id, "citations": [], "summary": empty, "error": reason}


def encode_record(record: dict[str, Any]) -> bytes:
    """One JSONL line; lone surrogates (in an id, say) are written as JSON escapes, which
    read back as the same string, so a rerun recognises the id."""
    try:
        return (json.dumps(record, ensure_ascii=False) + "\n").encode("utf-8")
    except UnicodeEncodeError:
        return (json.dumps(record, ensure_ascii=True) + "\n").encode("ascii")


def _error_line(item: BatchItem, reason: str) -> OutputLine:
    return OutputLine(encode_record(error_record(item, reason)), reason)


def _report_line(item: BatchItem, report: Report) -> OutputLine:
    try:
        return OutputLine((json.dumps(output_record(item, report), ensure_ascii=False)
                           + "\n").encode("utf-8"))
    except (UnicodeEncodeError, TypeError, ValueError) as exc:
        return _error_line(item, f"the report cannot be written as JSON: {exc}")


def _failure(exc: Exception) -> str:
    return f"verification failed: {type(exc).__name__}: {exc}"


def verify_lines(verifier: ManyVerifier, items: list[BatchItem]) -> list[OutputLine]:
    """The output line of every item, in order: a report, or an error line saying why not.

    Shared by the thread pool and the Ray actors. Index errors propagate (every line would
    fail the same way, and marking them done would hide that from a rerun); any other
    exception costs only the line that raised it.
    """
    lines: list[OutputLine | None] = [
        _error_line(item, item.problem) if item.problem is not None else None for item in items]
    checkable = [position for position, line in enumerate(lines) if line is None]
    try:
        reports = verifier.verify_many([items[p].text for p in checkable])
    except IndexError_:
        raise
    except Exception:
        # One answer broke the batch: verify each alone to find it; the rest still count.
        for position in checkable:
            lines[position] = _verify_one(verifier, items[position])
    else:
        for position, report in zip(checkable, reports, strict=True):
            report.source = id_key(items[position].id)
            lines[position] = _report_line(items[position], report)
    return [line for line in lines if line is not None]


def _verify_one(verifier: ManyVerifier, item: BatchItem) -> OutputLine:
    try:
        (report,) = verifier.verify_many([item.text])
    except IndexError_:
        raise
    except Exception as exc:
        return _error_line(item, _failure(exc))
    report.source = id_key(item.id)
    return _report_line(item, report)


def open_output(path: Path) -> int:
    """An O_APPEND descriptor on the output, its directory made if need be."""
    path.parent.mkdir(parents=True, exist_ok=True)
    return os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)


def write_line(fd: int, line: OutputLine, item: BatchItem, result: BatchResult) -> None:
    """Append one whole line and count it."""
    # One os.write per line on an O_APPEND descriptor: an interrupt lands between lines,
    # and a kill -9 can at worst leave one partial last line, which completed_ids() cuts.
    data = line.data
    while data:
        written = os.write(fd, data)
        data = data[written:]
    result.written += 1
    if line.error is not None:
        result.failed.append(LineError(item.line_number, item.id, line.error))


def _chunks(items: list[BatchItem], size: int) -> Iterator[list[BatchItem]]:
    for start in range(0, len(items), size):
        yield items[start:start + size]


def run_batch(verifier: ManyVerifier, input_path: Path, output_path: Path, *, workers: int = 1,
              chunk_size: int = CHUNK_SIZE, progress: Progress | None = None,
              max_line_bytes: int = MAX_LINE_BYTES, stop: Event | None = None,
              processes: bool = False) -> BatchResult:
    """Verify every line of ``input_path`` not yet in ``output_path``, appending one line each.

    Output lines follow input order. Rerunning resumes: ids already in the output (error
    lines included) are skipped. Setting ``stop`` (from a signal handler, say) ends the run
    within STOP_POLL_SECONDS, after a whole line, with ``interrupted`` set: chunks still
    being verified are dropped, not waited for.

    ``workers`` verify chunks at once: threads sharing ``verifier``, or, with ``processes``
    (``verifier`` must then be a :class:`~citecheck.verifier.Verifier` without an online
    resolver), processes that each open the same index. Threads mostly share one core,
    since extraction and comparison hold the GIL; processes use one core each.
    """
    if workers < 1:
        raise InputError(f"workers must be at least 1, got {workers}")
    plan, result, total = start_batch(input_path, output_path, max_line_bytes, progress)
    processed = len(result.malformed)
    fd = open_output(output_path)
    stop = stop or Event()
    # Processes pay for their start (an interpreter and the index, ~1-2 s each): only when
    # there is a chunk for each.
    if processes and workers > 1 and len(plan.pending) > chunk_size:
        executor, verify = process_pool(verifier, workers), verify_in_process
    else:
        executor = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="citecheck-batch")
        verify = partial(verify_lines, verifier)
    try:
        # A bounded window of chunks in flight: memory stays flat and lines are written in
        # input order as soon as the oldest chunk is done.
        window: deque[tuple[list[BatchItem], Future[list[OutputLine]]]] = deque()
        chunks = _chunks(plan.pending, chunk_size)
        while not result.interrupted:
            for chunk in chunks:
                window.append((chunk, executor.submit(verify, chunk)))
                if len(window) >= 2 * workers:
                    break
            if not window:
                break
            if _drain_oldest(window, fd, result, stop):
                processed += len(window.popleft()[0])
                if progress is not None:
                    progress(processed, total)
    finally:
        # Drop queued chunks. When stopped, do not wait for running ones either: their lines
        # would not be written, and the pool's threads end with the process.
        executor.shutdown(wait=not result.interrupted, cancel_futures=True)
        os.close(fd)
    return result


# The verifier of a worker process, opened once by its initializer: a process pool hands
# work to module functions, so per-process state has to live at module level.
_process_verifier: ManyVerifier | None = None


def process_pool(verifier: ManyVerifier, workers: int) -> Executor:
    """``workers`` processes, each verifying with the index of ``verifier`` as it was opened.

    Forked from this process where that is safe, so that each starts with the index open and
    the code loaded; else spawned, each importing citecheck and opening the index itself
    (~0.9 s of CPU a worker, before it verifies anything).
    """
    from citecheck.verifier import Verifier

    if not isinstance(verifier, Verifier) or verifier.online is not None:
        raise InputError("batch processes need a Verifier opened on an index, without --online")
    if _can_fork(verifier):
        return ProcessPoolExecutor(max_workers=workers, mp_context=multiprocessing.get_context("fork"),
                                   initializer=_adopt_verifier, initargs=(verifier,))
    options = {"closed_world": verifier.closed_world, "max_citations": verifier.max_citations,
               "today": verifier.today}
    return ProcessPoolExecutor(max_workers=workers, mp_context=multiprocessing.get_context("spawn"),
                               initializer=_open_process_verifier,
                               initargs=(str(verifier.index.path), options))


def _can_fork(verifier: Verifier) -> bool:
    """Whether worker processes can be forked from this one with ``verifier`` in them.

    On Linux only (macOS's system libraries are not safe across a fork, Windows has none),
    unless the program chose another start method. Not in a process running other threads:
    one of them may hold a lock that the child would inherit locked. Not once torch is
    loaded: its OpenMP threads cannot be used across a fork, and nothing here can limit
    them to one before a child uses them (FAISS's can, and are: ``_enter_worker``). Nor
    when an update has replaced the index's store since it was opened: a child connects to
    the store anew, and must find the same file.
    """
    return (sys.platform.startswith("linux")
            and multiprocessing.get_start_method(allow_none=True) in (None, "fork")
            and threading.active_count() == 1
            and "torch" not in sys.modules
            and verifier.index.store.is_published())


def _adopt_verifier(verifier: Verifier) -> None:
    """Initialise a forked worker: the verifier it inherited, with connections of its own."""
    global _process_verifier
    _enter_worker()
    from citecheck.verifier import settle_collector

    try:
        verifier.index.store.reconnect()
        _process_verifier = verifier
    except IndexError_ as exc:
        _process_verifier = Unopened(exc)
    settle_collector()


def _open_process_verifier(index: str, options: dict[str, Any]) -> None:
    """Initialise a spawned worker: its verifier, opened on the index at ``index``."""
    global _process_verifier
    _enter_worker()
    from citecheck.verifier import Verifier, settle_collector

    # A worker's caches hold hundreds of thousands of objects, and freeing them one by one
    # as its interpreter shut down took ~1.3 s, which the batch waited for. Nothing of a
    # worker needs finalising (its index is opened read-only): it leaves at once. (A forked
    # worker leaves through os._exit anyway.)
    atexit.register(_leave_at_once)
    try:
        _process_verifier = Verifier.open(index, **options)
    except IndexError_ as exc:
        _process_verifier = Unopened(exc)
    settle_collector()


def _enter_worker() -> None:
    # The parent decides when to stop (Ctrl-C reaches the whole process group); a worker
    # that raised KeyboardInterrupt would break the pool instead.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    # A forked worker inherits the CLI's SIGTERM handler, which only asks the run to stop;
    # the pool ends a worker with SIGTERM, which must end it.
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    import faiss

    # One core per process: FAISS's OpenMP threads would otherwise contend with the other
    # workers for the same cores. In a forked worker, more than one would also hang, when
    # the parent had searched with several: OpenMP's threads do not survive a fork.
    faiss.omp_set_num_threads(1)


def _leave_at_once() -> None:
    """End a worker process without tearing its interpreter down."""
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(0)


class Unopened:
    """Stands in for a worker's Verifier whose index could not be opened.

    Raised while the worker starts, the error would only break the pool (or, on Ray,
    come back as the text of an ActorDiedError); raised from a chunk, it reaches the run
    as itself, and the CLI exits 3.
    """

    def __init__(self, error: IndexError_) -> None:
        self.error = error

    def verify_many(self, texts: list[str]) -> list[Report]:
        raise self.error


def verify_in_process(items: list[BatchItem]) -> list[OutputLine]:
    """``verify_lines`` with the worker process's verifier."""
    assert _process_verifier is not None, "called outside a batch worker process"
    return verify_lines(_process_verifier, items)


def _drain_oldest(window: deque[tuple[list[BatchItem], Future[list[OutputLine]]]], fd: int,
                  result: BatchResult, stop: Event) -> bool:
    """Write the oldest chunk once it is verified; False, with ``interrupted`` set, if
    ``stop`` was set first."""
    chunk, future = window[0]
    # Waiting in short slices, not in one future.result(): the run answers a stop within a
    # slice, and a signal is never turned into an exception inside a lock's internals.
    while not wait_for([future], timeout=STOP_POLL_SECONDS).done:
        if stop.is_set():
            result.interrupted = True
            return False
    try:
        lines = future.result()
    except BrokenExecutor as exc:
        raise CitecheckError(f"a batch worker died ({exc}); completed lines are kept, rerun "
                             "to resume") from None
    for item, line in zip(chunk, lines, strict=True):
        if stop.is_set():
            result.interrupted = True
            return False
        write_line(fd, line, item, result)
    return True


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
