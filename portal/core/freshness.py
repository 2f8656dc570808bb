"""One number that changes whenever anything the public sees changes.

Features mark the models whose rows appear on public pages with ``@public``.
Any flush that adds, changes or deletes one of them raises the number, in the
same transaction. Whatever a process keeps between requests (the response
cache, reference data, the search vocabulary) is kept under the number it was
read at and read again once the number has moved, so every worker of every
instance sees a change at its next request, without being told.
"""

from __future__ import annotations

from itertools import chain
from typing import Any, TypeVar

from flask import current_app, g, has_request_context
from sqlalchemy import event, select, update
from sqlalchemy.orm import Mapped, Session, mapped_column

from portal.core.extensions import Model, db

T = TypeVar("T", bound=type)

#: models whose rows are shown to the public
_PUBLIC: list[type] = []


class ContentVersion(Model):
    """A single row (id 1): the version of the public content."""

    id: Mapped[int] = mapped_column(primary_key=True)
    version: Mapped[int] = mapped_column(default=1)


def public(model: T) -> T:
    """Class decorator: a change to a row of ``model`` changes what the public sees."""
    _PUBLIC.append(model)
    return model


def touches_public(session: Session) -> bool:
    kinds = tuple(_PUBLIC)
    return any(isinstance(obj, kinds) for obj in chain(session.new, session.dirty, session.deleted))


def bump(connection: Any) -> None:
    """Raise the version; for writes that bypass the ORM (bulk loads, raw SQL)."""
    connection.execute(update(ContentVersion).where(ContentVersion.id == 1).values(version=ContentVersion.version + 1))


@event.listens_for(Session, "before_flush")
def _bump_on_public_change(session: Session, flush_context: Any, instances: Any) -> None:
    if touches_public(session):
        bump(session.connection())


def current() -> int:
    """The version of the public content, read once per request."""
    if has_request_context() and "content_version" in g:
        return int(g.content_version)
    version = db.session.scalar(select(ContentVersion.version).where(ContentVersion.id == 1)) or 0
    if has_request_context():
        g.content_version = version
    return version


class PerVersion:
    """A value computed once per content version, app and process: ``PerVersion(load).get()``.

    Keep only what is read, never changed, by the requests that share it: ORM objects
    in it outlive their session, with what ``load`` loaded of them.
    """

    def __init__(self, load: Any):
        self._load = load

    def get(self) -> Any:
        version = current()
        kept = current_app.extensions.setdefault("per_version", {})
        seen = kept.get(self)
        if seen is None or seen[0] != version:
            seen = kept[self] = (version, self._load())
        return seen[1]
