"""Posters and chat screenshots the project renders itself, for the OCR tests and benchmark.

Every image comes with the text that was drawn (``reference``) and the box of every drawn word, so
character error rate and the overlap of evidence boxes with the real word positions can be measured.
Fonts are Debian's (``fonts-dejavu-core``, optionally ``fonts-liberation``/``fonts-noto-core``);
:func:`fonts` is empty when none is installed and callers skip.
"""

from __future__ import annotations

import io
import json
import random
import re
from dataclasses import dataclass
from pathlib import Path

from PIL import Image, ImageDraw, ImageFilter, ImageFont

__all__ = [
    "DEGRADATIONS",
    "Rendered",
    "cer",
    "corpus_ads",
    "degrade",
    "fonts",
    "iou",
    "render_chat",
    "render_poster",
    "span_overlaps",
    "truth_boxes",
]

ROOT = Path(__file__).resolve().parents[1]

_FONT_CANDIDATES = [
    (
        "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
        "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf",
    ),
    (
        "/usr/share/fonts/truetype/dejavu/DejaVuSerif.ttf",
        "/usr/share/fonts/truetype/dejavu/DejaVuSerif-Bold.ttf",
    ),
    (
        "/usr/share/fonts/truetype/liberation/LiberationSans-Regular.ttf",
        "/usr/share/fonts/truetype/liberation/LiberationSans-Bold.ttf",
    ),
    (
        "/usr/share/fonts/truetype/noto/NotoSans-Regular.ttf",
        "/usr/share/fonts/truetype/noto/NotoSans-Bold.ttf",
    ),
]

# (background, title colour, body colour): dark text on light grounds and light text on dark ones.
_PALETTES = [
    ((255, 255, 255), (180, 20, 30), (20, 20, 20)),
    ((255, 244, 214), (10, 60, 140), (40, 30, 20)),
    ((16, 42, 84), (255, 210, 60), (250, 250, 250)),
    ((230, 245, 235), (0, 110, 60), (10, 10, 10)),
    ((120, 10, 30), (255, 255, 255), (255, 236, 200)),
]

# Symbols posters use that OCR cannot be asked to read: drawn, but not part of the reference text.
_SYMBOLS = re.compile(r"[^\w\s.,:;!?%/()+\-–'\"&@#=*]", re.UNICODE)


def fonts() -> list[tuple[str, str]]:
    """(regular, bold) font files that are installed."""
    return [pair for pair in _FONT_CANDIDATES if all(Path(p).exists() for p in pair)]


@dataclass
class Rendered:
    image: Image.Image
    reference: str  # the drawn text, line by line, without emoji and symbols
    words: list[tuple[str, tuple[int, int, int, int]]]  # every drawn word and its box (x0, y0, x1, y1)
    text: str  # the ad as given


def clean_text(text: str) -> str:
    """The ad as drawn: symbols OCR cannot read removed, one space between words."""
    lines = []
    for line in text.splitlines():
        words = _SYMBOLS.sub(" ", line).split()
        if words:
            lines.append(" ".join(words))
    return "\n".join(lines)


def _wrap(
    draw: ImageDraw.ImageDraw, words: list[str], font: ImageFont.FreeTypeFont, width: int
) -> list[list[str]]:
    lines: list[list[str]] = []
    current: list[str] = []
    for word in words:
        trial = " ".join([*current, word])
        if current and draw.textlength(trial, font=font) > width:
            lines.append(current)
            current = [word]
        else:
            current.append(word)
    if current:
        lines.append(current)
    return lines


def _draw_words(
    draw: ImageDraw.ImageDraw,
    x: float,
    y: float,
    words: list[str],
    font: ImageFont.FreeTypeFont,
    fill: tuple[int, int, int],
    out: list[tuple[str, tuple[int, int, int, int]]],
) -> None:
    space = draw.textlength(" ", font=font)
    for word in words:
        draw.text((x, y), word, font=font, fill=fill)
        box = draw.textbbox((x, y), word, font=font)
        out.append((word, (int(box[0]), int(box[1]), int(box[2]), int(box[3]))))
        x += draw.textlength(word, font=font) + space


