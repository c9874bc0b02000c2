"""Texts the same-output tests compare old and new code on, besides the corpus: the lines of the files
under tests/data, and the shared real texts beside the repository (``../shared/data``, read here and
never copied; absent on a machine without them)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

from screener import paths

DATA = Path(__file__).parent / "data"
SHARED_DATA = paths.shared_data_dir(Path(__file__).resolve().parents[1])


def data_lines() -> list[str]:
    """Every non-blank line of the ``.txt`` files under tests/data."""
    return [
        line
        for path in sorted(DATA.glob("*.txt"))
        for line in path.read_text(encoding="utf-8").splitlines()
        if line.strip()
    ]


def have_real_texts() -> bool:
    return SHARED_DATA.is_dir()


def real_texts() -> Iterator[str]:
    """The non-blank ``text`` of every record of the shared real JSONL files, file by file."""
    for path in sorted(SHARED_DATA.glob("*/*.jsonl")):
        for line in path.read_text(encoding="utf-8").splitlines():
            text = json.loads(line).get("text") if line.strip() else None
            if isinstance(text, str) and text.strip():
                yield text
