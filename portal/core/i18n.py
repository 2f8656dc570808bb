"""Languages in the URL, text direction, links to other languages and to the portal, locale-aware formatting."""

from __future__ import annotations

import re
from datetime import date, datetime
from decimal import Decimal
from functools import lru_cache
from typing import Any
from urllib.parse import urlsplit

from babel import Locale
from babel import numbers as babel_numbers
from flask import Blueprint, Flask, current_app, g, request, url_for
from flask_babel import format_date, get_locale
from werkzeug.routing import BaseConverter, ValidationError


class LanguageConverter(BaseConverter):
    """Matches only configured language codes, so `/favicon.ico` is not a language.

    ``init_app`` makes a subclass whose regex lists the app's languages.
    """

    languages: tuple[str, ...] = ()

    def to_python(self, value: str) -> str:
        if value not in self.languages:
            raise ValidationError()
        return value


def language_blueprint(name: str, import_name: str, **options: Any) -> Blueprint:
    """A blueprint whose routes live under ``/<lang>/``; the language goes to ``g.lang``."""
    bp = Blueprint(name, import_name, url_prefix="/<lang:lang>", **options)

    @bp.url_value_preprocessor
    def pull_language(endpoint: str | None, values: dict[str, Any] | None) -> None:
        g.lang = (values or {}).pop("lang")

    @bp.url_defaults
    def add_language(endpoint: str, values: dict[str, Any]) -> None:
        values.setdefault("lang", g.get("lang") or current_app.config["BABEL_DEFAULT_LOCALE"])

    return bp


def select_locale() -> str:
    """The page's language: from the URL (public pages), the user's preference (staff pages), else the default."""
    return getattr(g, "lang", None) or current_app.config["BABEL_DEFAULT_LOCALE"]


def best_language() -> str:
    """The configured language that best matches the browser's Accept-Language.

    Matches on the primary subtag in the browser's order of preference, so
    "ur-PK,en;q=0.9" gives Urdu rather than the exact match "en".
    """
    languages = current_app.config["LANGUAGES"]
    for tag, quality in request.accept_languages:
        primary = tag.replace("_", "-").split("-", 1)[0].lower()
        if quality > 0 and primary in languages:
            return primary
    return languages[0]


def current_language() -> str:
    return str(get_locale() or current_app.config["BABEL_DEFAULT_LOCALE"])


def text_direction(lang: str | None = None) -> str:
    return Locale.parse(lang or current_language()).text_direction


def language_name(lang: str) -> str:
    """A language's name in that language, as shown in the switcher."""
    return Locale.parse(lang).get_display_name(lang) or lang


def language_url(lang: str, external: bool = False) -> str:
    """This page, with its query, in another language; the home page where that is not possible.

    ``external`` links start with PORTAL_URL, never with the Host the request named.
    """
    rule = request.url_rule
    if request.endpoint and rule is not None and "lang" in rule.arguments and request.routing_exception is None:
        # Only the path's own arguments go through url_for; the query is copied
        # as it came, so keys like "_external" in it cannot steer url_for.
        endpoint, values = request.endpoint, {**(request.view_args or {}), "lang": lang}
        query = request.query_string.decode("latin-1")
    else:
        endpoint, values, query = "catalogue.home", {"lang": lang}, ""
    url = portal_url(endpoint, **values) if external else url_for(endpoint, **values)
    return f"{url}?{query}" if query else url


def portal_url(endpoint: str, **values: Any) -> str:
    """An absolute link to ``endpoint`` at PORTAL_URL (mail, hreflang): never the host a request happened to name."""
    base = urlsplit(current_app.config["PORTAL_URL"])
    adapter = current_app.url_map.bind(base.netloc, script_name=base.path or "/", url_scheme=base.scheme)
    return adapter.build(endpoint, values, force_external=True)


def format_usd(amount: int | None, digits: int = 1) -> str:
    """A whole-dollar amount, compact in the page's language ("$25M", "25 млн $")."""
    if amount is None:
        return ""
    return _compact_usd(amount, current_language(), digits)


@lru_cache(maxsize=20_000)
def _compact_usd(amount: int, lang: str, digits: int) -> str:
    # Listings' amounts repeat (they are rounded), and Babel's compact formatting is slow: keep each answer.
    return babel_numbers.format_compact_currency(amount, "USD", locale=lang, fraction_digits=digits)


def format_usd_range(low: int | None, high: int | None) -> str:
    if low is not None and high is not None and low != high:
        return f"{format_usd(low)} – {format_usd(high)}"
    return format_usd(low if low is not None else high)


def format_number(value: float, pattern: str | None = None) -> str:
    return _decimal(value, pattern, current_language())


@lru_cache(maxsize=20_000)
def _decimal(value: float, pattern: str | None, lang: str) -> str:
    return babel_numbers.format_decimal(value, format=pattern, locale=lang)


def format_percent(value: float | Decimal) -> str:
    """A percentage given as a number of percent, with the decimals it has (12.5 → "12.5%", "12,5 %" in Russian)."""
    fraction = Decimal(str(value)) / 100
    return babel_numbers.format_percent(fraction, locale=current_language(), decimal_quantization=False)


def format_dollars(amount: float | Decimal) -> str:
    """A sum in whole US dollars, every digit shown, as the language writes money ("$1,250,000", "1 250 000 $")."""
    locale = Locale.parse(current_language())
    pattern = locale.currency_formats["standard"].pattern.replace(".00", "")
    return babel_numbers.format_currency(round(amount), "USD", format=pattern, locale=locale, currency_digits=False)


def format_day(value: date | datetime | None, fmt: str = "medium") -> str:
    if value is None:
        return ""
    return format_date(value, fmt)


def init_app(app: Flask) -> None:
    languages = tuple(app.config["LANGUAGES"])
    app.url_map.converters["lang"] = type(
        "AppLanguageConverter",
        (LanguageConverter,),
        {"languages": languages, "regex": "|".join(re.escape(code) for code in languages)},
    )
    app.jinja_env.globals.update(
        text_direction=text_direction,
        language_name=language_name,
        current_language=current_language,
        language_url=language_url,
        portal_url=portal_url,
        usd_range=format_usd_range,
        # OpenGraph names a locale with its territory
        og_locales={"en": "en_US", "ur": "ur_PK", "ru": "ru_RU", "ky": "ky_KG"},
    )
    app.jinja_env.filters.update(
        usd=format_usd,
        number=format_number,
        day=format_day,
        percent=format_percent,
        dollars=format_dollars,
        isodate=date.fromisoformat,
    )
