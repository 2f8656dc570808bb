from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, EmailField, RadioField
from wtforms.validators import DataRequired, Email, InputRequired

from portal.alerts.models import FREQUENCIES
from portal.core.forms import LocalizedForm, at_most, strip


class AlertForm(LocalizedForm):
    email = EmailField(
        _l("Your e-mail address"),
        filters=[strip],
        validators=[
            DataRequired(_l("Please enter your e-mail address.")),
            at_most(254),
            Email(_l("Please enter a valid e-mail address.")),
        ],
    )
    frequency = RadioField(
        _l("How often"),
        choices=FREQUENCIES.choices(),
        default="weekly",
        validators=[InputRequired(_l("Please choose how often we should write."))],
    )
    consent = BooleanField(
        _l(
            "I agree that the portal keeps my e-mail address to send me these messages, until I unsubscribe "
            "(every message has a link to do so)."
        ),
        validators=[DataRequired(_l("Please agree, so that we may keep your address to write to you."))],
    )
