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


def test_a_single_rows_sums_are_the_csr_products_bytes() -> None:
    """One row is summed by a running sum (``_stacked_sums``): the same bytes as scipy's CSR product,
    on every corpus ad alone, on a row of negative zeros and on an empty row."""
    from screener.assessment import Screener
    from screener.indicators import detect
    from screener.scoring import SparseRows

    scorer = Screener()._scorer
    stacked = scorer._stacked
    rows = [scorer.features([detect(t)]) for t in load_corpus().texts]
    width = stacked.shape[0]
    rows.append(SparseRows(np.array([0, 2]), np.array([0, 1]), np.array([-0.0, -0.0]), width))
    rows.append(SparseRows(np.array([0, 0]), np.zeros(0, dtype=np.int64), np.zeros(0), width))
    for x in rows:
        fast, csr = scorer._stacked_sums(x), x.to_csr() @ stacked
        assert fast.shape == csr.shape and fast.tobytes() == csr.tobytes()
