"""Mean and sample standard deviation over the runs of a repeated evaluation."""

from __future__ import annotations

import math
from typing import Any

import numpy as np

__all__ = ["is_number", "mean_std"]


def is_number(value: Any) -> bool:
    """A finite int or float (not a bool): something to average."""
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


def mean_std(objects: list[dict[str, Any]]) -> tuple[dict[str, Any], dict[str, Any]]:
    """Mean and sample standard deviation of every number in a list of same-shaped dicts.

    Lists (the worst errors) are left out; a key missing in some runs averages over the others.
    """
    mean: dict[str, Any] = {}
    std: dict[str, Any] = {}
    keys = list(dict.fromkeys(k for obj in objects for k in obj))
    for key in keys:
        values = [obj[key] for obj in objects if key in obj and obj[key] is not None]
        if values and all(isinstance(v, dict) for v in values):
            m, s = mean_std(values)
            if m:
                mean[key], std[key] = m, s
        elif values and all(is_number(v) for v in values):
            mean[key] = round(float(np.mean(values)), 4)
            std[key] = round(float(np.std(values, ddof=1)), 4) if len(values) > 1 else 0.0
        elif values and all(isinstance(v, str) for v in values) and len(set(values)) == 1:
            mean[key] = values[0]  # descriptions
    return mean, std
