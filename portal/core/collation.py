"""Sorting what people read (countries, sectors, zones) in each language's alphabetical order.

ICU's collators with CLDR's rules: "Åland Islands" among the A's in English, Ё with Е in
Russian, Ң Ө Ү after Н О У in Kyrgyz, ٹ ڈ ڑ ں ہ ھ ے where the Urdu alphabet has them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from functools import cache
from typing import Any, TypeVar

import icu

from portal.core.translated import Translated

T = TypeVar("T")


@cache
def _collator(lang: str) -> Any:
    return icu.Collator.createInstance(icu.Locale(lang))


def sort_key(lang: str) -> Callable[[str], bytes]:
    """A function giving the key that sorts a text as readers of ``lang`` expect."""
    return _collator(lang).getSortKey


def collated(items: Iterable[T], lang: str, key: Callable[[T], str] = str) -> list[T]:
    """``items`` in ``lang``'s alphabetical order of ``key(item)``; ties keep their order."""
    text_key = sort_key(lang)
    return sorted(items, key=lambda item: text_key(key(item)))


def name_in(item: Translated, lang: str) -> str:
    """The name a page in ``lang`` shows for ``item``: its own, else the English one, else its slug."""
    text = item.translation(lang)
    return text.name if text is not None else str(getattr(item, "slug", ""))


def by_name(items: Iterable[T], lang: str, first: Callable[[T], Any] | None = None) -> list[T]:
    """Translated ``items`` by their names in ``lang``, after ``first(item)`` where given."""
    text_key = sort_key(lang)

    def key(item: Any) -> Any:
        name = text_key(name_in(item, lang))
        return (first(item), name) if first is not None else name

    return sorted(items, key=key)