def render_poster(
    text: str,
    *,
    size: tuple[int, int] = (1080, 1350),
    seed: int = 0,
    font_pair: tuple[str, str] | None = None,
) -> Rendered:
    """A recruitment poster: bold title (the first line), bullets for the other lines, a colour band."""
    rng = random.Random(seed)
    pair = font_pair or rng.choice(fonts())
    background, title_colour, body_colour = rng.choice(_PALETTES)
    width, height = size
    image = Image.new("RGB", size, background)
    draw = ImageDraw.Draw(image)
    margin = int(width * 0.07)
    paragraphs = [p.split() for p in clean_text(text).split("\n")]
    if not paragraphs:
        raise ValueError("nothing to draw")
    # Shrink the body font until everything fits.
    for body_size in range(46, 17, -2):
        title_font = ImageFont.truetype(pair[1], int(body_size * 1.45))
        body_font = ImageFont.truetype(pair[0], body_size)
        bullet = draw.textlength("• ", font=body_font)
        title_lines = _wrap(draw, paragraphs[0], title_font, width - 2 * margin)
        body_lines = [_wrap(draw, p, body_font, int(width - 2 * margin - bullet)) for p in paragraphs[1:]]
        needed = len(title_lines) * title_font.size * 1.3 + sum(len(b) for b in body_lines) * body_size * 1.45
        needed += len(body_lines) * body_size * 0.5
        if needed < height - 2.6 * margin:
            break
    words: list[tuple[str, tuple[int, int, int, int]]] = []
    draw.rectangle((0, 0, width, int(margin * 0.6)), fill=title_colour)
    draw.rectangle((0, height - int(margin * 0.6), width, height), fill=title_colour)
    y = float(margin * 1.2)
    for line in title_lines:
        _draw_words(draw, margin, y, line, title_font, title_colour, words)
        y += title_font.size * 1.3
    y += body_size * 0.5
    for block in body_lines:
        for i, line in enumerate(block):
            if i == 0:
                draw.text((margin, y), "•", font=body_font, fill=title_colour)
            _draw_words(draw, margin + bullet, y, line, body_font, body_colour, words)
            y += body_size * 1.45
        y += body_size * 0.5
    reference = "\n".join(" ".join(line) for line in title_lines + [ln for b in body_lines for ln in b])
    return Rendered(image, reference, words, text)


def render_chat(
    text: str, *, size: tuple[int, int] = (720, 1600), seed: int = 0, font_pair: tuple[str, str] | None = None
) -> Rendered:
    """A chat screenshot: status bar, contact name, the ad as incoming bubbles with times and ticks."""
    rng = random.Random(seed)
    pair = font_pair or rng.choice(fonts())
    width, height = size
    image = Image.new("RGB", size, (236, 229, 221))
    draw = ImageDraw.Draw(image)
    small = ImageFont.truetype(pair[0], 22)
    header = ImageFont.truetype(pair[1], 30)
    body_font = ImageFont.truetype(pair[0], 30)
    draw.rectangle((0, 0, width, 150), fill=(7, 94, 84))
    draw.text(
        (20, 12), f"{rng.randint(7, 22):02d}.{rng.randint(0, 59):02d}", font=small, fill=(255, 255, 255)
    )
    draw.text((width - 90, 12), "87%", font=small, fill=(255, 255, 255))
    draw.ellipse((20, 60, 90, 130), fill=(200, 200, 200))
    draw.text(
        (110, 70), rng.choice(["Info Loker", "Grup Kerja", "Lowongan 24"]), font=header, fill=(255, 255, 255)
    )
    draw.text((110, 108), "online", font=small, fill=(220, 240, 230))
    words: list[tuple[str, tuple[int, int, int, int]]] = []
    lines_drawn: list[str] = []
    y = 180.0
    bubble_width = int(width * 0.8)
    for paragraph in clean_text(text).split("\n"):
        lines = _wrap(draw, paragraph.split(), body_font, bubble_width - 40)
        bubble_height = len(lines) * 40 + 50
        if y + bubble_height > height - 120:
            break
        draw.rounded_rectangle((16, y, 16 + bubble_width, y + bubble_height), radius=16, fill=(255, 255, 255))
        ty = y + 12
        for line in lines:
            _draw_words(draw, 36, ty, line, body_font, (17, 17, 17), words)
            lines_drawn.append(" ".join(line))
            ty += 40
        stamp = f"{rng.randint(7, 22):02d}.{rng.randint(0, 59):02d}"
        draw.text((16 + bubble_width - 90, y + bubble_height - 32), stamp, font=small, fill=(130, 130, 130))
        y += bubble_height + 18
    draw.rectangle((0, height - 100, width, height), fill=(245, 245, 245))
    draw.rounded_rectangle((16, height - 84, width - 100, height - 16), radius=30, fill=(255, 255, 255))
    draw.text((40, height - 66), "Ketik pesan", font=small, fill=(150, 150, 150))
    return Rendered(image, "\n".join(lines_drawn), words, text)


def _moire(image: Image.Image, rng: random.Random) -> Image.Image:
    """A photo of a screen: faint interference stripes, slight blur and noise."""
    import math

    width, height = image.size
    period = rng.uniform(3.0, 6.0)
    angle = rng.uniform(0.2, 0.6)
    stripes = Image.new("L", image.size)
    cos, sin = math.cos(angle), math.sin(angle)
    stripes.putdata(
        [
            int(128 + 40 * math.sin((x * cos + y * sin) * 2 * math.pi / period))
            for y in range(height)
            for x in range(width)
        ]
    )
    tinted = Image.blend(image, Image.merge("RGB", (stripes, stripes, stripes)), 0.12)
    return tinted.filter(ImageFilter.GaussianBlur(0.8))


