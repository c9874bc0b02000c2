"""The worker sketches a chunk at once: the same content hashes, signatures and band keys as one by one."""

import numpy as np

from screener.datasets import load_corpus
from service.worker import sketch, sketch_many


def test_sketch_many_equals_sketch_one_at_a_time() -> None:
    texts = [*load_corpus().texts[:600], "", "12 34", "🔥🔥", "Σ ΟΔΟΣ", "x" * 70_000]
    for size in (1, 5, 500, len(texts)):
        for start in range(0, len(texts), size):
            part = texts[start : start + size]
            for text, (digest, sig, keys) in zip(part, sketch_many(part), strict=True):
                one_digest, one_sig, one_keys = sketch(text)
                assert digest == one_digest and keys == one_keys
                assert sig.dtype == one_sig.dtype and np.array_equal(sig, one_sig)
    assert sketch_many([]) == []


def test_score_rows_gives_each_scored_row_its_own_sketch_when_one_ad_fails() -> None:
    from types import SimpleNamespace

    from service.worker import score_rows

    class Flaky:
        """assess_many fails for the chunk, assess for the ad with "boom": the fallback path."""

        def assess_many(self, texts: list[str]) -> list[object]:
            raise RuntimeError("chunk")

        def assess(self, text: str) -> SimpleNamespace:
            if "boom" in text:
                raise ValueError("boom")
            return SimpleNamespace(to_dict=lambda: {"risk": 0.5, "text_len": len(text)})

    texts = ["gaji 5 juta di Batam", "boom", "kerja di Phnom Penh tanpa pengalaman", "boom too", "admin cs"]
    rows = [SimpleNamespace(id=i, batch_id=1, platform=None, text=t) for i, t in enumerate(texts)]
    scored = score_rows(Flaky(), rows)  # type: ignore[arg-type]
    assert [s.error is None for s in scored] == ["boom" not in t for t in texts]
    for s, text in zip(scored, texts, strict=True):
        if s.error is None:
            digest, sig, keys = sketch(text)
            assert s.content_hash == digest and s.band_keys == keys and np.array_equal(s.signature, sig)
