"""Fuzzing through the real app: every public GET parameter and every form field, public and staff, with hostile values.

The app runs on SQLite with the demo catalogue, staff accounts and a few enquiries.
Values carry control characters, bidi marks, emoji, combining marks, 100 KB
strings, wrong types, repeated keys and missing fields (``tests/fuzzing.py``).
Every answer must be below 500 and must not show input as markup; a query that
would put a NUL byte into the database fails too (PostgreSQL cannot store one).

``FUZZ_REQUESTS`` sets how many requests are made in all (``make fuzz``: 10,000);
without it a sample of several hundred runs. The total and the answers by status
are printed at the end.
"""

from __future__ import annotations

import itertools
import math
import os
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote

import pyotp
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import event, select
from werkzeug.datastructures import MultiDict

from portal.agencies.models import Agency
from portal.catalogue import demo
from portal.catalogue.models import STAGES, STATES, Attachment, Opportunity, Revision, Sector, Zone
from portal.catalogue.search import SORTS
from portal.core.extensions import db
from portal.core.time import utcnow
from portal.enquiries.models import STATUSES, Enquiry
from portal.staff import two_factor
from portal.staff.accounts import create_user
from tests.conftest import database, migrate_to_head, temporary_app
from tests.factories import make_enquiries
from tests.fuzzing import (
    Fuzzer,
    HtmlForm,
    Tally,
    forms_of,
    one_in,
    path_segment,
    pick,
    plans,
    raw_query,
    resolve,
    sent,
    submission,
    texts,
)
from tests.staff.accounts import PASSWORD, create_staff, csrf_from, sign_in

#: how many requests the whole module makes, at least
REQUESTS = int(os.environ.get("FUZZ_REQUESTS") or 560)
LANGUAGES = ["en", "ur", "ru", "ky"]
STRONG = "violet tractor sings under Bishkek rain 1987"
#: a 10,000-request run takes minutes; each test gets time in proportion to its share
TIMEOUT = max(360, math.ceil(REQUESTS * 0.06))


def examples(share: float) -> int:
    """Hypothesis examples for a test making ``share`` of the requests; each example makes one at least."""
    return max(4, math.ceil(REQUESTS * share / SHARES))


def fuzz_settings(share: float) -> settings:
    return settings(
        max_examples=examples(share),
        deadline=None,
        database=None,
        print_blob=True,
        suppress_health_check=list(HealthCheck),
    )


def _strings(parameters: Any) -> Any:
    if isinstance(parameters, str):
        yield parameters
    elif isinstance(parameters, dict):
        for value in parameters.values():
            yield from _strings(value)
    elif isinstance(parameters, (list, tuple)):
        for value in parameters:
            yield from _strings(value)


def refuse_nul_in_queries(conn, cursor, statement, parameters, context, executemany) -> None:
    """SQLite stores NUL bytes; PostgreSQL refuses them with an error, which would be a 500 in production."""
    assert not any("\x00" in value for value in _strings(parameters)), f"a NUL byte reaches the database: {statement}"


@dataclass
class Site:
    app: Any
    accounts: dict[str, Any]
    #: user ids an administrator may deactivate or reset without hurting the fuzzing clients
    victims: set[int]
    clients: dict[str, Any] = field(default_factory=dict)
    #: parsed forms of pages already fetched, by (who, url)
    pages: dict[tuple[str, str], list[HtmlForm]] = field(default_factory=dict)

    def client(self, who: str) -> Any:
        if who not in self.clients:
            client = self.app.test_client()
            if who != "public":
                assert sign_in(client, who).status_code == 303
            self.clients[who] = client
        return self.clients[who]

    def choices(self, name: str) -> list[str]:
        """Values a URL placeholder can take now (the database changes as the fuzzer saves things)."""
        if name == "lang":
            return LANGUAGES
        with database(self.app):
            boi = self.accounts["curator_boi"].agency_id
            query = {
                "listing": select(Opportunity.slug).where(Opportunity.state == "published"),
                "sector_slug": select(Sector.slug),
                "zone_slug": select(Zone.slug),
                "sector": select(Sector.id),
                "zone": select(Zone.id).where(Zone.agency_id == boi),
                "opportunity": select(Opportunity.id).where(Opportunity.agency_id == boi),
                "agency": select(Agency.id),
                "revision": select(Revision.id).where(Revision.state == "pending"),
                "any_revision": select(Revision.id),
                "reference": select(Enquiry.reference).where(Enquiry.agency_id == boi),
                "attachment": select(Attachment.id),
            }[name]
            found = [str(v) for v in db.session.scalars(query.order_by(None)).all()]
        return found


