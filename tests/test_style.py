import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]


@pytest.mark.parametrize("command", [["check", "."], ["format", "--check", "."]], ids=["lint", "format"])
def test_ruff_is_clean(command: list[str]) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "ruff", *command], cwd=REPO, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_mypy_is_clean() -> None:
    # Settings ([tool.mypy] in pyproject.toml) name the packages: screener and service.
    result = subprocess.run([sys.executable, "-m", "mypy"], cwd=REPO, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


def test_long_modules_say_why() -> None:
    # A module over ~500 lines opens with a "# Long on purpose: ..." comment, or is split.
    unexplained = [
        str(path.relative_to(REPO))
        for package in ("screener", "service")
        for path in sorted((REPO / package).rglob("*.py"))
        if len(path.read_text(encoding="utf-8").splitlines()) > 500
        and not path.read_text(encoding="utf-8").startswith("# Long on purpose:")
    ]
    assert not unexplained, f"over 500 lines without a reason at the top: {unexplained}"
