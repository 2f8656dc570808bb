"""`flask --app portal seed --synthetic N` adds realistic sample listings, searchable like any other."""

from __future__ import annotations

from sqlalchemy import func, select

from portal.catalogue.models import Opportunity, OpportunityText, SearchTerm
from portal.core.extensions import db
from tests.conftest import database

N = 400


def test_synthetic_listings_look_real_say_they_are_samples_and_are_searchable(app, runner, client):
    result = runner.invoke(args=["seed", "--synthetic", str(N)])
    assert result.exit_code == 0, result.output
    assert f"{N} synthetic sample listings added." in result.output
    with database(app):
        synthetic = select(Opportunity).where(Opportunity.slug.regexp_match(r"-s[0-9]+$"))
        items = list(db.session.scalars(synthetic))
        assert len(items) == N and all(item.is_sample for item in items)
        assert {i.state for i in items} >= {"published", "draft"}
        assert len({i.sector_id for i in items}) >= 8 and len({i.kind for i in items}) == 6
        assert len({i.stage for i in items}) == 4 and len({i.region for i in items}) >= 12
        assert any(i.zone_id for i in items) and any(i.zone_id is None for i in items)
        assert all(i.min_usd < i.max_usd for i in items)
        languages = db.session.execute(
            select(OpportunityText.lang, func.count())
            .join(Opportunity)
            .where(Opportunity.id.in_([i.id for i in items]))
            .group_by(OpportunityText.lang)
        ).all()
        assert dict(languages) == {"en": N, "ur": N, "ru": N, "ky": N}
        vocabulary = dict(db.session.execute(select(SearchTerm.term, SearchTerm.documents)).all())
        published = sum(1 for i in items if i.state == "published")

    page = client.get("/en/opportunities").get_data(as_text=True)
    assert f"{published + 43} opportunities found" in page
    assert "-s" in client.get("/ru/opportunities?q=текстиль").get_data(as_text=True)

    # The shortcut the seed takes to the index gives what indexing each listing would.
    assert runner.invoke(args=["search", "reindex"]).exit_code == 0
    with database(app):
        assert dict(db.session.execute(select(SearchTerm.term, SearchTerm.documents)).all()) == vocabulary


def test_the_seed_says_what_to_load(runner):
    result = runner.invoke(args=["seed"])
    assert result.exit_code != 0 and "--synthetic N" in result.output
    assert runner.invoke(args=["seed", "--synthetic", "0"]).exit_code != 0
