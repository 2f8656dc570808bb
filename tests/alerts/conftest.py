"""Followed searches are tested against a real SMTP server, as enquiries are."""

from tests.enquiries.conftest import app_config, smtp, smtp_port, smtp_server  # noqa: F401
