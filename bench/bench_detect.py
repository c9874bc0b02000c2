"""Benchmark: the pre-optimisation matcher, detect(), scorer and Screener against today's, per step.

Times each step of a full assessment on the same corpus texts, old code (kept test-only under
``tests/reference/``) and new code interleaved in one run, so the machine's load hits both alike.
The old matcher, detect() and places and employers extractors are main's code as of commit 0fcf639
(the base of the scan work); the old scorer, features and assessment building predate issue 15.
Prints µs of this process's CPU time per ad (the best of ``--rounds``: other load only adds) for:

- ``match``: the one-pass catalogue + employer alias matching (``_pattern_hits``) of normalised text;
- ``detect``: ``detect()`` of already normalised text (matching, the four extractors, the rest);
- ``detect_own``: ``detect()`` with matching and the four extractors answered from a cache: its own work;
- ``modus``: the modus-operandi feature rows (``ModusFeatures.row``);
- ``scorer``: features, risk, offer and category probabilities of the batch (``LinearScorer``);
- ``build``: ``assess_many`` with detect() and the feature rows answered from a cache: the scores,
  top terms, categories and the ``Assessment``s;
- ``assess``: ``Screener.assess_many`` on raw texts, in batches of 256.

The last line is ``key=value`` pairs (``<step>_old``, ``<step>_new`` in µs/ad, ``<step>_ratio`` =
old / new).

    python bench/bench_detect.py [--ads 2000] [--rounds 5] [--steps match,detect_own,...]

The short steps (match, detect_own, modus, build) vary more from round to round on a shared machine;
give them more rounds on their own: ``--steps match,detect_own,modus,build --rounds 25``.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path
from types import ModuleType
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

from reference import assessment_old as old_assessment
from reference import features_old as old_features
from reference import indicators_old as old_indicators
from reference import scoring_old as old_scoring

from screener import assessment as new_assessment
from screener import indicators as new_indicators
from screener.assessment import Screener
from screener.datasets import load_corpus
from screener.extract.contacts import find_contacts
from screener.extract.employers import find_employers
from screener.extract.money import extract_money
from screener.extract.places import find_places
from screener.normalize import Normalized, normalize
from screener.scoring import LinearScorer

BATCH = 256
STEPS = ("match", "detect_own", "detect", "modus", "scorer", "build", "assess")


def _timed(fn: Callable[[], object]) -> float:
    started = time.process_time()
    fn()
    return time.process_time() - started


def _cached(module: ModuleType, norms: list[Normalized]) -> Callable[[], object]:
    """``module.detect`` over ``norms`` with matching and the extractors answered from a cache."""
    answers: dict[str, dict[int, object]] = {}
    for name in ("_pattern_hits", "find_places", "find_contacts", "extract_money", "find_employers"):
        real = getattr(module, name)
        answers[name] = {}
        for n in norms:
            if name == "find_contacts":
                answers[name][id(n.original)] = real(n.original)
            elif name == "find_employers":
                answers[name][id(n)] = real(n, module._pattern_hits(n)[2])
            else:
                answers[name][id(n)] = real(n)

    def run() -> None:
        saved = {name: getattr(module, name) for name in answers}
        try:
            for name, table in answers.items():
                if name == "_pattern_hits":  # detect adds to its lists: hand out copies
                    setattr(module, name, lambda n, t=table: _copy_hits(t[id(n)]))
                else:
                    setattr(module, name, lambda x, *_, t=table: t[id(x)])
            for n in norms:
                module.detect(n)
        finally:
            for name, real in saved.items():
                setattr(module, name, real)

    return run


def _after_features(module: ModuleType, screener: Any, batches: list[list[str]]) -> Callable[[], object]:
    """``screener.assess_many`` over ``batches`` with detect() and the feature rows from a cache."""
    found = {id(text): module.detect(text) for batch in batches for text in batch}
    rows = {}
    for batch in batches:
        findings = [found[id(text)] for text in batch]
        rows[id(findings[0])] = screener._scorer.features(findings)

    def run() -> None:
        real_detect = module.detect
        module.detect = lambda text: found[id(text)]
        screener._scorer.features = lambda findings: rows[id(findings[0])]
        try:
            for batch in batches:
                screener.assess_many(batch)
        finally:
            module.detect = real_detect
            del screener._scorer.features

    return run


def _copy_hits(hits: Any) -> Any:
    patterns, withs, aliases = hits
    return (
        defaultdict(list, {k: list(v) for k, v in patterns.items()}),
        defaultdict(list, {k: list(v) for k, v in withs.items()}),
        list(aliases),
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--ads", type=int, default=2000)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--steps", default=",".join(STEPS), help="comma-separated, of: " + ", ".join(STEPS))
    args = parser.parse_args()

    texts = list(load_corpus().texts[: args.ads])
    batches = [texts[i : i + BATCH] for i in range(0, len(texts), BATCH)]
    norms = [normalize(t) for t in texts]
    new_screener = Screener()
    old_screener = old_assessment.ReferenceScreener(new_screener.model)
    new_scorer = new_screener._scorer
    old_scorer = old_scoring.LinearScorer(
        new_screener.model.pipeline, new_screener.model.category_model, new_screener.model.scope_model
    )
    assert isinstance(new_scorer, LinearScorer)
    findings = [new_indicators.detect(n) for n in norms]
    finding_batches = [findings[i : i + BATCH] for i in range(0, len(findings), BATCH)]
    modus = new_screener.model.pipeline.named_steps["features"].transformer_list[-1][1]

    def extractors() -> None:
        for n in norms:
            find_places(n)
            find_contacts(n.original)
            extract_money(n)
            find_employers(n)

    def scorer(s: object) -> Callable[[], None]:
        def run() -> None:
            for batch in finding_batches:
                x = s.features(batch)  # type: ignore[attr-defined]
                s.risk(x), s.offer_proba(x), s.category_proba(x)  # type: ignore[attr-defined]

        return run

    steps: dict[str, tuple[Callable[[], object], Callable[[], object]]] = {
        "match": (
            lambda: [old_indicators._pattern_hits(n) for n in norms],
            lambda: [new_indicators._pattern_hits(n) for n in norms],
        ),
        "detect": (
            lambda: [old_indicators.detect(n) for n in norms],
            lambda: [new_indicators.detect(n) for n in norms],
        ),
        "modus": (
            lambda: [old_features.modus_row(modus, f) for f in findings],
            lambda: [modus.row(f) for f in findings],
        ),
        "scorer": (scorer(old_scorer), scorer(new_scorer)),
        "assess": (
            lambda: [old_screener.assess_many(b) for b in batches],
            lambda: [new_screener.assess_many(b) for b in batches],
        ),
    }
    steps["detect_own"] = (_cached(old_indicators, norms), _cached(new_indicators, norms))
    steps["build"] = (
        _after_features(old_assessment, old_screener, batches),
        _after_features(new_assessment, new_screener, batches),
    )
    chosen = args.steps.split(",")
    if unknown := set(chosen) - set(STEPS):
        parser.error(f"unknown steps: {sorted(unknown)}")
    steps = {name: steps[name] for name in STEPS if name in chosen}
    shared = {"normalize": lambda: [normalize(t) for t in texts], "extractors": extractors}
    times: dict[str, list[float]] = {}
    for round_ in range(args.rounds):
        for name, fn in shared.items():
            times.setdefault(name, []).append(_timed(fn))
        for name, (old, new) in steps.items():
            pair = [("old", old), ("new", new)]
            for which, fn in pair if round_ % 2 == 0 else pair[::-1]:
                times.setdefault(f"{name}_{which}", []).append(_timed(fn))

    per_ad = {key: min(values) / len(texts) * 1e6 for key, values in times.items()}
    pairs = [f"normalize={per_ad['normalize']:.1f}", f"extractors={per_ad['extractors']:.1f}"]
    print(f"{'step':<12}{'old µs/ad':>12}{'new µs/ad':>12}{'ratio':>8}")
    for step in steps:
        old, new = per_ad[f"{step}_old"], per_ad[f"{step}_new"]
        ratio = old / new if new > 0 else float("nan")
        print(f"{step:<12}{old:>12.1f}{new:>12.1f}{ratio:>8.2f}")
        pairs += [f"{step}_old={old:.1f}", f"{step}_new={new:.1f}", f"{step}_ratio={ratio:.2f}"]
    print(" ".join(pairs))


if __name__ == "__main__":
    main()
