"""Where user data lives by default: the one place that knows the project's folders.

Two kinds of files, found two ways:

* **Package data** ships inside the packages (the catalogue's TOML files; the service's templates,
  static files and migrations) and is read through :mod:`importlib.resources`, so an installed
  package finds it wherever it is installed. Nothing here is about package data.
* **User data** is the project's working material: models, the corpus, evaluation reports, the
  real-data files and the service's database. Every library function that reads or writes it takes
  the path as an argument; when the argument is left out, the default comes from this module.

============  ==================================================  ==============================
user data     default                                             the CLI / service override
============  ==================================================  ==============================
models        ``<root>/models``                                   ``--model``, ``--out``,
                                                                  ``SCREENER_MODEL_PATH``
corpus        ``<root>/datasets/corpus``                          ``--data``
reports       ``<root>/reports/evaluation``                       ``--report``
real data     ``<root>/../shared/data/real-id-jobs/               ``--real-data``,
              lokerid_dev.jsonl``                                 ``SCREENER_REAL_DATA``
database      ``<root>/var/screener.db``                          ``SCREENER_DATA_DIR``,
                                                                  ``SCREENER_DATABASE_URL``
============  ==================================================  ==============================

``<root>`` is the project root (:func:`project_root`): the nearest folder holding a ``pyproject.toml``
whose project name is ``tppo-screener``, looking first from the current working directory upwards,
then from this package's location upwards (an editable install run from elsewhere); failing both (an
installed package run outside a checkout), the current working directory. Defaults are resolved when
they are asked for, not when the module is imported, so they follow the working directory.

The library reads no environment variables: the CLI (``screener/cli.py``) and the service's settings
map their options and variables onto explicit arguments.

A model card records its training data relative to the root (:func:`portable`), never as an absolute
path of the training machine; :func:`from_root` turns a recorded path back into a path, and keeps an
absolute one (old cards) as it is.
"""

from __future__ import annotations

import enum
import os
import tomllib
from pathlib import Path
from typing import Final

__all__ = [
    "DEFAULT",
    "PROJECT_NAME",
    "UseDefault",
    "corpus_dir",
    "from_root",
    "models_dir",
    "portable",
    "project_root",
    "real_data_file",
    "reports_dir",
    "var_dir",
]

PROJECT_NAME = "tppo-screener"


class UseDefault(enum.Enum):
    """Marks an argument left to its documented default, where ``None`` already means "none"."""

    DEFAULT = "default"


# e.g. ``run_evaluate(report_dir=DEFAULT)`` writes the report to :func:`reports_dir`, ``None`` writes none.
DEFAULT: Final = UseDefault.DEFAULT


def _is_project_root(folder: Path) -> bool:
    pyproject = folder / "pyproject.toml"
    try:
        with pyproject.open("rb") as handle:
            return tomllib.load(handle).get("project", {}).get("name") == PROJECT_NAME
    except (OSError, tomllib.TOMLDecodeError):
        return False


def _search_up(start: Path) -> Path | None:
    for folder in (start, *start.parents):
        if _is_project_root(folder):
            return folder
    return None


def project_root(start: str | Path | None = None) -> Path:
    """The project root: where the default folders of user data are.

    Parameters
    ----------
    start : str or Path, optional
        Where to start looking; by default the current working directory.

    Returns
    -------
    Path
        The nearest folder at or above ``start``, else at or above this package's location, holding a
        ``pyproject.toml`` with ``[project] name = "tppo-screener"``; else ``start`` itself.
    """
    here = Path(start if start is not None else os.getcwd()).absolute()
    found = _search_up(here) or _search_up(Path(__file__).resolve().parent)
    return found or here


def models_dir(root: str | Path | None = None) -> Path:
    """``<root>/models``: the trained models and their cards, and ``DEFAULT`` naming the promoted one."""
    return Path(root or project_root()) / "models"


def corpus_dir(root: str | Path | None = None) -> Path:
    """``<root>/datasets/corpus``: the project's labelled corpus (``*.jsonl``)."""
    return Path(root or project_root()) / "datasets" / "corpus"


def reports_dir(root: str | Path | None = None) -> Path:
    """``<root>/reports/evaluation``: ``screener evaluate``'s report, which the ``/model`` page shows."""
    return Path(root or project_root()) / "reports" / "evaluation"


def real_data_file(root: str | Path | None = None) -> Path:
    """``<root>/../shared/data/real-id-jobs/lokerid_dev.jsonl``: real job ads presumed legitimate.

    They sit beside the checkout, never inside it: they are read and scored, never copied or trained on.
    """
    return Path(root or project_root()).parent / "shared" / "data" / "real-id-jobs" / "lokerid_dev.jsonl"


def shared_data_dir(root: str | Path | None = None) -> Path:
    """``<root>/../shared/data``: the real dev files (fake vacancies, posts about scams, placement
    notices, job-board ads), read for measuring only (``screener evaluate --real-dev``)."""
    return Path(root or project_root()).parent / "shared" / "data"


def var_dir(root: str | Path | None = None) -> Path:
    """``<root>/var``: the service's default SQLite database and other run-time files."""
    return Path(root or project_root()) / "var"


def portable(source: str, root: str | Path | None = None) -> str:
    """``source`` as a card records it: each path in it relative to the project root, ``/``-separated.

    ``source`` is a :attr:`screener.datasets.Dataset.source`: a path, or several joined by ``" + "``
    (:meth:`~screener.datasets.Dataset.concat`). A relative path is taken from the current working
    directory. A path outside the root is written with ``..``; anything that is not an existing path
    (``""``, a label) is kept as it is.
    """
    base = Path(root or project_root()).absolute()
    parts = []
    for part in source.split(" + "):
        path = Path(part)
        if part and (path.is_absolute() or path.exists()):
            try:
                part = Path(os.path.relpath(path.absolute(), base)).as_posix()
            except ValueError:  # another drive on Windows: no relative path exists
                part = path.absolute().as_posix()
        parts.append(part)
    return " + ".join(parts)


def from_root(recorded: str | Path, root: str | Path | None = None) -> Path:
    """A path a card recorded, as a path here: relative ones from the project root, absolute ones as is."""
    path = Path(recorded)
    return path if path.is_absolute() else Path(root or project_root()) / path
