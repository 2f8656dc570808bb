"""What the health checks ask: does the database answer, and has it been migrated to this code's head revision."""

from __future__ import annotations

import functools
import logging
from dataclasses import dataclass

from alembic.script import ScriptDirectory
from flask import current_app
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from portal.core.extensions import db, reset_session

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Migrations:
    """The revisions in ``migrations/versions``: read once per process, since they change only with a deployment."""

    heads: frozenset[str]
    known: frozenset[str]


@functools.cache
def migrations(directory: str) -> Migrations:
    script = ScriptDirectory(directory)
    return Migrations(
        heads=frozenset(script.get_heads()),
        known=frozenset(revision.revision for revision in script.walk_revisions()),
    )


@dataclass(frozen=True)
class Health:
    database: bool
    #: "current"; "behind" (an older revision, or none: `db upgrade` has not run); "unknown" (a revision
    #: these files do not have: the database was migrated by newer code); None when the database is down
    migrations: str | None = None
    revision: str | None = None
    head: str | None = None

    @property
    def ready(self) -> bool:
        return self.database and self.migrations == "current"


def _joined(revisions: frozenset[str] | set[str]) -> str | None:
    # One revision almost always; several only while migration branches are not merged.
    return ",".join(sorted(revisions)) or None


def check() -> Health:
    """Ask the database whether it answers and which revision it is at."""
    try:
        db.session.execute(text("SELECT 1"))
    except SQLAlchemyError:
        log.exception("health check: database unreachable")
        reset_session()
        return Health(database=False)
    try:
        revisions = set(db.session.scalars(text("SELECT version_num FROM alembic_version")))
    except SQLAlchemyError:
        # No table: the database answers but was never migrated.
        reset_session()
        revisions = set()
    expected = migrations(current_app.extensions["migrate"].directory)
    if revisions == expected.heads:
        state = "current"
    elif revisions <= expected.known:
        state = "behind"
    else:
        state = "unknown"
    revision, head = _joined(revisions), _joined(expected.heads)
    if state != "current":
        log.warning("health check: database at revision %s, migrations at %s", revision, head)
    return Health(database=True, migrations=state, revision=revision, head=head)
