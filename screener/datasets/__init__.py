"""Read labelled ads: the project's corpus, other people's CSV / JSONL files and EMSCAD.

Every loader returns a :class:`Dataset` and turns every problem in the data into a
:class:`~screener.errors.DataError` that names the file and line (``corpus/tppo_hubs.jsonl:41: ...``)
in English and Bahasa Indonesia, so the CLI can print it as one line.

* :func:`load_corpus` reads ``datasets/corpus/*.jsonl`` and checks its schema strictly
  (:mod:`~screener.datasets.corpus`).
* :func:`load_labelled` reads a CSV or JSONL file with a text column and a label column, mapping
  label values such as ``fraud`` / ``legit`` to 1 / 0; :func:`load_emscad` reads the EMSCAD
  fake-job-postings CSV (:mod:`~screener.datasets.foreign`).
* :func:`iter_records` streams a file record by record for scoring, yielding a ``DataError`` in
  place of a malformed record instead of stopping (:mod:`~screener.datasets.readers`).

Files are read as strict UTF-8 (a byte-order mark at the start is accepted) and never through
pandas. JSONL is decoded line by line, so a bad line is reported with its line and byte offset;
CSV goes through :class:`csv.DictReader` on a text stream, and line numbers in its messages are
the physical line on which a record starts (the header is line 1).
"""

from pathlib import Path

from screener import paths
from screener.datasets.corpus import (
    CATEGORY_LABELS,
    CORPUS_KEYS,
    LANGUAGES,
    PLATFORMS,
    load_corpus,
)
from screener.datasets.dataset import Dataset
from screener.datasets.foreign import EMSCAD_TEXT_COLUMNS, NEGATIVE, POSITIVE, load_emscad, load_labelled
from screener.datasets.readers import FIELD_SIZE_LIMIT, iter_records

__all__ = [
    "CATEGORY_LABELS",
    "CORPUS_DIR",
    "CORPUS_KEYS",
    "EMSCAD_TEXT_COLUMNS",
    "FIELD_SIZE_LIMIT",
    "LANGUAGES",
    "NEGATIVE",
    "PLATFORMS",
    "POSITIVE",
    "Dataset",
    "iter_records",
    "load_corpus",
    "load_emscad",
    "load_labelled",
]

# The default corpus folder (:func:`screener.paths.corpus_dir`); declared here, computed on access.
CORPUS_DIR: Path


def __getattr__(name: str) -> Path:
    # The default follows the working directory (screener.paths), so it is computed when read.
    if name == "CORPUS_DIR":
        return paths.corpus_dir()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
