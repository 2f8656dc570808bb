"""The enquiry form and the status lookup form, with localized messages."""

from __future__ import annotations

import re

from flask import current_app
from flask_babel import get_locale, lazy_gettext as _l
from wtforms import BooleanField, EmailField, RadioField, SelectField, StringField, TelField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Email, InputRequired, Length, Optional, Regexp, ValidationError

from portal.forms import LocalizedForm


INVESTOR_TYPE_LABELS = {
    "company": _l("Company"),
    "fund": _l("Investment fund"),
    "individual": _l("Individual investor"),
    "government": _l("Government body"),
}
TICKET_SIZE_LABELS = {
    "under_1m": _l("Under $1 million"),
    "1m_10m": _l("$1–10 million"),
    "10m_50m": _l("$10–50 million"),
    "over_50m": _l("Over $50 million"),
    "undecided": _l("Not decided yet"),
}
STATUS_LABELS = {
    "new": _l("Received, not yet handled"),
    "in_progress": _l("In progress"),
    "answered": _l("Answered"),
    "closed": _l("Closed"),
    "spam": _l("Closed"),
}
DESTINATION_LABELS = {
    "pk": _l("Pakistan (Board of Investment)"),
    "kg": _l("Kyrgyzstan (National Investment Agency)"),
    "both": _l("Both countries"),
}
# CLDR codes that are not countries one can be from.
_NOT_COUNTRIES = {"EU", "EZ", "UN", "QO", "XA", "XB", "ZZ"}
_CONTROL = re.compile(r"[\x00-\x1f\x7f\u2028\u2029]")

MESSAGE_MIN, MESSAGE_MAX = 20, 5000


def choices(labels: dict) -> list[SelectChoice]:
    return [SelectChoice(code, label) for code, label in labels.items()]


def country_choices() -> list[SelectChoice]:
    """Every country, named and sorted in the page's language."""
    territories = get_locale().territories
    codes = [c for c in territories if len(c) == 2 and c.isalpha() and c not in _NOT_COUNTRIES]
    named = sorted(((c, territories[c]) for c in codes), key=lambda item: item[1].casefold())
    return [SelectChoice(code, name) for code, name in named]


def single_line(form, field):
    """Names and organisations are one line: no line breaks or control characters."""
    if field.data and _CONTROL.search(field.data):
        raise ValidationError(_l("Please use a single line without special characters."))


def strip(value):
    return value.strip() if isinstance(value, str) else value


class EnquiryForm(LocalizedForm):
    name = StringField(
        _l("Your name"),
        filters=[strip],
        validators=[DataRequired(_l("Please enter your name.")),
                    Length(max=120, message=_l("Please use at most %(max)d characters.")), single_line],
    )
    organisation = StringField(
        _l("Organisation"),
        filters=[strip],
        validators=[Optional(), Length(max=200, message=_l("Please use at most %(max)d characters.")), single_line],
    )
    email = EmailField(
        _l("E-mail address"),
        filters=[strip],
        validators=[DataRequired(_l("Please enter your e-mail address.")),
                    Length(max=254, message=_l("Please use at most %(max)d characters.")),
                    Email(_l("Please enter a valid e-mail address, like name@example.com."), allow_smtputf8=False)],
    )
    phone = TelField(
        _l("Phone (optional)"),
        filters=[strip],
        validators=[Optional(), Regexp(r"^\+?[0-9][0-9 ()./-]{5,29}$",
                                       message=_l("Please enter a phone number with digits only, like +92 51 111 222 333."))],
    )
    country = SelectField(_l("Your country"), validators=[InputRequired(_l("Please choose your country."))],
                          validate_choice=True)
    investor_type = RadioField(
        _l("You are"),
        choices=choices(INVESTOR_TYPE_LABELS),
        validators=[InputRequired(_l("Please choose what kind of investor you are."))],
    )
    ticket_size = SelectField(
        _l("Intended investment"),
        choices=choices(TICKET_SIZE_LABELS),
        validators=[InputRequired(_l("Please choose the size of your intended investment."))],
    )
    destination = RadioField(
        _l("Send my enquiry to"),
        choices=choices(DESTINATION_LABELS),
        validators=[Optional()],
    )
    message = TextAreaField(
        _l("Your message"),
        filters=[strip],
        validators=[DataRequired(_l("Please write your message.")),
                    Length(min=MESSAGE_MIN, max=MESSAGE_MAX,
                           message=_l("Please write between %(min)d and %(max)d characters."))],
    )
    reply_language = SelectField(_l("Language for our reply"),
                                 validators=[InputRequired(_l("Please choose a language."))])
    consent = BooleanField(
        _l("I agree that the agency may use these details to answer my enquiry, as the privacy notice explains."),
        validators=[DataRequired(_l("Please agree to the privacy notice so that we can answer you."))],
    )
    #: a field people do not see; bots fill it in
    website = StringField(_l("Leave this field empty"), validators=[Length(max=200)])

    def __init__(self, *args, general: bool, **kwargs):
        super().__init__(*args, **kwargs)
        from portal.i18n import language_name

        self.general = general
        self.country.choices = [SelectChoice("", _l("Choose a country")), *country_choices()]
        self.reply_language.choices = [
            SelectChoice(code, language_name(code)) for code in current_app.config["LANGUAGES"]
        ]
        if general:
            self.destination.validators = [InputRequired(_l("Please choose where to send your enquiry."))]
        else:
            del self.destination

    def validate_country(self, field):
        if not field.data:
            raise ValidationError(_l("Please choose your country."))


class StatusForm(LocalizedForm):
    reference = StringField(
        _l("Reference number"),
        filters=[lambda v: v.strip().upper() if isinstance(v, str) else v],
        validators=[DataRequired(_l("Please enter your reference number.")),
                    Length(max=20, message=_l("Please use at most %(max)d characters."))],
    )
    email = EmailField(
        _l("E-mail address used for the enquiry"),
        filters=[strip],
        validators=[DataRequired(_l("Please enter your e-mail address.")),
                    Length(max=254, message=_l("Please use at most %(max)d characters."))],
    )
