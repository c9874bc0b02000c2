"""The optimised ``normalize`` gives exactly what the earlier implementations gave.

Two oracles: ``tests/reference/normalize_v1.py``, the implementation before the first speed-up, and
``tests/reference/normalize_old.py``, the single module as it was before the split into
``screener/normalizing/``. The original, the normalised text and both offset lists must be identical
on the project corpus, the texts under tests/data, the shared real texts beside the repository (../shared/data) (read only,
skipped when absent) and a few thousand generated strings built from the tricks the passes undo.
"""

import json
import random
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from reference.normalize_old import normalize as normalize_old
from reference.normalize_v1 import normalize as normalize_v1
from sample_texts import SHARED_DATA

from screener.datasets import load_corpus
from screener.normalize import normalize

DATA = Path(__file__).parent / "data"


def _differences(texts: list[str]) -> list[str]:
    """The texts whose normalisation differs from either oracle's (original, text, starts or ends)."""
    differing = []
    for text in texts:
        new = normalize(text)
        got = (type(new.starts), type(new.ends), new.original, new.text, new.starts, new.ends)
        for oracle in (normalize_old, normalize_v1):
            old = oracle(text)
            if got != (list, list, old.original, old.text, old.starts, old.ends):
                differing.append(text)
                break
    return differing


def _texts_under(folder: Path) -> Iterator[str]:
    """Every .txt file, and the "text" field of every JSON line, under ``folder``."""
    for path in sorted(folder.rglob("*.txt")):
        yield path.read_text(encoding="utf-8", errors="replace")
    for path in sorted(folder.rglob("*.jsonl")):
        for line in path.read_text(encoding="utf-8", errors="replace").splitlines():
            try:
                row = json.loads(line)
            except ValueError:
                continue
            if isinstance(row, dict) and isinstance(row.get("text"), str):
                yield row["text"]


@pytest.mark.slow
def test_same_output_on_the_corpus() -> None:
    assert _differences(list(load_corpus().texts)) == []


def test_same_output_on_the_test_data() -> None:
    texts = list(_texts_under(DATA))
    assert texts
    assert _differences(texts) == []


@pytest.mark.slow
def test_same_output_on_the_shared_real_texts() -> None:
    if not SHARED_DATA.is_dir():
        pytest.skip("no shared real texts (../shared/data) on this machine")
    texts = list(_texts_under(SHARED_DATA))
    assert _differences(texts) == []


# Pieces the passes react to, mixed at random into generated ads.
_PIECES = [
    *"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789",
    *" \n\t\r\x0b\x0c\x1c\u00a0\u2028\u3000\u200b\u200d\ufeff",
    *".,*_'`|~-!?:;()/#@+=\"&%",
    "  ", "\n\n", " \n ", " . ", "..", "--", "**", "__",
    "🇰🇭", "🇲🇲", "🇹🇭", "🇦🇿", "🇿🇿", "🇰", "🇭", "💰", "💸", "🪙", "✅", "🔥", "😀", "👍🏽", "❤️",
    "ｋａｍｂｏｊａ", "Ｋ４", "𝐊𝐀𝐌", "𝕜", "ﬁ", "ß", "İ", "ı", "é", "e\u0301", "a\u0308", "\u0301", "ǅ",
    "•", "–", "“", "”", "…", "½", "²", "٣", "०", "Ω", "Ж", "中", "ا",
    "\ud800", "\U000e0001", "\u0000", "\x7f",
    "yg", "dgn", "dg", "utk", "loker", "LN", "japri", "jt", "jt.", "juta", "rb", "ribu", "gaji2",
    "dm", "pp", "PP", "tiket ", "pesawat ", "di ", "ke ", "no", "nomor", "p3mi", "P3MI",
    "K4mb0ja", "k 4 m b 0 j 4", "k.a.m.b.o.j.a", "k-a-m-b-o-j-a", "k_a_m", "K A M B O J A",
    "gajiii", "AAAA", "zzz", "rp5jt", "Rp 5.000.000", "usd1k", "15jt", "500rb", "3hari", "covid19",
    "kam.boja", "Kamboja.Gaji", "a.B", "x*y", "k3rja", "s3mua", "bul4n", "ok0", "kerja4",
]  # fmt: skip


def _adversarial(rng: random.Random) -> str:
    return "".join(rng.choice(_PIECES) for _ in range(rng.randint(0, 40)))


def test_same_output_on_generated_strings() -> None:
    rng = random.Random(20261201)
    texts = [_adversarial(rng) for _ in range(4000)]
    assert _differences(texts) == []


