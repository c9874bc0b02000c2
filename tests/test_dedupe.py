import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from screener.dedupe import (
    NearDuplicateIndex,
    band_keys,
    band_keys_many,
    canonical_text,
    signature,
    signatures,
    similarity,
)

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


# The definitions before the chunked worker path (same stored signatures, band keys and hashes).
def _old_canonical_text(text: str) -> str:
    import re

    folded = re.sub(r"\d+(?:[ .,-]\d+)*", "#", text.lower())
    folded = re.sub(r"[^a-z# ]+", " ", folded)
    return re.sub(r" +", " ", folded).strip()


def _old_band_keys(sig: np.ndarray) -> list[int]:
    from screener.dedupe import BANDS, ROWS, hash_bytes

    return [
        (hash_bytes(sig[b * ROWS : (b + 1) * ROWS].tobytes()) ^ (b << 56)) & ((1 << 63) - 1)
        for b in range(BANDS)
    ]


EDGE_TEXTS = [
    "",
    " ",
    "a",
    "abcd",
    "abcde",
    "abcdef",
    "é",
    "ΣΑΣ ΟΔΟΣ",  # final sigma: lower() depends on the neighbours
    "\t\nGaji 5.000.000  / bulan\u00a0!!  ",
    "a" * 70_000,  # one text over GROUP_BYTES on its own
    "#" * 5,
    "\x00\x00 nul",
]


def test_canonical_text_equals_the_three_step_definition() -> None:
    from screener.datasets import load_corpus

    for text in [*load_corpus().texts[:2000], *EDGE_TEXTS, *(t.upper() for t in EDGE_TEXTS)]:
        assert canonical_text(text) == _old_canonical_text(text)


@settings(max_examples=400, deadline=None)
@given(st.text(alphabet=st.characters(codec="utf-8"), max_size=60))
def test_canonical_text_equals_the_three_step_definition_on_any_text(text: str) -> None:
    assert canonical_text(text) == _old_canonical_text(text)


def test_chunk_signatures_equal_one_at_a_time() -> None:
    from screener.datasets import load_corpus

    corpus = load_corpus().texts[:1500]
    raw = [*EDGE_TEXTS, *corpus]  # signature() takes any text as canonical, so raw texts too
    canonicals = [canonical_text(t) for t in [*corpus, *EDGE_TEXTS]] + raw
    for size in (1, 2, 7, 128, 500, len(canonicals)):
        for start in range(0, len(canonicals), size):
            part = canonicals[start : start + size]
            got = signatures(part)
            assert got.shape == (len(part), 64) and got.dtype == np.uint64
            for text, row in zip(part, got, strict=True):
                assert np.array_equal(row, signature(text, canonical=True))
    assert signatures([]).shape == (0, 64)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.text(max_size=40), max_size=12))
def test_chunk_signatures_equal_one_at_a_time_on_any_texts(texts: list[str]) -> None:
    got = signatures(texts)
    for text, row in zip(texts, got, strict=True):
        assert np.array_equal(row, signature(text, canonical=True))


def test_band_keys_equal_the_per_band_slices() -> None:
    sigs = signatures([canonical_text(t) for t in (BASE, REPOST, OTHER, "")])
    for sig in [*sigs, sigs[:, 0], sigs.T[0], sigs[0].astype(">u8"), sigs[1][::-1], sigs[2].astype(np.int64)]:
        assert band_keys(sig) == _old_band_keys(sig)


def test_chunk_band_keys_equal_one_signature_at_a_time() -> None:
    from screener.datasets import load_corpus

    sigs = signatures([canonical_text(t) for t in [*load_corpus().texts, *EDGE_TEXTS]])
    expected = [band_keys(sig) for sig in sigs]
    assert band_keys_many(sigs) == expected
    # Any layout and byte order of the rows: each row is hashed as its own bytes, as band_keys does.
    for variant in (sigs[::-1], sigs.astype(">u8"), sigs.astype(np.int64), np.asfortranarray(sigs), sigs[:0]):
        assert band_keys_many(variant) == [band_keys(sig) for sig in variant]
    # Rows of another length than a signature's are keyed one by one.
    assert band_keys_many(sigs[:3, :40]) == [band_keys(sig) for sig in sigs[:3, :40]]


def test_add_many_clusters_as_add_one_by_one() -> None:
    from screener.datasets import load_corpus

    texts = [*load_corpus().texts[:800], BASE, REPOST, OTHER, REPOST.upper(), ""]
    one, many = NearDuplicateIndex(), NearDuplicateIndex()
    positions = [one.add(t) for t in texts]
    assert many.add_many(texts[:300]) + many.add_many(texts[300:]) == positions
    assert [many.cluster(i) for i in positions] == [one.cluster(i) for i in positions]
    assert all(np.array_equal(a, b) for a, b in zip(many._signatures, one._signatures, strict=True))
