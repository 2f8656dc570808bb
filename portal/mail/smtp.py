"""SMTP that checks whom it talks to: STARTTLS and SMTPS verify the server's certificate.

Flask-Mailman's backend starts TLS with Python's unverified default context
when no client certificate is configured, so a machine in the middle could
read every enquiry. This backend verifies the certificate and the host name
against the system's CAs, or against ``MAIL_CA_FILE`` when it is set; a server
that cannot be verified is a failed delivery, retried like any other.
"""

from __future__ import annotations

import contextlib
import smtplib
import ssl
from functools import cached_property

from flask import current_app
from flask_mailman.backends.smtp import EmailBackend as MailmanBackend


def tls_context() -> ssl.SSLContext:
    """A client context that verifies the server: the system's CAs, or MAIL_CA_FILE."""
    context = ssl.create_default_context(cafile=current_app.config.get("MAIL_CA_FILE") or None)
    context.minimum_version = ssl.TLSVersion.TLSv1_2
    return context


class EmailBackend(MailmanBackend):
    connection: smtplib.SMTP | None

    @cached_property
    def ssl_context(self) -> ssl.SSLContext:  # used for SMTPS (MAIL_USE_SSL) and STARTTLS
        context = tls_context()
        if self.ssl_certfile:
            context.load_cert_chain(self.ssl_certfile, self.ssl_keyfile)
        return context

    def open(self) -> bool | None:
        if self.connection:
            return False
        if self.use_ssl or not self.use_tls:
            return super().open()
        # STARTTLS: Flask-Mailman's own open() would not verify the certificate, so this one connects itself.
        connection = None
        try:
            connection = self.connection_class(self.host, self.port, timeout=self.timeout)
            connection.starttls(context=self.ssl_context)
            if self.username and self.password:
                connection.login(self.username, self.password)
            self.connection = connection
        except OSError:
            # A refused handshake leaves nothing worth a polite QUIT.
            if connection is not None:
                with contextlib.suppress(OSError):
                    connection.close()
            if not self.fail_silently:
                raise
            return None
        return True
