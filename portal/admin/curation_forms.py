"""The form curators write opportunities with: shared facts, and texts per language."""

from __future__ import annotations

from flask import current_app
from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, Form, FormField, IntegerField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, NumberRange, Optional, Regexp, ValidationError

from portal.catalogue import vocabulary
from portal.forms import LocalizedForm
from portal.i18n import FORM_TRANSLATIONS, language_name

SLUG = r"^[a-z0-9][a-z0-9-]{1,119}$"


class TextForm(Form):
    """An opportunity's title, summary and body in one language."""

    class Meta:
        def get_translations(self, form):
            return FORM_TRANSLATIONS

    title = StringField(_l("Title"), validators=[Length(max=300, message=_l("Please use at most %(max)d characters."))])
    summary = TextAreaField(_l("Summary"), validators=[Optional(), Length(max=1000, message=_l("Please use at most %(max)d characters."))])
    body = TextAreaField(_l("Description (Markdown)"), validators=[Optional(), Length(max=20000, message=_l("Please use at most %(max)d characters."))])

    def filled(self) -> bool:
        return any((field.data or "").strip() for field in (self.title, self.summary, self.body))

    def complete(self) -> bool:
        return all((field.data or "").strip() for field in (self.title, self.summary, self.body))

    def validate_title(self, field):
        if self.filled() and not (field.data or "").strip():
            raise ValidationError(_l("A text in this language needs a title."))


class OpportunityForm(LocalizedForm):
    slug = StringField(_l("Address (slug)"), validators=[
        DataRequired(_l("Please give the listing an address.")),
        Regexp(SLUG, message=_l("Use lower-case Latin letters, digits and hyphens, like denim-mill-faisalabad."))])
    sector = SelectField(_l("Sector"))
    country = SelectField(_l("Country"))
    region = SelectField(_l("Region"))
    zone = SelectField(_l("Economic zone"))
    agency = SelectField(_l("Responsible agency"))
    min_usd = IntegerField(_l("Investment from (US dollars)"), validators=[Optional(), NumberRange(min=0, max=10**12)])
    max_usd = IntegerField(_l("Investment up to (US dollars)"), validators=[Optional(), NumberRange(min=0, max=10**12)])
    kind = SelectField(_l("Kind"), choices=[SelectChoice(c, label) for c, label in vocabulary.OPPORTUNITY_KINDS.items()])
    stage = SelectField(_l("Stage"), choices=[SelectChoice(c, label) for c, label in vocabulary.STAGES.items()])
    featured = BooleanField(_l("Featured on the home page"))

    def validate_max_usd(self, field):
        if field.data is not None and self.min_usd.data is not None and field.data < self.min_usd.data:
            raise ValidationError(_l("The upper amount must not be below the lower one."))

    def validate_region(self, field):
        if field.data and not field.data.startswith((self.country.data or "").lower() + "-"):
            raise ValidationError(_l("This region is not in the chosen country."))

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        english = self.text_en.form.title  # FormFields take no inline validators, so this is checked here
        if not (english.data or "").strip():
            english.errors = [*english.errors, _l("Every listing needs at least an English title.")]
            valid = False
        return valid

    def texts(self):
        return [(lang, getattr(self, f"text_{lang}")) for lang in current_app.config["LANGUAGES"]]


def opportunity_form(languages, **kwargs) -> OpportunityForm:
    """An OpportunityForm with one text section per configured language."""
    attributes = {f"text_{lang}": FormField(TextForm, label=language_name(lang)) for lang in languages}
    form_class = type("OpportunityFormWithTexts", (OpportunityForm,), attributes)
    return form_class(**kwargs)

