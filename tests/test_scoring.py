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


def test_one_product_gives_the_three_models_numbers_bit_for_bit() -> None:
    from screener.assessment import Screener
    from screener.datasets import load_corpus
    from screener.indicators import detect

    scorer = Screener()._scorer
    texts = load_corpus().texts[:600]
    for batch in (texts[:1], texts[1:3], texts[:8], texts[:9], texts):
        x = scorer.features([detect(t) for t in batch])
        risk, offer, categories = scorer.predict(x)
        assert np.array_equal(risk, scorer.risk(x))
        assert np.array_equal(offer, scorer.offer_proba(x))
        assert np.array_equal(categories, scorer.category_proba(x))
