"""The screener's exceptions.

Every expected failure is a :class:`ScreenerError` carrying an HTTP-like ``status`` and a message in
Bahasa Indonesia and English, so the CLI can print one line and the service can answer with JSON::

    ScreenerError
    ├── InputError (422)          empty, binary or undecodable text
    ├── DataError (422)           a malformed dataset file, row or column mapping
    │   └── UnknownFormat (415)   an import file in no format the importers know (names those tried)
    ├── ModelError (500)          a model file that is missing, tampered with or from another version
    └── CatalogueError (500)      an invalid catalogue data file (a bug, caught by the tests)
"""

from __future__ import annotations

__all__ = ["CatalogueError", "DataError", "InputError", "ModelError", "ScreenerError", "UnknownFormat"]


class ScreenerError(Exception):
    """Base class: ``message_id`` (Bahasa Indonesia) and ``message`` (English)."""

    status = 500
    code = "screener_error"

    def __init__(self, message: str, message_id: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.message_id = message_id or message

    def __str__(self) -> str:
        if self.message_id != self.message:
            return f"{self.message_id} / {self.message}"
        return self.message


class InputError(ScreenerError):
    status = 422
    code = "invalid_input"


class DataError(ScreenerError):
    status = 422
    code = "invalid_data"


class UnknownFormat(DataError):
    status = 415
    code = "unsupported_format"

    def __init__(self, tried: list[str] | tuple[str, ...]) -> None:
        self.tried = list(tried)
        names = ", ".join(self.tried)
        super().__init__(
            f"the file is in no known format (tried: {names})",
            f"format berkas tidak dikenal (sudah dicoba: {names})",
        )


class ModelError(ScreenerError):
    status = 500
    code = "model_error"


class CatalogueError(ScreenerError):
    status = 500
    code = "catalogue_error"
