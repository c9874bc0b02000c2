from collections.abc import Iterator
from pathlib import Path

import pytest
from live_server import LiveServers

from screener.assessment import Screener
from screener.model import default_model_path


@pytest.fixture(scope="session")
def screener() -> Screener:
    """The shipped model, loaded once for the whole test run."""
    return Screener(default_model_path())


@pytest.fixture(scope="session")
def repo_root() -> Path:
    return Path(__file__).resolve().parents[1]


@pytest.fixture(scope="session")
def live_servers() -> Iterator[LiveServers]:
    """Real ``screener serve`` processes (``live_servers.start(database_url)``), killed at the end."""
    servers = LiveServers()
    yield servers
    servers.close()


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    # A test that starts a real server process is end to end, and takes seconds.
    for item in items:
        if "live_servers" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.e2e)
            item.add_marker(pytest.mark.slow)
