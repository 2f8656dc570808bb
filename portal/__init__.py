"""The investment portal: opportunities in Pakistan and Kyrgyzstan, in four languages."""

from __future__ import annotations

import contextlib
import os
from datetime import timedelta
from typing import Any

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix

from portal.core import assets, config, i18n, pagecache, requestlog, security
from portal.core import extensions as ext


def create_app(test_config: dict[str, Any] | None = None) -> Flask:
    app = Flask(__name__, instance_relative_config=True)
    # The instance folder holds the SQLite file and the key `make run` writes; a read-only
    # production install (systemd's ProtectSystem=strict) needs neither, and may lack it.
    with contextlib.suppress(OSError):
        os.makedirs(app.instance_path, exist_ok=True)
    app.config.update(config.from_environment(app.instance_path))
    if test_config:
        app.config.update(test_config)

    security.init_app(app)

    if app.config["PROXY_HOPS"]:
        # Behind a load balancer: take the client's address and scheme from its headers.
        hops = app.config["PROXY_HOPS"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)  # type: ignore[method-assign]

    # A staff session's cookie lapses after the idle time, on public pages too.
    app.permanent_session_lifetime = timedelta(minutes=app.config["STAFF_IDLE_MINUTES"])

    ext.db.init_app(app)
    app.teardown_appcontext(ext.remove_session)
    ext.migrate.init_app(app, ext.db, directory=os.path.join(app.root_path, os.pardir, "migrations"))
    ext.babel.init_app(app, locale_selector=i18n.select_locale)
    ext.csrf.init_app(app)
    ext.mail.init_app(app)
    ext.limiter.init_app(app)
    ext.login_manager.init_app(app)
    i18n.init_app(app)
    requestlog.init_app(app)
    assets.init_app(app)

    from portal.alerts import cli as alerts_cli
    from portal.alerts import views as alert_views
    from portal.catalogue import cli as catalogue_cli
    from portal.catalogue import compare, corridor, curation, estimator, review
    from portal.catalogue import views as catalogue_views
    from portal.core import site
    from portal.dashboard import views as dashboard_views
    from portal.enquiries import cli as enquiries_cli
    from portal.enquiries import inbox
    from portal.enquiries import views as enquiry_views
    from portal.mail import cli as mail_cli
    from portal.opendata import api, feeds, sitemap
    from portal.opendata import views as opendata_views
    from portal.operations import metrics
    from portal.operations.check import check
    from portal.operations.pages import error_pages
    from portal.operations.seed import seed
    from portal.staff import cli as staff_cli
    from portal.staff import views as staff_views

    for blueprint in (
        site.bp,
        catalogue_views.bp,
        corridor.bp,
        compare.bp,
        estimator.bp,
        curation.bp,
        review.bp,
        enquiry_views.bp,
        alert_views.bp,
        inbox.bp,
        staff_views.bp,
        dashboard_views.bp,
        api.bp,
        feeds.bp,
        sitemap.bp,
        opendata_views.bp,
    ):
        app.register_blueprint(blueprint)
    commands = (
        seed,
        catalogue_cli.search,
        mail_cli.outbox,
        enquiries_cli.enquiries,
        alerts_cli.alerts,
        staff_cli.users,
        check,
        error_pages,
    )
    for command in commands:
        app.cli.add_command(command)
    metrics.init_app(app)
    # Last, so that the checks every request passes (hosts, input) come before a stored page.
    pagecache.init_app(app)
    return app
