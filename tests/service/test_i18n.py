"""Page text: every message the templates and page modules use is in the catalogues, translated into
English; plural forms; a message without a translation shows its msgid instead of failing the page."""

from __future__ import annotations

import tomllib
from enum import StrEnum
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import read_po

from screener.vocabulary import Category, PlaceStatus, Scope, Tier
from service.pages import labels
from service.pages.core import templates
from service.pages.i18n import LANGUAGES, catalogue_path, translations
from service.vocabulary import BatchStatus, ItemReason, ItemStatus, Role, Verdict

REPO = Path(__file__).resolve().parents[2]
UPDATE = (
    "update the catalogues: .venv/bin/pybabel extract -F babel.cfg --no-location -o /tmp/messages.pot . && "
    ".venv/bin/pybabel update -i /tmp/messages.pot -d service/locale --ignore-obsolete, "
    "then write the English in service/locale/en/LC_MESSAGES/messages.po"
)

Key = tuple[str, str | None]  # (msgid, context)


def _key(msgid: str | tuple[str, ...], context: str | None) -> Key:
    return (msgid if isinstance(msgid, str) else msgid[0], context)


@pytest.fixture(scope="module")
def used() -> dict[Key, str]:
    """Every message the pages use (extracted as ``pybabel extract -F babel.cfg`` does) -> where."""
    with (REPO / "babel.cfg").open() as config:
        method_map, options_map = parse_mapping_cfg(config)
    found: dict[Key, str] = {}
    for filename, lineno, message, _comments, context in extract_from_dir(REPO, method_map, options_map):
        found.setdefault(_key(message, context), f"{filename}:{lineno}")
    return found


def _catalogue(lang: str) -> Catalog:
    with catalogue_path(lang).open("rb") as po:
        return read_po(po, locale=lang)


def test_extraction_sees_templates_page_modules_and_labels(used: dict[Key, str]) -> None:
    places = {where.split(":")[0].replace("\\", "/") for where in used.values()}
    assert {"service/templates/base.html", "service/pages/labels.py", "service/pages/moderator.py"} <= places
    assert ("Keputusan", "daftar") in used and ("%(num)s iklan memakai kontak ini", None) in used


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_message_used_is_in_the_catalogue(lang: str, used: dict[Key, str]) -> None:
    catalog = _catalogue(lang)
    missing = [
        f"{where}: {msgid!r}" for (msgid, ctx), where in used.items() if catalog.get(msgid, ctx) is None
    ]
    assert not missing, f"not in the {lang} catalogue ({UPDATE}):\n" + "\n".join(missing)
    fuzzy = [m.id for m in catalog if m.id and m.fuzzy]
    assert not fuzzy, f"fuzzy entries are not shown; check and unmark them in {lang}: {fuzzy}"
    unused = [m.id for m in catalog if m.id and _key(m.id, m.context) not in used]
    assert not unused, f"entries no page uses ({UPDATE}): {unused}"
    assert not catalog.obsolete, f"obsolete entries in {lang}: {list(catalog.obsolete)}"


def test_every_message_has_an_english_translation(used: dict[Key, str]) -> None:
    catalog = _catalogue("en")
    untranslated = []
    for (msgid, ctx), where in used.items():
        message = catalog.get(msgid, ctx)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        if not all(strings):
            untranslated.append(f"{where}: {msgid!r}")
    assert not untranslated, "no English translation:\n" + "\n".join(untranslated)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_translations_keep_their_fields_and_carry_no_markup(lang: str) -> None:
    catalog = _catalogue(lang)
    problems = [f"{m.id!r}: {[str(e) for e in errors]}" for m, errors in catalog.check()]
    assert not problems, "\n".join(problems)  # e.g. a %(id)s lost or renamed in the translation
    for message in catalog:
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        # Jinja's gettext marks translations safe (not escaped): no HTML of their own, and no straight
        # double quote, which would end the attribute some messages are shown in (use “ ”).
        assert not any(char in s for s in strings for char in '<"'), message.id


VOCABULARIES = [
    pytest.param("tier", Tier, id="tier"),
    pytest.param("category", Category, id="category"),
    pytest.param("scope", Scope, id="scope"),
    pytest.param("verdict", Verdict, id="verdict"),
    pytest.param("role", Role, id="role"),
    pytest.param("place_status", PlaceStatus, id="place-status"),
    pytest.param("item_status", ItemStatus, id="item-status"),
    pytest.param("item_reason", ItemReason, id="item-reason"),
    pytest.param("batch_status", BatchStatus, id="batch-status"),
]


@pytest.mark.parametrize(("table", "vocabulary"), VOCABULARIES)
def test_every_word_of_the_vocabularies_has_a_label(table: str, vocabulary: type[StrEnum]) -> None:
    assert set(labels.TABLES[table]) == set(vocabulary)
    english, table_of = templates("en").env.filters[f"{table}_label"], labels.TABLES[table]
    assert [english(word) for word in vocabulary] == [
        translations("en").gettext(table_of[w]) for w in vocabulary
    ]


@pytest.mark.parametrize(
    ("lang", "ads", "batches", "expected"),
    [
        pytest.param("en", 1, 1, "1 similar ad, 1 batch", id="en-one"),
        pytest.param("en", 3, 2, "3 similar ads, 2 batches", id="en-many"),
        pytest.param("en", 3, 1, "3 similar ads, 1 batch", id="en-mixed"),
        pytest.param("id", 1, 1, "1 iklan serupa, 1 batch", id="id-one"),
        pytest.param("id", 3, 2, "3 iklan serupa, 2 batch", id="id-many"),
    ],
)
def test_counts_take_plural_forms(lang: str, ads: int, batches: int, expected: str) -> None:
    macros = templates(lang).env.get_template("_macros.html").module
    assert str(macros.campaign_size(ads, batches)) == expected  # type: ignore[attr-defined]


@pytest.mark.parametrize("lang", LANGUAGES)
def test_a_message_without_translation_shows_its_msgid(lang: str) -> None:
    env = templates(lang).env
    page = env.from_string('{{ _("Belum diterjemahkan %(n)s", n=2) }} {{ "baru"|verdict_label }}')
    assert page.render() == "Belum diterjemahkan 2 baru"
    assert translations(lang).ngettext("%(num)s apel", "%(num)s apel", 2) == "%(num)s apel"


def test_the_catalogues_are_package_data() -> None:
    config = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))
    patterns = config["tool"]["setuptools"]["package-data"]["service"]
    shipped = {path for pattern in patterns for path in (REPO / "service").glob(pattern)}
    assert {catalogue_path(lang) for lang in LANGUAGES} <= shipped
