from pathlib import Path

import pytest

from screener.assessment import Screener
from screener.model import default_model_path


@pytest.fixture(scope="session")
def screener() -> Screener:
    """The shipped model, loaded once for the whole test run."""
    return Screener(default_model_path())


@pytest.fixture(scope="session")
def repo_root() -> Path:
    return Path(__file__).resolve().parents[1]
