"""The enquiry form, the status lookup, and the forms staff work an enquiry with."""

from __future__ import annotations

import re
from typing import Any

from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, EmailField, HiddenField, RadioField, SelectField, StringField, TelField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Email, InputRequired, Length, Optional, Regexp, ValidationError

from portal.core.collation import collated
from portal.core.forms import LocalizedForm, at_most, language_choices, strip
from portal.core.vocabulary import Vocabulary
from portal.enquiries.models import INVESTOR_TYPES, TICKET_SIZES

DESTINATIONS = Vocabulary(
    pk=_l("Pakistan (Board of Investment)"),
    kg=_l("Kyrgyzstan (National Investment Agency)"),
    both=_l("Both countries"),
)
# CLDR codes that are not countries one can be from.
_NOT_COUNTRIES = {"EU", "EZ", "UN", "QO", "XA", "XB", "ZZ"}
_CONTROL = re.compile(r"[\x00-\x1f\x7f\u2028\u2029]")

MESSAGE_MIN, MESSAGE_MAX = 20, 5000


def country_choices() -> list[SelectChoice]:
    """Every country, named and sorted in the page's language."""
    locale = get_locale()
    territories = locale.territories if locale else {}
    codes = [c for c in territories if len(c) == 2 and c.isalpha() and c not in _NOT_COUNTRIES]
    named = collated(((c, territories[c]) for c in codes), str(locale or "en"), key=lambda item: item[1])
    return [SelectChoice(code, name) for code, name in named]


def single_line(form: Any, field: Any) -> None:
    """Names and organisations are one line: no line breaks or control characters."""
    if field.data and _CONTROL.search(field.data):
        raise ValidationError(_l("Please use a single line without special characters."))


class EnquiryForm(LocalizedForm):
    name = StringField(
        _l("Your name"),
        filters=[strip],
        validators=[DataRequired(_l("Please enter your name.")), at_most(120), single_line],
    )
    organisation = StringField(
        _l("Organisation"),
        filters=[strip],
        validators=[Optional(), at_most(200), single_line],
    )
    email = EmailField(
        _l("E-mail address"),
        filters=[strip],
        validators=[
            DataRequired(_l("Please enter your e-mail address.")),
            at_most(254),
            Email(_l("Please enter a valid e-mail address, like name@example.com."), allow_smtputf8=False),
        ],
    )
    phone = TelField(
        _l("Phone (optional)"),
        filters=[strip],
        validators=[
            Optional(),
            Regexp(
                r"^\+?[0-9][0-9 ()./-]{5,29}$",
                message=_l("Please enter a phone number with digits only, like +92 51 111 222 333."),
            ),
        ],
    )
    country = SelectField(
        _l("Your country"), validators=[InputRequired(_l("Please choose your country."))], validate_choice=True
    )
    investor_type = RadioField(
        _l("You are"),
        choices=INVESTOR_TYPES.choices(),
        validators=[InputRequired(_l("Please choose what kind of investor you are."))],
    )
    ticket_size = SelectField(
        _l("Intended investment"),
        choices=TICKET_SIZES.choices(),
        validators=[InputRequired(_l("Please choose the size of your intended investment."))],
    )
    destination = RadioField(
        _l("Send my enquiry to"),
        choices=DESTINATIONS.choices(),
        validators=[Optional()],
    )
    message = TextAreaField(
        _l("Your message"),
        filters=[strip],
        validators=[
            DataRequired(_l("Please write your message.")),
            Length(
                min=MESSAGE_MIN, max=MESSAGE_MAX, message=_l("Please write between %(min)d and %(max)d characters.")
            ),
        ],
    )
    reply_language = SelectField(
        _l("Language for our reply"), validators=[InputRequired(_l("Please choose a language."))]
    )
    consent = BooleanField(
        _l("I agree that the agency may use these details to answer my enquiry, as the privacy notice explains."),
        validators=[DataRequired(_l("Please agree to the privacy notice so that we can answer you."))],
    )
    #: an incentive estimate attached from the estimator: its address query (``catalogue.estimator.query``)
    estimate = HiddenField(_l("Incentive estimate"), validators=[Length(max=1000)])
    #: a field people do not see; bots fill it in
    website = StringField(_l("Leave this field empty"), validators=[Length(max=200)])

    #: the fields that become the enquiry's own columns, as typed
    DETAILS = (
        "name",
        "organisation",
        "email",
        "phone",
        "country",
        "investor_type",
        "ticket_size",
        "message",
        "reply_language",
    )

    def __init__(self, *args: Any, general: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.general = general
        self.country.choices = [SelectChoice("", _l("Choose a country")), *country_choices()]
        self.reply_language.choices = language_choices()
        if general:
            self.destination.validators = [InputRequired(_l("Please choose where to send your enquiry."))]
        else:
            del self.destination

    def validate_country(self, field: Any) -> None:
        if not field.data:
            raise ValidationError(_l("Please choose your country."))

    def details(self) -> dict[str, str]:
        """What the investor sent, ready to become an enquiry."""
        return {name: getattr(self, name).data or "" for name in self.DETAILS}

    @property
    def destination_code(self) -> str:
        """Where a general enquiry goes ("pk", "kg" or "both"); one about a listing goes to its agency."""
        return self.destination.data if self.general else "both"


class StatusLookupForm(LocalizedForm):
    reference = StringField(
        _l("Reference number"),
        filters=[lambda v: v.strip().upper() if isinstance(v, str) else v],
        validators=[DataRequired(_l("Please enter your reference number.")), at_most(20)],
    )
    email = EmailField(
        _l("E-mail address used for the enquiry"),
        filters=[strip],
        validators=[DataRequired(_l("Please enter your e-mail address.")), at_most(254)],
    )


class StatusForm(LocalizedForm):
    status = SelectField(_l("Status"))


class AssignForm(LocalizedForm):
    assignee = SelectField(_l("Assigned to"))


class NoteForm(LocalizedForm):
    body = TextAreaField(_l("Internal note"), validators=[DataRequired(_l("Please write the note.")), Length(max=5000)])
