"""The health check (tests/test_operations.py has its live and ready halves) and the error pages."""

from __future__ import annotations

import pytest

from portal.core.extensions import db


def test_healthz_answers_when_the_database_does(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok", "database": True, "migrations": True}


def test_healthz_reports_an_unreachable_database(tmp_path):
    from tests.conftest import make_app

    app = make_app(f"sqlite:///{tmp_path}/missing/dir/db.sqlite3")
    response = app.test_client().get("/healthz")
    assert response.status_code == 503
    assert response.get_json() == {"status": "unavailable", "database": False, "migrations": False}
    with app.app_context():
        db.engine.dispose()


@pytest.mark.parametrize("lang, words", [("en", "Something went wrong"), ("ru", "На нашей стороне произошла ошибка")])
def test_server_error_page_is_localized(app, lang, words):
    app.config["PROPAGATE_EXCEPTIONS"] = False

    @app.get("/<lang:lang>/boom")
    def boom(lang):
        raise LookupError("database went away")

    response = app.test_client().get(f"/{lang}/boom")
    assert response.status_code == 500
    page = response.get_data(as_text=True)
    assert words in page
    assert "database went away" not in page
