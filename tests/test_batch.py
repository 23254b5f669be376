"""Batch verification of JSONL answers: parsing, output, resume, workers, stats and the CLI."""

from __future__ import annotations

import json
import sys
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from citecheck import Verifier, batch
from citecheck.batch import BatchItem, Malformed, completed_ids, parse_line, run_batch
from citecheck.batch_stats import format_table, model_stats, summarise, wilson_interval
from citecheck.errors import IndexCorruptError, IndexError_
from citecheck.html_report import render_html
from citecheck.records import split_bibtex_authors
from citecheck.verdict import VERDICTS

from conftest import run_cli

FABRICATED = ("Zanzibar Quokka and Lemony Snicket. Neural quokka herding with recursive "
              "marshmallow transformers. In NeurIPS, 2021.")


def reference(entry: dict[str, Any]) -> str:
    fields = entry["fields"]
    authors = ", ".join(split_bibtex_authors(fields["author"]))
    venue = fields.get("booktitle") or fields.get("journal")
    return f"{authors}. {fields['title']}. In {venue}, {fields['year']}."


def answer(*references: str) -> str:
    listed = "\n".join(f"{number}. {ref}" for number, ref in enumerate(references, 1))
    return f"Prior work covers this.\n\nReferences\n\n{listed}\n"


def write_jsonl(path: Path, rows: list[Any]) -> Path:
    path.write_text("".join((row if isinstance(row, str) else json.dumps(row)) + "\n"
                            for row in rows), encoding="utf-8")
    return path


