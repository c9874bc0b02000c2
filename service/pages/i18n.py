"""Page text through gettext catalogues (Babel), in Bahasa Indonesia first and English second.

**Msgids are the Indonesian text** the page shows, so templates and page modules read as the page
does and ``service/locale/en/LC_MESSAGES/messages.po`` reads as a two-column glossary. The ``id``
catalogue exists for the plural rule and for completeness; its translations may stay empty, because
gettext shows the msgid when a message has no translation - in either language, so a message
nobody translated yet is shown in Indonesian, never a 500 (``tests/service/test_i18n.py`` fails
instead). Where one Indonesian word has two English ones, a context tells them apart
(``pgettext("daftar", "Keputusan")``: "Decisions", not "Decision").

Catalogues are the ``.po`` files, shipped as package data. They are read with
:mod:`babel.messages.pofile` and compiled in memory (:func:`babel.messages.mofile.write_mo`, fuzzy
entries left out as ``msgfmt`` does) the first time a language is used - ``install_pages`` does it
at start - so there are no ``.mo`` files to go stale, no cache folder to write, and a read-only or
non-editable install works the same.

Templates use ``_()``, ``ngettext()`` and ``pgettext()`` (``jinja2.ext.i18n``, new style: ``%(name)s``
fields filled by keyword, ``%(num)s`` the count); page modules mark messages they pass to templates
with :func:`N_`; vocabularies' words go through the explicit tables in :mod:`service.pages.labels`.
After changing page text::

    .venv/bin/pybabel extract -F babel.cfg --no-location -o /tmp/messages.pot .
    .venv/bin/pybabel update -i /tmp/messages.pot -d service/locale --ignore-obsolete

then write the English in ``service/locale/en/LC_MESSAGES/messages.po``.
"""

from __future__ import annotations

import functools
import io
from importlib import resources
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import Translations

__all__ = ["DEFAULT_LANGUAGE", "LANGUAGES", "LOCALE_DIR", "N_", "catalogue_path", "translations"]

LANGUAGES = ("id", "en")
DEFAULT_LANGUAGE = "id"
LOCALE_DIR = Path(str(resources.files("service") / "locale"))  # package data
DOMAIN = "messages"


def N_(message: str) -> str:
    """Mark ``message`` for extraction; it is translated where it is shown (``_(...)`` in a template)."""
    return message


def catalogue_path(lang: str) -> Path:
    return LOCALE_DIR / lang / "LC_MESSAGES" / f"{DOMAIN}.po"


@functools.cache
def translations(lang: str) -> Translations:
    """The compiled catalogue of ``lang`` (one of :data:`LANGUAGES`), read once per process."""
    if lang not in LANGUAGES:
        raise ValueError(f"no catalogue for language {lang!r}")
    with catalogue_path(lang).open("rb") as po:
        catalog = read_po(po, locale=lang, domain=DOMAIN)
    compiled = io.BytesIO()
    write_mo(compiled, catalog)
    compiled.seek(0)
    return Translations(compiled, domain=DOMAIN)
