"""Languages in the URL, text direction, and locale-aware formatting helpers."""

from __future__ import annotations

import re
from datetime import date, datetime

from babel import Locale
from babel.numbers import format_compact_currency
from flask import current_app, g, request, url_for
from flask_babel import format_date, format_decimal, get_locale
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


def select_locale() -> str:
    """The page's language: from the URL, else the default (staff pages come later)."""
    return getattr(g, "lang", None) or current_app.config["BABEL_DEFAULT_LOCALE"]


def best_language() -> str:
    """The configured language that best matches the browser's Accept-Language."""
    languages = current_app.config["LANGUAGES"]
    return request.accept_languages.best_match(languages) or languages[0]


def current_language() -> str:
    return str(get_locale() or current_app.config["BABEL_DEFAULT_LOCALE"])


def text_direction(lang: str | None = None) -> str:
    return Locale.parse(lang or current_language()).text_direction


def language_name(lang: str) -> str:
    """A language's name in that language, as shown in the switcher."""
    return Locale.parse(lang).get_display_name(lang)


def language_url(lang: str, external: bool = False) -> str:
    """This page, with its query, in another language; the home page where that is not possible."""
    rule = request.url_rule
    if rule is not None and "lang" in rule.arguments and request.routing_exception is None:
        args = request.args.to_dict(flat=False)
        args.update(request.view_args or {})
        args["lang"] = lang
        return url_for(request.endpoint, _external=external, **args)
    return url_for("catalogue.home", lang=lang, _external=external)


def format_usd(amount: int | None, digits: int = 1) -> str:
    """A whole-dollar amount, compact in the page's language ("$25M", "25 млн $")."""
    if amount is None:
        return ""
    return format_compact_currency(amount, "USD", locale=current_language(), fraction_digits=digits)


def format_usd_range(low: int | None, high: int | None) -> str:
    if low is not None and high is not None and low != high:
        return f"{format_usd(low)} – {format_usd(high)}"
    return format_usd(low if low is not None else high)


def format_number(value) -> str:
    return format_decimal(value)


def format_day(value: date | datetime | None, fmt: str = "medium") -> str:
    if value is None:
        return ""
    return format_date(value, fmt)


def init_app(app) -> None:
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
    )
    app.jinja_env.filters.update(
        usd=format_usd,
        number=format_number,
        day=format_day,
    )
    app.jinja_env.globals["usd_range"] = format_usd_range