def degrade(image: Image.Image, kind: str, *, seed: int = 0) -> Image.Image:
    """One of :data:`DEGRADATIONS` applied to a clean image."""
    rng = random.Random(seed)
    if kind == "rotate":
        angle = rng.choice([-1, 1]) * rng.uniform(3.0, 7.0)
        return image.rotate(angle, resample=Image.Resampling.BICUBIC, expand=True, fillcolor=(255, 255, 255))
    if kind == "blur":
        return image.filter(ImageFilter.GaussianBlur(1.6))
    if kind == "jpeg30":
        buffer = io.BytesIO()
        image.save(buffer, format="JPEG", quality=30)
        return Image.open(io.BytesIO(buffer.getvalue())).convert("RGB")
    if kind == "downscale480":
        ratio = 480 / image.width
        return image.resize((480, round(image.height * ratio)), Image.Resampling.LANCZOS)
    if kind == "moire":
        return _moire(image, rng)
    raise ValueError(f"unknown degradation {kind!r}")


DEGRADATIONS = ("rotate", "blur", "jpeg30", "downscale480", "moire")


def _levenshtein(a: str, b: str) -> int:
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i]
        for j, cb in enumerate(b, 1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (ca != cb)))
        previous = current
    return previous[-1]


def cer(reference: str, hypothesis: str) -> float:
    """Character error rate: edit distance over the reference length, whitespace collapsed."""
    ref = " ".join(reference.split())
    hyp = " ".join(hypothesis.split())
    return _levenshtein(ref, hyp) / max(1, len(ref))


def corpus_ads(
    n: int, *, seed: int = 0, max_chars: int = 420, min_chars: int = 80
) -> list[dict[str, object]]:
    """``n`` ads of the project's own corpus (datasets/corpus), of poster length, every category mixed."""
    rows: list[dict[str, object]] = []
    for path in sorted((ROOT / "datasets" / "corpus").glob("*.jsonl")):
        with path.open(encoding="utf-8") as handle:
            for line in handle:
                row = json.loads(line)
                text = str(row["text"])
                if min_chars <= len(text) <= max_chars and len(clean_text(text).split()) >= 12:
                    rows.append(row)
    rng = random.Random(seed)
    rng.shuffle(rows)
    return rows[:n]


def iou(a: tuple[int, int, int, int] | list[int], b: tuple[int, int, int, int] | list[int]) -> float:
    """Intersection over union of two (x0, y0, x1, y1) boxes."""
    x0, y0 = max(a[0], b[0]), max(a[1], b[1])
    x1, y1 = min(a[2], b[2]), min(a[3], b[3])
    inter = max(0, x1 - x0) * max(0, y1 - y0)
    union = (a[2] - a[0]) * (a[3] - a[1]) + (b[2] - b[0]) * (b[3] - b[1]) - inter
    return inter / union if union else 0.0


def _token(word: str) -> str:
    return re.sub(r"\W", "", word.lower())


def truth_boxes(rendered: Rendered, span_text: str) -> list[tuple[int, int, int, int]] | None:
    """The rendered boxes of the words of ``span_text`` (one per drawn line), or None if not found."""
    wanted = [_token(w) for w in span_text.split() if _token(w)]
    drawn = [_token(w) for w, _ in rendered.words]
    if not wanted:
        return None
    for i in range(len(drawn) - len(wanted) + 1):
        if drawn[i : i + len(wanted)] == wanted:
            lines: dict[int, list[tuple[int, int, int, int]]] = {}
            for _, box in rendered.words[i : i + len(wanted)]:
                # Same drawn line: vertical ranges overlap by more than half (descenders differ).
                middle = (box[1] + box[3]) // 2
                key = next((k for k, bs in lines.items() if bs[0][1] <= middle <= bs[0][3]), middle)
                lines.setdefault(key, []).append(box)
            return [
                (min(b[0] for b in bs), min(b[1] for b in bs), max(b[2] for b in bs), max(b[3] for b in bs))
                for bs in lines.values()
            ]
    return None


def span_overlaps(rendered: Rendered, spans: list[dict[str, object]]) -> list[float]:
    """For every evidence span found on the drawn text: the worst IoU of its boxes with the truth."""
    scores = []
    for span in spans:
        truth = truth_boxes(rendered, str(span["text"]))
        boxes = span["boxes"]
        assert isinstance(boxes, list)
        if truth is None:
            continue
        if not boxes or len(boxes) != len(truth):
            scores.append(0.0)
            continue
        scores.append(min(max(iou(b, t) for t in truth) for b in boxes))
    return scores
