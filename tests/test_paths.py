"""Default folders come from one module, follow the working directory, and cards record relative paths."""

import ast
import json
import shutil
from pathlib import Path

import numpy as np
import pytest
from sklearn.model_selection import train_test_split

import screener.datasets
import screener.evaluate
import screener.model
from screener import paths
from screener.datasets import load_corpus
from screener.model import default_model_path, load_model
from screener.train import TrainSettings, train

REPO = Path(__file__).resolve().parents[1]


def make_project(folder: Path, name: str = "tppo-screener") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "pyproject.toml").write_text(f'[project]\nname = "{name}"\nversion = "0"\n', encoding="utf-8")
    return folder


def test_the_root_is_found_from_the_working_directory_upwards(tmp_path: Path) -> None:
    root = make_project(tmp_path / "checkout")
    (root / "notebooks" / "deep").mkdir(parents=True)
    assert paths.project_root(root / "notebooks" / "deep") == root
    assert paths.project_root(root) == root


def test_another_projects_pyproject_is_passed_over(tmp_path: Path) -> None:
    root = make_project(tmp_path / "checkout")
    other = make_project(root / "vendor" / "thing", name="something-else")
    assert paths.project_root(other) == root


def test_outside_any_checkout_the_package_location_decides(tmp_path: Path) -> None:
    # This test run uses an editable install, so the package sits in the repository.
    assert paths.project_root(tmp_path) == REPO


def test_the_defaults_are_under_the_root(tmp_path: Path) -> None:
    assert paths.models_dir(tmp_path) == tmp_path / "models"
    assert paths.corpus_dir(tmp_path) == tmp_path / "datasets" / "corpus"
    assert paths.reports_dir(tmp_path) == tmp_path / "reports" / "evaluation"
    assert paths.var_dir(tmp_path) == tmp_path / "var"
    assert paths.real_data_file(tmp_path) == (
        tmp_path.parent / "shared" / "data" / "real-id-jobs" / "lokerid_dev.jsonl"
    )


def test_module_defaults_follow_the_working_directory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = make_project(tmp_path / "checkout")
    monkeypatch.chdir(root)
    assert root / "models" == screener.model.MODELS_DIR
    assert root / "models" / "DEFAULT" == screener.model.DEFAULT_POINTER
    assert root / "datasets" / "corpus" == screener.datasets.CORPUS_DIR
    assert root / "reports" / "evaluation" == screener.evaluate.DEFAULT_REPORT_DIR
    assert (
        tmp_path / "shared" / "data" / "real-id-jobs" / "lokerid_dev.jsonl"
        == screener.evaluate.DEFAULT_REAL_DATA
    )
    with pytest.raises(AttributeError):
        _ = screener.model.NO_SUCH_NAME


def test_a_models_folder_can_be_given(tmp_path: Path) -> None:
    shipped = default_model_path()
    for suffix in (".joblib", ".json"):
        shutil.copy(shipped.with_suffix(suffix), tmp_path / shipped.with_suffix(suffix).name)
    shutil.copy(shipped.parent / "SHIPPED", tmp_path / "SHIPPED")  # the current model until a promotion
    assert default_model_path(tmp_path) == tmp_path / shipped.name


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        pytest.param("{root}/datasets/corpus", "datasets/corpus", id="inside"),
        pytest.param(
            "{root}/datasets/corpus + {root}/extra.jsonl", "datasets/corpus + extra.jsonl", id="concat"
        ),
        pytest.param("{root}/../elsewhere/ads.csv", "../elsewhere/ads.csv", id="outside"),
        pytest.param("mem", "mem", id="not-a-path"),
        pytest.param("", "", id="empty"),
    ],
)
def test_portable_sources(tmp_path: Path, source: str, expected: str) -> None:
    root = tmp_path / "checkout"
    assert paths.portable(source.format(root=root), root) == expected


def test_a_relative_source_is_taken_from_the_working_directory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = make_project(tmp_path / "checkout")
    (root / "datasets" / "corpus").mkdir(parents=True)
    monkeypatch.chdir(root / "datasets")
    assert paths.portable("corpus") == "datasets/corpus"


def test_from_root_keeps_absolute_paths(tmp_path: Path) -> None:
    assert paths.from_root("datasets/corpus", tmp_path) == tmp_path / "datasets" / "corpus"
    assert paths.from_root("/srv/old/datasets/corpus", tmp_path) == Path("/srv/old/datasets/corpus")


def test_the_card_records_the_training_data_relative_to_the_root() -> None:
    corpus = load_corpus()
    rows, _ = train_test_split(np.arange(len(corpus)), train_size=200, stratify=corpus.labels, random_state=0)
    model = train(corpus.subset(np.sort(rows)), TrainSettings(grid=((4.0, 1.0),), version="paths-test"))
    assert model.card["training_data"]["source"] == "datasets/corpus"
    assert model.training_data_path == REPO / "datasets" / "corpus"


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        pytest.param(
            "/srv/training-machine/datasets/corpus",
            Path("/srv/training-machine/datasets/corpus"),
            id="old-absolute",
        ),
        pytest.param("datasets/corpus", REPO / "datasets" / "corpus", id="relative"),
        pytest.param("datasets/corpus + extra.jsonl", None, id="several"),
    ],
)
def test_cards_load_with_old_and_new_sources(tmp_path: Path, source: str, expected: Path | None) -> None:
    shipped = default_model_path()
    shutil.copy(shipped, tmp_path / shipped.name)
    card = json.loads(shipped.with_suffix(".json").read_text(encoding="utf-8"))
    card["training_data"]["source"] = source  # the card is not covered by the artefact's sha256
    (tmp_path / shipped.with_suffix(".json").name).write_text(json.dumps(card), encoding="utf-8")
    assert load_model(tmp_path / shipped.name).training_data_path == expected


def test_the_library_reads_no_environment_variables() -> None:
    """Only the CLI maps environment variables (SCREENER_REAL_DATA, NO_COLOR) onto arguments."""
    for path in (REPO / "screener").rglob("*.py"):
        if path.name == "cli.py" and path.parent.name == "screener":
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Attribute) and node.attr in ("environ", "getenv", "environb"):
                pytest.fail(f"{path.relative_to(REPO)}:{node.lineno} reads the environment")