# Words and separators for longer generated ads, so that pieces meet the way they do in real text:
# tricks inside words, around spaces and line breaks, at the start and end of the text.
_WORDS = [
    "gaji", "kerja", "Kamboja", "KAMBOJA", "k4mb0ja", "K 4 M B 0 J A", "k.a.m.b.o.j.a", "k-a-m",
    "gratisss", "gratiiiis", "aaa", "Zzzz", "yg", "Yg.", "dgn", "LN", "loker", "jt.", "5jt", "5jt.",
    "10 jt", "3,5juta", "500rb", "500ribuan", "tiket pp", "di pp", "ke pp no 5", "PP No. 22", "p3mi",
    "rp5jt", "Rp.5.000.000", "usd1k", "s3mua", "bul4n", "k3rja4", "ok0", "x1", "1x", "gaji2",
    "kam.boja", "Kamboja.Gaji", "a.B", "x*y", "it's", "a|b", "a~b", "a`b", "_a_", "*a*",
    "ｋａｍｂｏｊａ", "Ｇａｊｉ", "𝐊𝐀𝐌𝐁𝐎𝐉𝐀", "𝕜𝕒𝕞", "ﬁ", "Straße", "İstanbul", "café", "cafe\u0301",
    "\u0301", "\u0308a", "\u200bkam\u200bboja", "\u200f", "\u200e", "\u202e", "\u2066", "\ufeff",
    "\u00ad", "\u2060", "🇰🇭", "🇲🇲", "🇹🇭🇲🇾", "🇦🇿", "🇰", "💰", "💸💸", "🪙", "✅", "🔥", "❤️",
    "👨‍👩‍👧", "👍🏽", "٣", "٣jt", "०", "½", "²jt", "Ω", "Жжж", "中文", "العربية", "a\u05d0b",
    "\ud83d", "\x00", "\x7f", "\x1b", "\t", "\r\n",
]  # fmt: skip
_GAPS = [" ", " ", " ", "  ", "\n", "\n\n", " \n ", "\t", ". ", ", ", "-", ".", "\u00a0", "\u3000", ""]


def _generated_ad(rng: random.Random, words: int) -> str:
    pieces = [rng.choice(_GAPS) if i % 2 else rng.choice(_WORDS) for i in range(2 * words)]
    return "".join(pieces)


def test_same_output_on_generated_ads() -> None:
    rng = random.Random(15)
    texts = [_generated_ad(rng, rng.randint(1, 120)) for _ in range(2000)]
    assert _differences(texts) == []


def test_same_output_on_huge_generated_ads() -> None:
    # Longer than the shared pool of offsets (16,384), and all tricks many times over.
    rng = random.Random(16)
    texts = [_generated_ad(rng, words) for words in (3000, 6000, 12000)]
    assert _differences(texts) == []


@pytest.mark.parametrize(
    "text",
    [
        pytest.param("", id="empty"),
        pytest.param(" ", id="one-space"),
        pytest.param("\n\n", id="only-newlines"),
        pytest.param("yg.dg", id="abbreviation-then-full-stop-then-abbreviation"),
        pytest.param("jt", id="abbreviation-is-the-text"),
        pytest.param("5jt.5rb", id="units-after-a-full-stop"),
        pytest.param("🇰🇭🇲", id="flag-then-lone-indicator"),
        pytest.param("🇦🇰🇭", id="unknown-flag-then-lone-indicator"),
        pytest.param("x" * 20000, id="longer-than-the-offset-pool"),
        pytest.param(" a  b \n" * 3000, id="long-with-whitespace-runs"),
        pytest.param("5jt6rb 7juta.8ribu 9jt.x 1rbu 2jtx 3ribuan", id="number-units-of-both-letters"),
        pytest.param("\u0663jt \u0664rb gaji \u0665juta", id="number-units-after-non-ascii-digits"),
        pytest.param("jt 5 jt rb5 j5t", id="units-without-a-digit-right-before"),
        pytest.param("k a m\u00e9b o j a", id="spaced-letters-around-a-non-ascii-letter"),
        pytest.param("k  a  m  b   o j a", id="spaced-letters-with-one-two-and-three-separators"),
        pytest.param("\u00e9 a b \u00fc c  d *e*f*g", id="lone-letters-next-to-non-ascii"),
        pytest.param("  a..b**c  d__e  ", id="deletions-and-space-runs-at-the-ends"),
        pytest.param("yg yg.dgn.dg dgnx xdg gaji2 gaji22 2gaji2 sy.", id="abbreviations-side-by-side-ascii"),
        pytest.param("yg \u00e9 dgn.sy \U0001f1f0\U0001f1ed dm", id="abbreviations-in-a-non-ascii-text"),
        pytest.param(
            "\u2764\ufe0f\U0001f1f0\U0001f1ed\u200b\U0001f4b0 \U0001f1f0\U0001f1ed",
            id="fold-resizing-and-flags",
        ),
    ],
)
def test_same_output_on_edge_cases(text: str) -> None:
    assert _differences([text]) == []


def test_same_output_around_every_unicode_digit() -> None:
    # ``\d`` in the unit and money patterns matches every decimal digit, not only ASCII ones; the
    # passes' byte-class triggers must not miss a unit after one.
    digits = [chr(code) for code in range(0x110000) if re.fullmatch(r"\d", chr(code))]
    assert len(digits) > 600
    texts = [
        f"gaji {digit}{unit} k{digit}mb0ja {digit}"
        for digit in digits
        for unit in ("jt", "juta.", "rb", "ribu")
    ]
    assert _differences(texts) == []
