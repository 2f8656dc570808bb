"""Settings, read once from the environment, each with a default that works on a laptop."""

import os


def _bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _secret_key(instance_path: str) -> str | None:
    """SECRET_KEY, else the key ``make run`` wrote to the instance folder, else none (the app will not start)."""
    key = os.environ.get("SECRET_KEY")
    if key:
        return key
    try:
        with open(os.path.join(instance_path, "secret_key"), encoding="ascii") as f:
            return f.read().strip() or None
    except FileNotFoundError:
        return None


def _list(name: str) -> list[str] | None:
    value = os.environ.get(name)
    return [item.strip() for item in value.split(",") if item.strip()] if value else None


def _engine_options(url: str) -> dict:
    """A connection is tested before use (pre-ping), so a restarted database costs no failed request."""
    options: dict = {"pool_pre_ping": True}
    if url.startswith("postgresql"):
        options.update(
            #: connections each worker process keeps open, and how many more it may open at a peak
            pool_size=int(os.environ.get("DATABASE_POOL_SIZE", "5")),
            max_overflow=int(os.environ.get("DATABASE_MAX_OVERFLOW", "5")),
            #: a request waits this long for a free connection, then gets the 503 page
            pool_timeout=int(os.environ.get("DATABASE_POOL_TIMEOUT", "10")),
            pool_recycle=1800,
            connect_args={"connect_timeout": int(os.environ.get("DATABASE_CONNECT_TIMEOUT", "5"))},
        )
    return options


def _storage_options(uri: str) -> dict:
    """A Redis that does not answer must not hold requests up: give up quickly and count in memory meanwhile."""
    if uri.startswith(("redis://", "rediss://")):
        return {"socket_connect_timeout": 1, "socket_timeout": 1}
    return {}


def _cache(kind: str) -> dict:
    """Flask-Caching's settings for the page cache (core.pagecache)."""
    settings: dict = {
        "CACHE_TYPE": kind,
        "CACHE_DEFAULT_TIMEOUT": int(os.environ.get("CACHE_DEFAULT_TIMEOUT", "300")),
        "CACHE_KEY_PREFIX": "portal:",
        "CACHE_THRESHOLD": 2000,
    }
    if kind.lower().startswith("redis"):
        settings["CACHE_REDIS_URL"] = os.environ.get("CACHE_REDIS_URL", "redis://127.0.0.1:6379/1")
        settings["CACHE_OPTIONS"] = {"socket_connect_timeout": 1, "socket_timeout": 1}
    return settings


