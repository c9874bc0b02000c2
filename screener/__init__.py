"""tppo-screener: screens Indonesian recruitment ads for trafficking (TPPO) and smuggling (TPPM) patterns.

Data flow: text -> :mod:`~screener.normalize` -> :mod:`~screener.indicators` (catalogue + extractors)
-> :mod:`~screener.features` -> model (:mod:`~screener.model`) -> :class:`Assessment`.
"""

from screener.assessment import Assessment, IndicatorResult, Screener, TopTerm, assess
from screener.errors import CatalogueError, DataError, InputError, ModelError, ScreenerError
from screener.indicators import Findings, detect
from screener.model import TrainedModel, load_model
from screener.normalize import Normalized, normalize
from screener.ocr.assess import assess_image

__all__ = [
    "Assessment",
    "CatalogueError",
    "DataError",
    "Findings",
    "IndicatorResult",
    "InputError",
    "ModelError",
    "Normalized",
    "Screener",
    "ScreenerError",
    "TopTerm",
    "TrainedModel",
    "assess",
    "assess_image",
    "detect",
    "load_model",
    "normalize",
]

__version__ = "0.1.0"
