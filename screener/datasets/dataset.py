"""The :class:`Dataset` type: texts, 0/1 labels and whatever else the source records about them."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from screener.errors import DataError

__all__ = ["Dataset"]


@dataclass(frozen=True, eq=False)
class Dataset:
    """Texts with 0/1 labels and whatever else the source file records about them.

    ``eq=False``: two datasets compare by identity; compare :meth:`fingerprint` for content.
    ``labels`` is stored as a read-only ``int64`` copy.
    """

    texts: list[str]
    labels: np.ndarray
    ids: list[str]
    groups: list[str] | None = None
    categories: list[str] | None = None
    indicators: list[list[str]] | None = None
    languages: list[str] | None = None
    platforms: list[str] | None = None
    source: str = ""

    def __post_init__(self) -> None:
        raw = np.asarray(self.labels)
        if raw.size and raw.dtype.kind not in "biu":
            raise ValueError(f"labels must be integers 0/1, got dtype {raw.dtype}")
        labels = raw.astype(np.int64, copy=True).reshape(-1) if raw.size else np.zeros(0, np.int64)
        if raw.ndim > 1:
            raise ValueError(f"labels must be one-dimensional, got shape {raw.shape}")
        if not np.isin(labels, (0, 1)).all():
            raise ValueError(f"labels must be 0 or 1, got {sorted(set(labels.tolist()) - {0, 1})}")
        labels.setflags(write=False)
        object.__setattr__(self, "labels", labels)
        n = len(self.texts)
        for name in ("labels", "ids", "groups", "categories", "indicators", "languages", "platforms"):
            value = getattr(self, name)
            if value is not None and len(value) != n:
                raise ValueError(f"{name} has {len(value)} items, texts has {n}")

    def __len__(self) -> int:
        return len(self.texts)

    def subset(self, index: Sequence[int] | np.ndarray) -> Dataset:
        """The rows at ``index`` (positions, repeats allowed, or a boolean mask), in that order."""
        idx = np.asarray(index)
        if idx.dtype == np.bool_:
            if idx.shape != (len(self),):
                raise IndexError(f"boolean mask has shape {idx.shape}, dataset has {len(self)} rows")
            idx = np.flatnonzero(idx)
        elif idx.size == 0:
            idx = np.zeros(0, dtype=np.intp)
        elif idx.dtype.kind not in "iu":
            raise TypeError(f"index must hold integers or booleans, got dtype {idx.dtype}")
        if idx.ndim != 1:
            raise IndexError(f"index must be one-dimensional, got shape {idx.shape}")
        # Negative positions are refused rather than wrapped: here they are almost always a bug.
        if idx.size and (idx.min() < 0 or idx.max() >= len(self)):
            raise IndexError(f"index out of range for a dataset of {len(self)} rows")
        rows = idx.tolist()

        def pick(values: list[Any] | None) -> list[Any] | None:
            return None if values is None else [values[i] for i in rows]

        return Dataset(
            texts=[self.texts[i] for i in rows],
            labels=self.labels[idx],
            ids=[self.ids[i] for i in rows],
            groups=pick(self.groups),
            categories=pick(self.categories),
            indicators=None if self.indicators is None else [list(self.indicators[i]) for i in rows],
            languages=pick(self.languages),
            platforms=pick(self.platforms),
            source=self.source,
        )

    def concat(self, other: Dataset) -> Dataset:
        """This dataset followed by ``other`` (e.g. the corpus plus moderators' exported decisions).

        Optional columns survive only when both sides have them; ids must stay unique.
        """
        clash = set(self.ids) & set(other.ids)
        if clash:
            first = sorted(clash)[0]
            raise DataError(
                f"{len(clash)} ids appear in both datasets, e.g. {first!r}",
                f"{len(clash)} id muncul di kedua dataset, misalnya {first!r}",
            )

        def join(a: list[Any] | None, b: list[Any] | None) -> list[Any] | None:
            return None if a is None or b is None else list(a) + list(b)

        return Dataset(
            texts=self.texts + other.texts,
            labels=np.concatenate([self.labels, other.labels]),
            ids=self.ids + other.ids,
            groups=join(self.groups, other.groups),
            categories=join(self.categories, other.categories),
            indicators=join(self.indicators, other.indicators),
            languages=join(self.languages, other.languages),
            platforms=join(self.platforms, other.platforms),
            source=f"{self.source} + {other.source}",
        )

    def fingerprint(self) -> str:
        """sha256 (hex) over the ids, texts and labels in order: the data hash of a model card."""
        digest = hashlib.sha256(b"tppo-screener dataset v1\n")
        for record_id, text, label in zip(self.ids, self.texts, self.labels.tolist(), strict=True):
            # JSON escapes newlines and quotes, so one line per record is an unambiguous encoding.
            digest.update(json.dumps([record_id, text, label]).encode("ascii"))
            digest.update(b"\n")
        return digest.hexdigest()
