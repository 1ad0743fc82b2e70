"""A real SMTP server for the reminder tests: aiosmtpd on a free loopback port, collecting mail."""

from __future__ import annotations

import ipaddress
import ssl
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from support import free_port

USERNAME, SECRET = "skillbridge", "mail-secret"


@dataclass
class Inbox:
    """What the server accepted: one (envelope recipients, parsed message) per mail."""

    mails: list[tuple[list[str], EmailMessage]] = field(default_factory=list)
    refuse: set[str] = field(default_factory=set)  # recipients the server answers 550
    url: str = ""

    def to(self, address: str) -> list[EmailMessage]:
        return [message for rcpt, message in self.mails if address in rcpt]


class _Collector:
    def __init__(self, inbox: Inbox) -> None:
        self.inbox = inbox

    async def handle_RCPT(
        self, server: Any, session: Any, envelope: Any, address: str, options: Any
    ) -> str:
        if address in self.inbox.refuse:
            return "550 mailbox unavailable"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        message = message_from_bytes(envelope.original_content, policy=policy.default)
        assert isinstance(message, EmailMessage)
        self.inbox.mails.append((list(envelope.rcpt_tos), message))
        return "250 Message accepted"


def _authenticate(
    server: Any, session: Any, envelope: Any, mechanism: str, auth_data: Any
) -> AuthResult:
    ok = isinstance(auth_data, LoginPassword) and (auth_data.login, auth_data.password) == (
        USERNAME.encode(),
        SECRET.encode(),
    )
    return AuthResult(success=ok, handled=False)


def _serve(auth: bool, tls: ssl.SSLContext | None = None) -> Iterator[Inbox]:
    inbox = Inbox()
    port = free_port()
    options: dict[str, Any] = {}
    if auth:
        options.update(authenticator=_authenticate, auth_required=True)
        options["auth_require_tls"] = tls is not None
    if tls is not None:
        options.update(tls_context=tls, require_starttls=True)
    controller = Controller(_Collector(inbox), hostname="127.0.0.1", port=port, **options)
    controller.start()
    credentials = f"{USERNAME}:{SECRET}@" if auth else ""
    upgrade = "?starttls=true" if tls is not None else ""
    inbox.url = f"smtp://{credentials}127.0.0.1:{port}{upgrade}"
    try:
        yield inbox
    finally:
        controller.stop()


@pytest.fixture
def smtp_server() -> Iterator[Inbox]:
    """A plain SMTP server that accepts every mail."""
    yield from _serve(auth=False)


@pytest.fixture
def smtp_auth_server() -> Iterator[Inbox]:
    """An SMTP server that refuses mail until the client logs in (AUTH LOGIN/PLAIN)."""
    yield from _serve(auth=True)


def _self_signed(folder: Path) -> tuple[Path, Path]:
    """A certificate for 127.0.0.1 signed by its own key (certificate file, key file)."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = datetime.now(UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(minutes=5))
        .not_valid_after(now + timedelta(days=1))
        .add_extension(
            x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
            critical=False,
        )
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    cert_file, key_file = folder / "smtp.crt", folder / "smtp.key"
    cert_file.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    key_file.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return cert_file, key_file


@pytest.fixture
def smtp_starttls_server(tmp_path: Path) -> Iterator[tuple[Inbox, Path]]:
    """A server that takes mail only after STARTTLS and AUTH, and its certificate (to trust)."""
    cert_file, key_file = _self_signed(tmp_path)
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert_file, key_file)
    for inbox in _serve(auth=True, tls=context):
        yield inbox, cert_file
