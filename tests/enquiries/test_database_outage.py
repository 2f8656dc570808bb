"""When the database does not answer, visitors get a localized 503 and nothing is half-written."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from portal.core.extensions import db
from portal.enquiries.models import Enquiry
from tests.conftest import database
from tests.enquiries.conftest import send_enquiry


@pytest.mark.parametrize(
    "lang, words",
    [
        ("en", "The portal is briefly unavailable"),
        ("ur", None),
        ("ru", None),
        ("ky", None),
    ],
)
def test_an_unreachable_database_gets_a_localized_503(tmp_path, lang, words):
    from tests.conftest import make_app

    app = make_app(f"sqlite:///{tmp_path}/missing/dir/db.sqlite3")
    app.config["PROPAGATE_EXCEPTIONS"] = False
    response = app.test_client().get(f"/{lang}/opportunities")
    assert response.status_code == 503
    assert response.headers["Retry-After"] == "30"
    page = response.get_data(as_text=True)
    assert f'lang="{lang}"' in page
    english = "The portal is briefly unavailable"
    assert (english in page) if lang == "en" else (english not in page)
    assert "sqlite" not in page.lower()
    with app.app_context():
        db.engine.dispose()


def test_an_enquiry_whose_commit_fails_is_not_stored_and_gets_a_503(app, monkeypatch, agencies):
    from sqlalchemy.exc import OperationalError

    app.config["PROPAGATE_EXCEPTIONS"] = False
    client = app.test_client()
    real_commit = db.session.commit

    def dropped(*args, **kwargs):
        raise OperationalError("COMMIT", {}, ConnectionResetError("server closed the connection"))

    form = client.get("/en/enquire")  # the form page reads the database before the outage begins
    assert form.status_code == 200
    monkeypatch.setattr(db.session, "commit", dropped, raising=False)
    response = send_enquiry(client)
    monkeypatch.setattr(db.session, "commit", real_commit, raising=False)
    assert response.status_code == 503
    with database(app):
        assert db.session.scalar(select(func.count(Enquiry.id))) == 0


def test_a_connection_the_database_terminated_after_the_answer_does_not_turn_it_into_an_error(pg_app):
    """PostgreSQL restarting ends each session with 'terminating connection due to administrator command'.

    When that lands after the view has answered, the answer stands: the dead connection is thrown away.
    """
    from flask import current_app
    from sqlalchemy import create_engine, text

    @pg_app.get("/en/terminated")
    def terminated():
        pid = db.session.execute(text("SELECT pg_backend_pid()")).scalar()
        other = create_engine(current_app.config["SQLALCHEMY_DATABASE_URI"])
        with other.begin() as connection:
            connection.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})
        other.dispose()
        return "answered"

    response = pg_app.test_client().get("/en/terminated")
    assert (response.status_code, response.get_data(as_text=True)) == (200, "answered")
    # The next request gets a fresh connection.
    assert pg_app.test_client().get("/healthz/ready").status_code == 200
