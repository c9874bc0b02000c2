"""Reading an uploaded image safely: type, size and pixel limits, EXIF orientation.

Pillow's decompression-bomb limit is set here explicitly (``MAX_PIXELS``); an image over it is refused
with 413 before its pixels are decoded.
"""

from __future__ import annotations

import io
import warnings
from pathlib import Path

from PIL import Image, ImageOps, UnidentifiedImageError

from screener.ocr.errors import CorruptImage, ImageTooLarge, UnsupportedImage

__all__ = ["FORMATS", "MAX_IMAGE_BYTES", "MAX_PIXELS", "ImageInput", "load_image", "sniff_format"]

MAX_IMAGE_BYTES = 10 * 1024 * 1024
MAX_PIXELS = 40_000_000
# Pillow warns above MAX_IMAGE_PIXELS and refuses above twice that; we refuse above it (see below).
Image.MAX_IMAGE_PIXELS = MAX_PIXELS

FORMATS = {"PNG": "image/png", "JPEG": "image/jpeg", "WEBP": "image/webp"}
_MAGIC = ((b"\x89PNG\r\n\x1a\n", "PNG"), (b"\xff\xd8\xff", "JPEG"))

ImageInput = str | Path | bytes | Image.Image


def sniff_format(data: bytes) -> str | None:
    """PNG, JPEG or WEBP from the first bytes, else None."""
    for magic, name in _MAGIC:
        if data.startswith(magic):
            return name
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "WEBP"
    return None


def _read_bytes(source: str | Path | bytes) -> bytes:
    if isinstance(source, bytes):
        data = source
    else:
        path = Path(source)
        try:
            size = path.stat().st_size
        except OSError as exc:
            raise CorruptImage(f"cannot read {path}: {exc.strerror}", f"tidak dapat membaca {path}") from exc
        if size > MAX_IMAGE_BYTES:
            raise _too_many_bytes(size)
        data = path.read_bytes()
    if len(data) > MAX_IMAGE_BYTES:
        raise _too_many_bytes(len(data))
    return data


def _too_many_bytes(size: int) -> ImageTooLarge:
    return ImageTooLarge(
        f"the image is {size} bytes; the limit is {MAX_IMAGE_BYTES} (10 MB)",
        f"gambar berukuran {size} byte; batasnya {MAX_IMAGE_BYTES} (10 MB)",
    )


def load_image(source: ImageInput) -> Image.Image:
    """The image as RGB, turned upright by its EXIF orientation.

    Raises :class:`UnsupportedImage` (415), :class:`ImageTooLarge` (413) or :class:`CorruptImage` (422).
    """
    if isinstance(source, Image.Image):
        image = source
        _check_pixels(image.size)
        return ImageOps.exif_transpose(image).convert("RGB")
    data = _read_bytes(source)
    if not data:
        raise CorruptImage("the image file is empty", "berkas gambar kosong")
    kind = sniff_format(data)
    if kind is None:
        raise UnsupportedImage("not a PNG, JPEG or WebP image", "bukan gambar PNG, JPEG atau WebP")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data), formats=[kind])
            _check_pixels(image.size)
            image.load()
            upright = ImageOps.exif_transpose(image)
            return upright.convert("RGB")
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise _too_many_pixels(None) from exc
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, EOFError) as exc:
        raise CorruptImage(
            f"the {kind} image is corrupt or truncated", f"gambar {kind} rusak atau terpotong"
        ) from exc


def _check_pixels(size: tuple[int, int]) -> None:
    if size[0] * size[1] > MAX_PIXELS:
        raise _too_many_pixels(size)


def _too_many_pixels(size: tuple[int, int] | None) -> ImageTooLarge:
    shown = f"{size[0]}×{size[1]} " if size else ""
    return ImageTooLarge(
        f"the image {shown}is over {MAX_PIXELS // 1_000_000} megapixels",
        f"gambar {shown}melebihi {MAX_PIXELS // 1_000_000} megapiksel",
    )
