"""`citecheck fix`: corrections in place, unverified citations marked, never a silent swap."""

from __future__ import annotations

from pathlib import Path

import pytest

from citecheck import Verifier
from citecheck.fix import UNVERIFIED_MARK, fix_text

from conftest import run_cli

pytestmark = pytest.mark.slow

REAL = ("[1] Ahmed Abbas and Paul Swoboda. Combinatorial Optimization for Panoptic Segmentation: "
        "A Fully Differentiable Approach. In NeurIPS, 2021.")
INVENTED = ("[2] Maria Lindqvist and Tomasz Wren. Holographic Gradient Folding for Sparse "
            "Mixture Routers. In ICML, 2022.")


def test_wrong_year_is_corrected_in_place(verifier: Verifier) -> None:
    text = "References\n\n" + REAL.replace("2021", "2019") + "\n"
    fixed, changes = fix_text(text, verifier.verify_text(text))
    assert fixed == "References\n\n" + REAL + "\n"
    assert [c.action for c in changes] == ["corrected"]


def test_wrong_venue_is_corrected_in_place(verifier: Verifier) -> None:
    text = REAL.replace("In NeurIPS", "In ICML") + "\n"
    fixed, _ = fix_text(text, verifier.verify_text(text))
    assert "In NeurIPS, 2021." in fixed


def test_invented_reference_is_marked_not_replaced(verifier: Verifier) -> None:
    text = INVENTED + "\n"
    fixed, changes = fix_text(text, verifier.verify_text(text))
    assert fixed == INVENTED + " " + UNVERIFIED_MARK + "\n"
    assert [c.action for c in changes] == ["marked"]


def test_bibtex_entry_is_rewritten_from_the_record_keeping_its_key(verifier: Verifier) -> None:
    text = ("@inproceedings{abbas21,\n  title = {Combinatorial Optimization for Panoptic "
            "Segmentation: A Fully Differentiable Approach},\n  author = {Ahmed Abbas and Paul "
            "Swoboda},\n  booktitle = {ICML},\n  year = {2021}\n}\n")
    fixed, _ = fix_text(text, verifier.verify_text(text))
    assert fixed.startswith("@inproceedings{abbas21,")
    assert "booktitle = {NeurIPS}" in fixed
    assert verifier.verify_text(fixed).results[0].verdict == "verified"


def test_verified_text_is_left_unchanged(verifier: Verifier) -> None:
    text = REAL + "\n"
    assert fix_text(text, verifier.verify_text(text)) == (text, [])


def test_fix_command_writes_a_corrected_copy(index_dir: Path, tmp_path: Path) -> None:
    answer = tmp_path / "answer.md"
    answer.write_text(REAL.replace("2021", "2018") + "\n" + INVENTED + "\n", encoding="utf-8")
    result = run_cli("fix", str(answer), "--index", str(index_dir))
    assert result.returncode == 1
    fixed = (tmp_path / "answer.fixed.md").read_text(encoding="utf-8")
    assert REAL in fixed and UNVERIFIED_MARK in fixed
    assert answer.read_text(encoding="utf-8").count("2018") == 1  # the original is untouched
