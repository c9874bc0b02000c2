"""The frozen evaluation split: chosen by a fixed grouped rule, excluded from training, never --extra."""

from pathlib import Path

import numpy as np
import pytest

from screener import holdout
from screener.datasets import Dataset, load_corpus
from screener.errors import DataError
from screener.model import default_model_path

SHIPPED_HOLDOUT = default_model_path().parent / holdout.HOLDOUT_NAME


def test_the_file_follows_its_rule_and_holds_whole_groups_of_both_labels() -> None:
    split = holdout.load_holdout(SHIPPED_HOLDOUT)
    assert all(holdout.in_holdout(group) for group in split.groups)
    corpus = load_corpus()
    rest, held = holdout.split_holdout(corpus, split)
    assert len(rest) + len(held) == len(corpus) and 0.05 < len(held) / len(corpus) < 0.2
    assert set(held.labels.tolist()) == {0, 1}
    assert not set(rest.groups or []) & set(held.groups or [])  # a group is on one side only
    assert split.groups <= set(corpus.groups or []), "the file names groups the corpus does not have"


def test_rows_without_groups_never_enter_the_holdout(tmp_path: Path) -> None:
    split = holdout.write_holdout([f"g-{i}" for i in range(200)], tmp_path / "h.txt")
    chosen = sorted(split.groups)[0]
    extra = Dataset(texts=["a", "b"], labels=np.array([0, 1]), ids=["x1", "x2"])  # like --extra rows
    grouped = Dataset(texts=["c", "d"], labels=np.array([0, 1]), ids=["y1", "y2"], groups=[chosen, "other"])
    rest, held = holdout.split_holdout(extra, split)
    assert len(held) == 0 and len(rest) == 2
    rest, held = holdout.split_holdout(grouped, split)
    assert held.ids == ["y1"] and rest.ids == ["y2"]


def test_a_card_claims_exclusion_only_of_the_same_file(tmp_path: Path) -> None:
    split = holdout.load_holdout(SHIPPED_HOLDOUT)
    card = {"holdout": holdout.card_entry(split, 10)}
    assert holdout.excluded_by(card, split)
    other = holdout.write_holdout([f"g-{i}" for i in range(200)], tmp_path / "h.txt")
    assert not holdout.excluded_by(card, other)
    assert not holdout.excluded_by({}, split)


def test_a_missing_holdout_file_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(DataError, match=r"holdout file .* is missing"):
        holdout.load_holdout(tmp_path / "none.txt")
