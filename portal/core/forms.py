"""The base of every form: CSRF from Flask-WTF, messages in the page's language, shared field helpers."""

from __future__ import annotations

from typing import Any

from flask import abort, current_app, has_request_context, request
from flask_babel import get_translations, gettext, lazy_ngettext
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Length

from portal.core.i18n import language_name

#: WTForms' own messages, for a tampered choice and for validators used without a message of ours,
#: listed here so that they are extracted and translated (``tests/test_form_messages.py`` keeps the list whole).
WTFORMS_MESSAGES = (
    _l("Not a valid choice."),
    _l("This field is required."),
    _l("Not a valid integer value."),
    _l("Not a valid float value."),
    _l("Number must be between %(min)s and %(max)s."),
    lazy_ngettext(
        "Field cannot be longer than %(max)d character.", "Field cannot be longer than %(max)d characters.", 0
    ),
)
TOO_LONG = _l("Please use at most %(max)d characters.")


class FormTranslations:
    """WTForms' own messages ("Not a valid choice.") through our catalogues."""

    def gettext(self, string: str) -> str:
        return gettext(string)

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        # Only the translation: WTForms fills in its own placeholders (%(min)d, %(max)d) afterwards.
        # Flask-Babel's ngettext would format with nothing but %(num)s, and fail on those.
        return get_translations().ngettext(singular, plural, n)


FORM_TRANSLATIONS = FormTranslations()


class LocalizedForm(FlaskForm):
    class Meta:
        def get_translations(self, form: Any) -> FormTranslations:
            return FORM_TRANSLATIONS

        def wrap_formdata(self, form: Any, formdata: Any) -> Any:
            """What a browser posted; a NUL byte in it is a 400, as ``site.refuse_nul_bytes`` answers it.

            That check reads urlencoded bodies only (uploads are multipart), so a form posted as
            multipart would reach the database with one, which PostgreSQL refuses. Flask-WTF would
            also read a JSON body, whose numbers and objects no field expects: its form stays empty.
            """
            if has_request_context() and request.is_json:
                return None
            formdata = super().wrap_formdata(form, formdata)  # type: ignore[misc]
            if formdata is not None and any(isinstance(v, str) and "\x00" in v for _, v in formdata.items(multi=True)):
                abort(400)
            return formdata


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
