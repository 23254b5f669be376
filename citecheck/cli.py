"""The command line: argument parsing and rendering over the library; no logic of its own."""

from __future__ import annotations

import json
import os
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, NoReturn

import click
from click_default_group import DefaultGroup

from citecheck.config import (
    COMPLETE_VENUE_YEARS,
    SourceSpec,
    default_encoder_name,
    default_index_dir,
    default_sources,
)
from citecheck.errors import EXIT_FLAGGED, CitecheckError, InputError
from citecheck.index.encoders import ENCODER_ALIASES, ENCODERS
from citecheck.inputs import MAX_INPUT_BYTES, read_input
from citecheck.report import FORMATS, render

INDEX_OPTION = click.option(
    "--index", "index_dir", type=click.Path(path_type=Path), default=None,
    help="Index directory (default: the default index, built on first use).",
)
ONLINE_OPTION = click.option(
    "--online", is_flag=True, default=False,
    help="Also look citations the index lacks up at Crossref, OpenAlex, arXiv and doi.org "
         "(off by default; set CITECHECK_CONTACT to an e-mail address for polite use).",
)
CLOSED_WORLD_OPTION = click.option(
    "--closed-world/--open-world", default=None,
    help="Treat the index as complete: a citation it lacks is not_found even outside the "
         "venues and years it covers (default: as the index says; open world otherwise).",
)


@contextmanager
def _progress_bar(label: str = "indexing records", unit: str = "rec") -> Iterator[Any]:
    """A progress callback ``(stage, done, total)`` drawing one tqdm bar on stderr.

    The bar appears with the first progress, so an error before any work stays one line.
    """
    from tqdm import tqdm

    # No monitor thread (it only retunes how often a bar redraws): a process running a second
    # thread cannot fork batch workers safely, and would spawn them, ~0.9 s slower.
    tqdm.monitor_interval = 0
    bars: list[Any] = []

    def progress(stage: str, done: int, total: int | None) -> None:
        _check_interrupt()
        if not bars:
            bars.append(tqdm(desc=label, unit=unit, file=sys.stderr, leave=False,
                             dynamic_ncols=True))
        bar = bars[0]
        if total is not None and bar.total != total:
            bar.total = total
        bar.update(max(0, done - bar.n))

    try:
        yield progress
    finally:
        for bar in bars:
            bar.close()


def open_verifier(index_dir: Path | None, closed_world: bool | None = None,
                  online: bool = False, max_citations: int | None = None) -> Any:
    """Open the given index, or the default index (building it on first use)."""
    from citecheck.index.default import default_index_state, ensure_default_index
    from citecheck.verifier import Verifier

    if index_dir is None:
        why = default_index_state(default_index_dir())
        if why is None:
            index_dir = default_index_dir()
        else:
            click.echo(f"building the default index in {default_index_dir()} ({why})…", err=True)
            with _progress_bar() as progress:
                index_dir, _ = ensure_default_index(progress)
    resolver = None
    if online:
        from citecheck.config import cache_dir
        from citecheck.online import OnlineResolver

        resolver = OnlineResolver(cache_path=cache_dir() / "online.sqlite")
    limits = {"max_citations": max_citations} if max_citations is not None else {}
    return Verifier.open(index_dir, closed_world=closed_world, online=resolver, **limits)


@click.group(cls=DefaultGroup, default="verify", default_if_no_args=False)
@click.version_option(package_name="citecheck-verifier")
def cli() -> None:
    """Verify citations in generated text against an index of verified records.

    Run `citecheck FILE` to verify a file (`-` for stdin).
    """


@cli.command()
@click.argument("file")
@INDEX_OPTION
@click.option("--format", "output_format", type=click.Choice(FORMATS), default="text",
              show_default=True, help="Report format.")
@click.option("--from", "input_format", default=None,
              type=click.Choice(["text", "markdown", "bibtex", "latex", "html"]),
              help="Input format (detected when omitted).")
@click.option("--max-bytes", type=int, default=MAX_INPUT_BYTES, show_default=True,
              help="Refuse inputs larger than this.")
@CLOSED_WORLD_OPTION
@ONLINE_OPTION
@click.option("--strict", is_flag=True, default=False,
              help="Also exit 1 on warnings (slips such as a year between two versions' years).")
