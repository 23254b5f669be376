"""Batch verification on Ray Data: an actor pool where each actor opens one Verifier once.

The index directory is not shipped: every node reads it at the same path, so it must be
on a filesystem the nodes share (NFS, a mounted bucket) or copied to that path on each.
"""

from __future__ import annotations

import json
import logging
import os
import socket
from collections.abc import Callable, Iterator
from pathlib import Path
from threading import Event
from typing import TYPE_CHECKING, Any

from citecheck.batch import (
    CHUNK_SIZE,
    MAX_LINE_BYTES,
    BatchItem,
    BatchResult,
    ManyVerifier,
    OutputLine,
    Progress,
    Unopened,
    open_output,
    parse_line,
    read_input_lines,
    start_batch,
    text_problem,
    verify_lines,
    write_line,
)
from citecheck.errors import CitecheckError, IndexError_, IndexMissingError

if TYPE_CHECKING:
    import ray.data

VerifierFactory = Callable[..., ManyVerifier]
"""Called on each actor as ``factory(index_path, **options)``; default ``Verifier.open``."""

RAY_MISSING = "--ray needs Ray Data: pip install 'citecheck-verifier[ray]'"


def _ray() -> Any:
    try:
        import ray
        import ray.data
    except ImportError:
        raise CitecheckError(RAY_MISSING) from None
    return ray


def _open_verifier(index: str, factory: VerifierFactory | None,
                   options: dict[str, Any]) -> ManyVerifier:
    """An actor's verifier; the actor's process is its own, to settle as batch workers do."""
    from citecheck.verifier import settle_collector

    try:
        verifier = _open_index(index, factory, options)
    except IndexError_ as exc:
        return Unopened(exc)
    settle_collector()
    return verifier


def _open_index(index: str, factory: VerifierFactory | None,
                options: dict[str, Any]) -> ManyVerifier:
    path = Path(index)
    if not (path / "manifest.json").is_file():
        raise IndexMissingError(
            f"no index at {path} on Ray node {socket.gethostname()}: with --ray every node "
            "reads the index at the same path (a shared filesystem, or a copy on each node)")
    if factory is None:
        from citecheck.verifier import Verifier

        return Verifier.open(path, **options)
    return factory(path, **options)


class LineVerifier:
    """A Ray actor verifying raw input lines into output lines, as the local batch does."""

    def __init__(self, index: str, factory: VerifierFactory | None = None,
                 options: dict[str, Any] | None = None,
                 max_line_bytes: int = MAX_LINE_BYTES) -> None:
        self.verifier = _open_verifier(index, factory, options or {})
        self.max_line_bytes = max_line_bytes

    def __call__(self, batch: dict[str, Any]) -> dict[str, list[Any]]:
        items: list[BatchItem] = []
        for number, raw in zip(batch["line_number"], batch["raw"], strict=True):
            parsed = parse_line(bytes(raw), int(number), max_bytes=self.max_line_bytes)
            # The driver sends only lines it parsed as items, with the same parser.
            assert isinstance(parsed, BatchItem), parsed
            items.append(parsed)
        lines = verify_lines(self.verifier, items)
        return {"line_number": [item.line_number for item in items],
                "line": [line.data for line in lines],
                # "" for none: a None in an object column comes back as NaN.
                "error": [line.error or "" for line in lines]}


class ColumnVerifier:
    """A Ray actor adding the report columns to batches of a user's dataset."""

    def __init__(self, index: str, column: str, factory: VerifierFactory | None = None,
                 options: dict[str, Any] | None = None) -> None:
        self.verifier = _open_verifier(index, factory, options or {})
        self.column = column

    def __call__(self, batch: dict[str, Any]) -> dict[str, Any]:
        items = []
        for position, text in enumerate(batch[self.column]):
            if isinstance(text, str):
                items.append(BatchItem(position, position, text, {}, text_problem(text)))
            else:
                items.append(BatchItem(position, position, "", {},
                                       f"{self.column!r} is not a string: {type(text).__name__}"))
        citations, summaries, errors = [], [], []
        for line in verify_lines(self.verifier, items):
            record = json.loads(line.data)
            citations.append(json.dumps(record["citations"], ensure_ascii=False))
            summaries.append(record["summary"])
            errors.append(line.error)
        return {**batch, "citations": citations, "summary": summaries, "error": errors}


def connect(address: str | None = None) -> bool:
    """Join the Ray cluster at ``address``, or start a local instance; False if Ray was
    already initialised in this process (then it is left as it is)."""
    ray = _ray()
    if ray.is_initialized():
        return False
    ray.init(address=address or "local", include_dashboard=False, log_to_driver=False,
             logging_level=logging.WARNING)
    # Ray Data logs each execution at INFO on stderr, amid the CLI's own progress bar.
    logging.getLogger("ray.data").setLevel(logging.WARNING)
    return True


