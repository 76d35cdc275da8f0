"""The one refusal survey services raise."""

from __future__ import annotations


class SurveyError(Exception):
    """A refusal with a message fit to show the respondent or the staff user; ``code`` lets views react to the
    kind of refusal without reading the (translated) message."""

    def __init__(self, message: str, code: str = "invalid") -> None:
        super().__init__(message)
        self.code = code
