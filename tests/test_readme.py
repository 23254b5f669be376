"""The README's library example runs as written against a real index."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from citecheck import Record

from conftest import ROOT

pytestmark = pytest.mark.slow


def test_readme_library_example_runs(index_dir: Path, monkeypatch: pytest.MonkeyPatch,
                                     capsys: pytest.CaptureFixture[str]) -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    example = re.search(r"```python\n(.*?)```", readme, re.S)
    assert example is not None
    monkeypatch.setenv("CITECHECK_INDEX", str(index_dir))
    answer = ("Panoptic segmentation can be trained end to end [1].\n\nReferences\n\n"
              "[1] Ahmed Abbas and Paul Swoboda. Combinatorial Optimization for Panoptic "
              "Segmentation: A Fully Differentiable Approach. In NeurIPS, 2021.\n"
              "[2] Maria Lindqvist. Holographic Gradient Folding. In ICML, 2022.\n")
    namespace = {"answer": answer, "answers": [answer, answer],
                 "retrieved_records": [Record(id="r1", title="Holographic Gradient Folding",
                                              authors=["Maria Lindqvist"], year=2022)]}
    exec(compile(example.group(1), "README.md", "exec"), namespace)
    printed = capsys.readouterr().out
    assert printed.startswith("verified 0.99")
    assert "[citation not verified]" not in namespace["guarded"].text  # the source verified [2]