def output_rows(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


@pytest.fixture(scope="module")
def verifier(index_dir: Path) -> Iterator[Verifier]:
    """The session index as a closed world, so that an invented reference is not_found
    whatever the index's coverage rules say about absence."""
    opened = Verifier.open(index_dir, closed_world=True)
    yield opened
    opened.close()


@pytest.fixture()
def answers(records: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Six answers from two models; model-b's second reference of each answer is fabricated."""
    rows = []
    for number in range(6):
        model = "model-a" if number % 2 == 0 else "model-b"
        refs = [reference(records[number * 3]), reference(records[number * 3 + 1])]
        if model == "model-b":
            refs[1] = FABRICATED.replace("quokka", f"quokka{number}")
        rows.append({"id": f"q{number}", "model": model, "text": answer(*refs)})
    return rows


def test_text_record_is_parsed_with_its_id_and_text() -> None:
    item = parse_line(json.dumps({"id": "a1", "text": "hello", "model": "m"}), 1)
    assert isinstance(item, BatchItem)
    assert (item.id, item.text, item.model) == ("a1", "hello", "m")


def test_chat_record_checks_only_assistant_turns() -> None:
    line = json.dumps({"id": 3, "messages": [
        {"role": "user", "content": "cite something"},
        {"role": "assistant", "content": "See Smith (2020)."},
        {"role": "assistant", "content": [{"type": "text", "text": "And Jones (2021)."}]},
    ]})
    item = parse_line(line, 1)
    assert isinstance(item, BatchItem)
    assert item.text == "See Smith (2020).\n\nAnd Jones (2021)."


def test_line_without_id_gets_its_line_number() -> None:
    item = parse_line(json.dumps({"text": "hello"}), 17)
    assert isinstance(item, BatchItem) and item.id == 17


@pytest.mark.parametrize("line", ["{not json", "[1, 2]", '{"id": 1}', '{"id": 1, "text": 5}',
                                  '{"id": 1, "messages": [{"role": "user", "content": "x"}]}'])
def test_malformed_line_is_reported_with_its_line_number(line: str) -> None:
    parsed = parse_line(line, 9)
    assert isinstance(parsed, Malformed) and parsed.line_number == 9


def test_batch_output_is_the_input_line_plus_citations_and_summary(
        verifier: Any, tmp_path: Path, answers: list[dict[str, Any]]) -> None:
    source = write_jsonl(tmp_path / "in.jsonl", [{**answers[1], "extra": [1, 2]}])
    run_batch(verifier, source, tmp_path / "out.jsonl")
    (row,) = output_rows(tmp_path / "out.jsonl")
    assert row["extra"] == [1, 2] and row["model"] == "model-b"
    assert {key: row["summary"][key] for key in ("total", *VERDICTS)} == {
        "total": 2, "verified": 1, "mismatch": 0, "not_found": 1, "unverifiable": 0}
    assert [c["verdict"] for c in row["citations"]] == ["verified", "not_found"]


def test_malformed_lines_are_skipped_but_counted(verifier: Any, tmp_path: Path,
                                                 answers: list[dict[str, Any]]) -> None:
    source = write_jsonl(tmp_path / "in.jsonl",
                         [answers[0], "{broken", answers[1], '"just a string"'])
    result = run_batch(verifier, source, tmp_path / "out.jsonl")
    assert [m.line_number for m in result.malformed] == [2, 4]
    assert (result.lines, result.written) == (4, 2)
    assert [row["id"] for row in output_rows(tmp_path / "out.jsonl")] == ["q0", "q1"]


def test_line_that_is_not_utf8_is_written_as_an_error_line_with_its_id(
        verifier: Any, tmp_path: Path, answers: list[dict[str, Any]]) -> None:
    source = tmp_path / "in.jsonl"
    source.write_bytes(b'{"id": "bad", "text": "caf\xe9"}\n' + json.dumps(answers[0]).encode()
                       + b"\n")
    result = run_batch(verifier, source, tmp_path / "out.jsonl")
    assert [(f.line_number, f.id, f.reason.startswith("not UTF-8")) for f in result.failed] == [
        (1, "bad", True)]
    bad, good = output_rows(tmp_path / "out.jsonl")
    assert bad["id"] == "bad" and bad["error"].startswith("not UTF-8") and bad["citations"] == []
    assert good["id"] == "q0" and "error" not in good and good["summary"]["verified"] == 2


def test_lone_surrogate_in_the_text_is_an_error_line_and_the_run_goes_on(
        verifier: Any, tmp_path: Path, answers: list[dict[str, Any]]) -> None:
    # The JSON escape \ud800 alone decodes to a lone surrogate, which UTF-8 cannot write:
    # this line once crashed every run at the same place (issue 13).
    source = write_jsonl(tmp_path / "in.jsonl", [
        '{"id": "s1", "model": "m", "text": "Smith (2020) \\ud800 showed it."}', answers[0]])
    result = run_batch(verifier, source, tmp_path / "out.jsonl")
    assert [(f.id, f.reason) for f in result.failed] == [
        ("s1", "text is not valid Unicode (a lone surrogate at character 13)")]
    rows = output_rows(tmp_path / "out.jsonl")
    assert [row["id"] for row in rows] == ["s1", "q0"]
    assert rows[0]["model"] == "m" and "text" not in rows[0]


def test_lone_surrogate_in_the_id_reads_back_as_the_same_id(
        verifier: Any, tmp_path: Path, answers: list[dict[str, Any]]) -> None:
    source = write_jsonl(tmp_path / "in.jsonl", ['{"id": "x\\udc00", "text": "See [1]."}'])
    output = tmp_path / "out.jsonl"
    first = run_batch(verifier, source, output)
    assert [f.id for f in first.failed] == ["x\udc00"]
    assert completed_ids(output) == {"x\udc00"}


def test_line_over_the_size_cap_is_an_error_line(verifier: Any, tmp_path: Path,
                                                 answers: list[dict[str, Any]]) -> None:
    big = {"id": "big", "text": answers[0]["text"] * 200}
    source = write_jsonl(tmp_path / "in.jsonl", [big, answers[1]])
    result = run_batch(verifier, source, tmp_path / "out.jsonl", max_line_bytes=10_000)
    (failed,) = result.failed
    assert failed.id == "big" and "over the 10,000-byte limit per line" in failed.reason
    assert [row.get("error") is None for row in output_rows(tmp_path / "out.jsonl")] == [
        False, True]


class RaisingOn:
    """A verifier that raises on any answer containing ``marker``, like a bug would."""

    def __init__(self, verifier: Any, marker: str, error: type[Exception] = RuntimeError) -> None:
        self.verifier, self.marker, self.error = verifier, marker, error

    def verify_many(self, texts: list[str]) -> list[Any]:
        if any(self.marker in text for text in texts):
            raise self.error(f"cannot handle {self.marker}")
        return list(self.verifier.verify_many(texts))


def test_answer_that_raises_is_an_error_line_and_its_chunk_is_still_verified(
        verifier: Any, tmp_path: Path, answers: list[dict[str, Any]]) -> None:
    source = write_jsonl(tmp_path / "in.jsonl", answers)
    result = run_batch(RaisingOn(verifier, "quokka3"), source, tmp_path / "out.jsonl",
                       chunk_size=3)
    assert [(f.id, f.reason) for f in result.failed] == [
        ("q3", "verification failed: RuntimeError: cannot handle quokka3")]
    rows = {row["id"]: row for row in output_rows(tmp_path / "out.jsonl")}
    assert rows["q3"]["citations"] == [] and rows["q3"]["model"] == "model-b"
    assert all(rows[f"q{n}"]["summary"]["total"] == 2 for n in (0, 1, 2, 4, 5))


def test_rerun_skips_error_lines_instead_of_failing_on_them_again(
        verifier: Any, tmp_path: Path, answers: list[dict[str, Any]]) -> None:
    source = write_jsonl(tmp_path / "in.jsonl", answers[:3])
    output = tmp_path / "out.jsonl"
    run_batch(RaisingOn(verifier, "quokka1"), source, output)
    rerun = run_batch(RaisingOn(verifier, "quokka1"), source, output)
    assert (rerun.written, rerun.already_done, rerun.failed) == (0, 3, [])
    assert len(output_rows(output)) == 3


def test_index_error_stops_the_run_instead_of_marking_lines_failed(
        verifier: Any, tmp_path: Path, answers: list[dict[str, Any]]) -> None:
    # A broken index fails every line alike: written as error lines, a rerun would skip them.
    source = write_jsonl(tmp_path / "in.jsonl", answers[:2])
    output = tmp_path / "out.jsonl"
    with pytest.raises(IndexCorruptError):
        run_batch(RaisingOn(verifier, "Prior work", IndexCorruptError), source, output)
    assert not output.exists() or output.read_bytes() == b""


def test_error_lines_are_counted_as_failed_not_as_answers() -> None:
    rows = [{"model": "a", "summary": {"total": 1, "verified": 1}},
            {"model": "a", "citations": [], "summary": {"total": 0}, "error": "too large"}]
    (stats,) = model_stats(rows)
    assert (stats.answers, stats.failed, stats.citations) == (1, 1, 1)


def test_duplicate_id_is_reported_not_verified_twice(verifier: Any, tmp_path: Path,
                                                     answers: list[dict[str, Any]]) -> None:
    source = write_jsonl(tmp_path / "in.jsonl", [answers[0], answers[0]])
    result = run_batch(verifier, source, tmp_path / "out.jsonl")
    assert result.written == 1
    assert [m.line_number for m in result.malformed] == [2]


def test_batch_resume_skips_completed_ids(verifier: Any, tmp_path: Path,
                                          answers: list[dict[str, Any]]) -> None:
    source = write_jsonl(tmp_path / "in.jsonl", answers[:3])
    output = tmp_path / "out.jsonl"
    run_batch(verifier, source, output)
    write_jsonl(source, answers)
    result = run_batch(verifier, source, output)
    assert (result.already_done, result.written) == (3, 3)
    assert [row["id"] for row in output_rows(output)] == [a["id"] for a in answers]


def test_trailing_partial_line_is_cut_before_resuming(verifier: Any, tmp_path: Path,
                                                      answers: list[dict[str, Any]]) -> None:
    source = write_jsonl(tmp_path / "in.jsonl", answers[:2])
    output = tmp_path / "out.jsonl"
    run_batch(verifier, source, output)
    complete = output.read_text(encoding="utf-8").splitlines(keepends=True)[0]
    output.write_text(complete + '{"id": "q1", "citations": [{"te', encoding="utf-8")
    assert completed_ids(output) == {"q0"}
    run_batch(verifier, source, output)
    assert [row["id"] for row in output_rows(output)] == ["q0", "q1"]


def test_two_workers_write_the_same_lines_in_the_same_order_as_one(
        verifier: Any, tmp_path: Path, answers: list[dict[str, Any]]) -> None:
    source = write_jsonl(tmp_path / "in.jsonl", answers)
    run_batch(verifier, source, tmp_path / "one.jsonl", workers=1, chunk_size=2)
    run_batch(verifier, source, tmp_path / "two.jsonl", workers=2, chunk_size=2)
    assert (tmp_path / "one.jsonl").read_bytes() == (tmp_path / "two.jsonl").read_bytes()


def start_workers_by(how: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """Make batch fork its worker processes, or spawn them, whatever this process is like."""
    monkeypatch.setattr(batch, "_can_fork", lambda verifier: how == "fork")


@pytest.mark.slow
@pytest.mark.parametrize("how", ["fork", "spawn"])
def test_worker_processes_write_the_same_lines_in_the_same_order_as_one_thread(
        static_index: Path, tmp_path: Path, answers: list[dict[str, Any]], how: str,
        monkeypatch: pytest.MonkeyPatch) -> None:
    start_workers_by(how, monkeypatch)
    source = write_jsonl(tmp_path / "in.jsonl", answers)
    with Verifier.open(static_index, closed_world=True) as verifier:
        run_batch(verifier, source, tmp_path / "one.jsonl", workers=1, chunk_size=2)
        run_batch(verifier, source, tmp_path / "two.jsonl", workers=2, chunk_size=2,
                  processes=True)
    assert (tmp_path / "one.jsonl").read_bytes() == (tmp_path / "two.jsonl").read_bytes()


@pytest.mark.parametrize("how", ["spawn", "fork"])
def test_workers_started_after_the_index_was_damaged(
        static_index: Path, tmp_path: Path, answers: list[dict[str, Any]], how: str,
        monkeypatch: pytest.MonkeyPatch) -> None:
    """A spawned worker opens the index itself and must say it is damaged, not hang; a forked
    one verifies with the index its parent opened before the damage."""
    import shutil

    start_workers_by(how, monkeypatch)
    copy = tmp_path / "index"
    shutil.copytree(static_index, copy)
    source = write_jsonl(tmp_path / "in.jsonl", answers)
    one, two = tmp_path / "one.jsonl", tmp_path / "two.jsonl"
    with Verifier.open(copy, closed_world=True) as opened:
        run_batch(opened, source, one, workers=1, chunk_size=2)
        (copy / "manifest.json").write_text("{", encoding="utf-8")
        if how == "spawn":
            with pytest.raises(IndexCorruptError):
                run_batch(opened, source, two, workers=2, chunk_size=2, processes=True)
            assert not two.read_text(encoding="utf-8")
        else:
            run_batch(opened, source, two, workers=2, chunk_size=2, processes=True)
            assert one.read_bytes() == two.read_bytes()


def test_forked_workers_end_on_sigterm_and_leave_ctrl_c_to_their_parent(
        static_index: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import signal

    start_workers_by("fork", monkeypatch)
    # What the CLI installs: a handler that only asks the run to stop.
    previous = signal.signal(signal.SIGTERM, lambda signum, frame: None)
    try:
        with Verifier.open(static_index, closed_world=True) as opened:
            pool = batch.process_pool(opened, 1)
            handlers = pool.submit(signal.getsignal, signal.SIGTERM).result(timeout=60), \
                pool.submit(signal.getsignal, signal.SIGINT).result(timeout=60)
            pool.shutdown()
    finally:
        signal.signal(signal.SIGTERM, previous)
    assert handlers == (signal.SIG_DFL, signal.SIG_IGN)


def test_workers_are_not_forked_with_a_store_an_update_has_replaced(
        static_index: Path, tmp_path: Path) -> None:
    import shutil

    copy = tmp_path / "index"
    shutil.copytree(static_index, copy)
    opened = Verifier.open(copy, closed_world=True)
    assert batch._can_fork(opened) == (threading.active_count() == 1
                                       and "torch" not in sys.modules)
    # As an update publishes a store: a new file renamed over the old one.
    shutil.copy(copy / "records.db", tmp_path / "records.db")
    (tmp_path / "records.db").replace(copy / "records.db")
    assert not batch._can_fork(opened)
    with pytest.raises(IndexError_, match="replaced"):
        opened.index.store.reconnect()
    opened.close()


def test_progress_callback_reaches_the_total(verifier: Any, tmp_path: Path,
                                             answers: list[dict[str, Any]]) -> None:
    source = write_jsonl(tmp_path / "in.jsonl", [*answers, "{broken"])
    calls: list[tuple[int, int]] = []
    run_batch(verifier, source, tmp_path / "out.jsonl", chunk_size=4,
              progress=lambda done, total: calls.append((done, total)))
    assert calls[0] == (1, 7) and calls[-1] == (7, 7)
    assert [done for done, _ in calls] == sorted(done for done, _ in calls)


@pytest.mark.parametrize(("successes", "trials", "expected"), [
    (5, 10, (0.2366, 0.7634)),  # textbook value (Wilson 1927; Newcombe 1998, table I)
    (0, 10, (0.0, 0.2775)),
    (81, 263, (0.2553, 0.3662)),  # Newcombe 1998, example (a)
])
def test_wilson_interval_matches_published_values(successes: int, trials: int,
                                                  expected: tuple[float, float]) -> None:
    low, high = wilson_interval(successes, trials)
    assert (round(low, 4), round(high, 4)) == expected


def test_stats_count_verdicts_per_model() -> None:
    rows = [{"model": "a", "summary": {"verified": 3, "not_found": 1}},
            {"model": "b", "summary": {"mismatch": 2}},
            {"model": "a", "summary": {"unverifiable": 1, "mismatch": 1}},
            {"summary": {"verified": 1}}]
    stats = {entry.model: entry for entry in model_stats(rows)}
    assert stats["a"].answers == 2 and stats["a"].citations == 6
    assert stats["a"].hallucinations == 2 and stats["b"].hallucination_rate == 1.0
    assert stats["(no model)"].citations == 1


def test_worst_examples_are_the_rows_with_most_flagged_citations() -> None:
    rows = [{"id": n, "summary": {"total": 4, "not_found": n % 3, "verified": 4 - n % 3}}
            for n in range(6)]
    _, worst = summarise(rows, limit=2)
    assert [row["id"] for row in worst] == [2, 5]


def test_html_report_is_self_contained_with_a_chart_per_model(
        verifier: Any, tmp_path: Path, answers: list[dict[str, Any]]) -> None:
    source = write_jsonl(tmp_path / "in.jsonl", answers)
    run_batch(verifier, source, tmp_path / "out.jsonl")
    stats, worst = summarise(output_rows(tmp_path / "out.jsonl"))
    page = render_html(stats, worst)
    assert page.count("<svg") == 2
    assert "src=" not in page and "<link" not in page and "<script" not in page
    assert "quokka1" in page  # a flagged citation of model-b is among the worst examples


def test_table_has_a_line_per_model_with_the_interval() -> None:
    table = format_table(model_stats([{"model": "gpt", "summary": {"verified": 5, "mismatch": 5}}]))
    assert "gpt" in table and "50.0% [23.7%, 76.3%]" in table


@pytest.mark.slow
def test_batch_cli_prints_a_table_per_model_and_writes_the_html_report(
        index_dir: Path, tmp_path: Path, answers: list[dict[str, Any]]) -> None:
    source = write_jsonl(tmp_path / "in.jsonl", [*answers, "{broken"])
    result = run_cli("batch", str(source), "-o", str(tmp_path / "out.jsonl"), "--index",
                     str(index_dir), "--workers", "2", "--report", str(tmp_path / "r.html"))
    assert result.returncode == 0, result.stderr
    assert f"{source}:7: skipped: invalid JSON" in result.stderr
    assert "7 lines: 6 checked now, 0 already in" in result.stdout
    assert "1 malformed (skipped), 0 failed (error lines)" in result.stdout
    assert "model-a" in result.stdout and "model-b" in result.stdout
    assert (tmp_path / "r.html").read_text(encoding="utf-8").startswith("<!DOCTYPE html>")


def test_the_cli_progress_bar_starts_no_thread_that_would_keep_workers_from_forking(
        static_index: Path) -> None:
    from citecheck.cli import _progress_bar

    threads = threading.active_count()
    with Verifier.open(static_index) as opened, _progress_bar("verifying", "line") as progress:
        progress("verifying", 0, 10)
        assert threading.active_count() == threads
        if threads == 1 and "torch" not in sys.modules:
            assert batch._can_fork(opened)


def test_batch_cli_on_a_missing_file_exits_2(tmp_path: Path) -> None:
    result = run_cli("batch", str(tmp_path / "absent.jsonl"), "-o", str(tmp_path / "out.jsonl"),
                     "--index", str(tmp_path / "no-index"))
    assert result.returncode == 2
    assert "no such file" in result.stderr


def test_batch_cli_on_a_missing_index_exits_3(tmp_path: Path) -> None:
    source = write_jsonl(tmp_path / "in.jsonl", [{"id": 1, "text": "hello"}])
    result = run_cli("batch", str(source), "-o", str(tmp_path / "out.jsonl"),
                     "--index", str(tmp_path / "no-index"))
    assert result.returncode == 3, result.stderr


def test_a_stop_event_ends_the_run_after_whole_lines_and_a_rerun_resumes(
        verifier: Any, tmp_path: Path, answers: list[dict[str, Any]]) -> None:
    rows = [{**row, "id": f"{row['id']}-{copy}"} for copy in range(4) for row in answers]
    source = write_jsonl(tmp_path / "in.jsonl", rows)
    output = tmp_path / "out.jsonl"
    stop = threading.Event()

    def stop_after_first_chunk(done: int, total: int) -> None:
        if done:
            stop.set()

    first = run_batch(verifier, source, output, chunk_size=4, progress=stop_after_first_chunk,
                      stop=stop)
    assert first.interrupted and first.written == 4
    assert [row["id"] for row in output_rows(output)] == [row["id"] for row in rows[:4]]
    second = run_batch(verifier, source, output, chunk_size=4)
    assert not second.interrupted and second.already_done == 4
    assert sorted(row["id"] for row in output_rows(output)) == sorted(row["id"] for row in rows)


def test_settling_the_collector_leaves_young_collections_and_makes_full_ones_rare() -> None:
    import gc

    from citecheck.verifier import FULL_COLLECTION_EVERY, settle_collector

    before = gc.get_threshold()
    try:
        settle_collector()
        assert gc.get_threshold() == (*before[:2], FULL_COLLECTION_EVERY)
        assert gc.get_freeze_count() > 0  # what was loaded is not walked again
        # A cycle made now is still found by a young collection.
        cycle: list[object] = []
        cycle.append(cycle)
        del cycle
        assert gc.collect(0) >= 1
    finally:
        gc.unfreeze()
        gc.set_threshold(*before)