@pytest.fixture(scope="module")
def tally(pytestconfig):
    """Counts the answers; prints the count at the end, past pytest's output capture."""
    counts = Tally()
    yield counts
    capture = pytestconfig.pluginmanager.get_plugin("capturemanager")
    with capture.global_and_fixture_disabled():
        print(f"\n{counts.summary()}")


@pytest.fixture(scope="module")
def fuzz(tally):
    return Fuzzer(tally)


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    url = "sqlite:///" + str(tmp_path_factory.mktemp("fuzz") / "portal.sqlite3")
    migrate_to_head(url)
    with temporary_app(url) as app:
        with app.app_context():
            event.listen(db.engine, "before_cursor_execute", refuse_nul_in_queries)
            demo.load()
        accounts = create_staff(app)
        with database(app):
            accounts["reviewer"] = create_user("reviewer@example.org", "admin", None, PASSWORD, name="Reviewer")
            victims = [create_user(f"victim{i}@example.org", "officer", "BOI", PASSWORD) for i in (1, 2)]
            twofa = create_user("twofa@example.org", "officer", "BOI", PASSWORD, name="Two Factor")
            two_factor.enable(twofa, pyotp.random_base32(), 0)
            two_factor.enable(victims[0], pyotp.random_base32(), 0)
            for destination, name in (("pk", "Farah Qureshi"), ("both", "Aigerim <i>Sadykova</i>")):
                make_enquiries(destination=destination, name=name)
            listing = db.session.scalar(
                select(Opportunity).where(Opportunity.agency_id == accounts["curator_boi"].agency_id)
            )
            db.session.add(
                Attachment(
                    opportunity=listing,
                    filename="brochure.pdf",
                    content_type="application/pdf",
                    size=9,
                    data=b"%PDF-1.4\n",
                    approved_at=utcnow(),
                )
            )
        site = Site(app, accounts, {v.id for v in victims})
        # A change waiting for review, so that the reviewer has something to decide from the start.
        admin = site.client("admin")
        page = admin.get("/admin/sectors/1").get_data(as_text=True)
        form = forms_of(page)[-1]
        data = {**form.defaults(), "text_en-description": "Waiting for review."}
        assert admin.post("/admin/sectors/1", data=data).status_code == 303
        yield site


# ---------------------------------------------------------------------------------------------------------------------
# Public pages: every GET parameter, path segment and language prefix


SECTORS = [record["slug"] for record in demo.records("sectors")]
ZONES = [record["slug"] for record in demo.records("zones")]
PAGES = ["1", "2", "3"]
#: an incentive estimate as the estimator attaches it to an enquiry
ESTIMATE = (
    "zone=rashakai&investment=10000000&imported_share=40&annual_profit=2000000&export_share=50&jobs=200&start_year=2027"
)

