"""Forms of the staff accounts: signing in, one's own account, adding and deactivating users."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, EmailField, PasswordField, SelectField, StringField
from wtforms.validators import DataRequired, Email, EqualTo, Length, Optional

from portal.core.forms import LocalizedForm, language_choices

MIN_PASSWORD = 10
NEW_PASSWORD = [
    DataRequired(_l("Please enter a new password.")),
    Length(min=MIN_PASSWORD, max=200, message=_l("Please use at least %(min)d characters.")),
]


class LoginForm(LocalizedForm):
    email = EmailField(
        _l("E-mail address"), validators=[DataRequired(_l("Please enter your e-mail address.")), Length(max=254)]
    )
    password = PasswordField(
        _l("Password"), validators=[DataRequired(_l("Please enter your password.")), Length(max=200)]
    )


class AccountForm(LocalizedForm):
    name = StringField(_l("Your name"), validators=[Optional(), Length(max=120)])
    preferred_language = SelectField(_l("Language of the staff area"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.preferred_language.choices = language_choices()


class PasswordForm(LocalizedForm):
    current = PasswordField(_l("Current password"), validators=[DataRequired(_l("Please enter your password."))])
    new = PasswordField(_l("New password"), validators=NEW_PASSWORD)
    confirm = PasswordField(
        _l("New password again"), validators=[EqualTo("new", message=_l("The two passwords are not the same."))]
    )


class UserForm(LocalizedForm):
    email = EmailField(
        _l("E-mail address"),
        validators=[
            DataRequired(_l("Please enter your e-mail address.")),
            Email(_l("Please enter a valid e-mail address, like name@example.com.")),
            Length(max=254),
        ],
    )
    name = StringField(_l("Name"), validators=[Optional(), Length(max=120)])
    role = SelectField(_l("Role"))
    agency = SelectField(_l("Agency"))
    password = PasswordField(_l("Password"), validators=NEW_PASSWORD)


class ActiveForm(LocalizedForm):
    active = BooleanField(_l("Active"))
