"""WTForms' own messages (for validators used without one of ours) reach the visitor translated, never as a 500."""

from __future__ import annotations

import importlib
import pkgutil

import pytest
from babel.messages.pofile import read_po
from babel.support import Translations
from wtforms import validators as v
from wtforms.fields import FloatField, IntegerField
from wtforms.fields.core import UnboundField

import portal
from portal.core.extensions import db
from portal.core.forms import LocalizedForm
from portal.staff.models import User
from tests.conftest import database
from tests.enquiries.conftest import send_enquiry
from tests.staff.accounts import csrf_from
from tests.test_catalogues import TRANSLATIONS

LANGUAGES = ["en", "ur", "ru", "ky"]

# What WTForms says, for each validator or field used without a message of ours.
LENGTH_MAX = ("Field cannot be longer than %(max)d character.", "Field cannot be longer than %(max)d characters.")
NUMBER_RANGE = "Number must be between %(min)s and %(max)s."
REQUIRED = "This field is required."
DEFAULT_MESSAGES = {
    IntegerField: "Not a valid integer value.",
    FloatField: "Not a valid float value.",
}


def _catalogue(lang: str) -> dict:
    with open(TRANSLATIONS / lang / "LC_MESSAGES" / "messages.po", "rb") as f:
        return {message.id: message.string for message in read_po(f) if message.id}


def _form_classes() -> set[type]:
    for module in pkgutil.walk_packages(portal.__path__, "portal."):
        if module.name.endswith(".forms"):
            importlib.import_module(module.name)
    found, todo = set(), [LocalizedForm]
    while todo:
        for sub in todo.pop().__subclasses__():
            found.add(sub)
            todo.append(sub)
    return found


def _default_messages() -> set:
    """Every WTForms default message one of the portal's forms can show."""
    messages: set = set()
    for form in _form_classes():
        for value in vars(form).values():
            if not isinstance(value, UnboundField):
                continue
            if value.field_class in DEFAULT_MESSAGES:
                messages.add(DEFAULT_MESSAGES[value.field_class])
            for validator in value.kwargs.get("validators") or []:
                if getattr(validator, "message", "set") is not None:
                    continue
                if isinstance(validator, v.Length):
                    assert validator.min == -1, f"{form.__name__}: a Length with min needs a message of ours"
                    messages.add(LENGTH_MAX)
                elif isinstance(validator, v.NumberRange):
                    assert None not in (validator.min, validator.max), f"{form.__name__}: NumberRange needs both ends"
                    messages.add(NUMBER_RANGE)
                elif isinstance(validator, (v.DataRequired, v.InputRequired)):
                    messages.add(REQUIRED)
                elif not isinstance(validator, v.Optional):
                    pytest.fail(f"{form.__name__}: {type(validator).__name__} without a message is not covered here")
    return messages


@pytest.mark.parametrize("lang", ["ur", "ru", "ky"])
def test_every_default_message_a_form_can_show_is_translated(lang):
    catalogue = _catalogue(lang)
    messages = _default_messages()
    assert LENGTH_MAX in messages and NUMBER_RANGE in messages
    for message in messages:
        translated = catalogue.get(message)
        assert translated, f"{message!r} is not in the {lang} catalogue"
        strings = translated if isinstance(translated, tuple | list) else [translated]
        originals = message if isinstance(message, tuple) else (message,)
        assert all(s and s not in originals for s in strings), f"{message!r} is not translated into {lang}"
        assert all(("%(max)d" in s) == ("%(max)d" in originals[0]) for s in strings)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_a_long_hidden_website_value_gets_the_form_again_in_the_visitors_language(app, staff, lang):
    """Found by a web vulnerability scanner: 300 characters in the honeypot gave a 500."""
    client = app.test_client()
    response = send_enquiry(client, lang=lang, website="x" * 300)
    assert response.status_code == 400
    assert _length_message(lang, 200) in response.get_data(as_text=True)


def _length_message(lang: str, n: int) -> str:
    """LENGTH_MAX for ``n`` in ``lang``, from the compiled catalogue, as the visitor should read it."""
    translations = Translations.load(str(TRANSLATIONS), [lang])
    return translations.ngettext(*LENGTH_MAX, n) % {"max": n}


@pytest.mark.parametrize("lang", LANGUAGES)
def test_a_long_email_on_the_sign_in_form_gets_the_form_again_in_the_browsers_language(app, lang):
    client = app.test_client()
    headers = {"Accept-Language": lang}
    page = client.get("/admin/login", headers=headers).get_data(as_text=True)
    response = client.post(
        "/admin/login",
        data={"csrf_token": csrf_from(page), "email": "a" * 300 + "@example.org", "password": "x"},
        headers=headers,
    )
    assert response.status_code == 400
    assert _length_message(lang, 254) in response.get_data(as_text=True)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_staff_forms_show_length_and_number_messages_in_the_users_language(app, staff, signed_in, lang):
    with database(app):
        db.session.get(User, staff["admin"].id).preferred_language = lang
    client = signed_in("admin")
    page = client.get("/admin/zones/new").get_data(as_text=True)
    response = client.post(
        "/admin/zones/new",
        data={"csrf_token": csrf_from(page), "latitude": "100", "area_ha": "many", "slug": "new-zone"},
    )
    assert response.status_code == 400
    body = response.get_data(as_text=True)
    catalogue = _catalogue(lang) if lang != "en" else {}
    number = catalogue.get(NUMBER_RANGE, NUMBER_RANGE) % {"min": -90, "max": 90}
    integer = catalogue.get("Not a valid integer value.", "Not a valid integer value.")
    assert number in body
    assert integer in body