@click.option("--max-citations", type=click.IntRange(min=1), default=None,
              help="Check at most this many citations (default 2000); the rest are reported "
                   "unverifiable, as not checked.")
def verify(file: str, index_dir: Path | None, output_format: str, input_format: str | None,
           max_bytes: int, closed_world: bool | None, online: bool, strict: bool,
           max_citations: int | None) -> int:
    """Verify every citation in FILE and print a report.

    Exit codes: 0 nothing flagged, 1 a citation is mismatch or not_found (or, with
    --strict, carries a warning), 2 usage or input error, 3 index error.
    """
    text = read_input(file, max_bytes=max_bytes)
    verifier = open_verifier(index_dir, closed_world, online, max_citations)
    report = verifier.verify_text(text, source=file, format=input_format)
    # NO_COLOR (no-color.org): any non-empty value turns colour off, even on a terminal.
    colour = output_format == "text" and sys.stdout.isatty() and not os.environ.get("NO_COLOR")
    click.echo(render(report, output_format, colour=colour))
    return EXIT_FLAGGED if report.flagged or (strict and report.warned) else 0


@cli.command()
@click.argument("file")
@INDEX_OPTION
@click.option("-o", "--output", type=click.Path(path_type=Path), default=None,
              help="Where to write the corrected copy (default: FILE with .fixed before the "
                   "extension; '-' for stdout).")
@click.option("--from", "input_format", default=None,
              type=click.Choice(["text", "markdown", "bibtex", "latex", "html"]),
              help="Input format (detected when omitted).")
@CLOSED_WORLD_OPTION
@ONLINE_OPTION
def fix(file: str, index_dir: Path | None, output: Path | None, input_format: str | None,
        closed_world: bool | None, online: bool) -> int:
    """Write a corrected copy of FILE.

    Wrong fields of real works are corrected in place (BibTeX entries are rewritten
    from the record); citations not found are replaced only by a near-identical real
    record, otherwise marked [citation not verified].
    """
    from citecheck.fix import fix_text

    text = read_input(file)
    verifier = open_verifier(index_dir, closed_world, online)
    report = verifier.verify_text(text, source=file, format=input_format)
    fixed, changes = fix_text(text, report)
    if output is None and file != "-":
        source = Path(file)
        output = source.with_name(f"{source.stem}.fixed{source.suffix}")
    if output is None or str(output) == "-":
        click.echo(fixed, nl=False)
    else:
        output.write_text(fixed, encoding="utf-8")
        click.echo(f"wrote {output}", err=True)
    for change in changes:
        click.echo(f"  line {change.line}: {change.action}: {change.before[:70]!r}", err=True)
    click.echo(f"{len(changes)} change(s)", err=True)
    return EXIT_FLAGGED if report.flagged else 0


@cli.command()
@click.argument("query")
@INDEX_OPTION
@click.option("-k", "limit", type=int, default=5, show_default=True, help="Number of records.")
def search(query: str, index_dir: Path | None, limit: int) -> int:
    """Show the records closest to QUERY, each with a score in [0, 1]: how sure citecheck
    is that the record is the work QUERY names (the scale of a verdict's confidence)."""
    from citecheck.extract import Citation, CitedFields
    from citecheck.match import retrieve_many
    from citecheck.verdict import Coverage, decide

    # Argument errors are one line and exit 2, before any index is opened.
    if not query.strip():
        raise InputError("search needs a non-empty QUERY")
    if limit < 1:
        raise InputError(f"-k must be at least 1, got {limit}")
    verifier = open_verifier(index_dir)
    fields = CitedFields(title=query)
    citation = Citation(query, (0, len(query)), "title", fields)
    closed = Coverage(frozenset(), frozenset(), complete=True)
    scored = []
    for candidate in retrieve_many(verifier.index, [(fields, query)], shortlist=limit)[0]:
        # The verdict on QUERY against this record alone: its confidence when the record is
        # the work (verified or mismatch), else one minus the confidence that it is not.
        result = decide(citation, [candidate], verifier.venues, closed, today=verifier.today)
        same = result.record is not None
        scored.append((result.confidence if same else 1 - result.confidence, candidate.record))
    for score, record in sorted(scored, key=lambda pair: pair[0], reverse=True):
        click.echo(f"{score:.2f}  {record.id}  {record.title} "
                   f"({', '.join(record.authors[:3])}; {record.venue or 'n/a'} {record.year})")
    return 0


