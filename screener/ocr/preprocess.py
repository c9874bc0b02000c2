"""Making an image easy to read for the OCR engine, keeping the way back to its pixels.

Grayscale; light text on a dark ground is inverted; small images are upscaled (the engine reads text
best when letters are some 20-40 px high) and very large ones brought down; contrast is stretched;
a skew of 1-8° (a photographed or rotated poster) is measured by projection profiles and undone.
:meth:`Prepared.to_original` maps a box on the prepared image back onto the uploaded picture.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from PIL import Image, ImageOps, ImageStat

__all__ = ["Prepared", "estimate_skew", "prepare"]

TARGET_MIN_WIDTH = 1000  # narrower images are upscaled (a 480 px screenshot has 8 px letters)
TARGET_MAX_SIDE = 2600  # larger ones are brought down: time grows with pixels, accuracy does not
MAX_SKEW = 8.0
MIN_SKEW = 0.8  # below this the engine copes, and resampling would only blur


@dataclass(frozen=True)
class Prepared:
    image: Image.Image  # grayscale ("L"), ready for the engine
    scale: float  # prepared pixels per original pixel
    angle: float  # degrees the image was rotated (counter-clockwise) to straighten it
    original_size: tuple[int, int]

    def to_original(self, box: tuple[float, float, float, float]) -> tuple[int, int, int, int]:
        """A box on the prepared image as a box on the original image (clipped to it)."""
        x0, y0, x1, y1 = box
        corners = [(x0, y0), (x1, y0), (x0, y1), (x1, y1)]
        if self.angle:
            cx, cy = self.image.width / 2, self.image.height / 2
            # PIL rotates counter-clockwise on screen; undo it by rotating the corners back.
            theta = math.radians(self.angle)
            cos, sin = math.cos(theta), math.sin(theta)
            corners = [
                (cx + (x - cx) * cos - (y - cy) * sin, cy + (x - cx) * sin + (y - cy) * cos)
                for x, y in corners
            ]
        xs = [x / self.scale for x, _ in corners]
        ys = [y / self.scale for _, y in corners]
        width, height = self.original_size
        return (
            max(0, round(min(xs))),
            max(0, round(min(ys))),
            min(width, round(max(xs))),
            min(height, round(max(ys))),
        )


def estimate_skew(gray: Image.Image, max_angle: float = MAX_SKEW, step: float = 0.5) -> float:
    """The rotation (degrees, counter-clockwise) that makes text lines horizontal.

    Text lines give the row sums of an edge map their sharpest profile when level: the angle with the
    highest variance of row sums wins (coarse step, then refined).
    """
    small = gray.copy()
    small.thumbnail((500, 500))
    array = np.asarray(small, dtype=np.float32)
    # Edges, not dark pixels: letters are dense in edges on any ground, while large dark areas (bands,
    # the corners a rotated photo leaves) add only their outline.
    edges = np.zeros_like(array)
    edges[:, 1:] += np.abs(np.diff(array, axis=1))
    edges[1:, :] += np.abs(np.diff(array, axis=0))
    ink = Image.fromarray(((edges > 40) * 255).astype(np.uint8))

    def sharpness(angle: float) -> float:
        rotated = np.asarray(ink.rotate(angle, resample=Image.Resampling.NEAREST), dtype=np.float32)
        return float(np.var(rotated.sum(axis=1)))

    coarse = np.arange(-max_angle, max_angle + 1e-9, step)
    best = max(coarse, key=sharpness)
    fine = np.arange(best - step, best + step + 1e-9, step / 4)
    return float(max(fine, key=sharpness))


def prepare(image: Image.Image, *, deskew: bool = True) -> Prepared:
    """The image as the engine should see it (see the module docstring)."""
    gray = ImageOps.grayscale(image)
    if ImageStat.Stat(gray).mean[0] < 110:  # mostly dark: light text on a dark ground
        gray = ImageOps.invert(gray)
    scale = 1.0
    if gray.width < TARGET_MIN_WIDTH:
        scale = min(3.0, TARGET_MIN_WIDTH / gray.width)
    elif max(gray.size) > TARGET_MAX_SIDE:
        scale = TARGET_MAX_SIDE / max(gray.size)
    if scale != 1.0:
        size = (max(1, round(gray.width * scale)), max(1, round(gray.height * scale)))
        gray = gray.resize(size, Image.Resampling.LANCZOS)
    gray = ImageOps.autocontrast(gray, cutoff=1)
    angle = 0.0
    if deskew:
        angle = estimate_skew(gray)
        if abs(angle) >= MIN_SKEW:
            gray = gray.rotate(angle, resample=Image.Resampling.BICUBIC, fillcolor=255)
        else:
            angle = 0.0
    return Prepared(gray, scale, angle, image.size)
