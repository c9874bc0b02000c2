"""HashedTfidf: scikit-learn's TF-IDF numbers over n-grams hashed in NumPy."""

import pickle
from functools import cache

import numpy as np
import pytest
from sklearn.feature_extraction.text import TfidfVectorizer

from screener.ngrams import HashedCorpus, HashedTfidf, NgramHashes, hash_ngrams

# Hand-written texts, small enough that no two n-grams share a bucket and no max_features tie arises.
TEXTS = [
    "dicari admin cs untuk pt di phnom penh gaji 15 juta",
    "lowongan kerja a b admin gudang",
    "gaji 15 juta tanpa pengalaman, tiket pulang pergi",
    "kamboja café admin 🇰🇭 gaji",
    "x",
    "lowongan admin gudang di bekasi",
    "_ab_ a1 9 99 ça",
]


@pytest.mark.parametrize(
    ("analyzer", "sk_analyzer", "ngram_range"),
    [
        pytest.param("word", "word", (1, 2), id="word-1-2"),
        pytest.param("char", "char_wb", (3, 4), id="char-3-4"),
        pytest.param("word", "word", (1, 3), id="word-1-3"),
    ],
)
@pytest.mark.parametrize("min_df", [1, 2])
def test_same_terms_and_numbers_as_tfidf_vectorizer(analyzer, sk_analyzer, ngram_range, min_df) -> None:
    ours = HashedTfidf(analyzer=analyzer, ngram_range=ngram_range, min_df=min_df, max_df=0.8).fit(TEXTS)
    reference = TfidfVectorizer(
        analyzer=sk_analyzer, ngram_range=ngram_range, min_df=min_df, max_df=0.8,
        sublinear_tf=True, lowercase=False,
    ).fit(TEXTS)  # fmt: skip
    names = list(ours.get_feature_names_out())
    assert sorted(names) == sorted(reference.vocabulary_)
    columns = [reference.vocabulary_[name] for name in names]
    unseen = ["admin gudang di phnom penh 15 juta", "", "café café café"]
    for texts in (TEXTS, unseen):
        np.testing.assert_allclose(
            ours.transform(texts).toarray(), reference.transform(texts).toarray()[:, columns], atol=1e-6
        )


def test_max_features_keeps_the_most_frequent() -> None:
    ours = HashedTfidf(analyzer="word", max_features=2).fit(
        ["gaji gaji gaji admin", "gaji admin kerja", "x yz"]
    )
    assert sorted(ours.get_feature_names_out()) == ["admin", "gaji"]


def test_rows_are_l2_normalised_and_empty_text_is_a_zero_row() -> None:
    ours = HashedTfidf(analyzer="char", ngram_range=(3, 4)).fit(TEXTS)
    x = ours.transform(["", "gaji admin", "!!!"]).toarray()
    assert x[0].sum() == 0 and x[2].sum() == 0
    assert np.linalg.norm(x[1]) == pytest.approx(1.0, abs=1e-6)


def test_hashes_are_fixed_functions_of_the_text() -> None:
    # No per-process seed: a pickled model must transform the same in every process and version.
    grams = hash_ngrams(["gaji besar"], "word", (1, 2))
    assert [int(h) for h in grams.hash] == [int(h) for h in hash_ngrams(["gaji besar"], "word", (1, 2)).hash]
    assert int(grams.hash[0]) == 2989361187216186170  # "gaji": pinned, so a change to the hash shows
    batched = hash_ngrams(["x y", "gaji besar", ""], "word", (1, 2))
    assert sorted(batched.hash[batched.row == 1].tolist()) == sorted(grams.hash.tolist())


def test_bigrams_do_not_cross_texts() -> None:
    grams = hash_ngrams(["alpha beta", "gamma delta"], "word", (2, 2))
    assert grams.row.tolist() == [0, 1]


def test_pickle_round_trip_transforms_the_same() -> None:
    ours = HashedTfidf(analyzer="char", ngram_range=(3, 4)).fit(TEXTS)
    before = ours.transform(TEXTS).toarray()
    restored = pickle.loads(pickle.dumps(ours))
    np.testing.assert_array_equal(restored.transform(TEXTS).toarray(), before)