@cli.group()
def index() -> None:
    """Build and inspect indexes."""


@index.command("build")
@click.argument("sources", nargs=-1, type=click.Path(path_type=Path))
@click.option("--index", "index_dir", type=click.Path(path_type=Path), default=None,
              help="Index directory to (re)build (default: the default index).")
@click.option("--from", "source_format", default=None,
              help="Source format for all SOURCES (detected when omitted).")
@click.option("--encoder", default=None,
              type=click.Choice(sorted(ENCODERS) + sorted(ENCODER_ALIASES)),
              help="Text encoder, recorded in the manifest (default: the default index's, "
                   "data/default_index.json).")
@click.option("--complete", is_flag=True, default=False,
              help="Declare the sources complete for their domain (a closed world): citations "
                   "the index lacks are then not_found, whatever their venue or year.")
@click.option("--complete-venues", is_flag=True, default=False,
              help="Declare that the sources list every paper of each venue-year they hold "
                   "(accepted-paper lists, proceedings): a citation of such a venue-year that "
                   "the index lacks is then not_found, elsewhere unverifiable.")
def index_build(sources: tuple[Path, ...], index_dir: Path | None, source_format: str | None,
                encoder: str | None, complete: bool, complete_venues: bool) -> int:
    """Build an index from SOURCE files or directories (.bib, .jsonl, CSL-JSON, DBLP/ACL XML,
    arXiv/OpenAlex/Crossref dumps), atomically.

    With no SOURCES, builds from the default index's source list (data/default_index.json).
    """
    from citecheck.index.build import build_index
    from citecheck.index.encoders import get_encoder

    coverage = COMPLETE_VENUE_YEARS if complete_venues else None
    specs = ([SourceSpec(path, source_format, coverage) for path in sources]
             or default_sources())
    target = index_dir or default_index_dir()
    with _progress_bar() as progress:
        manifest = build_index(target, specs, get_encoder(encoder or default_encoder_name()),
                               progress=progress, complete=complete)
    click.echo(f"built {target}: {manifest.count} records, encoder {manifest.model}, "
               f"{manifest.vector_index} vectors")
    for source in manifest.sources:
        click.echo(f"  {source['path']}: {source['records']} records, {source['duplicates']} "
                   f"duplicates, {source['skipped']} skipped")
        for reason in source.get("skip_reasons", []):
            click.echo(f"    skipped: {reason}")
    return 0


@index.command("info")
@INDEX_OPTION
@click.option("--verify", "full_check", is_flag=True, default=False,
              help="Also check every file's sha256 against the manifest (reads every byte).")
@click.option("--coverage", "show_coverage", is_flag=True, default=False,
              help="Print what the index lists completely, one venue a line, instead of JSON.")
def index_info(index_dir: Path | None, full_check: bool, show_coverage: bool) -> int:
    """Print an index's manifest (checked for consistency first), or its coverage."""
    from citecheck.index.manifest import load_manifest

    if full_check:
        _verify_index(index_dir or default_index_dir())
    manifest = load_manifest(index_dir or default_index_dir())
    if show_coverage:
        click.echo(_coverage_lines(manifest.coverage))
    else:
        click.echo(json.dumps(manifest.to_dict(), indent=2))
    return 0


def _coverage_lines(coverage: dict[str, Any]) -> str:
    """Human-readable coverage: which venue-years a miss is evidence of fabrication in."""
    if coverage.get("complete"):
        return "closed world: the index is declared complete; every miss is not_found"
    listed = coverage.get("complete_venue_years") or {}
    lines = [f"complete venue-years (a miss there is not_found): {len(listed)} venues, "
             f"{sum(len(years) for years in listed.values())} venue-years"]
    for venue, years in sorted(listed.items(), key=lambda item: (-len(item[1]), item[0])):
        lines.append(f"  {venue}: {', '.join(str(year) for year in years)}")
    lines.append(f"other venues with records (a miss there is unverifiable): "
                 f"{len(set(coverage.get('venues') or ()) - set(listed))}")
    return "\n".join(lines)


@index.command("verify")
@INDEX_OPTION
def index_verify(index_dir: Path | None) -> int:
    """Check every index file's sha256 against the manifest, and the store's integrity.

    Exit codes: 0 intact, 3 damaged (each problem is listed).
    """
    _verify_index(index_dir or default_index_dir())
    return 0


