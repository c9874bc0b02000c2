"""The settings, documented from the settings model (:class:`service.settings.Settings`).

Every field's environment variable, default and description, as a Markdown table for the README
(between ``<!-- settings:start -->`` and ``<!-- settings:end -->``) or as text for
``screener settings``. ``python -m service.settings_doc`` rewrites the README's table;
``--check`` only says whether it is up to date (``tests/service/test_settings_doc.py`` runs it).
"""

from __future__ import annotations

import argparse
import sys
import textwrap
from dataclasses import dataclass
from pathlib import Path

from pydantic.fields import FieldInfo

from screener import paths
from service.settings import Settings

__all__ = ["END", "START", "SettingDoc", "markdown_table", "settings_docs", "text_listing", "with_table"]

START = "<!-- settings:start -->"
END = "<!-- settings:end -->"
README = paths.project_root() / "README.md"  # the checkout's README (not package data)
REGENERATE = ".venv/bin/python -m service.settings_doc"


@dataclass(frozen=True)
class SettingDoc:
    variable: str
    default: str  # as one would write it in the environment; "" for empty / unset
    description: str


def _default(field: FieldInfo) -> str:
    if field.default_factory is not None:
        # A folder under the project root (paths.var_dir): name it relative to the root, as any machine reads it.
        value = field.default_factory()  # type: ignore[call-arg]
        root = paths.project_root()
        if isinstance(value, Path) and value.is_relative_to(root):
            return f"<project>/{value.relative_to(root).as_posix()}"
        return str(value)
    value = field.default
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value).lower()
    return str(value)


def settings_docs() -> list[SettingDoc]:
    """One entry per field of :class:`~service.settings.Settings`, in the model's order."""
    prefix = str(Settings.model_config.get("env_prefix", ""))
    return [
        SettingDoc(f"{prefix}{name}".upper(), _default(field), field.description or "")
        for name, field in Settings.model_fields.items()
    ]


def markdown_table() -> str:
    def cell(text: str) -> str:  # a description is text, not HTML (`<data_dir>` must show)
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("|", "\\|")

    lines = ["| variable | default | description |", "|---|---|---|"]
    for doc in settings_docs():
        default = f"`{doc.default}`" if doc.default else "*(empty)*"
        lines.append(f"| `{doc.variable}` | {default} | {cell(doc.description)} |")
    return "\n".join(lines) + "\n"


def text_listing(width: int = 100) -> str:
    """The settings as ``screener settings`` prints them."""
    blocks = []
    for doc in settings_docs():
        head = f"{doc.variable} (default: {doc.default or 'empty'})"
        body = textwrap.fill(doc.description, width=width, initial_indent="    ", subsequent_indent="    ")
        blocks.append(f"{head}\n{body}")
    return "\n".join(blocks) + "\n"


def with_table(readme: str) -> str:
    """``readme`` with the text between the markers replaced by :func:`markdown_table`."""
    if readme.count(START) != 1 or readme.count(END) != 1 or readme.index(START) > readme.index(END):
        raise ValueError(f"the README needs one {START} line followed by one {END} line")
    before, rest = readme.split(START)
    _, after = rest.split(END)
    return f"{before}{START}\n{markdown_table()}{END}{after}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m service.settings_doc", description=__doc__.split("\n")[0]
    )
    parser.add_argument("--readme", type=Path, default=README)
    parser.add_argument("--check", action="store_true", help="exit 1 when the README's table is out of date")
    args = parser.parse_args(argv)
    current = args.readme.read_text(encoding="utf-8")
    wanted = with_table(current)
    if args.check:
        if current != wanted:
            print(f"{args.readme}: the settings table is out of date; run {REGENERATE}", file=sys.stderr)
            return 1
        return 0
    if current != wanted:
        args.readme.write_text(wanted, encoding="utf-8")
        print(f"{args.readme}: settings table updated")
    return 0


if __name__ == "__main__":
    sys.exit(main())
