import json
import shutil

import pytest

from screener.errors import ModelError
from screener.model import default_model_path, load_model


@pytest.fixture
def model_copy(tmp_path):
    source = default_model_path()
    for suffix in (".joblib", ".json"):
        shutil.copy(source.with_suffix(suffix), tmp_path / source.with_suffix(suffix).name)
    return tmp_path / source.name


def test_shipped_model_loads_and_has_a_card() -> None:
    model = load_model()
    card = model.card
    for key in ("version", "created_at", "training_data", "versions", "thresholds", "metrics", "features",
                "artefact_sha256", "hyperparameters"):  # fmt: skip
        assert key in card
    assert 0 < card["thresholds"]["sedang"] <= card["thresholds"]["tinggi"] < 1
    assert (
        card["features"]["total"]
        == card["features"]["words"] + card["features"]["chars"] + card["features"]["modus"]
    )
    assert default_model_path().stat().st_size < 10_000_000


def test_tampered_artefact_is_refused(model_copy) -> None:
    with model_copy.open("ab") as handle:
        handle.write(b"tampered")
    with pytest.raises(ModelError, match="does not match its card"):
        load_model(model_copy)


def test_other_scikit_learn_version_is_refused(model_copy) -> None:
    card_path = model_copy.with_suffix(".json")
    card = json.loads(card_path.read_text())
    card["versions"]["scikit-learn"] = "0.24.2"
    card_path.write_text(json.dumps(card))
    with pytest.raises(ModelError, match=r"scikit-learn 0\.24\.2"):
        load_model(model_copy)


def test_missing_card_is_refused(model_copy) -> None:
    model_copy.with_suffix(".json").unlink()
    with pytest.raises(ModelError, match="missing"):
        load_model(model_copy)


def test_explicit_path_is_loaded(model_copy) -> None:
    assert load_model(model_copy).path == model_copy
    assert load_model(model_copy.with_suffix(".json")).path == model_copy
