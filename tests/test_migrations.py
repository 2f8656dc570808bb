"""The one migration chain upgrades and downgrades on SQLite and PostgreSQL."""

from __future__ import annotations

import pytest
from flask_migrate import downgrade, upgrade
from sqlalchemy import create_engine, inspect, text

from portal.catalogue.search import include_object
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
