"""The settings are documented from the settings model: the README's table, `screener settings`."""

from __future__ import annotations

from pathlib import Path

import pytest

from screener.cli import main
from service import settings_doc
from service.settings import Settings

README = Path(__file__).resolve().parents[2] / "README.md"


def test_the_readme_table_is_what_the_settings_model_renders() -> None:
    readme = README.read_text(encoding="utf-8")
    assert readme == settings_doc.with_table(readme), (
        f"README.md's settings table is out of date: run {settings_doc.REGENERATE}"
    )


def test_the_table_has_every_setting_with_its_default_and_description() -> None:
    table = settings_doc.markdown_table()
    for name in Settings.model_fields:
        assert f"| `SCREENER_{name.upper()}` |" in table
    assert "| `SCREENER_PORT` | `8000` | Port `screener serve` listens on. |" in table
    assert "| `SCREENER_DATA_DIR` | `<project>/var` |" in table  # not this machine's path
    assert "Empty means &lt;data_dir&gt;/screener.db." in table


def test_rewriting_replaces_only_the_marked_block(tmp_path: Path) -> None:
    readme = tmp_path / "README.md"
    readme.write_text(
        f"# x\n\n{settings_doc.START}\nOLD TABLE\n{settings_doc.END}\n\nrest\n", encoding="utf-8"
    )
    assert settings_doc.main(["--readme", str(readme), "--check"]) == 1
    assert settings_doc.main(["--readme", str(readme)]) == 0
    text = readme.read_text(encoding="utf-8")
    assert (
        text.startswith("# x\n\n")
        and text.endswith(f"{settings_doc.END}\n\nrest\n")
        and "OLD TABLE" not in text
    )
    assert settings_doc.main(["--readme", str(readme), "--check"]) == 0
    readme.write_text("no markers\n", encoding="utf-8")
    with pytest.raises(ValueError, match="settings:start"):
        settings_doc.main(["--readme", str(readme)])


def test_screener_settings_lists_every_setting_and_its_description(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["settings"]) == 0
    out = " ".join(capsys.readouterr().out.split())  # descriptions are wrapped
    for name, field in Settings.model_fields.items():
        assert f"SCREENER_{name.upper()} (default:" in out
        assert " ".join((field.description or "").split()) in out
    assert main(["settings", "--markdown"]) == 0
    assert capsys.readouterr().out == settings_doc.markdown_table()


def test_serve_help_points_to_the_settings(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["serve", "--help"])
    assert "screener settings" in capsys.readouterr().out
