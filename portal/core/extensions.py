"""Extensions, created here and bound to the app in ``create_app``."""

from typing import TYPE_CHECKING, Any

from flask_babel import Babel
from flask_babel import lazy_gettext as _l
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_mailman import Mail
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf import CSRFProtect
from sqlalchemy import MetaData, event
from sqlalchemy.engine import Engine
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import DeclarativeBase


class Base(DeclarativeBase):
    # Named constraints let Alembic alter tables on SQLite (batch mode) reliably.
    metadata = MetaData(
        naming_convention={
            "ix": "ix_%(column_0_label)s",
            "uq": "uq_%(table_name)s_%(column_0_name)s",
            "ck": "ck_%(table_name)s_%(constraint_name)s",
            "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
            "pk": "pk_%(table_name)s",
        }
    )


db = SQLAlchemy(model_class=Base)

# The base class of every model. Flask-SQLAlchemy builds ``db.Model`` at run
# time (adding table names and ``query``); type checkers see its declarative base.
if TYPE_CHECKING:
    Model = Base
else:
    Model = db.Model


@event.listens_for(Engine, "connect")
def _sqlite_foreign_keys(dbapi_connection: Any, connection_record: Any) -> None:
    # SQLite checks foreign keys (and runs ON DELETE rules) only when asked, per connection.
    if type(dbapi_connection).__module__.startswith("sqlite3"):
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.close()


def reset_session() -> None:
    """Roll back the session's transaction; if the database has dropped the connection, discard it instead.

    A restarting PostgreSQL ends each connection with "terminating connection due to
    administrator command", after which even ROLLBACK fails.
    """
    try:
        db.session.rollback()
    except SQLAlchemyError:
        db.session().invalidate()


def remove_session(exception: BaseException | None = None) -> None:
    """End the request's session (teardown); a connection the database dropped is thrown away, not an error.

    Registered after Flask-SQLAlchemy's own teardown, so it runs first and leaves that one nothing to do.
    """
    try:
        db.session.remove()
    except SQLAlchemyError:
        db.session().invalidate()
        db.session.remove()


migrate = Migrate()
babel = Babel()
csrf = CSRFProtect()
mail = Mail()
login_manager = LoginManager()
login_manager.login_view = "staff.login"
login_manager.session_protection = "strong"
login_manager.login_message = _l("Please sign in to see this page.")
#: no default limits: the routes that need one (enquiry form, status lookup) name theirs
limiter = Limiter(key_func=get_remote_address)


def limiter_storage_answers() -> bool:
    """Whether the rate limiter's storage (Redis in production) answers now."""
    try:
        return bool(limiter.storage.check())
    except Exception:  # the storage client's own error (refused, timed out): as unreachable as a False
        return False
