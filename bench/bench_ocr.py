"""Benchmark: reading posters and screenshots (OCR) against scoring the same ads as text, in one run.

Renders ads of the project's corpus as 1080×1350 posters and 720×1600 chat screenshots
(bench/ocr_posters.py), times :func:`screener.assess_image` on each (OCR + assessment, one at a time,
as the service does) and :meth:`Screener.assess` on the same ads as text; measures the character error
rate on clean posters and on degraded ones (rotation ±7°, blur, JPEG q30, 480 px, moiré), and the
tier agreement between an ad as text and as a poster on ``--agreement`` posters. ``p50_ms``/``p99_ms``
are over posters and screenshots together (each kind is printed above). The last line is an interface:

    ocr_images_per_s=... p50_ms=... p99_ms=... text_ads_per_s=... cer_clean=... cer_degraded=... tier_agreement=...

    python bench/bench_ocr.py [--n 10] [--agreement 200]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("OMP_THREAD_LIMIT", "1")  # as `screener` (the CLI and the service) sets it

import contextlib

import numpy as np

from bench.ocr_posters import (
    DEGRADATIONS,
    cer,
    corpus_ads,
    degrade,
    render_chat,
    render_poster,
    span_overlaps,
)
from screener.assessment import Screener
from screener.ocr import NoReadableText, read_image
from screener.ocr.assess import assess_image


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--n", type=int, default=10, help="posters and screenshots timed (each)")
    parser.add_argument(
        "--agreement", type=int, default=200, help="posters for the text/image tier agreement"
    )
    args = parser.parse_args()
    screener = Screener()
    ads = corpus_ads(max(args.n, args.agreement), seed=7)
    timed = ads[: args.n]
    posters = [render_poster(str(a["text"]), seed=i) for i, a in enumerate(timed)]
    chats = [render_chat(str(a["text"]), seed=i) for i, a in enumerate(timed)]
    assess_image(posters[0].image, screener=screener)  # warm-up

    times: dict[str, list[float]] = {"poster": [], "screenshot": []}
    start_all = time.perf_counter()
    for kind, images in (("poster", posters), ("screenshot", chats)):
        for rendered in images:
            start = time.perf_counter()
            with contextlib.suppress(NoReadableText):
                assess_image(rendered.image, screener=screener)
            times[kind].append((time.perf_counter() - start) * 1000)
    ocr_rate = (2 * len(timed)) / (time.perf_counter() - start_all)
    start = time.perf_counter()
    for _ in range(20):
        for ad in timed:
            screener.assess(str(ad["text"]))
    text_rate = 20 * len(timed) / (time.perf_counter() - start)
    for kind, values in times.items():
        print(
            f"{kind}: p50 {np.percentile(values, 50):.0f} ms, p99 {np.percentile(values, 99):.0f} ms "
            f"over {len(values)} images"
        )
    everything = times["poster"] + times["screenshot"]

    clean = [cer(r.reference, read_image(r.image).text) for r in posters]
    degraded = {kind: [] for kind in DEGRADATIONS}  # type: dict[str, list[float]]
    for i, rendered in enumerate(posters):
        kind = DEGRADATIONS[i % len(DEGRADATIONS)]
        degraded[kind].append(cer(rendered.reference, read_image(degrade(rendered.image, kind, seed=i)).text))
    chat_cer = [cer(r.reference, read_image(r.image).text) for r in chats]
    all_degraded = [v for values in degraded.values() for v in values]
    print(f"CER clean posters {statistics.mean(clean):.4f}, chat screenshots {statistics.mean(chat_cer):.4f}")
    print("CER degraded: " + ", ".join(f"{k} {statistics.mean(v):.4f}" for k, v in degraded.items() if v))

    agree = 0
    overlaps: list[float] = []
    disagreements = []
    for i, ad in enumerate(ads[: args.agreement]):
        rendered = render_poster(str(ad["text"]), seed=1000 + i)
        text_tier = screener.assess(str(ad["text"])).tier
        try:
            image_assessment = assess_image(rendered.image, screener=screener)
            image_tier = image_assessment.tier
            assert image_assessment.source is not None
            overlaps += span_overlaps(rendered, image_assessment.source["spans"])
        except NoReadableText:
            image_tier = "none"
        agree += text_tier == image_tier
        if text_tier != image_tier:
            disagreements.append(f"{ad['id']}: text {text_tier} image {image_tier}")
    n_agree = min(args.agreement, len(ads))
    agreement = agree / n_agree
    iou_share = sum(o >= 0.5 for o in overlaps) / max(1, len(overlaps))
    print(f"tier agreement text vs poster: {agree}/{n_agree}; disagreements: {disagreements[:10]}")
    print(f"evidence boxes with IoU >= 0.5: {iou_share:.3f} of {len(overlaps)} spans (clean posters)")
    print(
        f"ocr_images_per_s={ocr_rate:.2f} p50_ms={np.percentile(everything, 50):.0f} "
        f"p99_ms={np.percentile(everything, 99):.0f} text_ads_per_s={text_rate:.0f} "
        f"cer_clean={statistics.mean(clean):.4f} cer_degraded={statistics.mean(all_degraded):.4f} "
        f"tier_agreement={agreement:.3f}"
    )


if __name__ == "__main__":
    main()
