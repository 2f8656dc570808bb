"""The base of every form: CSRF from Flask-WTF, messages in the page's language, shared field helpers."""

from __future__ import annotations

from typing import Any

from flask import current_app
from flask_babel import gettext, ngettext
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Length

from portal.core.i18n import language_name

#: WTForms' own message for a tampered choice, listed here so that it is extracted and translated.
NOT_A_VALID_CHOICE = _l("Not a valid choice.")
TOO_LONG = _l("Please use at most %(max)d characters.")


class FormTranslations:
    """WTForms' own messages ("Not a valid choice.") through our catalogues."""

    def gettext(self, string: str) -> str:
        return gettext(string)

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        return ngettext(singular, plural, n)


FORM_TRANSLATIONS = FormTranslations()


class LocalizedForm(FlaskForm):
    class Meta:
        def get_translations(self, form: Any) -> FormTranslations:
            return FORM_TRANSLATIONS


def at_most(n: int) -> Length:
    return Length(max=n, message=TOO_LONG)


def strip(value: Any) -> Any:
    return value.strip() if isinstance(value, str) else value


def language_choices() -> list[SelectChoice]:
    """The portal's languages, each named in itself."""
    return [SelectChoice(code, language_name(code)) for code in current_app.config["LANGUAGES"]]


def aria(field: Any, hint: str | None = None) -> dict[str, str]:
    """Attributes that tie a form field to its hint and its errors for screen readers."""
    ids = []
    if hint:
        ids.append(f"{field.id}-hint")
    if field.errors:
        ids.append(f"{field.id}-error")
    attributes = {}
    if ids:
        attributes["aria-describedby"] = " ".join(ids)
    if field.errors:
        attributes["aria-invalid"] = "true"
    return attributes