#: every public page, its query parameters and values each parameter takes when it is valid
PUBLIC: dict[str, dict[str, list[str]]] = {
    "/{lang}/opportunities": {
        "q": ["textile", "denim mill", "ёлка", "Бишкек", "ٹیکسٹائل", "energy*", '"solar'],
        "sector": SECTORS,
        "country": ["pk", "kg", "PK", "KG"],
        "zone": ZONES,
        "stage": list(STAGES),
        "min_usd": ["0", "1000000", "5,000,000", "1_000"],
        "max_usd": ["50000000", "10000000000000"],
        "sort": list(SORTS),
        "page": PAGES,
    },
    "/{lang}/sectors/{sector_slug}": {"sort": list(SORTS), "page": PAGES},
    "/{lang}/opportunities/{listing}": {},
    "/{lang}/opportunities/{listing}/files/{attachment}/{name}": {},
    "/{lang}/zones": {"status": ["operational", "planned", "closed"], "compare": ["rashakai", "rashakai,naryn-fez"]},
    "/{lang}/zones/{zone_slug}": {},
    "/{lang}/compare": {"zones": ZONES, "opportunities": ["{listing}"]},
    "/{lang}/corridor": {},
    "/{lang}/invest-in/pakistan": {},
    "/{lang}/invest-in/kyrgyzstan": {},
    "/{lang}/": {},
    "/{lang}/about": {},
    "/{lang}/accessibility": {},
    "/{lang}/incentives": {
        "zone": ZONES,
        "investment": ["10000000", "0", "1,000"],
        "imported_share": ["40", "100", "0"],
        "annual_profit": ["2000000", "0"],
        "export_share": ["50", "0"],
        "jobs": ["200", "0"],
        "annual_pay": ["3000", ""],
        "start_year": ["2027", "2099"],
        "opportunity": ["{listing}"],
    },
    "/{lang}/alerts/new": {
        "q": ["textile", "Бишкек"],
        "sector": SECTORS,
        "country": ["pk", "kg"],
        "zone": ZONES,
        "min_usd": ["1000000"],
    },
    "/{lang}/alerts/sent": {},
    "/{lang}/enquire": {"opportunity": ["{listing}"], "estimate": [ESTIMATE]},
    "/{lang}/enquire/sent": {},
    "/{lang}/enquiries/status": {"reference": ["{reference}"], "email": ["farah@example.net"]},
    "/": {},
    "/healthz": {},
    "/healthz/live": {},
    "/healthz/ready": {},
    "/metrics": {},
    "/admin/login": {"next": ["/admin/", "/admin/enquiries?status=new", "//evil.example", "/\\evil.example"]},
}


#: how one request to a page is made, decided before the database is looked at
requests = st.fixed_dictionaries(
    {
        #: for each placeholder of the path: a valid value (by index) three times in four, else hostile text
        "segments": st.lists(st.tuples(st.integers(0, 3), st.integers(0, 2**16), texts), min_size=4, max_size=4),
        #: what each query parameter sends, in the order the page lists them
        "params": st.lists(sent, min_size=9, max_size=9),
        "extra": st.lists(st.tuples(texts, texts), max_size=2),
        "accept_language": st.one_of(
            *[st.none()] * 4,
            st.sampled_from(["ur-PK,en;q=0.9", "ru;q=0", "*", "ky;q=abc", "en;q=1e9", "x" * 5000]),
            st.text(st.characters(min_codepoint=0x20, max_codepoint=0xFF), max_size=80),
        ),
        "raw": st.booleans(),
    }
)


def placeholders(template: str) -> list[str]:
    return [part.split("}")[0] for part in template.split("{")[1:]]


def fill_path(site: Site, template: str, segments: list[tuple[int, int, str]]) -> str:
    """``template`` with each placeholder valid (mostly, picked from the database) or hostile, as one path segment."""
    out = template
    for name, (valid_one, index, text) in zip(placeholders(template), segments, strict=False):
        valid = ["brochure.pdf"] if name == "name" else site.choices(name)
        value = pick(valid, index) if valid and valid_one else path_segment(text)
        out = out.replace("{" + name + "}", value, 1)
    return out


def query(site: Site, params: dict[str, list[str]], plan: dict[str, Any]) -> list[tuple[str, str]]:
    items = []
    for (name, valid), values in zip(params.items(), plan["params"], strict=False):
        own = [v for v in valid if "{" not in v] + [s for v in valid if "{" in v for s in site.choices(v[1:-1])]
        items += [(name, v) for v in resolve(values, own)]
    return items + plan["extra"]


def send_get(fuzz: Fuzzer, client: Any, url: str, items: list[tuple[str, str]], raw: bool, **kwargs: Any) -> Any:
    """A GET with a query string encoded by the client, or (``raw``) as a careless client writes it."""
    items = [(k, str(v)) for k, v in items]  # a query string has no numbers or nulls, only their text
    if items and raw:
        return fuzz.get(client, url + "?" + raw_query(items), **kwargs)
    return fuzz.get(client, url, query_string=MultiDict(items), **kwargs)


