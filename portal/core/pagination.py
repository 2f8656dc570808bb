"""Page numbers read from a query string, and one page of a query's rows."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from flask import abort
from sqlalchemy import Select, func

from portal.core.extensions import db

#: what an absurdly long page number becomes: still a number, and past any last page
LAST_POSSIBLE_PAGE = 10**9


def page_number(value: str | None) -> int:
    """The page asked for: 1 for anything that is not a positive whole number."""
    if not value or not value.isascii() or not value.isdigit():
        return 1
    return max(1, int(value)) if len(value) <= 9 else LAST_POSSIBLE_PAGE


@dataclass
class Page:
    items: list[Any]
    total: int
    page: int
    per_page: int

    @property
    def pages(self) -> int:
        return max(1, math.ceil(self.total / self.per_page))

    def numbers(self, around: int = 2) -> list[int | None]:
        """The page numbers to link: the first, the last, and those near this one; None where some are left out."""
        shown = sorted({1, self.pages, *range(max(1, self.page - around), min(self.pages, self.page + around) + 1)})
        out: list[int | None] = []
        for number in shown:
            if out and number - (out[-1] or 0) > 1:
                out.append(None)
            out.append(number)
        return out


def paginate(statement: Select, page: int, per_page: int, *options: Any) -> Page:
    """Page ``page`` of the rows ``statement`` selects, loaded with ``options``.

    A page past the last is a 404; the first page always exists, empty or not.
    """
    count = statement.with_only_columns(func.count(), maintain_column_froms=True).order_by(None)
    total = db.session.scalar(count) or 0
    if page > 1 and (page - 1) * per_page >= total:
        abort(404)
    rows = db.session.scalars(statement.options(*options).limit(per_page).offset((page - 1) * per_page))
    return Page(items=list(rows.unique()), total=total, page=page, per_page=per_page)
