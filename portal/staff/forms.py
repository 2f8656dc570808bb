"""Forms of the staff accounts: signing in, one's own account, adding and deactivating users."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, EmailField, Field, Form, PasswordField, SelectField, StringField
from wtforms.validators import DataRequired, Email, EqualTo, Length, Optional, ValidationError

from portal.core.forms import LocalizedForm, at_most, language_choices
from portal.staff import passwords


class StrongPassword:
    """A new password long and hard enough to guess (``passwords.weakness``), with the reasons when it is not.

    ``personal`` names the form's fields (or a function giving words) an attacker would try: e-mail, name.
    """

    def __init__(self, *personal: str) -> None:
        self.personal = personal

    def __call__(self, form: Form, field: Field) -> None:
        words = [str(form[name].data or "") for name in self.personal if name in form]
        words += getattr(form, "personal_words", [])
        reasons = passwords.weakness(field.data or "", words)
        if reasons:
            raise ValidationError(" ".join(reasons))


def new_password(*personal: str) -> list:
    return [
        DataRequired(_l("Please enter a new password.")),
        at_most(passwords.MAX_LENGTH),
        StrongPassword(*personal),
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
    job_title = StringField(_l("Your role, as investors should read it"), validators=[Optional(), at_most(120)])
    contact_email = EmailField(
        _l("Direct e-mail address for investors"),
        filters=[lambda v: v.strip() if isinstance(v, str) else v],
        validators=[Optional(), at_most(254), Email(_l("Please enter a valid e-mail address."))],
    )
    contact_phone = StringField(_l("Direct phone number for investors"), validators=[Optional(), at_most(40)])
    show_contact = BooleanField(
        _l(
            "Show my name, role and these direct contact details to the investors whose enquiries I am assigned: "
            "in the mail that tells them, and on their enquiry's status page."
        )
    )

    def validate_show_contact(self, field: Any) -> None:
        if field.data and not (self.name.data or "").strip():
            raise ValidationError(_l("Please give your name: investors are shown who is working on their enquiry."))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.preferred_language.choices = language_choices()


class PasswordForm(LocalizedForm):
    current = PasswordField(_l("Current password"), validators=[DataRequired(_l("Please enter your password."))])
    new = PasswordField(_l("New password"), validators=new_password())
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
    password = PasswordField(_l("Password"), validators=new_password("email", "name"))


class ActiveForm(LocalizedForm):
    active = BooleanField(_l("Active"))


class CodeForm(LocalizedForm):
    code = StringField(
        _l("Code"),
        validators=[DataRequired(_l("Please enter the code.")), at_most(20)],
        description=_l("The six digits your authenticator app shows now, or one of your recovery codes."),
    )


class EnrolForm(LocalizedForm):
    code = StringField(
        _l("Code"),
        validators=[DataRequired(_l("Please enter the code.")), at_most(20)],
        description=_l("The six digits your authenticator app shows after you added the portal to it."),
    )
    #: asked for when the user is signed in already (enrolling from the account page)
    password = PasswordField(_l("Your password"), validators=[Optional(), Length(max=200)])


class ReauthForm(LocalizedForm):
    """A sensitive change to one's own account: the password once more."""

    password = PasswordField(
        _l("Your password"), validators=[DataRequired(_l("Please enter your password.")), Length(max=200)]
    )