def _actor_pool(ray: Any, actors: int | None) -> Any:
    if actors is None:
        # One actor per CPU of the cluster: each verifies on one core.
        actors = max(1, int(ray.cluster_resources().get("CPU", 1)))
    return ray.data.ActorPoolStrategy(size=actors)


def verify_dataset(ds: ray.data.Dataset, *, index: Path | str, column: str = "text",
                   actors: int | None = None, batch_size: int = CHUNK_SIZE,
                   factory: VerifierFactory | None = None,
                   **options: Any) -> ray.data.Dataset:
    """``ds`` with the report columns added to each row: ``citations`` (the JSON array of
    the JSONL output, as text, so its type is the same in every block), ``summary`` (verdict
    counts) and ``error`` (why the row could not be checked, else None).

    ``index`` must be readable at that path on every node. ``options`` go to
    ``Verifier.open`` (``closed_world=...``).
    """
    ray = _ray()
    return ds.map_batches(
        ColumnVerifier, batch_size=batch_size, batch_format="numpy",
        fn_constructor_kwargs={"index": str(Path(index).resolve()), "column": column,
                               "factory": factory, "options": options},
        compute=_actor_pool(ray, actors), num_cpus=1)


def _cause(exc: BaseException) -> CitecheckError | None:
    """The CitecheckError an actor raised, out of Ray's wrappers."""
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        # A RayTaskError subclasses the error it carries, but its message is a traceback:
        # the original, in .cause, reads as one line.
        cause = getattr(current, "cause", None)
        if isinstance(cause, BaseException):
            current = cause
            continue
        if isinstance(current, CitecheckError):
            return current
        current = current.__cause__ or current.__context__
    return None


def run_batch_ray(input_path: Path, output_path: Path, *, index: Path | str,
                  address: str | None = None, actors: int | None = None,
                  chunk_size: int = CHUNK_SIZE, progress: Progress | None = None,
                  max_line_bytes: int = MAX_LINE_BYTES, factory: VerifierFactory | None = None,
                  stop: Event | None = None, **options: Any) -> BatchResult:
    """``run_batch`` on Ray: the same output lines in the same order, the same resume.

    Only the driver (this process) writes the output, one whole line at a time, so a
    killed worker loses no finished line and never leaves a partial one: Ray Data restarts
    its actor and sends its batch again (actor pools default to unlimited restarts and task
    retries). The driver holds the pending input lines in memory, as the local batch does.
    Setting ``stop`` ends the run at the next verified line, with ``interrupted`` set.
    """
    ray = _ray()
    plan, result, total = start_batch(input_path, output_path, max_line_bytes, progress)
    processed = len(result.malformed)
    if not plan.pending:
        return result
    raw = dict(read_input_lines(input_path))
    items = {item.line_number: item for item in plan.pending}
    started = connect(address)
    context = ray.data.DataContext.get_current()
    saved = (context.execution_options.preserve_order, context.enable_progress_bars,
             context.raise_original_map_exception)
    # Input order, as the local command writes; the tqdm bar of the CLI is the progress.
    context.execution_options.preserve_order = True
    context.enable_progress_bars = False
    # An index error from an actor comes back as itself, not as a UserCodeException's text.
    context.raise_original_map_exception = True
    fd = open_output(output_path)
    try:
        ds = ray.data.from_items([{"line_number": number, "raw": raw[number]}
                                  for number in items])
        verified = ds.map_batches(
            LineVerifier, batch_size=chunk_size, batch_format="numpy",
            fn_constructor_kwargs={"index": str(Path(index).resolve()), "factory": factory,
                                   "options": options, "max_line_bytes": max_line_bytes},
            compute=_actor_pool(ray, actors), num_cpus=1)
        for number, line in _output_lines(verified):
            if stop is not None and stop.is_set():
                result.interrupted = True
                break
            write_line(fd, line, items[number], result)
            processed += 1
            if progress is not None:
                progress(processed, total)
    except Exception as exc:
        cause = _cause(exc)
        if cause is not None:
            raise cause from None
        raise CitecheckError(f"the Ray job failed: {type(exc).__name__}: {exc}") from exc
    finally:
        os.close(fd)
        (context.execution_options.preserve_order, context.enable_progress_bars,
         context.raise_original_map_exception) = saved
        if started:
            ray.shutdown()
    return result


def _output_lines(verified: ray.data.Dataset) -> Iterator[tuple[int, OutputLine]]:
    for batch in verified.iter_batches(batch_size=None, batch_format="numpy"):
        for number, data, error in zip(batch["line_number"], batch["line"], batch["error"],
                                       strict=True):
            yield int(number), OutputLine(bytes(data), str(error) or None)
