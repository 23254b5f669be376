"""Command-line conventions: NO_COLOR, BibTeX output that never cites a stand-in, search scores."""

from __future__ import annotations

import os
import pty
import subprocess
import sys
from pathlib import Path
from typing import Any

import bibtexparser
import pytest

from citecheck import Verifier
from citecheck.records import split_bibtex_authors
from citecheck.report import render

from conftest import ROOT, run_cli

INVENTED = ("Zanzibar Quokka and Lemony Snicket. Neural quokka herding with recursive "
            "marshmallow transformers. In NeurIPS, 2021.")


def reference(entry: dict[str, Any], year_shift: int = 0) -> str:
    fields = entry["fields"]
    authors = ", ".join(split_bibtex_authors(fields["author"]))
    venue = fields.get("booktitle") or fields.get("journal")
    return f"{authors}. {fields['title']}. In {venue}, {int(fields['year']) + year_shift}."


def run_on_a_terminal(args: list[str], env: dict[str, str]) -> str:
    """Run the CLI with its stdout on a pseudo-terminal, as a user at a shell would."""
    leader, follower = pty.openpty()
    process = subprocess.Popen([sys.executable, "-m", "citecheck", *args], cwd=ROOT,
                               stdout=follower, stderr=subprocess.DEVNULL,
                               env={**os.environ, "HF_HUB_OFFLINE": "1", **env})
    os.close(follower)
    chunks = []
    while True:
        try:
            chunk = os.read(leader, 65536)
        except OSError:  # EIO: the child closed the terminal
            break
        if not chunk:
            break
        chunks.append(chunk)
    process.wait(timeout=300)
    os.close(leader)
    return b"".join(chunks).decode("utf-8", "replace")


@pytest.fixture()
def answer_file(tmp_path: Path, records: list[dict[str, Any]]) -> Path:
    path = tmp_path / "answer.md"
    path.write_text(f"References\n\n1. {reference(records[0])}\n2. {INVENTED}\n", encoding="utf-8")
    return path


@pytest.mark.slow
def test_text_report_is_coloured_on_a_terminal_unless_no_color_is_set(
        index_dir: Path, answer_file: Path) -> None:
    args = [str(answer_file), "--index", str(index_dir)]
    coloured = run_on_a_terminal(args, {"NO_COLOR": ""})
    plain = run_on_a_terminal(args, {"NO_COLOR": "1"})
    assert "\033[32m" in coloured  # the control: colour does reach a terminal
    assert "VERIFIED" in plain and "\033[" not in plain


def test_bibtex_output_comments_out_the_closest_record_of_a_citation_not_found(
        index_dir: Path, records: list[dict[str, Any]]) -> None:
    verifier = Verifier.open(index_dir, closed_world=True)
    text = f"References\n\n1. {reference(records[3], year_shift=-4)}\n2. {INVENTED}\n"
    report = verifier.verify_text(text)
    assert [r.verdict for r in report.results] == ["mismatch", "not_found"]
    assert report.results[1].suggestions  # there is a closest record to leave out
    output = render(report, "bibtex")
    library = bibtexparser.parse_string(output)
    # Only the corrected record of the mismatch is a live entry.
    assert [entry["title"] for entry in library.entries] == [
        "{" + records[3]["fields"]["title"] + "}"]
    suggestion = output.split("% [2] not_found")[1].split("\n", 1)[1]  # after the header
    assert report.results[1].suggestions[0].record.title in suggestion
    assert "@" not in suggestion  # BibTeX starts an entry at any "@", even after "%"
    assert all(line.startswith("%") for line in suggestion.splitlines() if line.strip())


@pytest.mark.slow
def test_search_scores_are_in_0_1_on_the_scale_of_verdict_confidence(
        index_dir: Path, records: list[dict[str, Any]]) -> None:
    title = records[5]["fields"]["title"]
    result = run_cli("search", title, "-k", "5", "--index", str(index_dir))
    assert result.returncode == 0, result.stderr
    lines = result.stdout.strip().splitlines()
    scores = [float(line.split()[0]) for line in lines]
    assert all(0.0 <= score <= 1.0 for score in scores)
    assert scores == sorted(scores, reverse=True)
    # The record with that title is surely the work, as a verified verdict would be sure.
    assert title in lines[0] and scores[0] >= 0.8
    # Records that share a few words with the query are surely not the work it names.
    loose = run_cli("search", "graph neural networks", "-k", "5", "--index", str(index_dir))
    loose_scores = [float(line.split()[0]) for line in loose.stdout.strip().splitlines()]
    assert len(loose_scores) == 5 and all(0.0 <= score < 0.5 for score in loose_scores)