def _verify_index(directory: Path) -> None:
    """Run the full check, reporting on stderr; IndexCorruptError (exit 3) when damaged."""
    from citecheck.index.integrity import verify_index

    report = verify_index(directory)
    for leftover in report.leftovers:
        click.echo(f"citecheck: warning: left over by a writer: {leftover}", err=True)
    click.echo(f"{directory}: {report.records} records; sha256 verified for "
               f"{', '.join(report.files)}", err=True)


@index.command("add")
@click.argument("sources", nargs=-1, required=True, type=click.Path(path_type=Path))
@INDEX_OPTION
@click.option("--from", "source_format", default=None,
              help="Source format for all SOURCES (detected when omitted).")
def index_add(sources: tuple[Path, ...], index_dir: Path | None, source_format: str | None) -> int:
    """Add records from SOURCE files; changed records replace their stored versions.

    Only new and changed records are embedded; the index is swapped in atomically.
    """
    from citecheck.index.update import add_to_index

    target = index_dir or default_index_dir()
    with _progress_bar() as progress:
        summary = add_to_index(target, [SourceSpec(path, source_format) for path in sources],
                               progress=progress)
    click.echo(f"updated {target}: {summary.added} added, {summary.updated} updated, "
               f"{summary.unchanged} unchanged, {summary.duplicates} duplicates; "
               f"{summary.manifest.count} records")
    return 0


@index.command("remove")
@click.argument("record_ids", nargs=-1)
@INDEX_OPTION
@click.option("--source", default=None, help="Remove every record of this source file.")
def index_remove(record_ids: tuple[str, ...], index_dir: Path | None, source: str | None) -> int:
    """Remove records by ID, or all records of one --source; the index is swapped in atomically."""
    from citecheck.index.update import remove_from_index

    if not record_ids and source is None:
        raise click.UsageError("name record IDs to remove, or --source NAME")
    target = index_dir or default_index_dir()
    if source is not None:
        from citecheck.index.manifest import load_manifest

        known = [Path(str(entry.get("path"))).name for entry in load_manifest(target).sources]
        if Path(source).name not in known:
            raise InputError(f"index {target} has no source {source!r} (its sources: "
                             f"{', '.join(known) or 'none'})")
    summary = remove_from_index(target, list(record_ids), source=source)
    for missing in summary.missing:
        click.echo(f"not in the index: {missing}", err=True)
    click.echo(f"updated {target}: {summary.removed} removed; {summary.manifest.count} records")
    return 0


@cli.command()
@click.argument("input_file", metavar="IN.jsonl", type=click.Path(path_type=Path))
@click.option("-o", "--output", type=click.Path(path_type=Path), required=True,
              help="Output JSONL: each input line plus its citations and summary (appended).")
@INDEX_OPTION
@click.option("--workers", type=click.IntRange(min=1), default=None,
              help="Processes verifying chunks of lines in parallel, each on one core "
                   "(default: the cores, at most 4); with --ray, actors (default one per CPU "
                   "of the cluster).")
@click.option("--report", "html_report", type=click.Path(path_type=Path), default=None,
              help="Also write a self-contained HTML report (charts per model, worst examples).")
@click.option("--ray", "ray_address", is_flag=False, flag_value="local", default=None,
              metavar="[ADDRESS]",
              help="Run on Ray Data: a local Ray instance, or the cluster at ADDRESS (host:port "
                   "or auto). Every node must read the index at the same path.")
@click.option("--max-line-bytes", type=click.IntRange(min=1), default=None,
              help="Lines larger than this are written as error lines (default 1 MB).")