@pytest.mark.timeout(TIMEOUT)
def test_public_pages(site, fuzz):
    client = site.client("public")

    @fuzz_settings(PUBLIC_SHARE)
    @given(st.sampled_from(list(PUBLIC)), requests)
    def run(template, plan):
        url = fill_path(site, template, plan["segments"])
        headers = {"Accept-Language": plan["accept_language"]} if plan["accept_language"] is not None else {}
        send_get(fuzz, client, url, query(site, PUBLIC[template], plan), plan["raw"], headers=headers)

    run()


# ---------------------------------------------------------------------------------------------------------------------
# Forms: each page is fetched as a browser fetches it, one of its forms is filled in and a few fields are changed


@dataclass(frozen=True)
class Target:
    who: str
    #: the page with the form; placeholders are filled from the database (``Site.choices``)
    page: str
    #: values that make an untouched form valid where the page leaves a field empty; "{n}" becomes a small number
    valid: dict[str, str] = field(default_factory=dict)
    share: float = 0.03
    #: submit here rather than to the form's own action (the CSV export takes the inbox's filters)
    action: str | None = None


ENQUIRY = {
    "name": "Aigerim Sadykova",
    "organisation": "Silk Road Capital",
    "email": "aigerim{n}@example.net",
    "phone": "+996 555 123 456",
    "country": "KZ",
    "investor_type": "fund",
    "ticket_size": "1m_10m",
    "destination": "pk",
    "message": "We would like to invest in a denim mill and need details of the site.",
    "consent": "y",
}
TEXTS = {"text_en-name": "Fuzzed {n}", "text_en-title": "Fuzzed {n}"}

TARGETS = {
    "enquiry": Target("public", "/{lang}/enquire", ENQUIRY, 0.06),
    "enquiry-about-listing": Target("public", "/{lang}/enquire?opportunity={listing}", ENQUIRY, 0.04),
    "status-lookup": Target("public", "/{lang}/enquiries/status", {"reference": "{reference}"}, 0.04),
    "enquiry-with-estimate": Target("public", "/{lang}/enquire?estimate=" + quote(ESTIMATE), ENQUIRY, 0.02),
    "follow-search": Target(
        "public", "/{lang}/alerts/new?sector=textiles", {"email": "fuzz{n}@example.net", "consent": "y"}, 0.03
    ),
    "incentive-rule-new": Target(
        "curator_boi",
        "/admin/incentive-rules/new",
        {"slug": "fuzz-{n}", "text_en-name": "Fuzzed {n}", "general_rate": "29", "rule_rate": "0"},
    ),
    "account": Target(
        "admin",
        "/admin/account",
        {"password-current": "not the password", "password-new": STRONG, "password-confirm": STRONG},
    ),
    "users": Target(
        "admin",
        "/admin/users",
        {"email": "new{n}@example.org", "name": "New User", "role": "officer", "agency": "BOI", "password": STRONG},
    ),
    "enrol": Target("curator_nia", "/admin/two-factor", {"code": "123456", "password": "not the password"}, 0.02),
    "sector-new": Target("admin", "/admin/sectors/new", {"slug": "fuzz-{n}", **TEXTS}),
    "sector-edit": Target("admin", "/admin/sectors/{sector}"),
    "zone-new": Target("curator_boi", "/admin/zones/new", {"slug": "fuzz-{n}", **TEXTS, "region": "pk-sindh"}),
    "zone-edit": Target("curator_boi", "/admin/zones/{zone}"),
    "opportunity-new": Target(
        "curator_boi",
        "/admin/opportunities/new",
        {"slug": "fuzz-{n}", **TEXTS, "country": "PK", "region": "pk-punjab", "save": "1"},
    ),
    "opportunity-edit": Target("curator_boi", "/admin/opportunities/{opportunity}", {"save": "1"}, 0.05),
    "agency-edit": Target("admin", "/admin/agencies/{agency}", share=0.02),
    "revision": Target("reviewer", "/admin/revisions/{revision}"),
    "enquiry-actions": Target("officer_boi", "/admin/enquiries/{reference}", {"note-body": "Called back."}, 0.04),
    "inbox-filters": Target("officer_boi", "/admin/enquiries"),
    "inbox-export": Target("officer_boi", "/admin/enquiries", action="/admin/enquiries/export.csv", share=0.02),
    "dashboard": Target("curator_boi", "/admin/", share=0.02),
}

