import numpy as np

from screener.dedupe import NearDuplicateIndex, band_keys, canonical_text, signature, similarity

BASE = (
    "DICARI ADMIN CS untuk PT di Phnom Penh, gaji 15-20jt, tanpa pengalaman, tiket+paspor dibantu, "
    "visa kunjungan dulu, info japri +855 96 412 7781"
)
REPOST = (
    "🔥🔥 DICARI ADMIN CS untuk PT di Phnom Penh!! gaji 18-25jt, tanpa pengalaman, tiket+paspor dibantu, "
    "visa kunjungan dulu, info japri +855 12 334 9981 🇰🇭"
)
OTHER = "Dibutuhkan barista untuk kafe di Bandung, gaji UMR, pengalaman minimal 1 tahun, kirim CV ke email."


def test_canonical_text_drops_what_reposters_change() -> None:
    assert canonical_text(BASE) == canonical_text(BASE.replace("+855 96 412 7781", "+855 12 334 9981"))
    assert "#" in canonical_text(BASE) and "855" not in canonical_text(BASE)


def test_signatures_are_deterministic_and_estimate_similarity() -> None:
    assert (signature(BASE) == signature(BASE)).all()
    assert similarity(signature(BASE), signature(REPOST)) >= 0.6
    assert similarity(signature(BASE), signature(OTHER)) < 0.2
    assert len(band_keys(signature(BASE))) == 16


def test_index_clusters_reposts_and_keeps_other_ads_apart() -> None:
    index = NearDuplicateIndex()
    a, b, c = index.add(BASE), index.add(OTHER), index.add(REPOST)
    assert index.cluster(c) == index.cluster(a) == a
    assert index.cluster(b) == b


def test_signature_is_the_minimum_of_each_hash_function_over_the_shingles() -> None:
    # The definition, written out: every hash of every shingle, then the minimum per function. The
    # implementation takes the high bits after the minimum; the result must not change (stored
    # signatures and band keys are compared across versions).
    from screener.datasets import load_corpus
    from screener.dedupe import _A, _B, _shingle_hashes

    for text in load_corpus().texts[:400]:
        canonical = canonical_text(text)
        shingles = _shingle_hashes(canonical)
        expected = ((_A[:, None] * shingles[None, :] + _B[:, None]) >> np.uint64(32)).min(axis=1)
        assert np.array_equal(signature(canonical, canonical=True), expected)