def batch(input_file: Path, output: Path, index_dir: Path | None, workers: int | None,
          html_report: Path | None, ray_address: str | None, max_line_bytes: int | None) -> int:
    """Verify every line of IN.jsonl into OUT.jsonl, resuming where a previous run stopped.

    Lines are {"id", "text", "model"?, ...} or OpenAI-style {"messages": [...]} (assistant
    turns are checked). Malformed lines are reported and skipped; a line that cannot be
    checked (too large, not valid Unicode, an error while verifying) is written as an
    error line with its id and reason. Exit codes: 0 done, 2 input error, 3 index error,
    130 interrupted (rerun to resume).
    """
    import signal

    from citecheck.batch import (
        MAX_DEFAULT_WORKERS,
        MAX_LINE_BYTES,
        check_paths,
        read_output,
        run_batch,
    )
    from citecheck.batch_stats import format_table, summarise

    check_paths(input_file, output)
    verifier = open_verifier(index_dir)

    stop = threading.Event()

    def interrupt(signum: int, frame: Any) -> None:
        if stop.is_set():
            # Asked twice: the user will not wait for the running chunk to finish at exit.
            os._exit(130)
        stop.set()

    # A kill (SIGTERM) or Ctrl-C (SIGINT) stops the run after a whole output line. The handler
    # only sets an event the run polls: a KeyboardInterrupt raised at any bytecode could land
    # inside a lock's internals (tqdm's, the pool's) and hang the exit.
    _handle_signals(interrupt, signal.SIGTERM, signal.SIGINT)
    with _progress_bar("verifying", unit="line") as progress:
        def report(done: int, total: int) -> None:
            progress("verifying", done, total)

        limit = max_line_bytes or MAX_LINE_BYTES
        if ray_address is None:
            result = run_batch(verifier, input_file, output,
                               workers=workers or min(os.cpu_count() or 1, MAX_DEFAULT_WORKERS),
                               progress=report, max_line_bytes=limit, stop=stop,
                               processes=True)
        else:
            from citecheck.ray import run_batch_ray

            result = run_batch_ray(
                input_file, output, index=verifier.index.path, actors=workers,
                address=None if ray_address == "local" else ray_address, progress=report,
                max_line_bytes=limit, stop=stop)
    if result.interrupted:
        click.echo(f"citecheck: interrupted; completed lines are in {output}, rerun the same "
                   "command to resume", err=True)
        return 130
    for line in result.malformed:
        click.echo(f"{input_file}:{line.line_number}: skipped: {line.reason}", err=True)
    for failed in result.failed:
        click.echo(f"{input_file}:{failed.line_number}: id {failed.id!r} written as an error "
                   f"line: {failed.reason}", err=True)
    click.echo(f"{result.lines} lines: {result.written} checked now, {result.already_done} "
               f"already in {output}, {len(result.malformed)} malformed (skipped), "
               f"{len(result.failed)} failed (error lines)")
    stats, worst = summarise(read_output(output))
    click.echo(format_table(stats))
    if html_report is not None:
        from citecheck.html_report import render_html

        html_report.write_text(render_html(stats, worst, title=f"citecheck: {input_file.name}"),
                               encoding="utf-8")
        click.echo(f"report written to {html_report}")
    return 0


@cli.command()
@INDEX_OPTION
@click.option("--host", default="127.0.0.1", show_default=True, help="Interface to bind.")
@click.option("--port", type=int, default=8000, show_default=True, help="Port to listen on.")
@click.option("--max-body-bytes", type=click.IntRange(min=1), default=None,
              help="Refuse request bodies larger than this with 413 (default 1 MB).")
@click.option("--max-citations", type=click.IntRange(min=1), default=None,
              help="Refuse requests holding more citations than this with 413 (default 2000).")
@click.option("--request-timeout", type=click.FloatRange(min=0.1), default=None,
              help="Answer 504 to a verification running longer than this many seconds "
                   "(default 30).")
@click.option("--workers", type=click.IntRange(min=1), default=None,
              help="Verification threads (default: cores, at most 4).")
@click.option("--queue-limit", type=click.IntRange(min=0), default=None,
              help="Requests that may wait for a worker; beyond them 429 (default 16).")
@click.option("--api-key", envvar="CITECHECK_API_KEY", default=None,
              help="Require this key (X-API-Key or Authorization: Bearer) on every request but "
                   "/health [env: CITECHECK_API_KEY].")
@click.option("--cors-origin", "cors_origins", multiple=True,
              help="Allow browser calls from this origin (repeatable; CORS is off by default).")