@pytest.mark.parametrize(
    "params",
    [
        pytest.param({"analyzer": "char_wb"}, id="unknown-analyzer"),
        pytest.param({"n_bits": 40}, id="too-many-bits"),
        pytest.param({"min_df": 50}, id="nothing-left"),
    ],
)
def test_bad_parameters_are_refused_at_fit(params) -> None:
    with pytest.raises(ValueError):
        HashedTfidf(**params).fit(TEXTS)


@pytest.mark.parametrize(("analyzer", "ngram_range"), [("word", (1, 2)), ("char", (3, 4))])
def test_fitting_a_hashed_corpus_subset_is_fitting_those_texts(analyzer, ngram_range) -> None:
    # Training hashes the corpus once and fits each fold on a subset of it: the same model as fitting
    # the fold's texts directly.
    corpus = HashedCorpus(TEXTS, analyzer, ngram_range, 22)
    rows = np.asarray([0, 2, 3, 5])
    direct = HashedTfidf(analyzer=analyzer, ngram_range=ngram_range).fit([TEXTS[i] for i in rows])
    via = HashedTfidf(analyzer=analyzer, ngram_range=ngram_range).fit_corpus(corpus, rows)
    np.testing.assert_array_equal(via.buckets_, direct.buckets_)
    np.testing.assert_array_equal(via.idf_, direct.idf_)
    assert list(via.get_feature_names_out()) == list(direct.get_feature_names_out())
    others = np.asarray([1, 4, 6])
    np.testing.assert_array_equal(
        via.transform_corpus(corpus, others).toarray(), direct.transform([TEXTS[i] for i in others]).toarray()
    )
    with pytest.raises(ValueError, match="other n-grams"):
        HashedTfidf(analyzer=analyzer, ngram_range=(1, 1)).fit_corpus(corpus)


def test_word_characters_are_python_regex_word_characters() -> None:
    # Tokens are runs of \w: the lookup tables must agree with ``re`` on every code point class,
    # ASCII, the rest of the BMP (a table) and beyond it (looked up one by one).
    import re

    from screener.ngram_hashing import _code_points, _word_mask

    rng = np.random.default_rng(0)
    points = np.concatenate(
        [np.arange(0, 0x3000), rng.integers(0x3000, 0x10000, 4000), rng.integers(0x10000, 0x110000, 4000)]
    )
    points = points[(points < 0xD800) | (points > 0xDFFF)]  # lone surrogates are not text
    text = "".join(chr(int(c)) for c in points)
    expected = np.asarray([re.match(r"\w", ch) is not None for ch in text], dtype=bool)
    assert np.array_equal(_word_mask(_code_points([text])[0])[1:-1], expected)
    assert np.array_equal(
        _word_mask(_code_points(["ab_9 z"])[0]), [False, True, True, True, True, False, True, False]
    )


@pytest.mark.parametrize(
    ("analyzer", "ngram_range", "digest"),
    [("word", (1, 2), "b2dec57bd5e5b6e7"), ("char", (3, 4), "06d5d699821735ba")],
)
def test_every_hash_of_a_batch_is_pinned(analyzer: str, ngram_range: tuple[int, int], digest: str) -> None:
    # The shipped model's columns are hash buckets: a faster implementation must give the same hashes
    # for every n-gram, in the same order (pinned from the first implementation).
    import hashlib

    texts = [
        "gaji besar di kamboja",
        "loker admin cs tanpa pengalaman, tiket pp gratis",
        "",
        "a",
        "über straße 15 juta",
    ]
    grams = hash_ngrams(texts, analyzer, ngram_range)
    assert hashlib.sha256(grams.hash.tobytes() + grams.row.tobytes()).hexdigest()[:16] == digest


