"""The inbox as a spreadsheet: CSV that opens in Excel with Urdu and Cyrillic intact, and runs no formula."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from typing import Any

from portal.enquiries.models import Enquiry

#: Characters that make a spreadsheet treat a cell as a formula (full-width forms included).
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\n", "＝", "＋", "－", "＠")
COLUMNS = (
    "reference", "agency", "status", "received", "reply_by", "overdue", "name", "organisation", "email", "phone",
    "country", "investor_type", "ticket_size", "opportunity", "language", "reply_language", "assignee", "message",
)  # fmt: skip


def spreadsheet_safe(value: Any) -> str:
    """A cell value that Excel and LibreOffice show as text, never run as a formula."""
    text = "" if value is None else str(value)
    return "'" + text if text.lstrip(" ").startswith(_FORMULA_START) else text


def _row(item: Enquiry) -> tuple[Any, ...]:
    return (
        item.reference, item.agency.code, item.status, item.created_at.isoformat(timespec="minutes"),
        item.reply_by.isoformat(), "yes" if item.overdue else "no", item.name, item.organisation, item.email,
        item.phone, item.country, item.investor_type, item.ticket_size,
        item.opportunity.slug if item.opportunity else "", item.language, item.reply_language,
        item.assignee.email if item.assignee else "", item.message,
    )  # fmt: skip


def to_csv(enquiries: Iterable[Enquiry]) -> bytes:
    """UTF-8 with a byte-order mark, which tells Excel the encoding."""
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out)
    writer.writerow(COLUMNS)
    for item in enquiries:
        writer.writerow([spreadsheet_safe(value) for value in _row(item)])
    return out.getvalue().encode("utf-8")