def serve(index_dir: Path | None, host: str, port: int, max_body_bytes: int | None,
          max_citations: int | None, request_timeout: float | None, workers: int | None,
          queue_limit: int | None, api_key: str | None, cors_origins: tuple[str, ...]) -> int:
    """Serve POST /verify, POST /verify/batch, GET /health and GET /index over HTTP."""
    try:
        import uvicorn

        from citecheck.service import ServiceLimits, bind_warning, create_app, server_config
        from citecheck.verifier import settle_collector
    except ImportError as exc:
        raise CitecheckError(
            f"the HTTP service needs fastapi and uvicorn ({exc.name} is missing): "
            "pip install 'citecheck-verifier[service]'") from None
    limits = ServiceLimits(api_key=api_key or None, cors_origins=list(cors_origins))
    for name, value in (("max_body_bytes", max_body_bytes), ("max_citations", max_citations),
                        ("request_timeout", request_timeout), ("workers", workers),
                        ("queue_limit", queue_limit)):
        if value is not None:
            setattr(limits, name, value)
    warning = bind_warning(host, api_key=bool(limits.api_key))
    if warning:
        click.echo(f"citecheck: warning: {warning}", err=True)
    verifier = open_verifier(index_dir)
    settle_collector()
    app = create_app(verifier, limits=limits)
    uvicorn.Server(server_config(app, host=host, port=port, limits=limits)).run()
    return 0


def _exit_interrupted(*, process: bool = False) -> NoReturn:
    """Exit 130 after an interrupt (the interrupt has unwound: cleanup has run).

    From here on SIGINT is ignored. With ``process`` (citecheck is the program, not a
    caller's function) the process ends at once: CPython ends a process in which a
    KeyboardInterrupt once escaped code it ran from a string (an ``exec`` in a lazy import
    or a dataclass being made) by killing itself with SIGINT, whatever SystemExit says
    (exit -2 instead of 130, seen twice in CI).
    """
    import signal

    _handle_signals(signal.SIG_IGN, signal.SIGINT)
    click.echo("citecheck: interrupted", err=True)
    if process:
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(130)
    sys.exit(130)


# Set by SIGINT's handler: Python drops an exception raised while it runs a weakref callback
# or a finaliser (a Ctrl-C landing in one during an import was lost once, and an index build
# ran to its end), so long commands look again at every progress step.
_interrupt_requested = threading.Event()


def _raise_interrupt(signum: int, frame: Any) -> None:
    _interrupt_requested.set()
    raise KeyboardInterrupt


def _quiet_lost_interrupt(unraisable: Any) -> None:
    """``sys.unraisablehook``: a KeyboardInterrupt Python could not raise (it landed in a
    weakref callback during an import) is not printed as a traceback; the flag above stops
    the command at its next step. Anything else is reported as Python would."""
    if isinstance(unraisable.exc_value, KeyboardInterrupt) and _interrupt_requested.is_set():
        return
    sys.__unraisablehook__(unraisable)


def _check_interrupt() -> None:
    """Raise KeyboardInterrupt if SIGINT came, even if its first KeyboardInterrupt was lost."""
    if _interrupt_requested.is_set():
        raise KeyboardInterrupt


def _handle_signals(handler: Any, *signums: int) -> None:
    """Set these signals' handler where Python allows it: only the main thread may (not
    so when a test drives a command in a thread)."""
    import signal

    if threading.current_thread() is threading.main_thread():
        for signum in signums:
            signal.signal(signum, handler)


def main(argv: list[str] | None = None) -> None:
    """Console entry point: maps library errors to one-line messages and exit codes."""
    import signal

    # `kill -INT` stops any command (exit 130, an index build leaving the previous index),
    # even when a shell started citecheck as a background job with SIGINT ignored, which
    # Python would otherwise keep.
    _interrupt_requested.clear()
    _handle_signals(_raise_interrupt, signal.SIGINT)
    sys.unraisablehook = _quiet_lost_interrupt
    try:
        code = cli.main(args=argv, prog_name="citecheck", standalone_mode=False)
    except click.exceptions.Exit as exc:
        sys.exit(exc.exit_code)
    except click.ClickException as exc:
        exc.show()
        sys.exit(exc.exit_code)
    except (click.exceptions.Abort, KeyboardInterrupt):
        _exit_interrupted(process=argv is None)
    except CitecheckError as exc:
        click.echo(f"citecheck: error: {exc}", err=True)
        sys.exit(exc.exit_code)
    except BrokenPipeError:
        sys.exit(0)
    sys.exit(code if isinstance(code, int) else 0)


__all__ = ["InputError", "cli", "main"]