@pytest.mark.parametrize(
    ("analyzer", "ngram_range"), [("word", (1, 2)), ("word", (1, 3)), ("char", (3, 4)), ("char", (2, 5))]
)
def test_transform_rows_are_those_of_every_hashed_ngram(analyzer: str, ngram_range: tuple[int, int]) -> None:
    # The transform's lean path (no positions, rows by lookup) against the n-grams hash_ngrams lists,
    # over the whole corpus in batches of several sizes, and texts with no n-gram at all.
    from screener.datasets import load_corpus

    texts = load_corpus().texts
    model = HashedTfidf(analyzer=analyzer, ngram_range=ngram_range, min_df=2, n_bits=20).fit(texts[::3])
    shift = np.uint64(64 - model.n_bits)
    for batch in (texts[:1], texts[:257], texts, ["", "a", "x y z", *texts[:5], ""]):
        grams = hash_ngrams(batch, analyzer, ngram_range)
        expected = model._tfidf(model._keys((grams.hash >> shift).astype(np.int64), grams.row), len(batch))
        for got, want in zip(model.rows(batch), expected, strict=True):
            assert np.array_equal(got, want)


# -- the faster transform against the pre-optimisation copy (tests/reference/ngrams_old.py) -----------

# Texts the corpus may lack: control characters and tabs (whitespace other than the space), runs of
# spaces, one-character and long tokens, underscores, characters beyond the BMP, a lone surrogate,
# texts of spaces only, and n-grams at the very start and end of a text.
HARD_TEXTS = [
    "",
    " ",
    "   ",
    "a",
    "ab",
    "a b c d",
    "x  y\tz\nw\x00v\x1fu",
    "\tgaji\t15\tjuta\t",
    "__ _a_ a__b 9_9",
    "kerja 🇰🇭 di 𝔨𝔞𝔪𝔟𝔬𝔧𝔞 gaji 𝟏𝟓 juta",
    "bad \ud800 surrogate ab",
    "ça über straße ÇA ÜBER",
    "admin" * 300,
    "a1 " * 200,
    "gaji, tiket; pp! wa: +855 12 345 678 (cepat) [loker]",
]


@cache
def _old_module(name: str = "ngrams_old"):
    import importlib

    return importlib.import_module(f"reference.{name}")


def _as_old(model: HashedTfidf):
    old = _old_module().HashedTfidf.__new__(_old_module().HashedTfidf)
    old.__dict__.update(model.__getstate__())
    return old


def _assert_same_rows(model: HashedTfidf, batches) -> None:
    old = _as_old(model)
    for batch in batches:
        for got, want in zip(model.rows(batch), old.rows(batch), strict=True):
            assert got.dtype == want.dtype and np.array_equal(got, want), batch[:2]


def _batches(texts: list[str]):
    yield from ([t] for t in texts[:300])
    for size in (2, 7, 256):
        yield from (texts[i : i + size] for i in range(0, len(texts), size))
    yield texts


@cache
def _normalised_corpus() -> tuple[str, ...]:
    from screener.datasets import load_corpus
    from screener.normalize import normalize

    return tuple(normalize(t).text for t in load_corpus().texts)


def _shipped_blocks() -> dict[str, HashedTfidf]:
    from screener.assessment import Screener

    union = Screener().model.pipeline.named_steps["features"]
    return {name: block for name, block in union.transformer_list if isinstance(block, HashedTfidf)}


@pytest.mark.parametrize("name", ["words", "chars"])
def test_shipped_blocks_give_the_old_rows_bit_for_bit(name: str) -> None:
    from screener.datasets import load_corpus

    block = _shipped_blocks()[name]
    texts = [*_normalised_corpus(), *HARD_TEXTS, *TEXTS]
    _assert_same_rows(block, _batches(texts))
    _assert_same_rows(block, _batches([*load_corpus().texts[:1000], *HARD_TEXTS]))  # raw, not normalised
    _assert_same_rows(block, [[], [""], HARD_TEXTS[::-1], [" ".join(HARD_TEXTS)] * 3])
    if name == "words":  # a token of over 2**20 characters: the hash caps a character's offset there
        _assert_same_rows(block, [["a" * ((1 << 20) + 3) + " bc"], ["x y", "a" * ((1 << 20) + 3) + " bc"]])


def test_shipped_blocks_give_the_old_rows_on_the_real_texts() -> None:
    from sample_texts import have_real_texts, real_texts

    from screener.normalize import normalize

    if not have_real_texts():
        pytest.skip("no real texts here")
    texts = [t for text in real_texts() for t in (text, normalize(text).text)]
    for block in _shipped_blocks().values():
        _assert_same_rows(block, _batches(texts))


