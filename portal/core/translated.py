"""Content stored per language: the mixins of translated models, and reading them with a fallback to English."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import String, false
from sqlalchemy.orm import Mapped, mapped_column

DEFAULT_LANGUAGE = "en"


class Translated:
    """Mixin for models whose texts live in a ``texts`` dict keyed by language."""

    texts: Any

    def translation(self, lang: str) -> Any:
        """The text in ``lang``, else the English one, else any; ``None`` if there is none."""
        for candidate in (lang, DEFAULT_LANGUAGE):
            text = self.texts.get(candidate)
            if text is not None:
                return text
        return next(iter(self.texts.values()), None)


class TextMixin:
    """The columns every per-language text row has."""

    lang: Mapped[str] = mapped_column(String(8))
    #: the agency has checked this text; False: a draft translation, which investors are told is not yet verified
    verified: Mapped[bool] = mapped_column(default=False, server_default=false())


@dataclass
class Localized:
    """An object's text as shown on a page in ``lang``, with where it came from."""

    text: Any
    lang: str
    #: True when the page's language had no text and English is shown instead
    fallback: bool

    def __getattr__(self, name: str) -> Any:
        return getattr(self.text, name)


def localized(obj: Translated, lang: str) -> Localized | None:
    text = obj.translation(lang)
    if text is None:
        return None
    return Localized(text=text, lang=text.lang, fallback=text.lang != lang)
