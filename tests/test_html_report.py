"""The HTML batch report, rendered in headless Chromium: charts and tables are seen, and the
page stays small for 100 k answers."""

from __future__ import annotations

import json
import re
import shutil
import struct
import subprocess
import zlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from citecheck import Verifier
from citecheck.batch import read_output, run_batch
from citecheck.batch_stats import summarise
from citecheck.html_report import COLOURS, render_html
from citecheck.records import split_bibtex_authors

# Flags for a sandboxless container with no network, display or GPU; a fresh profile per
# run, so nothing from an earlier run is reused.
CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                  "--no-first-run", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync", "--hide-scrollbars"]
MAX_PAGE_BYTES = 2 * 1024 * 1024


def chromium(*args: str, profile: Path) -> subprocess.CompletedProcess[str]:
    binary = shutil.which("chromium") or shutil.which("chromium-browser")
    if binary is None:
        pytest.skip("headless Chromium is not installed and could not be (apt-get install "
                    "chromium; .ci/run does it where apt works): the HTML report was not seen")
    result = subprocess.run([binary, *CHROMIUM_FLAGS, f"--user-data-dir={profile}", *args],
                            capture_output=True, text=True, timeout=180)
    assert result.returncode == 0, result.stderr[-2000:]
    return result


def read_png(path: Path) -> np.ndarray:
    """The pixels of an 8-bit RGB or RGBA PNG (what Chromium writes), as (height, width, 3)."""
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    position, compressed = 8, bytearray()
    width = height = channels = 0
    while position < len(data):
        length, kind = struct.unpack(">I4s", data[position:position + 8])
        body = data[position + 8:position + 8 + length]
        position += 12 + length
        if kind == b"IHDR":
            width, height, depth, colour_type, _, _, interlace = struct.unpack(">IIBBBBB", body)
            assert depth == 8 and colour_type in (2, 6) and interlace == 0, body
            channels = 3 if colour_type == 2 else 4
        elif kind == b"IDAT":
            compressed += body
    stride = width * channels
    rows = np.frombuffer(zlib.decompress(bytes(compressed)), np.uint8).reshape(height, stride + 1)
    pixels = np.zeros((height, stride), np.int64)
    previous = np.zeros(stride, np.int64)
    for y in range(height):
        kind, line = int(rows[y, 0]), rows[y, 1:].astype(np.int64)
        if kind == 0:
            current = line
        elif kind == 1:  # Sub: a running sum along the row, per channel
            current = line.reshape(width, channels).cumsum(axis=0).reshape(-1) % 256
        elif kind == 2:  # Up
            current = (line + previous) % 256
        else:  # Average or Paeth: each byte depends on the one just decoded
            current = np.zeros(stride, np.int64)
            for x in range(stride):
                left = int(current[x - channels]) if x >= channels else 0
                up = int(previous[x])
                upper_left = int(previous[x - channels]) if x >= channels else 0
                if kind == 3:
                    predicted = (left + up) // 2
                else:
                    estimate = left + up - upper_left
                    predicted = min((abs(estimate - left), 0, left), (abs(estimate - up), 1, up),
                                    (abs(estimate - upper_left), 2, upper_left))[2]
                current[x] = (int(line[x]) + predicted) % 256
        pixels[y] = current
        previous = current
    return pixels.reshape(height, width, channels)[:, :, :3].astype(np.uint8)


def pixels_of(image: np.ndarray, colour: str) -> int:
    rgb = tuple(int(colour[i:i + 2], 16) for i in (1, 3, 5))
    return int(np.all(image == np.array(rgb, np.uint8), axis=2).sum())


def reference(entry: dict[str, Any], year_shift: int = 0) -> str:
    fields = entry["fields"]
    authors = ", ".join(split_bibtex_authors(fields["author"]))
    venue = fields.get("booktitle") or fields.get("journal")
    return f"{authors}. {fields['title']}. In {venue}, {int(fields['year']) + year_shift}."


@pytest.fixture(scope="module")
def verifier(index_dir: Path) -> Iterator[Verifier]:
    """A closed world, so that invented references are not_found."""
    opened = Verifier.open(index_dir, closed_world=True)
    yield opened
    opened.close()