#: the parts of all requests each test makes
PUBLIC_SHARE, LISTS_SHARE, SIGN_IN_SHARE, CODE_SHARE = 0.25, 0.08, 0.05, 0.03
SHARES = PUBLIC_SHARE + LISTS_SHARE + SIGN_IN_SHARE + CODE_SHARE + sum(t.share for t in TARGETS.values())

form_requests = st.fixed_dictionaries(
    {
        "placeholders": st.lists(st.integers(0, 2**16), min_size=2, max_size=2),
        "n": st.integers(0, 30),
        "refresh": one_in(8),
        "submission": plans,
    }
)


def _fill(template: str, site: Site, plan: dict[str, Any]) -> str | None:
    """``template`` with its placeholders replaced by values of now; None when a placeholder has none."""
    out = template
    for name, index in zip(placeholders(template), itertools.cycle(plan["placeholders"]), strict=False):
        if name == "n":
            value = str(plan["n"])
        else:
            value = pick(site.choices(name), index)
            if value is None:
                return None
        out = out.replace("{" + name + "}", value, 1)
    return out


def usable(form: HtmlForm, site: Site) -> bool:
    """Forms the fuzzer may send: none that signs its own client out or disables an account it uses."""
    if form.action.endswith(("/logout", "/sign-out-everywhere")):
        return False
    if form.action.startswith("/admin/users/"):
        return int(form.action.split("/")[3]) in site.victims
    return True


def _valid_values(target: Target, site: Site, plan: dict[str, Any]) -> dict[str, str]:
    valid = {}
    for name, value in target.valid.items():
        if value == "{reference}":  # a reference and the address it was sent from, so that the lookup finds it
            with database(site.app):
                rows = db.session.execute(select(Enquiry.reference, Enquiry.email).limit(50)).all()
            valid.update(zip(("reference", "email"), pick(rows, plan["n"]), strict=True))
            continue
        filled = _fill(value, site, plan)
        if filled is not None:
            valid[name] = filled
    return valid


@pytest.mark.timeout(TIMEOUT)
@pytest.mark.parametrize("name", list(TARGETS))
def test_form(site, fuzz, name):
    target = TARGETS[name]
    client = site.client(target.who)

    @fuzz_settings(target.share)
    @given(form_requests)
    def run(plan):
        page = _fill(target.page, site, plan)
        if page is None:  # nothing to edit yet (every change decided, say): the list page instead
            fuzz.get(client, target.page.split("{")[0].rstrip("/") or "/")
            return
        key = (target.who, page)
        if key not in site.pages or plan["refresh"]:
            response = fuzz.get(client, page)
            site.pages[key] = [f for f in forms_of(response.get_data(as_text=True)) if usable(f, site)]
        how = plan["submission"]
        form = pick(site.pages[key], how["form"])
        if form is None:
            extra = [(how["extra"][0], *resolve([how["extra"][1]]))] if how["extra"] else []
            send_get(fuzz, client, page, extra, how["raw"])
            return
        sent = submission(form, _valid_values(target, site, plan), how)
        url = target.action or form.action or page
        if form.method == "get":
            send_get(fuzz, client, url.split("?")[0], list(sent.items(multi=True)), how["raw"])
            return
        encoding = (
            "multipart" if form.enctype == "multipart/form-data" and how["encoding"] == "form" else how["encoding"]
        )
        response = fuzz.post(client, url, sent, encoding)
        if response.request.path != url.split("?")[0]:  # saved: the page may look different now
            site.pages.pop(key, None)

    run()


# ---------------------------------------------------------------------------------------------------------------------
# Signing in: the password step (with ``next``) and the code step

encodings = st.sampled_from(["form"] * 6 + ["multipart", "json"])
sign_ins = st.fixed_dictionaries(
    {
        "email": sent,
        "password": sent,
        "csrf": one_in(10),
        "csrf_sent": sent,
        "next": sent,
        "raw": st.booleans(),
        "encoding": encodings,
    }
)