def from_environment(instance_path: str) -> dict:
    """Return the settings as a dict for ``app.config.update``."""
    default_db = "sqlite:///" + os.path.join(instance_path, "portal.sqlite3")
    return {
        "SECRET_KEY": _secret_key(instance_path),
        "SQLALCHEMY_DATABASE_URI": os.environ.get("DATABASE_URL", default_db),
        "SQLALCHEMY_ENGINE_OPTIONS": _engine_options(os.environ.get("DATABASE_URL", default_db)),
        "LANGUAGES": ["en", "ur", "ru", "ky"],
        "BABEL_DEFAULT_LOCALE": "en",
        "BABEL_DEFAULT_TIMEZONE": "UTC",
        "BABEL_TRANSLATION_DIRECTORIES": "../translations",
        "WTF_I18N_ENABLED": False,
        #: proxies in front of the app whose X-Forwarded-* headers are trusted (0: none)
        "PROXY_HOPS": int(os.environ.get("PROXY_HOPS", "0")),
        #: addresses and networks (CIDR) that may read /metrics; anyone else gets a 404
        "METRICS_ALLOWED_IPS": _list("METRICS_ALLOWED_IPS") or ["127.0.0.1", "::1"],
        "PAGE_SIZE": int(os.environ.get("PAGE_SIZE", "12")),
        "MAX_CONTENT_LENGTH": int(os.environ.get("MAX_CONTENT_LENGTH", str(256 * 1024))),
        "ATTACHMENT_MAX_BYTES": int(os.environ.get("ATTACHMENT_MAX_BYTES", str(10 * 1024 * 1024))),
        "MAIL_BACKEND": os.environ.get("MAIL_BACKEND", "smtp"),
        "MAIL_SERVER": os.environ.get("MAIL_SERVER", "localhost"),
        "MAIL_PORT": int(os.environ.get("MAIL_PORT", "25")),
        "MAIL_USE_TLS": _bool("MAIL_USE_TLS", False),
        "MAIL_USE_SSL": _bool("MAIL_USE_SSL", False),
        "MAIL_USERNAME": os.environ.get("MAIL_USERNAME") or None,
        "MAIL_PASSWORD": os.environ.get("MAIL_PASSWORD") or None,
        "MAIL_DEFAULT_SENDER": os.environ.get("MAIL_DEFAULT_SENDER", "Investment Portal <portal@example.com>"),
        #: CA certificates to verify the mail server with, instead of the system's
        "MAIL_CA_FILE": os.environ.get("MAIL_CA_FILE") or None,
        "MAIL_TIMEOUT": int(os.environ.get("MAIL_TIMEOUT", "15")),
        "OUTBOX_MAX_ATTEMPTS": int(os.environ.get("OUTBOX_MAX_ATTEMPTS", "8")),
        "OUTBOX_RETRY_SECONDS": int(os.environ.get("OUTBOX_RETRY_SECONDS", "60")),
        #: how long a worker holds the messages it took; a worker that died frees them after this
        "OUTBOX_CLAIM_SECONDS": int(os.environ.get("OUTBOX_CLAIM_SECONDS", "600")),
        "RATELIMIT_STORAGE_URI": os.environ.get("RATELIMIT_STORAGE_URI", "memory://"),
        "RATELIMIT_STORAGE_OPTIONS": _storage_options(os.environ.get("RATELIMIT_STORAGE_URI", "memory://")),
        # With Redis down, each process counts in memory (a warning is logged) until Redis answers again.
        "RATELIMIT_IN_MEMORY_FALLBACK_ENABLED": True,
        #: how many worker processes serve (gunicorn reads the same variable); `check` compares it with the storage
        "WEB_CONCURRENCY": int(os.environ.get("WEB_CONCURRENCY", "1")),
        "RATELIMIT_ENABLED": _bool("RATELIMIT_ENABLED", True),
        "RATELIMIT_HEADERS_ENABLED": True,
        "ENQUIRY_RATE_LIMIT": os.environ.get("ENQUIRY_RATE_LIMIT", "5 per minute; 30 per day"),
        "API_RATE_LIMIT": os.environ.get("API_RATE_LIMIT", "120 per minute; 5000 per hour"),
        "STATUS_RATE_LIMIT": os.environ.get("STATUS_RATE_LIMIT", "10 per minute; 50 per day"),
        #: subscriptions to a search, per address sending them (each one sends a confirmation mail)
        "ALERT_RATE_LIMIT": os.environ.get("ALERT_RATE_LIMIT", "3 per minute; 10 per day"),
        #: days a subscription waits for its confirmation before it is deleted with its address
        "ALERT_CONFIRM_DAYS": int(os.environ.get("ALERT_CONFIRM_DAYS", "7")),
        #: days after which `enquiries purge` anonymises a closed (or spam) enquiry, and any enquiry at all
        "RETENTION_CLOSED_DAYS": int(os.environ.get("RETENTION_CLOSED_DAYS", "365")),
        "RETENTION_DAYS": int(os.environ.get("RETENTION_DAYS", "1095")),
        #: werkzeug's name of the password hash; scrypt unless a test wants speed
        "PASSWORD_HASH_METHOD": os.environ.get("PASSWORD_HASH_METHOD", "scrypt"),
        "STAFF_IDLE_MINUTES": int(os.environ.get("STAFF_IDLE_MINUTES", "30")),
        #: "required": staff sign in with a code from an authenticator app too; "optional" for development
        "STAFF_TWO_FACTOR": os.environ.get("STAFF_TWO_FACTOR", "required").strip().lower(),
        #: the name authenticator apps show next to the code
        "TWO_FACTOR_ISSUER": os.environ.get("TWO_FACTOR_ISSUER", "Investment Portal"),
        "LOGIN_ACCOUNT_LIMIT": os.environ.get("LOGIN_ACCOUNT_LIMIT", "5 per 15 minutes"),
        "LOGIN_IP_LIMIT": os.environ.get("LOGIN_IP_LIMIT", "20 per 15 minutes"),
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": _bool("SESSION_COOKIE_SECURE", False),
        #: base of every absolute link (mail, hreflang); its host is the one requests may use
        "PORTAL_URL": os.environ.get("PORTAL_URL", "http://127.0.0.1:5000"),
        #: host names requests may arrive under; None: the host of PORTAL_URL
        "TRUSTED_HOSTS": _list("TRUSTED_HOSTS"),
        #: pages for visitors without a session: SimpleCache (per process), RedisCache (CACHE_REDIS_URL), NullCache
        **_cache(os.environ.get("CACHE_TYPE", "SimpleCache")),
    }
