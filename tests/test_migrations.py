"""The one migration chain upgrades and downgrades on SQLite and PostgreSQL."""

from __future__ import annotations

import pytest
from flask_migrate import downgrade, upgrade
from sqlalchemy import create_engine, inspect, text

from portal.catalogue.index import include_object
from portal.core.extensions import db
from tests.conftest import make_app


@pytest.fixture(params=["sqlite", "postgresql"])
def empty_database(request, tmp_path):
    """A database of each kind with no tables at all."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path}/migrations.sqlite3"
        return
    server = request.getfixturevalue("postgres_url")
    admin = create_engine(server, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text("DROP DATABASE IF EXISTS migrations_test"))
        connection.execute(text("CREATE DATABASE migrations_test"))
    yield server.rsplit("/", 1)[0] + "/migrations_test"
    with admin.connect() as connection:
        connection.execute(text("DROP DATABASE IF EXISTS migrations_test WITH (FORCE)"))
    admin.dispose()


def tables(url: str) -> set[str]:
    engine = create_engine(url)
    try:
        return set(inspect(engine).get_table_names()) - {"alembic_version"}
    finally:
        engine.dispose()


def test_upgrade_downgrade_upgrade(empty_database):
    app = make_app(empty_database)
    with app.app_context():
        upgrade()
        after_upgrade = tables(empty_database)
        assert {"agency", "sector", "zone", "opportunity", "opportunity_text"} <= after_upgrade
        assert {t.name for t in db.metadata.sorted_tables} <= after_upgrade

        downgrade(revision="base")
        assert not {t for t in tables(empty_database) if not t.startswith("sqlite_")}

        upgrade()
        assert tables(empty_database) == after_upgrade
        db.session.remove()
        db.engine.dispose()


def test_models_match_the_migrations(empty_database):
    """Autogenerate finds nothing to do: the models and the migration chain agree."""
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    app = make_app(empty_database)
    with app.app_context():
        upgrade()
        with db.engine.connect() as connection:
            context = MigrationContext.configure(
                connection,
                opts={"compare_type": True, "include_object": include_object},
            )
            differences = compare_metadata(context, db.metadata)
        assert differences == []
        db.session.remove()
        db.engine.dispose()


def test_enquiry_mail_links_survive_0006_both_ways(empty_database):
    """0006 moves the enquiry ↔ mail link into its own table; no link may be lost either way."""
    app = make_app(empty_database)
    with app.app_context():
        upgrade(revision="0005")
        with db.engine.begin() as connection:
            connection.execute(
                text(
                    "INSERT INTO agency (id, code, country, website, enquiry_email, reply_days, notification_language) "
                    "VALUES (1, 'BOI', 'PK', '', 'boi@example.com', 5, 'en')"
                )
            )
            connection.execute(
                text(
                    "INSERT INTO enquiry (id, reference, agency_id, name, organisation, email, phone, country, "
                    "investor_type, ticket_size, message, reply_language, language, consent_at, status, reply_by, "
                    "created_at, updated_at) VALUES (7, 'PK-2026-00001', 1, 'A', '', 'a@example.net', '', 'KZ', "
                    "'fund', 'undecided', 'A message of some length.', 'en', 'en', '2026-11-01 10:00:00', 'new', "
                    "'2026-11-06', '2026-11-01 10:00:00', '2026-11-01 10:00:00')"
                )
            )
            for message_id, enquiry_id in ((1, 7), (2, 7), (3, None)):
                connection.execute(
                    text(
                        "INSERT INTO outbox_message (id, enquiry_id, kind, recipient, subject, text_body, html_body, "
                        "lang, attempts, next_attempt_at, created_at) VALUES (:id, :enquiry, 'notification', "
                        "'boi@example.com', 's', 't', 'h', 'en', 0, '2026-11-01 10:00:00', '2026-11-01 10:00:00')"
                    ),
                    {"id": message_id, "enquiry": enquiry_id},
                )

        upgrade()
        with db.engine.connect() as connection:
            links = connection.execute(text("SELECT enquiry_id, message_id FROM enquiry_message ORDER BY 2")).all()
            messages = connection.execute(text("SELECT count(*) FROM outbox_message")).scalar()
        assert [tuple(link) for link in links] == [(7, 1), (7, 2)]
        assert messages == 3

        downgrade(revision="0005")
        with db.engine.connect() as connection:
            restored = connection.execute(text("SELECT id, enquiry_id FROM outbox_message ORDER BY id")).all()
        assert [tuple(row) for row in restored] == [(1, 7), (2, 7), (3, None)]
        db.session.remove()
        db.engine.dispose()


def test_files_already_public_stay_public_through_0009(empty_database):
    """0009 holds new files of published listings for review; the files there before stay approved."""
    app = make_app(empty_database)
    with app.app_context():
        upgrade(revision="0008")
        with db.engine.begin() as connection:
            for statement in (
                "INSERT INTO agency (id, code, country, website, enquiry_email, reply_days, notification_language) "
                "VALUES (1, 'BOI', 'PK', '', 'boi@example.com', 5, 'en')",
                "INSERT INTO sector (id, slug, position) VALUES (1, 'textiles', 0)",
                "INSERT INTO opportunity (id, slug, sector_id, country, region, agency_id, kind, stage, state, "
                "featured, is_sample, created_at, updated_at) VALUES (1, 'mill', 1, 'PK', 'pk-punjab', 1, "
                "'greenfield', 'ready', 'published', false, false, '2026-01-01 00:00:00', '2026-01-01 00:00:00')",
                "INSERT INTO attachment (id, opportunity_id, filename, content_type, size, data, created_at) "
                "VALUES (1, 1, 'a.pdf', 'application/pdf', 4, :data, '2026-02-03 04:05:06')",
            ):
                connection.execute(text(statement), {"data": b"%PDF"} if ":data" in statement else {})
        upgrade()
        with db.engine.connect() as connection:
            approved = connection.execute(text("SELECT approved_at FROM attachment")).scalar()
        assert str(approved).startswith("2026-02-03 04:05:06")
        downgrade(revision="0008")
        db.session.remove()
        db.engine.dispose()
