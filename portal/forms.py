"""The base of every form: CSRF from Flask-WTF, messages in the page's language."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm

from portal.i18n import FORM_TRANSLATIONS

#: WTForms' own message for a tampered choice, listed here so that it is extracted and translated.
NOT_A_VALID_CHOICE = _l("Not a valid choice.")


class LocalizedForm(FlaskForm):
    class Meta:
        def get_translations(self, form):
            return FORM_TRANSLATIONS
