"""Fifty investors pressing "send" at the same moment get fifty enquiries and fifty references."""

from __future__ import annotations

import threading

from sqlalchemy import func, select

from portal.core.extensions import db
from portal.enquiries.models import Enquiry
from portal.mail.models import OutboxMessage
from tests.conftest import database
from tests.enquiries.conftest import VALID
from tests.factories import make_agency

SUBMISSIONS = 50


def test_simultaneous_submissions_get_distinct_references(pg_app):
    pg_app.config["WTF_CSRF_ENABLED"] = False
    with database(pg_app):
        make_agency("BOI", "PK")
        make_agency("NIA", "KG")

    start = threading.Barrier(SUBMISSIONS)
    statuses = []

    def investor(number: int):
        client = pg_app.test_client()
        data = {**VALID, "destination": "kg" if number % 2 else "pk", "email": f"investor{number}@example.net"}
        start.wait()
        statuses.append(client.post("/en/enquire", data=data).status_code)

    threads = [threading.Thread(target=investor, args=(n,)) for n in range(SUBMISSIONS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)

    assert statuses == [303] * SUBMISSIONS
    with database(pg_app):
        references = db.session.scalars(select(Enquiry.reference)).all()
        outbox_size = db.session.scalar(select(func.count()).select_from(OutboxMessage))
    assert len(references) == SUBMISSIONS
    assert len(set(references)) == SUBMISSIONS
    pk = sorted(r for r in references if r.startswith("PK-"))
    assert [int(r.rsplit("-", 1)[1]) for r in pk] == list(range(1, 26))  # no gaps, no repeats
    assert outbox_size == 2 * SUBMISSIONS
