"""The quickstart notebook runs top to bottom against a real index, and is committed clean."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import ROOT

nbformat = pytest.importorskip("nbformat")
nbclient = pytest.importorskip("nbclient")

NOTEBOOK = ROOT / "notebooks" / "quickstart.ipynb"


def test_quickstart_notebook_is_committed_without_outputs() -> None:
    notebook = nbformat.read(NOTEBOOK, as_version=4)
    code = [cell for cell in notebook.cells if cell.cell_type == "code"]
    assert code and all(not cell.outputs and cell.execution_count is None for cell in code)


@pytest.mark.slow
def test_quickstart_notebook_runs_against_the_index(index_dir: Path,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    # The kernel inherits the environment: Verifier.open() finds the index through it.
    monkeypatch.setenv("CITECHECK_INDEX", str(index_dir))
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    notebook = nbformat.read(NOTEBOOK, as_version=4)
    client = nbclient.NotebookClient(notebook, timeout=300, kernel_name="python3",
                                     resources={"metadata": {"path": str(NOTEBOOK.parent)}})
    client.execute()  # raises CellExecutionError when a cell (or one of its asserts) fails
    outputs = "".join(str(output) for cell in notebook.cells for output in cell.get("outputs", []))
    assert str(index_dir) in outputs
