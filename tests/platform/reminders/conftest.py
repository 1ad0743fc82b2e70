"""A real SMTP server for the reminder tests: aiosmtpd on a free loopback port, collecting mail."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.message import EmailMessage
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword
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


def _serve(auth: bool) -> Iterator[Inbox]:
    inbox = Inbox()
    port = free_port()
    options: dict[str, Any] = (
        {"authenticator": _authenticate, "auth_required": True, "auth_require_tls": False}
        if auth
        else {}
    )
    controller = Controller(_Collector(inbox), hostname="127.0.0.1", port=port, **options)
    controller.start()
    credentials = f"{USERNAME}:{SECRET}@" if auth else ""
    inbox.url = f"smtp://{credentials}127.0.0.1:{port}"
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