def test_many_rows_use_wider_keys_and_give_the_old_rows() -> None:
    # 70,000 rows of a 35,913-column block do not fit 32-bit keys: the uint64 layout must agree too.
    block = _shipped_blocks()["chars"]
    assert block._key_layout(70_000)[1] == np.uint64
    _assert_same_rows(block, [[TEXTS[i % len(TEXTS)][: i % 40] for i in range(70_000)]])


@pytest.mark.parametrize(
    ("analyzer", "ngram_range", "n_bits", "sublinear_tf"),
    [
        ("word", (1, 1), 22, True),
        ("word", (1, 3), 20, True),
        ("word", (2, 2), 12, False),
        ("char", (2, 5), 20, True),
        ("char", (3, 4), 8, False),
    ],
)
def test_other_settings_fit_and_transform_as_the_old_code(
    analyzer: str, ngram_range: tuple[int, int], n_bits: int, sublinear_tf: bool
) -> None:
    # Fitting (hash_ngrams, the faster tokens, _unique_counts) and transforming, rows and corpus rows,
    # against the old code with the same settings; n_bits=8 packs few column bits and many collisions.
    texts = [*_normalised_corpus(), *HARD_TEXTS]
    params = {
        "analyzer": analyzer, "ngram_range": ngram_range, "n_bits": n_bits, "min_df": 2, "max_df": 0.9,
        "sublinear_tf": sublinear_tf,
    }  # fmt: skip
    new = HashedTfidf(**params, max_features=5000).fit(texts[::2])
    old = _old_module().HashedTfidf(**params, max_features=5000).fit(texts[::2])
    np.testing.assert_array_equal(new.buckets_, old.buckets_)
    np.testing.assert_array_equal(new.idf_, old.idf_)
    assert list(new.feature_names_) == list(old.feature_names_)
    _assert_same_rows(new, _batches(texts[1::2][:3000]))
    corpus = HashedCorpus(texts, analyzer, ngram_range, n_bits)
    for rows in (np.arange(1, len(texts), 5), np.asarray([3]), np.asarray([len(texts) - 1, 0]), None):
        got_rows, want_rows = new.rows_corpus(corpus, rows), _as_old(new).rows_corpus(corpus, rows)
        for got, want in zip(got_rows, want_rows, strict=True):
            assert got.dtype == want.dtype and np.array_equal(got, want)


@pytest.mark.parametrize(("analyzer", "ngram_range"), [("word", (1, 3)), ("char", (2, 4))])
def test_hash_ngrams_lists_the_old_ngrams(analyzer: str, ngram_range: tuple[int, int]) -> None:
    old_hashing = _old_module("ngram_hashing_old")
    texts = [*_normalised_corpus()[:2000], *HARD_TEXTS, "a" * ((1 << 20) + 3) + " bc"]
    for batch in ([t] for t in HARD_TEXTS), [texts]:
        for part in batch:
            new, old = (
                hash_ngrams(part, analyzer, ngram_range),
                old_hashing.hash_ngrams(part, analyzer, ngram_range),
            )
            for field in NgramHashes.__slots__:
                a, b = getattr(new, field), getattr(old, field)
                assert (a is None and b is None) or (a.dtype == b.dtype and np.array_equal(a, b)), field


def test_counts_past_the_sublinear_table_give_the_old_rows() -> None:
    # Counts up to 4095 are looked up (ngrams._sublinear_table), larger ones computed: a text with
    # n-grams found thousands of times takes the computed path, singly and in a batch.
    from screener.ngrams import _sublinear_table

    many = "gaji ab " * 5000
    assert len(_sublinear_table()) <= 5000
    for block in _shipped_blocks().values():
        _assert_same_rows(block, [[many], [many, "kerja ab"], ["kerja", many[:20_000], many]])


def test_the_sublinear_table_is_numpys_log_at_every_count_and_position() -> None:
    # A lookup must give the bits np.log gives, wherever the count sits in the array (SIMD lanes).
    from screener.ngrams import _sublinear_table

    table = _sublinear_table()
    for offset in range(17):
        counts = np.concatenate([np.ones(offset, dtype=np.int64), np.arange(1, len(table), dtype=np.int64)])
        expected = np.log(counts, dtype=np.float64)
        expected += 1.0
        assert np.array_equal(table.take(counts).view(np.uint64), expected.view(np.uint64))
