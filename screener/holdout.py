"""The frozen evaluation split: corpus groups no model trains on, so promotion compares fairly.

``models/holdout.txt`` (kept with the model cards) lists corpus ``group`` ids, one a line. They were
chosen once by a fixed rule, :func:`in_holdout` (``sha256("holdout-v1:" + group)`` taken modulo 10 is
0: about a tenth of the groups, whole template families, independent of seeds and of row order), and
the file is then the authority: groups added to the corpus later stay out of it unless someone
rewrites the file on purpose (:func:`write_holdout`), which changes its sha256 and so every card's
claim to have excluded it.

- ``screener train`` drops the rows of these groups from the corpus before training and records the
  file's sha256 and the rows dropped in the card (``card["holdout"]``); ``--extra`` rows are added
  after that and never enter the split.
- ``screener models promote`` measures both models on exactly these rows (:func:`holdout_dataset`),
  plus the real dev files, and refuses a candidate whose card does not say it excluded this file.

Rows without a group (data other than the corpus) are never held out.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from screener import paths
from screener.datasets import Dataset, load_corpus
from screener.errors import DataError

__all__ = [
    "HOLDOUT_NAME",
    "RULE",
    "Holdout",
    "card_entry",
    "excluded_by",
    "holdout_dataset",
    "in_holdout",
    "load_holdout",
    "split_holdout",
    "write_holdout",
]

HOLDOUT_NAME = "holdout.txt"
RULE = 'sha256("holdout-v1:" + group) mod 10 == 0'


def in_holdout(group: str) -> bool:
    """The fixed rule that chose the file's groups (see :data:`RULE`)."""
    digest = hashlib.sha256(f"holdout-v1:{group}".encode()).digest()
    return int.from_bytes(digest[:8], "big") % 10 == 0


@dataclass(frozen=True)
class Holdout:
    """The held-out group ids, the file they came from and its sha256 (what cards record)."""

    groups: frozenset[str]
    path: Path
    sha256: str


def default_path() -> Path:
    return paths.models_dir() / HOLDOUT_NAME


def load_holdout(path: str | Path | None = None) -> Holdout:
    """Read the holdout file (default ``models/holdout.txt``); ``#`` lines are comments.

    Raises
    ------
    DataError
        The file is missing or lists no group.
    """
    file = Path(path) if path is not None else default_path()
    try:
        raw = file.read_bytes()
    except OSError as exc:
        raise DataError(
            f"the holdout file {file} is missing: it is kept with the models (models/{HOLDOUT_NAME})",
            f"berkas holdout {file} tidak ada: disimpan bersama model (models/{HOLDOUT_NAME})",
        ) from exc
    lines = (line.strip() for line in raw.decode("utf-8").splitlines())
    groups = frozenset(line for line in lines if line and not line.startswith("#"))
    if not groups:
        raise DataError(f"the holdout file {file} lists no group", f"berkas holdout {file} tidak berisi grup")
    return Holdout(groups, file, hashlib.sha256(raw).hexdigest())


def write_holdout(groups: Iterable[str], path: str | Path | None = None) -> Holdout:
    """Write the groups of ``groups`` that :func:`in_holdout` selects (sorted) and return the holdout.

    Only for creating the file: rewriting it makes every existing card's exclusion claim stale.
    """
    file = Path(path) if path is not None else default_path()
    chosen = sorted({g for g in groups if g and in_holdout(g)})
    header = (
        "# Frozen evaluation split: corpus groups no model trains on (screener/holdout.py).\n"
        f"# Chosen once by the rule {RULE}; do not edit (cards record this file's sha256).\n"
    )
    file.write_text(header + "".join(f"{g}\n" for g in chosen), encoding="utf-8")
    return load_holdout(file)


def _mask(dataset: Dataset, holdout: Holdout) -> np.ndarray:
    if dataset.groups is None:
        return np.zeros(len(dataset), dtype=bool)
    return np.array([g in holdout.groups for g in dataset.groups], dtype=bool)


def split_holdout(dataset: Dataset, holdout: Holdout) -> tuple[Dataset, Dataset]:
    """``(rest, held_out)``: the rows outside the holdout groups, and those inside (order kept)."""
    mask = _mask(dataset, holdout)
    return dataset.subset(~mask), dataset.subset(mask)


def holdout_dataset(holdout: Holdout | None = None, corpus: str | Path | None = None) -> Dataset:
    """The corpus rows of the holdout groups: the data promotion compares models on.

    Raises
    ------
    DataError
        No corpus row is in the holdout (a different corpus, or a broken file).
    """
    holdout = holdout or load_holdout()
    _, held = split_holdout(load_corpus(corpus), holdout)
    if len(held) == 0 or len(set(held.labels.tolist())) < 2:
        raise DataError(
            f"the corpus has no rows of both labels in the holdout {holdout.path}",
            f"korpus tidak punya baris kedua label dalam holdout {holdout.path}",
        )
    return held


def card_entry(holdout: Holdout, excluded_rows: int) -> dict[str, Any]:
    """What a card records: which holdout file the training excluded, and how many rows that was."""
    return {
        "file": holdout.path.name,
        "sha256": holdout.sha256,
        "rule": RULE,
        "groups": len(holdout.groups),
        "rows_excluded": excluded_rows,
    }


def excluded_by(card: dict[str, Any], holdout: Holdout) -> bool:
    """Did the model of ``card`` train without this holdout's rows?"""
    entry = card.get("holdout") or {}
    return bool(entry.get("sha256") == holdout.sha256 and entry.get("rows_excluded", 0) > 0)
