"""Reading user input files as text, with one clear error for each way they can be unusable."""

from __future__ import annotations

import sys
from pathlib import Path

from citecheck.errors import InputError

# Generated answers are kilobytes; 10 MB is far beyond any of them and keeps a
# mistaken argument (a PDF, a dump) from tying up the verifier.
MAX_INPUT_BYTES = 10 * 1024 * 1024


def decode_text(data: bytes, name: str) -> str:
    if b"\x00" in data[:8192]:
        raise InputError(f"{name} looks binary (NUL bytes); give a text, Markdown, .bib or .tex file")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError(
            f"{name} is not UTF-8 text (byte 0x{data[exc.start]:02x} at offset {exc.start}); "
            f"convert it first, e.g. iconv -f latin1 -t utf-8"
        ) from None
    if not text.strip():
        raise InputError(f"{name} is empty: nothing to verify")
    return text


def read_input(path: str, *, max_bytes: int = MAX_INPUT_BYTES) -> str:
    """The text of a file, or of stdin for ``-``."""
    if path == "-":
        data = sys.stdin.buffer.read(max_bytes + 1)
        name = "<stdin>"
    else:
        file = Path(path)
        if not file.exists():
            raise InputError(f"no such file: {path}")
        if file.is_dir():
            raise InputError(f"{path} is a directory, not a file")
        size = file.stat().st_size
        if size > max_bytes:
            raise InputError(f"{path} is {size / 1e6:.1f} MB, over the {max_bytes / 1e6:.0f} MB "
                             f"limit; split it or raise --max-bytes")
        try:
            data = file.read_bytes()
        except OSError as exc:
            raise InputError(f"cannot read {path}: {exc.strerror}") from None
        name = path
    if len(data) > max_bytes:
        raise InputError(f"{name} is over the {max_bytes / 1e6:.0f} MB limit; split it or raise "
                         f"--max-bytes")
    return decode_text(data, name)