@pytest.fixture(scope="module")
def batch_output(tmp_path_factory: pytest.TempPathFactory, verifier: Verifier,
                 records: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """A real batch of 30 answers from three models: real references, wrong years, inventions."""
    rows = []
    for number in range(30):
        refs = [reference(records[number * 3], -4 if number % 3 == 1 else 0),
                reference(records[number * 3 + 1])]
        if number % 3 == 2:
            refs.append(f"Zanzibar Quokka. Recursive marshmallow transformers {number}. In "
                        "NeurIPS, 2021.")
        listed = "\n".join(f"{n}. {ref}" for n, ref in enumerate(refs, 1))
        rows.append({"id": f"q{number}", "model": f"model-{'abc'[number % 3]}",
                     "text": f"Prior work covers this.\n\nReferences\n\n{listed}\n"})
    workdir = tmp_path_factory.mktemp("html")
    source = workdir / "in.jsonl"
    source.write_text("".join(json.dumps(row) + "\n" for row in rows), encoding="utf-8")
    run_batch(verifier, source, workdir / "out.jsonl")
    return list(read_output(workdir / "out.jsonl"))


@pytest.fixture(scope="module")
def report_page(tmp_path_factory: pytest.TempPathFactory,
                batch_output: list[dict[str, Any]]) -> Path:
    stats, worst = summarise(batch_output)
    page = tmp_path_factory.mktemp("page") / "report.html"
    page.write_text(render_html(stats, worst, title="citecheck: in.jsonl"), encoding="utf-8")
    return page


@pytest.mark.slow
def test_report_screenshot_shows_the_verdict_bars_of_every_model(report_page: Path,
                                                                 tmp_path: Path) -> None:
    shot = tmp_path / "report.png"
    chromium("--window-size=1000,2400", f"--screenshot={shot}", report_page.as_uri(),
             profile=tmp_path / "profile")
    image = read_png(shot)
    assert image.shape == (2400, 1000, 3)
    not_white = np.any(image < 240, axis=2).mean()
    assert not_white > 0.02, f"the page looks blank ({not_white:.2%} of pixels not white)"
    # Three charts: each draws a verified bar (310 px wide at full count), and the models
    # with wrong years and inventions draw mismatch and not_found bars.
    assert pixels_of(image, COLOURS["verified"]) > 3 * 22 * 150
    assert pixels_of(image, COLOURS["mismatch"]) > 22 * 50
    assert pixels_of(image, COLOURS["not_found"]) > 22 * 50


@pytest.mark.slow
def test_rendered_dom_has_the_table_a_chart_per_model_and_the_worst_examples(
        report_page: Path, tmp_path: Path) -> None:
    dom = chromium("--dump-dom", report_page.as_uri(), profile=tmp_path / "profile").stdout
    table = re.search(r'<table id="models">(.*?)</table>', dom, re.S)
    assert table is not None
    assert table.group(1).count("<tr>") == 4  # a header and three models
    charts = re.search(r'<div id="charts">(.*?)</div><h2>', dom, re.S)
    assert charts is not None and charts.group(1).count("<svg") == 3
    assert charts.group(1).count("<rect") == 3 * 4
    examples = re.search(r'<div id="examples">(.*)</div>\s*</body>', dom, re.S)
    assert examples is not None and examples.group(1).count('class="example"') == 10
    # The worst rows are model-b's, half of whose citations give a wrong year.
    assert examples.group(1).count('class="verdict mismatch"') == 10
    assert "year: cited" in examples.group(1)


def test_report_of_100k_answers_stays_under_2_mb(batch_output: list[dict[str, Any]],
                                                  tmp_path: Path) -> None:
    # 100 k answers: the real output rows, repeated under new ids and 40 models, with one
    # answer citing 500 invented works (the examples cap how much of it is shown).
    heavy = dict(batch_output[2], id="heavy", citations=batch_output[2]["citations"] * 500)
    heavy["summary"] = {**heavy["summary"], "total": len(heavy["citations"]),
                        "not_found": 500 * heavy["summary"]["not_found"]}

    def rows() -> Iterator[dict[str, Any]]:
        yield heavy
        for number in range(100_000 - 1):
            row = batch_output[number % len(batch_output)]
            yield {**row, "id": f"r{number}", "model": f"model-{number % 40}"}

    stats, worst = summarise(rows())
    assert sum(entry.answers for entry in stats) == 100_000
    page = render_html(stats, worst)
    assert len(page.encode("utf-8")) <= MAX_PAGE_BYTES
    assert page.count("<svg") == 24 and worst[0]["id"] == "heavy"
    assert "more flagged citations (see the JSONL output)" in page


@pytest.mark.slow
def test_report_of_100k_answers_opens_in_chromium(batch_output: list[dict[str, Any]],
                                                  tmp_path: Path) -> None:
    rows = ({**batch_output[n % len(batch_output)], "id": f"r{n}", "model": f"model-{n % 40}"}
            for n in range(100_000))
    page = tmp_path / "big.html"
    page.write_text(render_html(*summarise(rows)), encoding="utf-8")
    dom = chromium("--dump-dom", page.as_uri(), profile=tmp_path / "profile").stdout
    assert dom.count("<tr>") == 41 and dom.count("<svg") == 24
    assert "100,000 answers checked" in dom
