"""Reminder mail: the SMTP URL read into settings, a text+HTML message built and sent with smtplib."""

from __future__ import annotations

import smtplib
import ssl
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import formatdate, make_msgid, parseaddr
from enum import StrEnum
from urllib.parse import parse_qs, unquote, urlsplit

# The ports each way of connecting listens on unless the URL names one (RFC 5321, RFC 8314).
DEFAULT_PORTS = {"plain": 25, "starttls": 587, "ssl": 465}
_TRUE = {"1", "true", "yes", "on"}


class Security(StrEnum):
    """How the connection is protected: not at all, upgraded by STARTTLS, or TLS from the start."""

    PLAIN = "plain"
    STARTTLS = "starttls"
    SSL = "ssl"


@dataclass(frozen=True)
class SmtpSettings:
    """Where and how to hand mail over: read from SKILLBRIDGE_SMTP_URL."""

    host: str
    port: int
    security: Security
    username: str | None
    password: str | None
    timeout: float

    @classmethod
    def from_url(cls, url: str, timeout: float) -> SmtpSettings:
        """`smtp://[user:pass@]host[:port][?starttls=true]` or `smtps://…` (TLS from the start)."""
        parts = urlsplit(url.strip())
        if parts.scheme not in ("smtp", "smtps") or not parts.hostname:
            raise ValueError(
                "SKILLBRIDGE_SMTP_URL must look like smtp://user:pass@host:port "
                "(?starttls=true to upgrade) or smtps://user:pass@host:port"
            )
        starttls = parse_qs(parts.query).get("starttls", ["false"])[-1].lower() in _TRUE
        if parts.scheme == "smtps":
            security = Security.SSL
        else:
            security = Security.STARTTLS if starttls else Security.PLAIN
        return cls(
            host=parts.hostname,
            port=parts.port or DEFAULT_PORTS[security.value],
            security=security,
            username=unquote(parts.username) if parts.username else None,
            password=unquote(parts.password) if parts.password is not None else None,
            timeout=timeout,
        )


@dataclass(frozen=True)
class Letter:
    """A message's words, already in its reader's language."""

    subject: str
    text: str
    html: str


def build_message(sender: str, recipient: str, letter: Letter) -> EmailMessage:
    """A multipart/alternative message: the plain text first, the HTML as the richer part."""
    message = EmailMessage()
    message["From"] = sender
    message["To"] = recipient
    message["Subject"] = letter.subject
    message["Date"] = formatdate(usegmt=True)
    domain = parseaddr(sender)[1].rpartition("@")[2] or None
    message["Message-ID"] = make_msgid(domain=domain)
    message.set_content(letter.text)
    message.add_alternative(letter.html, subtype="html")
    return message


def send_message(settings: SmtpSettings, message: EmailMessage) -> None:
    """Hand one message to the server; raises smtplib.SMTPException or OSError when it fails."""
    context = ssl.create_default_context()
    client: smtplib.SMTP
    if settings.security == Security.SSL:
        client = smtplib.SMTP_SSL(
            settings.host, settings.port, timeout=settings.timeout, context=context
        )
    else:
        client = smtplib.SMTP(settings.host, settings.port, timeout=settings.timeout)
    with client:
        if settings.security == Security.STARTTLS:
            client.starttls(context=context)
        if settings.username is not None:
            client.login(settings.username, settings.password or "")
        client.send_message(message)
