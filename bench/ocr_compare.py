"""Engine comparison behind docs/ocr.md: Tesseract (ind+eng) against RapidOCR (ONNX models inside its
PyPI wheel) on posters the project renders, clean and degraded: character error rate and time.

    .venv/bin/pip install rapidocr-onnxruntime   # only for this comparison; it does not ship
    .venv/bin/python bench/ocr_compare.py --n 12

RapidOCR is optional: without it only Tesseract is measured.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from PIL import Image

from bench.ocr_posters import DEGRADATIONS, cer, corpus_ads, degrade, render_poster


def tesseract_raw() -> Callable[[Image.Image], str]:
    import pytesseract

    def read(image: Image.Image) -> str:
        return str(pytesseract.image_to_string(image, lang="ind+eng"))

    return read


def tesseract_library() -> Callable[[Image.Image], str]:
    from screener.ocr import read_image

    def read(image: Image.Image) -> str:
        return read_image(image).text

    return read


def rapidocr() -> Callable[[Image.Image], str] | None:
    try:
        import numpy as np
        from rapidocr_onnxruntime import RapidOCR  # type: ignore[import-not-found]
    except ImportError:
        return None
    engine = RapidOCR()

    def read(image: Image.Image) -> str:
        result, _ = engine(np.asarray(image.convert("RGB"))[:, :, ::-1])
        return "\n".join(r[1] for r in result or [])

    return read


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--n", type=int, default=12, help="posters (each also degraded once)")
    parser.add_argument("--library", action="store_true", help="also measure screener.ocr")
    args = parser.parse_args()
    ads = corpus_ads(args.n, seed=11)
    clean = [render_poster(str(a["text"]), seed=i) for i, a in enumerate(ads)]
    degraded = [degrade(r.image, DEGRADATIONS[i % len(DEGRADATIONS)], seed=i) for i, r in enumerate(clean)]
    engines: dict[str, Callable[[Image.Image], str] | None] = {
        "tesseract (raw)": tesseract_raw(),
        "tesseract (screener.ocr)": tesseract_library() if "--library" in sys.argv else None,
        "rapidocr-onnxruntime": rapidocr(),
    }
    print(f"{'engine':28} {'cer_clean':>9} {'cer_degraded':>12} {'p50_ms':>7} {'mean_ms':>8}")
    for name, read in engines.items():
        if read is None:
            print(f"{name:28} not installed")
            continue
        read(clean[0].image)  # warm-up (model load)
        times: list[float] = []
        errors_clean, errors_degraded = [], []
        for rendered, bad in zip(clean, degraded, strict=True):
            start = time.perf_counter()
            errors_clean.append(cer(rendered.reference, read(rendered.image)))
            times.append((time.perf_counter() - start) * 1000)
            errors_degraded.append(cer(rendered.reference, read(bad)))
        print(
            f"{name:28} {statistics.mean(errors_clean):9.4f} {statistics.mean(errors_degraded):12.4f} "
            f"{statistics.median(times):7.0f} {statistics.mean(times):8.0f}"
        )


if __name__ == "__main__":
    main()
