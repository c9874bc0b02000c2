"""OCR of posters and screenshots: image limits, reading, chrome, boxes, redaction on the picture."""

from __future__ import annotations

import io
import statistics
import struct
import zlib
from pathlib import Path
from typing import Any

import pytest
from PIL import Image

from bench.ocr_posters import DEGRADATIONS, cer, corpus_ads, degrade, fonts, render_poster, span_overlaps
from screener.ocr import (
    MAX_IMAGE_BYTES,
    CorruptImage,
    ImageTooLarge,
    NoReadableText,
    OcrTimeout,
    OcrUnavailable,
    UnsupportedImage,
    availability,
    load_image,
    read_image,
)
from screener.ocr.assess import assess_image, assess_ocr
from screener.ocr.read import OcrResult, OcrWord
from screener.ocr.redact import redacted_boxes, redacted_png
from tests.ocr_testing import CAMBODIA_AD, DATA

needs_ocr = pytest.mark.skipif(not availability()[0], reason=f"OCR engine missing: {availability()[1]}")
needs_fonts = pytest.mark.skipif(not fonts(), reason="no Debian fonts (fonts-dejavu-core) to render posters")


def _png_header(width: int, height: int) -> bytes:
    """A PNG whose header claims ``width`` x ``height`` (a decompression bomb's calling card)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    ihdr = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", ihdr)
        + chunk(b"IDAT", zlib.compress(b"\x00"))
        + chunk(b"IEND", b"")
    )


@pytest.mark.parametrize(
    ("data", "error", "status"),
    [
        pytest.param(b"hello, this is text", UnsupportedImage, 415, id="text"),
        pytest.param(b"GIF89a" + b"\x00" * 40, UnsupportedImage, 415, id="gif"),
        pytest.param((DATA / "poster_kamboja.png").read_bytes()[:400], CorruptImage, 422, id="truncated-png"),
        pytest.param(b"\xff\xd8\xff\xe0" + b"\x00" * 50, CorruptImage, 422, id="corrupt-jpeg"),
        pytest.param(b"", CorruptImage, 422, id="empty"),
        pytest.param(_png_header(8000, 6000), ImageTooLarge, 413, id="48-megapixels"),
        pytest.param(b"\x89PNG\r\n\x1a\n" + b"\x00" * MAX_IMAGE_BYTES, ImageTooLarge, 413, id="over-10MB"),
    ],
)
def test_bad_images_get_their_error_and_status(data: bytes, error: type[Exception], status: int) -> None:
    with pytest.raises(error) as caught:
        load_image(data)
    assert getattr(caught.value, "status", None) == status
    assert "/" in str(caught.value)  # Bahasa Indonesia / English


def test_pillow_pixel_limit_is_set_explicitly() -> None:
    assert Image.MAX_IMAGE_PIXELS == 40_000_000


def test_exif_orientation_is_applied() -> None:
    picture = Image.new("RGB", (300, 100), "white")
    exif = Image.Exif()
    exif[0x0112] = 6  # rotate 90° clockwise to display
    buffer = io.BytesIO()
    picture.save(buffer, format="JPEG", exif=exif.tobytes())
    assert load_image(buffer.getvalue()).size == (100, 300)


@needs_ocr
def test_blank_image_has_no_readable_text() -> None:
    with pytest.raises(NoReadableText) as caught:
        assess_image(DATA / "blank.png")
    assert caught.value.status == 422
    assert "tidak ada teks terbaca" in str(caught.value)


@needs_ocr
def test_cambodia_poster_is_tinggi_with_boxes_for_the_scam_hub(screener: Any) -> None:
    assessment = assess_image(DATA / "poster_kamboja.png", screener=screener)
    assert assessment.tier == "tinggi"
    source = assessment.to_dict()["source"]
    assert source["kind"] == "image"
    assert (source["width"], source["height"]) == (720, 900)
    assert cer(CAMBODIA_AD.replace("+ bonus", "bonus"), source["text"]) < 0.03
    hub = [s for s in source["spans"] if s["indicator"] == "dest_scam_hub"]
    assert hub and all(s["boxes"] for s in hub)
    for span in hub:
        for x0, y0, x1, y1 in span["boxes"]:
            assert 0 <= x0 < x1 <= 720 and 0 <= y0 < y1 <= 900
    assert source["confidence"] > 80 and not source["low_confidence"]
    assert "kurang jelas" not in assessment.summary


@needs_ocr
def test_caption_is_scored_with_the_picture(screener: Any) -> None:
    assessment = assess_image(
        DATA / "poster_legit.webp", "Gaji 30 juta di Myawaddy, visa turis", screener=screener
    )
    source = assessment.source
    assert source is not None and source["caption"].startswith("Gaji 30 juta")
    assert "dest_scam_hub" in assessment.indicator_ids
    caption_spans = [s for s in source["spans"] if s["start"] >= len(source["text"])]
    assert caption_spans and all(s["boxes"] == [] for s in caption_spans)  # the caption is not on the picture


@needs_ocr
def test_chat_screenshot_drops_the_app_chrome() -> None:
    result = read_image(DATA / "chat_myawaddy.jpg")
    lines = result.text.splitlines()
    assert "Myawaddy" in result.text and "@rekrut_cepat88" in result.text
    assert not any(line.strip().lower() in {"online", "grup kerja", "ketik pesan"} for line in lines)
    assert not any(line.strip().replace(".", "").isdigit() for line in lines)  # times, battery


def test_low_confidence_is_said_in_the_summary_and_lowers_nothing(screener: Any) -> None:
    words = CAMBODIA_AD.replace("\n", " ").split()
    ocr_words, offset = [], 0
    for i, word in enumerate(words):
        ocr_words.append(OcrWord(word, offset, offset + len(word), (i, 0, i + 1, 1), 41.0, 0))
        offset += len(word) + 1
    ocr = OcrResult(" ".join(words), tuple(ocr_words), 41.0, 100, 100, 0.0)
    unclear = assess_ocr(ocr, screener=screener)
    plain = screener.assess(ocr.text)
    assert unclear.summary.startswith("Teks gambar kurang jelas (keyakinan OCR 41%)")
    assert "Image text unclear" in unclear.summary_en
    assert (unclear.risk, unclear.tier, unclear.indicator_ids) == (
        plain.risk,
        plain.tier,
        plain.indicator_ids,
    )


@needs_ocr
def test_ocr_time_limit_raises_504() -> None:
    with pytest.raises(OcrTimeout) as caught:
        read_image(DATA / "chat_myawaddy.jpg", timeout=0.01)
    assert caught.value.status == 504


def test_missing_engine_is_a_clear_503(monkeypatch: pytest.MonkeyPatch) -> None:
    pytesseract = pytest.importorskip("pytesseract")
    availability.cache_clear()
    monkeypatch.setattr(pytesseract.pytesseract, "tesseract_cmd", "/nonexistent/tesseract")
    try:
        ok, detail = availability()
        assert not ok and "tesseract-ocr-ind" in detail
        with pytest.raises(OcrUnavailable) as caught:
            read_image(DATA / "poster_kamboja.png")
        assert caught.value.status == 503 and "apt-get install tesseract-ocr" in str(caught.value)
    finally:
        monkeypatch.undo()
        availability.cache_clear()


@needs_ocr
def test_redaction_blacks_out_phone_and_name_on_the_picture() -> None:
    data = (DATA / "poster_kamboja.png").read_bytes()
    result = read_image(data)
    words = [w.to_list() for w in result.words]
    boxes = redacted_boxes(result.text, words)
    covered = {w[0] for w in words if tuple(w[3:7]) in set(boxes)}
    assert {"812", "3456", "Rina"} <= covered | {c.strip("()") for c in covered}
    assert "Kamboja" not in covered
    picture = Image.open(io.BytesIO(redacted_png(data, result.text, words))).convert("RGB")
    for x0, y0, x1, y1 in boxes:
        assert picture.getpixel(((x0 + x1) // 2, (y0 + y1) // 2)) == (0, 0, 0)


# -- measured on generated posters (once per session; slow) ------------------------------------------


@pytest.fixture(scope="session")
def generated_posters() -> list[Any]:
    if not fonts():
        pytest.skip("no Debian fonts to render posters")
    ads = corpus_ads(8, seed=5)
    return [render_poster(str(ad["text"]), seed=i) for i, ad in enumerate(ads)]


@needs_ocr
@needs_fonts
@pytest.mark.slow
def test_character_error_rate_clean_and_degraded(generated_posters: list[Any]) -> None:
    clean = [cer(r.reference, read_image(r.image).text) for r in generated_posters]
    degraded = [
        cer(r.reference, read_image(degrade(r.image, DEGRADATIONS[i % len(DEGRADATIONS)], seed=i)).text)
        for i, r in enumerate(generated_posters)
    ]
    assert statistics.mean(clean) <= 0.03, clean
    assert statistics.mean(degraded) <= 0.10, degraded


@needs_ocr
@needs_fonts
@pytest.mark.slow
def test_evidence_boxes_overlap_the_drawn_words(generated_posters: list[Any], screener: Any) -> None:
    overlaps: list[float] = []
    for rendered in generated_posters:
        try:
            assessment = assess_image(rendered.image, screener=screener)
        except NoReadableText:
            continue
        assert assessment.source is not None
        overlaps += span_overlaps(rendered, assessment.source["spans"])
    assert len(overlaps) >= 5
    assert sum(o >= 0.5 for o in overlaps) / len(overlaps) >= 0.9, overlaps


def test_fixed_images_are_small() -> None:
    sizes = {p.name: p.stat().st_size for p in Path(DATA).iterdir()}
    assert sizes and all(size < 100_000 for size in sizes.values()), sizes


@needs_ocr
def test_cli_scores_a_poster_as_json(capsys: pytest.CaptureFixture[str]) -> None:
    import json

    from screener.cli import main

    assert main(["score", "--image", str(DATA / "poster_kamboja.png"), "--json"]) == 0
    result = json.loads(capsys.readouterr().out)
    assert result["tier"] == "tinggi"
    assert "Phnom Penh" in result["source"]["text"]
    assert next(s["boxes"] for s in result["source"]["spans"] if s["indicator"] == "dest_scam_hub")


def test_cli_refuses_a_non_image(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    from screener.cli import main

    path = tmp_path / "not-a-picture.png"
    path.write_text("hello")
    assert main(["score", "--image", str(path)]) == 2
    assert "bukan gambar PNG, JPEG atau WebP" in capsys.readouterr().err