@pytest.mark.timeout(TIMEOUT)
def test_sign_in(site, fuzz):
    state: dict[str, Any] = {}
    emails = [f"{key}@example.org" for key in site.accounts] + ["twofa@example.org", "OFFICER_BOI@EXAMPLE.ORG "]
    targets = ["/admin/", "/admin/enquiries?status=new", "/admin/users", "//evil.example", "/admin/../x"]

    @fuzz_settings(SIGN_IN_SHARE)
    @given(sign_ins)
    def run(plan):
        if "client" not in state:
            state["client"] = site.app.test_client()
            state["token"] = csrf_from(fuzz.get(state["client"], "/admin/login").get_data(as_text=True))
        form = [
            *[("email", v) for v in resolve(plan["email"], emails)],
            *[("password", v) for v in resolve(plan["password"], [PASSWORD, PASSWORD.upper()])],
            *[("csrf_token", v) for v in (resolve(plan["csrf_sent"]) if plan["csrf"] else [state["token"]])],
        ]
        items = [("next", v) for v in resolve(plan["next"], targets)]
        if items and plan["raw"]:
            url, query_string = "/admin/login?" + raw_query(items), None
        else:
            url, query_string = "/admin/login", MultiDict(items)
        response = fuzz.post(
            state["client"], url, MultiDict(form), plan["encoding"], follow=1, query_string=query_string
        )
        if response.status_code != 400:  # signed in, or on to the code: start again
            state.clear()

    run()


codes = st.fixed_dictionaries({"code": sent, "csrf": one_in(10), "csrf_sent": sent, "encoding": encodings})


@pytest.mark.timeout(TIMEOUT)
def test_two_factor_code(site, fuzz):
    state: dict[str, Any] = {}

    @fuzz_settings(CODE_SHARE)
    @given(codes)
    def run(plan):
        if "client" not in state:
            client = site.app.test_client()
            assert sign_in(client, "twofa").headers["Location"] == "/admin/login/code"
            state["client"] = client
            state["token"] = csrf_from(fuzz.get(client, "/admin/login/code").get_data(as_text=True))
        form = [
            *[
                ("code", v)
                for v in resolve(plan["code"], ["123456", "000000", "ABCDE-FGHJK", "abcde fghjk", " 1 2 3 "])
            ],
            *[("csrf_token", v) for v in (resolve(plan["csrf_sent"]) if plan["csrf"] else [state["token"]])],
        ]
        response = fuzz.post(state["client"], "/admin/login/code", MultiDict(form), plan["encoding"], follow=0)
        if response.status_code != 400:
            state.clear()

    run()


# ---------------------------------------------------------------------------------------------------------------------
# Staff lists: their query parameters, and staff pages with hostile path segments

STAFF_LISTS: dict[tuple[str, str], dict[str, list[str]]] = {
    ("curator_boi", "/admin/opportunities"): {"state": list(STATES)},
    ("admin", "/admin/audit"): {"page": PAGES},
    ("officer_boi", "/admin/enquiries/export.csv"): {
        "status": list(STATUSES),
        "sector": SECTORS,
        "country": ["PK", "kz", "AE"],
        "since": ["2024-01-01"],
        "until": ["2030-12-31"],
        "assignee": ["none", "1", "2"],
        "overdue": ["1", "on", "true"],
        "q": ["BOI", "Farah", "%", "_"],
        "page": PAGES,
    },
    ("curator_boi", "/admin/revisions"): {},
    ("reviewer", "/admin/revisions/{any_revision}"): {},
    ("officer_boi", "/admin/enquiries/{reference}"): {},
    ("curator_boi", "/admin/opportunities/{opportunity}"): {},
    ("admin", "/admin/sectors"): {},
    ("curator_boi", "/admin/zones"): {},
    ("admin", "/admin/agencies"): {},
    ("admin", "/admin/users"): {},
    ("curator_nia", "/admin/"): {},
    ("public", "/admin/enquiries"): {"status": list(STATUSES)},
}


@pytest.mark.timeout(TIMEOUT)
def test_staff_lists(site, fuzz):
    @fuzz_settings(LISTS_SHARE)
    @given(st.sampled_from(list(STAFF_LISTS)), requests)
    def run(page, plan):
        who, template = page
        url = fill_path(site, template, plan["segments"])
        send_get(fuzz, site.client(who), url, query(site, STAFF_LISTS[page], plan), plan["raw"])

    run()
