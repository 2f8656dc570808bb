"""Forms curators write catalogue content with: facts shared by all languages, and texts per language."""

from __future__ import annotations

from datetime import date
from typing import Any

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from wtforms import (
    BooleanField,
    DateField,
    FieldList,
    FloatField,
    Form,
    FormField,
    IntegerField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.utils import unset_value
from wtforms.validators import DataRequired, InputRequired, NumberRange, Optional, Regexp, ValidationError

from portal.catalogue.models import (
    AGREEMENT_STATUSES,
    FACT_TOPICS,
    FIGURE_KINDS,
    INCENTIVE_BASES,
    OPPORTUNITY_KINDS,
    SLUG,
    STAGES,
    ZONE_KINDS,
    ZONE_STATUSES,
    Opportunity,
    Synonym,
)
from portal.core.extensions import db
from portal.core.forms import FORM_TRANSLATIONS, LocalizedForm, at_most, language_choices
from portal.core.i18n import language_name


class TextsForm(Form):
    """One language's texts; the first field (title or name) is needed once any is filled."""

    class Meta:
        def get_translations(self, form: Any) -> Any:
            return FORM_TRANSLATIONS

    FIELDS: tuple[str, ...] = ()
    #: whether the agency has checked the text; unticked, investors are told it is a draft translation
    verified = BooleanField(_l("Verified by the agency (not a draft translation)"))

    def strings(self) -> dict[str, str]:
        """The texts as typed, trimmed."""
        return {name: (getattr(self, name).data or "").strip() for name in self.FIELDS}

    def values(self) -> dict[str, Any]:
        """The texts and whether they are verified, as the text row holds them."""
        return {**self.strings(), "verified": bool(self.verified.data)}

    def filled(self) -> bool:
        return any(self.strings().values())

    def complete(self) -> bool:
        return all(self.strings().values())

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
    FIELDS = ("name", "summary", "incentives", "tax_regime", "land", "utilities", "operator")
    name = StringField(_l("Name"), validators=[at_most(200)])
    summary = TextAreaField(_l("Summary"), validators=[at_most(2000)])
    incentives = TextAreaField(_l("Incentives"), validators=[at_most(10000)])
    tax_regime = TextAreaField(_l("Tax regime"), validators=[at_most(5000)])
    land = TextAreaField(_l("Land and lease terms"), validators=[at_most(10000)])
    utilities = TextAreaField(_l("Utilities and tariffs"), validators=[at_most(10000)])
    operator = StringField(_l("Operator"), validators=[at_most(300)])


class NamedTexts(TextsForm):
    """Sectors: a name and a description."""

    FIELDS: tuple[str, ...] = ("name", "description")
    name = StringField(_l("Name"), validators=[at_most(200)])
    description = TextAreaField(_l("Description"), validators=[at_most(5000)])


class AgencyTexts(NamedTexts):
    FIELDS = ("name", "description", "address")
    address = TextAreaField(_l("Postal address"), validators=[at_most(1000)])


class AgreementTexts(TextsForm):
    FIELDS = ("title", "parties", "summary")
    title = StringField(_l("Title"), validators=[at_most(300)])
    parties = StringField(_l("Parties"), validators=[at_most(500)])
    summary = TextAreaField(_l("What it covers and where it stands"), validators=[at_most(3000)])


class TradeFigureTexts(TextsForm):
    FIELDS = ("label", "note")
    label = StringField(_l("Period, as people say it"), validators=[at_most(200)])
    note = TextAreaField(_l("Note"), validators=[at_most(2000)])


class IncentiveRuleTexts(TextsForm):
    FIELDS = ("name", "general", "note")
    name = StringField(_l("Name of the incentive"), validators=[at_most(300)])
    general = StringField(_l("The general regime it is measured against"), validators=[at_most(300)])
    note = TextAreaField(_l("Conditions and caveats"), validators=[at_most(3000)])


class GuideTexts(TextsForm):
    FIELDS = ("title", "summary", "company", "visas", "land", "repatriation", "aftercare")
    title = StringField(_l("Title"), validators=[at_most(300)])
    summary = TextAreaField(_l("Summary"), validators=[at_most(2000)])
    company = TextAreaField(_l("Registering a company (Markdown)"), validators=[at_most(10000)])
    visas = TextAreaField(_l("Visas for investors (Markdown)"), validators=[at_most(10000)])
    land = TextAreaField(_l("Getting land (Markdown)"), validators=[at_most(10000)])
    repatriation = TextAreaField(_l("Repatriating profits and capital (Markdown)"), validators=[at_most(10000)])
    aftercare = TextAreaField(_l("Aftercare (Markdown)"), validators=[at_most(10000)])


class CitationRow(Form):
    """One source backing one group of facts, and the date they were so."""

    class Meta:
        def get_translations(self, form: Any) -> Any:
            return FORM_TRANSLATIONS

    topic = SelectField(_l("Facts"), validate_choice=False)
    source = SelectField(_l("Source"), validate_choice=False)
    as_of = DateField(_l("As of"), validators=[Optional()])

    def filled(self) -> bool:
        return bool(self.topic.data or self.source.data or self.as_of.data)

    def validate(self, extra_validators: Any = None) -> bool:
        valid = super().validate(extra_validators)
        if not self.filled():
            return valid
        for field in (self.topic, self.source):
            if field.data not in {choice[0] for choice in field.choices or []}:
                field.errors = [*field.errors, _l("Please choose one of the options.")]
                valid = False
        if self.as_of.data is None and not self.as_of.errors:
            self.as_of.errors = [_l("Please give the date the facts were so, like 2025-06-30.")]
            valid = False
        return valid


class CitationsField(FieldList):
    """The sources of an item's facts: rows of (group of facts, source, as of), with two empty rows to add more.

    Its data is the item's ``citations`` list (see core.citations.Cited).
    """

    def __init__(self, label: Any = None, **kwargs: Any) -> None:
        super().__init__(FormField(CitationRow), label, **kwargs)

    def process(self, formdata: Any, data: Any = unset_value, extra_filters: Any = None) -> None:
        if data not in (unset_value, None):
            data = [
                {"topic": row["topic"], "source": str(row["source"]), "as_of": date.fromisoformat(row["as_of"])}
                for row in data
            ]
        super().process(formdata, data, extra_filters)
        if not formdata:
            for _ in range(2):
                self.append_entry()

    def offer(self, topics: tuple[str, ...], sources: list[tuple[str, str]]) -> None:
        """The groups of facts and the sources each row may name."""
        for entry in self.entries:
            entry.form.topic.choices = [("", "—")] + [(topic, FACT_TOPICS.label(topic)) for topic in topics]
            entry.form.source.choices = [("", "—"), *sources]

    @property
    def data(self) -> list[dict[str, Any]]:
        return [
            {"topic": row.topic.data, "source": int(row.source.data), "as_of": row.as_of.data.isoformat()}
            for row in (entry.form for entry in self.entries)
            if row.filled() and row.as_of.data is not None and row.source.data
        ]


class TranslatedForm(LocalizedForm):
    """A form with one ``text_<lang>`` section per language (English is required), and the sources of its facts."""

    citations = CitationsField(_l("Sources of the facts"))

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
    status = SelectField(_l("Status"), choices=ZONE_STATUSES.choices(), default="operational")
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
    phone = StringField(
        _l("Telephone, as the agency publishes it"),
        filters=[lambda text: (text or "").strip()],
        validators=[
            Optional(),
            at_most(60),
            Regexp(r"^\+?[0-9 ()-]+$", message=_l("Use digits, spaces and a leading +.")),
        ],
    )
    reply_days = IntegerField(
        _l("Reply within (working days)"), validators=[DataRequired(), NumberRange(min=1, max=60)]
    )
    notification_language = SelectField(_l("Language of enquiry notifications"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.notification_language.choices = language_choices()


class ListingsField(StringField):
    """Listings named by their addresses (slugs), separated by commas; its data is their ids."""

    def _value(self) -> str:
        return ", ".join(self._slugs) if self.raw_data is None else (self.raw_data[0] if self.raw_data else "")

    def process_data(self, value: Any) -> None:
        ids = [int(i) for i in value or []]
        rows = db.session.execute(select(Opportunity.id, Opportunity.slug).where(Opportunity.id.in_(ids))).all()
        slugs = dict(rows)
        self._slugs = [slugs[i] for i in ids if i in slugs]
        self.data = [i for i in ids if i in slugs]

    def process_formdata(self, valuelist: list[Any]) -> None:
        wanted = [slug.strip() for slug in (valuelist[0] if valuelist else "").split(",") if slug.strip()]
        self._slugs = wanted
        found = dict(
            db.session.execute(select(Opportunity.slug, Opportunity.id).where(Opportunity.slug.in_(wanted))).all()
        )
        unknown = [slug for slug in wanted if slug not in found]
        self.data = list(dict.fromkeys(found[slug] for slug in wanted if slug in found))
        if unknown:
            raise ValueError(_l("No listing has the address %(slugs)s.", slugs=", ".join(unknown)))


class SourceForm(LocalizedForm):
    """A published document that backs facts: title, publisher, address or document reference, date."""

    key = StringField(
        _l("Short name (key)"),
        validators=[
            DataRequired(_l("Please give the source a short name.")),
            Regexp(r"^[a-z0-9][a-z0-9-]{1,79}$", message=_l("Use lower-case Latin letters, digits and hyphens.")),
        ],
    )
    title = StringField(_l("Title, as published"), validators=[DataRequired(), at_most(400)])
    publisher = StringField(_l("Publisher"), validators=[DataRequired(), at_most(200)])
    url = StringField(
        _l("Web address"),
        filters=[lambda url: (url or "").strip()],
        validators=[
            Optional(),
            at_most(500),
            Regexp(r"^https?://\S+$", message=_l("Please give a web address starting with https://.")),
        ],
    )
    document = StringField(
        _l("Document reference, when there is no web address"),
        filters=[lambda text: (text or "").strip()],
        validators=[at_most(300)],
    )
    published_on = DateField(_l("Published on"), validators=[Optional()])
    consulted_on = DateField(_l("Consulted on (for an undated page)"), validators=[Optional()])

    def validate_document(self, field: Any) -> None:
        if not field.data and not self.url.data:
            raise ValidationError(_l("Give a web address or a document reference."))

    def validate(self, extra_validators: Any = None) -> bool:
        valid = super().validate(extra_validators)
        if not self.published_on.data and not self.consulted_on.data and not self.published_on.errors:
            self.published_on.errors = [
                _l("Give the date it was published or, for an undated page, when you consulted it.")
            ]
            valid = False
        return valid


class AgreementForm(TranslatedForm):
    slug = OpportunityForm.slug
    concluded_on = DateField(
        _l("Signed or agreed on"), validators=[DataRequired(_l("Please give the date, like 2025-06-30."))]
    )
    status = SelectField(_l("Status"), choices=AGREEMENT_STATUSES.choices())
    sector_ids = SelectMultipleField(_l("Sectors it concerns"), coerce=int)
    opportunity_ids = ListingsField(_l("Related listings: their addresses (slugs), separated by commas"))


class TradeFigureForm(TranslatedForm):
    slug = OpportunityForm.slug
    kind = SelectField(_l("Kind"), choices=FIGURE_KINDS.choices())
    value_usd = IntegerField(
        _l("Trade, both directions (US dollars)"), validators=[DataRequired(), NumberRange(min=0, max=10**13)]
    )
    period_start = DateField(_l("Period from"), validators=[Optional()])
    period_end = DateField(_l("Period to (a target: the date to reach it by)"), validators=[DataRequired()])

    def validate_period_end(self, field: Any) -> None:
        if self.period_start.data and field.data and field.data < self.period_start.data:
            raise ValidationError(_l("The period cannot end before it starts."))


class IncentiveRuleForm(TranslatedForm):
    slug = OpportunityForm.slug
    agency = SelectField(_l("Responsible agency"))
    zone_ids = SelectMultipleField(_l("Zones it applies in"), coerce=int)
    basis = SelectField(_l("What the rates apply to"), choices=INCENTIVE_BASES.choices())
    general_rate = FloatField(
        _l("Rate under the general regime (percent)"), validators=[InputRequired(), NumberRange(min=0, max=100)]
    )
    rule_rate = FloatField(
        _l("Rate under this rule (percent)"), validators=[InputRequired(), NumberRange(min=0, max=100)]
    )
    first_year = IntegerField(
        _l("Applies from the project's year"), default=1, validators=[InputRequired(), NumberRange(min=1, max=10)]
    )
    last_year = IntegerField(
        _l("Applies until the project's year"), default=10, validators=[InputRequired(), NumberRange(min=1, max=10)]
    )
    ends_on = DateField(_l("Ends on (a sunset date, if it has one)"), validators=[Optional()])

    def validate_rule_rate(self, field: Any) -> None:
        if self.general_rate.data is not None and field.data is not None and field.data > self.general_rate.data:
            raise ValidationError(_l("The rule's rate cannot be above the general rate: it would not be an incentive."))

    def validate_last_year(self, field: Any) -> None:
        if self.first_year.data and field.data and field.data < self.first_year.data:
            raise ValidationError(_l("The last year cannot come before the first."))


class GuideForm(TranslatedForm):
    country = SelectField(_l("Country"))
    as_of = DateField(_l("Checked against its sources on"), validators=[DataRequired()])


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
