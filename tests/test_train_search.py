"""The training search's shortcuts: warm-started C paths find the separate fits' optima."""

import numpy as np
import pytest
from scipy import sparse
from sklearn.linear_model import LogisticRegression

from screener.train import _c_path


@pytest.mark.parametrize("class_weight", [None, "balanced"])
def test_warm_started_path_matches_separate_fits(class_weight) -> None:
    rng = np.random.default_rng(0)
    x = sparse.random(400, 30, density=0.2, random_state=1, format="csr")
    w = rng.normal(size=30)
    y = (x @ w + rng.normal(scale=3.0, size=400) > 0).astype(int)
    x_train, y_train, x_test = x[:300], y[:300], x[300:]
    Cs = (1.0, 16.0, 256.0)
    path = _c_path(x_train, y_train, x_test, Cs, 0, class_weight, "decision")
    for C, decision in zip(Cs, path, strict=True):
        alone = LogisticRegression(C=C, class_weight=class_weight, max_iter=3000, random_state=0)
        alone.fit(x_train, y_train)
        # Same convex optimum, reached from another start: equal to the solver's tolerance.
        np.testing.assert_allclose(decision, alone.decision_function(x_test), rtol=1e-2, atol=2e-2)


@pytest.mark.slow  # trains a small model
def test_a_trained_hashed_model_scores_the_same_through_the_fast_scorer() -> None:
    from screener.datasets import load_corpus
    from screener.ngrams import HashedTfidf
    from screener.scoring import LinearScorer
    from screener.train import TrainSettings, train

    corpus = load_corpus()
    rows = np.arange(0, len(corpus), 12)
    model = train(corpus.subset(rows), TrainSettings(grid=((4.0, 1.0),), version="hashed-test", n_jobs=1))
    union = model.pipeline.named_steps["features"]
    assert isinstance(union.named_transformers["chars"], HashedTfidf)
    assert set(model.card["training_seconds_by_phase"]) == {"features", "search", "scope_search", "final"}
    texts = corpus.texts[5::40]
    findings = model.pipeline.named_steps["detect"].transform(texts)
    scorer = LinearScorer(model.pipeline, model.category_model, model.scope_model)
    x_fast = scorer.features(findings).to_csr()
    x_slow = union.transform(findings)
    assert abs(x_fast - x_slow).max() < 1e-5
    np.testing.assert_allclose(scorer.risk(scorer.features(findings)), model.predict(texts)[0], atol=1e-5)
