import numpy as np

from screener.datasets import load_corpus
from screener.scoring import LinearScorer


def test_fast_scorer_agrees_with_the_pipeline(screener) -> None:
    texts = [*load_corpus().texts[::10], "", "x", "🇰🇭🇰🇭", "a " * 500]
    texts = [t for t in texts if t.strip()]
    model = screener.model
    scorer = LinearScorer(model.pipeline, model.category_model)
    findings = model.pipeline.named_steps["detect"].transform(texts)
    x_fast = scorer.features(findings).to_csr()
    x_slow = model.pipeline.named_steps["features"].transform(findings)
    assert x_fast.shape == x_slow.shape
    assert abs(x_fast - x_slow).max() < 1e-5
    np.testing.assert_allclose(
        scorer.risk(scorer.features(findings)), model.pipeline.predict_proba(texts)[:, 1], atol=1e-5
    )
    np.testing.assert_allclose(
        scorer.category_proba(scorer.features(findings)),
        model.category_model.predict_proba(x_slow),
        atol=1e-5,
    )
