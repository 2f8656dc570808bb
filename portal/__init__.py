"""The investment portal: opportunities in Pakistan and Kyrgyzstan, in four languages."""

from __future__ import annotations

import os
from datetime import timedelta

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix

from portal import config, i18n
from portal import extensions as ext


def create_app(test_config: dict | None = None) -> Flask:
    app = Flask(__name__, instance_relative_config=True)
    os.makedirs(app.instance_path, exist_ok=True)
    app.config.update(config.from_environment(app.instance_path))
    if test_config:
        app.config.update(test_config)

    if app.config["PROXY_HOPS"]:
        # Behind a load balancer: take the client's address and scheme from its headers.
        hops = app.config["PROXY_HOPS"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)

    # A staff session's cookie lapses after the idle time, on public pages too.
    app.permanent_session_lifetime = timedelta(minutes=app.config["STAFF_IDLE_MINUTES"])

    ext.db.init_app(app)
    ext.migrate.init_app(app, ext.db, directory=os.path.join(app.root_path, os.pardir, "migrations"))
    ext.babel.init_app(app, locale_selector=i18n.select_locale)
    ext.csrf.init_app(app)
    ext.mail.init_app(app)
    ext.limiter.init_app(app)
    ext.login_manager.init_app(app)
    i18n.init_app(app)

    from portal import cli, site
    from portal.catalogue import views as catalogue_views
    from portal.admin import curation, inbox, users, views as admin_views  # noqa: F401 (routes attach to admin_views.bp)
    from portal.enquiries import views as enquiry_views

    app.register_blueprint(site.bp)
    app.register_blueprint(catalogue_views.bp)
    app.register_blueprint(enquiry_views.bp)
    app.register_blueprint(admin_views.bp)
    cli.init_app(app)
    app.cli.add_command(users.users_cli)
    return app
