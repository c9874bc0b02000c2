"""The model: its pipeline, and persistence as two files (joblib artefact + JSON card).

A model is ``models/<name>-<version>.joblib`` plus ``models/<name>-<version>.json``, the card: training
data hash, library versions, hyper-parameters, metrics, tier thresholds, feature counts, created-at and
the sha256 of the artefact. Loading a joblib file runs code, so :func:`load_model` only loads files
from the models folder (or an explicit path the caller chose), checks the sha256 against the card and
refuses a scikit-learn version other than the one the model was trained with.

The models folder is an argument; left out, it is :func:`screener.paths.models_dir` (``models/`` under
the project root). ``MODELS_DIR`` and ``DEFAULT_POINTER`` are that default, resolved on each access.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import joblib
import numpy as np
import sklearn
from sklearn.calibration import CalibratedClassifierCV
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import FeatureUnion, Pipeline

from screener import paths
from screener.errors import ModelError
from screener.features import Detector, ModusFeatures
from screener.indicators import Findings
from screener.ngrams import HashedTfidf
from screener.vocabulary import Category

__all__ = [
    "CATEGORIES",
    "DEFAULT_POINTER",
    "MODELS_DIR",
    "RISKY_CATEGORIES",
    "TrainedModel",
    "build_features",
    "build_pipeline",
    "default_model_path",
    "in_scope",
    "load_model",
    "save_model",
]

MODEL_NAME = "tppo-screener"
# Below this many words the scope model is not asked: the text counts as an offer (and says so).
MIN_SCOPE_WORDS = 6
# A text file in the models folder naming the promoted model's artefact (``screener models promote``
# writes it).
POINTER_NAME = "DEFAULT"
# A tracked text file naming the model shipped in the repository: the current model until one is
# promoted (the lead rewrites it when retraining the shipped model).
SHIPPED_NAME = "SHIPPED"
# The default models folder and its pointer file; declared here, computed by __getattr__ below.
MODELS_DIR: Path
DEFAULT_POINTER: Path
CATEGORIES = tuple(str(c) for c in Category)
RISKY_CATEGORIES = tuple(str(c) for c in Category if c.risky)


def __getattr__(name: str) -> Path:
    # The default folders follow the working directory (screener.paths), so they are computed when
    # read rather than frozen at import.
    if name == "MODELS_DIR":
        return paths.models_dir()
    if name == "DEFAULT_POINTER":
        return paths.models_dir() / POINTER_NAME
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def build_features(
    *, modus_scale: float = 1.0, max_word_features: int = 30000, max_char_features: int = 40000
) -> FeatureUnion:
    """Word and character n-gram TF-IDF over the normalised text, and the modus-operandi block.

    The n-grams are hashed in NumPy (:class:`~screener.ngrams.HashedTfidf`); models up to 0.3.0 used
    scikit-learn's ``TfidfVectorizer`` with :func:`~screener.features.findings_text` and still load.
    """
    return FeatureUnion(
        [
            (
                "words",
                HashedTfidf(
                    analyzer="word",
                    ngram_range=(1, 2),
                    min_df=2,
                    max_df=0.8,
                    sublinear_tf=True,
                    max_features=max_word_features,
                    dtype=np.float32,
                ),
            ),
            (
                "chars",
                HashedTfidf(
                    analyzer="char",
                    ngram_range=(3, 4),
                    min_df=3,
                    max_df=0.8,
                    sublinear_tf=True,
                    max_features=max_char_features,
                    dtype=np.float32,
                ),
            ),
            ("modus", ModusFeatures(scale=modus_scale)),
        ]
    )


def build_classifier(*, C: float = 4.0, cv: Any = 5, random_state: int = 0) -> CalibratedClassifierCV:
    """A class-balanced logistic regression with sigmoid calibration on out-of-fold scores."""
    base = LogisticRegression(C=C, class_weight="balanced", max_iter=3000, random_state=random_state)
    return CalibratedClassifierCV(base, method="sigmoid", cv=cv, ensemble=False)


def build_pipeline(
    *, C: float = 4.0, modus_scale: float = 1.0, cv: Any = 5, random_state: int = 0
) -> Pipeline:
    """The whole model as one scikit-learn pipeline: raw text in, calibrated risk out."""
    return Pipeline(
        [
            ("detect", Detector()),
            ("features", build_features(modus_scale=modus_scale)),
            ("classifier", build_classifier(C=C, cv=cv, random_state=random_state)),
        ]
    )


def in_scope(offer_probability: np.ndarray, n_words: np.ndarray, threshold: float) -> np.ndarray:
    """The scope decision: an offer unless the probability of being one is under ``threshold`` on a
    text long enough to judge (below :data:`MIN_SCOPE_WORDS` words a text stays an offer: hiding risk
    is worse). Training chooses the tiers with this same rule."""
    probability = np.asarray(offer_probability, dtype=float)
    return (probability >= threshold) | (np.asarray(n_words) < MIN_SCOPE_WORDS)


@dataclass
class TrainedModel:
    """A fitted risk pipeline, the category and scope models on the same features, and the card.

    ``scope_model`` answers *is this a job offer at all?* (class 1 = offer); the risk pipeline answers
    *is this text risky?*. Models saved before the scope model existed load with ``scope_model=None``.
    """

    pipeline: Pipeline
    category_model: LogisticRegression
    card: dict[str, Any] = field(default_factory=dict)
    path: Path | None = None
    scope_model: LogisticRegression | None = None

    @property
    def version(self) -> str:
        return str(self.card.get("version", "unversioned"))

    @property
    def thresholds(self) -> dict[str, float]:
        return dict(self.card.get("thresholds", {"sedang": 0.5, "tinggi": 0.8}))

    @property
    def scope_threshold(self) -> float:
        """Below this probability of being an offer, a text is ``not_offer`` (0 without a scope model)."""
        return float(self.card.get("thresholds", {}).get("scope", 0.0)) if self.scope_model else 0.0

    def is_offer(self, offer_probability: np.ndarray, n_words: np.ndarray) -> np.ndarray:
        """The scope decision of this model (every text is an offer without a scope model)."""
        if self.scope_model is None:
            return np.ones(len(offer_probability), dtype=bool)
        return in_scope(offer_probability, n_words, self.scope_threshold)

    def predict(self, texts: Sequence[str | Findings]) -> tuple[np.ndarray, np.ndarray]:
        """Calibrated risk and probability of being a job offer, through the scikit-learn objects.

        The slow, reference path (evaluation, tests); :class:`~screener.scoring.LinearScorer` computes
        the same numbers fast for the assessment.
        """
        findings = self.pipeline.named_steps["detect"].transform(list(texts))
        x = self.pipeline.named_steps["features"].transform(findings)
        risk = self.pipeline.named_steps["classifier"].predict_proba(x)[:, 1]
        if self.scope_model is None:
            return risk, np.ones(len(risk))
        return risk, self.scope_model.predict_proba(x)[:, 1]

    def flag_scores(self, texts: Sequence[str | Findings]) -> np.ndarray:
        """The risk where the text is a job offer and 0 where it is not: what the tiers apply to."""
        findings = self.pipeline.named_steps["detect"].transform(list(texts))
        risk, offer = self.predict(findings)
        n_words = np.asarray([len(f.text.split()) for f in findings])
        return np.where(self.is_offer(offer, n_words), risk, 0.0)

    @property
    def training_data_path(self) -> Path | None:
        """Where the card says the training data was, as a path on this machine.

        New cards record it relative to the project root (``datasets/corpus``); older ones hold the
        training machine's absolute path, returned as it is. None when the card records no single path
        (none at all, or several joined by ``" + "``).
        """
        source = self.card.get("training_data", {}).get("source")
        if not source or " + " in source:
            return None
        return paths.from_root(source)

    def linear_model(self) -> LogisticRegression:
        """The fitted logistic regression behind the calibration (for explanations)."""
        return self.pipeline.named_steps["classifier"].calibrated_classifiers_[0].estimator


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def save_model(model: TrainedModel, directory: Path | str | None = None) -> Path:
    """Write ``<name>-<version>.joblib`` and its card; returns the artefact's path.

    Parameters
    ----------
    model : TrainedModel
    directory : Path or str, optional
        The models folder; by default :func:`screener.paths.models_dir`.
    """
    directory = Path(directory) if directory is not None else paths.models_dir()
    directory.mkdir(parents=True, exist_ok=True)
    stem = f"{MODEL_NAME}-{model.version}"
    artefact = directory / f"{stem}.joblib"
    bundle = {
        "pipeline": model.pipeline,
        "category_model": model.category_model,
        "scope_model": model.scope_model,
    }
    joblib.dump(bundle, artefact, compress=3)
    card = dict(model.card)
    card["artefact"] = artefact.name
    card["artefact_sha256"] = _sha256(artefact)
    card["artefact_bytes"] = artefact.stat().st_size
    (directory / f"{stem}.json").write_text(
        json.dumps(card, indent=2, ensure_ascii=False) + "\n", encoding="utf-8"
    )
    model.card = card
    model.path = artefact
    return artefact


def default_model_path(models_dir: Path | str | None = None) -> Path:
    """The current model: the artefact ``models/DEFAULT`` names (the promoted model) when that file
    exists, else the shipped model (the artefact ``models/SHIPPED`` names, the one in the repository).

    A model merely copied or trained into the models folder is never the current one: only
    ``screener models promote`` makes it so. The service and the CLI choose another with a setting or
    ``--model``; the library itself reads no environment variables.

    Parameters
    ----------
    models_dir : Path or str, optional
        The models folder; by default :func:`screener.paths.models_dir`.
    """
    folder = Path(models_dir) if models_dir is not None else paths.models_dir()
    for name in (POINTER_NAME, SHIPPED_NAME):
        pointer = folder / name
        if pointer.is_file():
            named = pointer.read_text(encoding="utf-8").strip()
            if named:
                return folder / Path(named).name  # a file in the models folder, never a path elsewhere
    raise ModelError(
        f"no current model in {folder}: neither {POINTER_NAME} nor {SHIPPED_NAME} names one; "
        "promote one with `screener models promote PATH`",
        f"tidak ada model bawaan di {folder}: {POINTER_NAME} maupun {SHIPPED_NAME} tidak menyebut model; "
        "promosikan dengan `screener models promote PATH`",
    )


def load_model(path: Path | str | None = None) -> TrainedModel:
    """Load a model after checking its card: the artefact's sha256 and the scikit-learn version.

    Raises
    ------
    ModelError
        The file or its card is missing, the hash does not match, or the versions differ.
    """
    artefact = Path(path) if path is not None else default_model_path()
    if artefact.suffix == ".json":
        artefact = artefact.with_suffix(".joblib")
    card_path = artefact.with_suffix(".json")
    if not artefact.is_file() or not card_path.is_file():
        raise ModelError(
            f"model {artefact} or its card {card_path.name} is missing",
            f"model {artefact} atau kartunya {card_path.name} tidak ditemukan",
        )
    try:
        card = json.loads(card_path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise ModelError(
            f"model card {card_path} is unreadable: {exc}", f"kartu model {card_path} rusak"
        ) from exc
    expected = card.get("artefact_sha256")
    actual = _sha256(artefact)
    if expected != actual:
        raise ModelError(
            f"model {artefact.name} does not match its card (sha256 {actual[:12]}..., card says "
            f"{str(expected)[:12]}...); refusing to load it",
            f"model {artefact.name} tidak cocok dengan kartunya (sha256 berbeda); model tidak dimuat",
        )
    trained_with = card.get("versions", {}).get("scikit-learn")
    if trained_with != sklearn.__version__:
        raise ModelError(
            f"model {artefact.name} was trained with scikit-learn {trained_with}, this is "
            f"{sklearn.__version__}; retrain with `screener train` or install the matching version",
            f"model {artefact.name} dilatih dengan scikit-learn {trained_with}, terpasang "
            f"{sklearn.__version__}; latih ulang dengan `screener train`",
        )
    bundle = joblib.load(artefact)
    return TrainedModel(
        bundle["pipeline"], bundle["category_model"], card, artefact, scope_model=bundle.get("scope_model")
    )
