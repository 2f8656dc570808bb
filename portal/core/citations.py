"""Facts with sources: the ``citations`` every kind of sourced content carries, and reading them by topic."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import JSON
from sqlalchemy.orm import Mapped, mapped_column


class Cited:
    """Mixin for content whose facts cite sources.

    ``citations`` is a list of ``{"topic": str, "source": int, "as_of": "YYYY-MM-DD"}``: which group of
    facts a source (``catalogue.models.Source``, by id) backs, and the date on which the facts were so.
    It is edited with the rest of the item, so a change to it waits for review like any other.
    """

    citations: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list, server_default="[]")


@dataclass(frozen=True)
class Backing:
    """The sources of one group of facts, and the date the group is true as of (the latest)."""

    topic: str
    as_of: date
    sources: list[Any]


def backing(citations: list[dict[str, Any]] | None, sources: dict[int, Any], topics: tuple[str, ...]) -> list[Backing]:
    """The cited groups of facts, in the order of ``topics``, each with its sources (as ``sources`` holds them).

    A citation whose source no longer exists is left out.
    """
    found: dict[str, list[tuple[date, Any]]] = {}
    for citation in citations or []:
        source = sources.get(citation.get("source"))  # type: ignore[arg-type]
        if source is not None and citation.get("topic") in topics:
            found.setdefault(citation["topic"], []).append((date.fromisoformat(citation["as_of"]), source))
    groups = []
    for topic in topics:
        if topic in found:
            cited = found[topic]
            unique = list(dict.fromkeys(source for _, source in cited))
            groups.append(Backing(topic, max(day for day, _ in cited), unique))
    return groups


def cited_ids(*items: Any) -> set[int]:
    """The ids of the sources ``items`` cite."""
    return {citation["source"] for item in items for citation in (getattr(item, "citations", None) or [])}
