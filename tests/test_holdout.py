"""The frozen evaluation split: chosen by a fixed grouped rule, excluded from training, never --extra."""

import json
from pathlib import Path

import numpy as np
import pytest

from screener import holdout
from screener.cli import main
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


def _write_rows(path: Path, dataset: Dataset) -> None:
    keys = ("id", "text", "label", "category", "indicators", "language", "platform", "group")
    columns = zip(
        dataset.ids, dataset.texts, dataset.labels.tolist(), dataset.categories or [],
        dataset.indicators or [], dataset.languages or [], dataset.platforms or [], dataset.groups or [],
        strict=True,
    )  # fmt: skip
    path.write_text(
        "".join(json.dumps(dict(zip(keys, row, strict=True)), ensure_ascii=False) + "\n" for row in columns),
        encoding="utf-8",
    )


@pytest.mark.slow  # trains a (small) model through the command line
def test_train_leaves_the_holdout_out_and_extra_rows_never_enter_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    corpus = load_corpus()
    split = holdout.load_holdout(SHIPPED_HOLDOUT)
    rest, held = holdout.split_holdout(corpus, split)
    rng = np.random.default_rng(0)
    data = corpus.subset(np.sort(rng.choice(len(corpus), 160, replace=False)))
    _, data_held = holdout.split_holdout(data, split)
    assert len(data_held) > 0
    (tmp_path / "data").mkdir()
    _write_rows(tmp_path / "data" / "rows.jsonl", data)
    # Extra rows taken from holdout groups, renamed so their ids are new: trained on, never held out.
    extra = held.subset(np.arange(20))
    extra = Dataset(
        texts=extra.texts, labels=extra.labels, ids=[f"x-{i}" for i in range(20)], groups=extra.groups,
        categories=extra.categories, indicators=extra.indicators, languages=extra.languages,
        platforms=extra.platforms,
    )  # fmt: skip
    _write_rows(tmp_path / "extra.jsonl", extra)
    code = main([
        "train", "--data", str(tmp_path / "data"), "--extra", str(tmp_path / "extra.jsonl"),
        "--holdout", str(SHIPPED_HOLDOUT), "--out", str(tmp_path / "out"), "--no-evaluate", "--version", "h",
    ])  # fmt: skip
    err = capsys.readouterr().err
    assert code == 0
    assert f"{len(data_held)} baris holdout tidak dilatih / holdout rows left out (holdout.txt)" in err
    assert "not used until promoted: screener models promote" in err
    card = json.loads(next((tmp_path / "out").glob("*.json")).read_text(encoding="utf-8"))
    assert card["holdout"]["rows_excluded"] == len(data_held)
    assert card["holdout"]["sha256"] == split.sha256 and holdout.excluded_by(card, split)
    assert card["training_data"]["n_rows"] == len(data) - len(data_held) + 20
    assert len(rest) + len(held) == len(corpus)


def test_train_out_has_help(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["train", "--help"])
    help_text = " ".join(capsys.readouterr().out.split())
    assert "--out OUT folder tujuan model" in help_text and "screener models promote" in help_text
    assert "--holdout HOLDOUT" in help_text
