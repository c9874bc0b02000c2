"""Benchmark: CPU µs per ad of each stage of ``Screener.assess_many`` after ``detect()``.

Mirrors ``assess_many`` step by step through the screener's private parts (the scorer's feature
blocks, ``_hstack``, ``predict``, ``_categories_of``, ``_top_terms``, ``_build``), so it follows
this checkout's code and the one before issue 15's assembly work (same private names and
signatures); with other code it may need changing. Each batch's findings are computed first,
untimed; CPU time (``time.process_time``) per stage, the median over ``--rounds`` rounds over the
corpus. Run it with ``PYTHONPATH=<checkout>`` to measure another checkout.

    python bench/bench_assemble_stages.py [--batch-size 256] [--rounds 3] [--limit 0]
"""

from __future__ import annotations

import argparse
import statistics
import time
from typing import Any

import numpy as np

from screener.assessment import Screener, _tier, check_text
from screener.datasets import load_corpus
from screener.indicators import detect
from screener.model import MIN_SCOPE_WORDS
from screener.scoring import _hstack
from screener.vocabulary import Scope, Tier

try:
    from screener.assessment import _word_counts
except ImportError:  # a checkout before the capped word counts: what assess_many did then

    def _word_counts(findings: list[Any]) -> list[int]:
        return [len(f.text.split()) for f in findings]


class _Clock:
    """CPU seconds per stage name, summed over the calls to :meth:`lap`."""

    def __init__(self) -> None:
        self.seconds: dict[str, float] = {}
        self.last = time.process_time()

    def start(self) -> None:
        self.last = time.process_time()

    def lap(self, name: str) -> None:
        now = time.process_time()
        self.seconds[name] = self.seconds.get(name, 0.0) + now - self.last
        self.last = now


def _assess_in_stages(screener: Screener, batch: list[str], clock: _Clock) -> list[Any]:
    """``Screener.assess_many`` after ``detect`` (the module's ``detect`` is not called: the
    findings are computed here, before the clock starts)."""
    found = {text: detect(text) for text in batch}
    clock.start()
    prepared = [check_text(text) for text in batch]
    findings = [found[text] for text, _, _ in prepared]
    clock.lap("check_text")
    scorer = screener._scorer
    blocks = [block.transform(findings) for block in scorer.blocks[:-1]]
    clock.lap("n-gram blocks")
    blocks.append(scorer.blocks[-1].transform(findings))
    clock.lap("modus block")
    x = _hstack(blocks, len(findings))
    clock.lap("_hstack")
    risk_proba, offers, category_proba = scorer.predict(x)
    risks = risk_proba.tolist()
    clock.lap("predict")
    n_words = np.asarray(_word_counts(findings))
    clock.lap("n_words")
    in_scope = screener.model.is_offer(offers, n_words).tolist()
    scopes = [Scope.OFFER if is_offer else Scope.NOT_OFFER for is_offer in in_scope]
    tiers = [
        _tier(risk, screener.thresholds) if scope is Scope.OFFER else Tier.RENDAH
        for risk, scope in zip(risks, scopes, strict=True)
    ]
    clock.lap("scope, tiers")
    categories = screener._categories_of(category_proba, scopes, tiers)
    clock.lap("_categories_of")
    terms = screener._top_terms(x)
    clock.lap("_top_terms")
    short = (n_words < MIN_SCOPE_WORDS).tolist()
    built = [
        screener._build(f, risk, offer, scope, tier, is_short, category, top, truncated, length)
        for f, risk, offer, scope, tier, is_short, category, top, (_, truncated, length) in zip(
            findings, risks, offers.tolist(), scopes, tiers, short, categories, terms, prepared, strict=True
        )
    ]
    clock.lap("_build")
    return built


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--batch-size", type=int, default=256)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--limit", type=int, default=0, help="only the first N distinct ads (0 = all)")
    args = parser.parse_args()

    texts = list(dict.fromkeys(t for t in load_corpus().texts if t.strip()))
    if args.limit > 0:
        texts = texts[: args.limit]
    screener = Screener()
    batches = [texts[i : i + args.batch_size] for i in range(0, len(texts), args.batch_size)]
    for batch in batches[:3]:  # warm up
        _assess_in_stages(screener, batch, _Clock())
    rounds = []
    for _ in range(args.rounds):
        clock = _Clock()
        for batch in batches:
            _assess_in_stages(screener, batch, clock)
        rounds.append(clock.seconds)
    print(
        f"{len(texts)} ads in batches of {args.batch_size}, CPU µs per ad (median of {args.rounds} rounds):"
    )
    for name in rounds[0]:
        print(f"  {name:15s} {statistics.median(r[name] for r in rounds) / len(texts) * 1e6:7.1f}")
    total = statistics.median(sum(r.values()) for r in rounds) / len(texts) * 1e6
    print(f"  {'total':15s} {total:7.1f}")


if __name__ == "__main__":
    main()
