"""Forms curators write catalogue content with: facts shared by all languages, and texts per language."""

from __future__ import annotations

from typing import Any

from flask import current_app
from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    FloatField,
    Form,
    FormField,
    IntegerField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, NumberRange, Optional, Regexp, ValidationError

from portal.catalogue.models import OPPORTUNITY_KINDS, SLUG, STAGES, ZONE_KINDS, Synonym
from portal.core.forms import FORM_TRANSLATIONS, LocalizedForm, at_most, language_choices
from portal.core.i18n import language_name


class TextsForm(Form):
    """One language's texts; the first field (title or name) is needed once any is filled."""

    class Meta:
        def get_translations(self, form: Any) -> Any:
            return FORM_TRANSLATIONS

    FIELDS: tuple[str, ...] = ()

    def values(self) -> dict[str, str]:
        return {name: (getattr(self, name).data or "").strip() for name in self.FIELDS}

    def filled(self) -> bool:
        return any(self.values().values())

    def complete(self) -> bool:
        return all(self.values().values())

    def validate(self, extra_validators: Any = None) -> bool:
        valid = super().validate(extra_validators)
        first = getattr(self, self.FIELDS[0])
        if self.filled() and not (first.data or "").strip():
            first.errors = [*first.errors, _l("A text in this language needs a title.")]
            valid = False
        return valid


class OpportunityTexts(TextsForm):
    FIELDS = ("title", "summary", "body")
    title = StringField(_l("Title"), validators=[at_most(300)])
    summary = TextAreaField(_l("Summary"), validators=[at_most(1000)])
    body = TextAreaField(_l("Description (Markdown)"), validators=[at_most(20000)])


class ZoneTexts(TextsForm):
    FIELDS = ("name", "summary", "incentives", "utilities", "tax_regime", "operator")
    name = StringField(_l("Name"), validators=[at_most(200)])
    summary = TextAreaField(_l("Summary"), validators=[at_most(2000)])
    incentives = TextAreaField(_l("Incentives"), validators=[at_most(10000)])
    utilities = TextAreaField(_l("Utilities and tariffs"), validators=[at_most(10000)])
    tax_regime = TextAreaField(_l("Tax regime"), validators=[at_most(5000)])
    operator = StringField(_l("Operator"), validators=[at_most(300)])


class NamedTexts(TextsForm):
    """Sectors and agencies: a name and a description."""

    FIELDS = ("name", "description")
    name = StringField(_l("Name"), validators=[at_most(200)])
    description = TextAreaField(_l("Description"), validators=[at_most(5000)])


class TranslatedForm(LocalizedForm):
    """A form with one ``text_<lang>`` section per language; English is required."""

    def validate(self, extra_validators: Any = None) -> bool:
        valid = super().validate(extra_validators)
        english = self.text_en.form
        first = getattr(english, english.FIELDS[0])  # FormFields take no inline validators, so checked here
        if not (first.data or "").strip():
            first.errors = [*first.errors, _l("Please fill in at least the English title or name.")]
            valid = False
        return valid

    def texts(self) -> list[tuple[str, Any]]:
        return [(lang, getattr(self, f"text_{lang}")) for lang in current_app.config["LANGUAGES"]]


class OpportunityForm(TranslatedForm):
    slug = StringField(
        _l("Address (slug)"),
        validators=[
            DataRequired(_l("Please give the listing an address.")),
            Regexp(
                SLUG.pattern,
                message=_l("Use lower-case Latin letters, digits and hyphens, like denim-mill-faisalabad."),
            ),
        ],
    )
    sector = SelectField(_l("Sector"))
    country = SelectField(_l("Country"))
    region = SelectField(_l("Region"))
    zone = SelectField(_l("Economic zone"))
    agency = SelectField(_l("Responsible agency"))
    min_usd = IntegerField(_l("Investment from (US dollars)"), validators=[Optional(), NumberRange(min=0, max=10**12)])
    max_usd = IntegerField(_l("Investment up to (US dollars)"), validators=[Optional(), NumberRange(min=0, max=10**12)])
    kind = SelectField(_l("Kind"), choices=OPPORTUNITY_KINDS.choices())
    stage = SelectField(_l("Stage"), choices=STAGES.choices())
    featured = BooleanField(_l("Featured on the home page"))

    def validate_max_usd(self, field: Any) -> None:
        if field.data is not None and self.min_usd.data is not None and field.data < self.min_usd.data:
            raise ValidationError(_l("The upper amount must not be below the lower one."))

    def validate_region(self, field: Any) -> None:
        if field.data and not field.data.startswith((self.country.data or "").lower() + "-"):
            raise ValidationError(_l("This region is not in the chosen country."))


class ZoneForm(TranslatedForm):
    slug = OpportunityForm.slug
    country = SelectField(_l("Country"))
    kind = SelectField(_l("Kind"), choices=ZONE_KINDS.choices())
    region = SelectField(_l("Region"))
    agency = SelectField(_l("Responsible agency"))
    latitude = FloatField(_l("Latitude"), validators=[Optional(), NumberRange(min=-90, max=90)])
    longitude = FloatField(_l("Longitude"), validators=[Optional(), NumberRange(min=-180, max=180)])
    area_ha = IntegerField(_l("Area (hectares)"), validators=[Optional(), NumberRange(min=0, max=10**7)])
    established = IntegerField(_l("Established (year)"), validators=[Optional(), NumberRange(min=1900, max=2100)])

    validate_region = OpportunityForm.validate_region


class SectorForm(TranslatedForm):
    slug = OpportunityForm.slug
    position = IntegerField(
        _l("Position in lists"), validators=[Optional(), NumberRange(min=0, max=1000)], filters=[lambda n: n or 0]
    )


class AgencyForm(TranslatedForm):
    website = StringField(
        _l("Website"),
        filters=[lambda url: url or ""],  # a form posted without the field leaves it empty, not NULL
        validators=[
            Optional(),
            at_most(200),
            Regexp(r"^https?://", message=_l("Please give a web address starting with https://.")),
        ],
    )
    enquiry_email = StringField(
        _l("Addresses that receive enquiries (comma-separated)"),
        validators=[
            DataRequired(_l("Please enter your e-mail address.")),
            at_most(300),
            Regexp(
                r"^[^@\s,]+@[^@\s,]+(\s*,\s*[^@\s,]+@[^@\s,]+)*$",
                message=_l("Please enter a valid e-mail address, like name@example.com."),
            ),
        ],
    )
    reply_days = IntegerField(
        _l("Reply within (working days)"), validators=[DataRequired(), NumberRange(min=1, max=60)]
    )
    notification_language = SelectField(_l("Language of enquiry notifications"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.notification_language.choices = language_choices()


def with_texts(base: type[TranslatedForm], texts: type[TextsForm], languages: list[str], **kwargs: Any) -> Any:
    """An instance of ``base`` with one ``texts`` section per language."""
    attributes = {f"text_{lang}": FormField(texts, label=language_name(lang)) for lang in languages}
    return type(f"{base.__name__}WithTexts", (base,), attributes)(**kwargs)


class SynonymForm(LocalizedForm):
    """One group of words and phrases that mean the same, separated by commas."""

    phrases = TextAreaField(
        _l("Words and phrases that mean the same, separated by commas"),
        validators=[DataRequired(), at_most(2000)],
    )

    def validate_phrases(self, field: Any) -> None:
        if len(Synonym.split(field.data)) < 2:
            raise ValidationError(_l("Give at least two words or phrases, separated by commas."))

    def cleaned(self) -> str:
        return ", ".join(Synonym.split(self.phrases.data))
