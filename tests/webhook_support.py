"""A real webhook receiver for the tests: a threaded HTTP server on loopback that verifies the
signature the way the README tells receivers to, and answers from a script of status codes."""

from __future__ import annotations

import hashlib
import hmac
import threading
import time
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from sqlalchemy.orm import Session

from skillbridge.models import WebhookEndpoint
from skillbridge.platform.services.identity import IdentityKeys
from skillbridge.platform.services.webhooks.outbox import EVENT_TYPES

SECRET = "whsec_test-receiver-secret"


def verify(secret: str, header: str, body: bytes, tolerance: int = 300) -> bool:
    """The README's receiver check, written independently of the platform's own code."""
    fields = dict(part.split("=", 1) for part in header.split(","))
    timestamp = int(fields["t"])
    expected = hmac.new(
        secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256
    ).hexdigest()
    fresh = abs(time.time() - timestamp) <= tolerance
    return fresh and hmac.compare_digest(expected, fields["v1"])


@dataclass(frozen=True)
class Received:
    path: str
    headers: dict[str, str]
    body: bytes
    verified: bool


class Receiver:
    """Answers each POST with the next scripted status (200 once the script is used up)."""

    def __init__(self, secret: str = SECRET) -> None:
        self.secret = secret
        self.received: list[Received] = []
        self.script: list[int] = []
        self._lock = threading.Lock()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                headers = {k: v for k, v in self.headers.items()}
                signature = headers.get("X-SkillBridge-Signature", "")
                with receiver._lock:
                    receiver.received.append(
                        Received(self.path, headers, body, verify(receiver.secret, signature, body))
                    )
                    status = receiver.script.pop(0) if receiver.script else 200
                self.send_response(status)
                if 300 <= status < 400:
                    self.send_header("Location", f"{receiver.url}-moved")
                self.send_header("Content-Length", "2")
                self.end_headers()
                self.wfile.write(b"ok")

            def log_message(self, *_args: object) -> None:
                """Quiet: the tests read `received`."""

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hook"
        self._thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self._thread.start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()
        self._thread.join(timeout=5)


def add_endpoint(
    session: Session,
    keys: IdentityKeys,
    url: str,
    created_by_id: int,
    event_types: list[str] | None = None,
    secret: str = SECRET,
    **organisation: int,
) -> WebhookEndpoint:
    """An endpoint row of one organisation (school_id=, enterprise_id= or region_id=)."""
    endpoint = WebhookEndpoint(
        url=url,
        event_types=event_types or sorted(EVENT_TYPES),
        secret_encrypted=keys.encrypt(secret),
        active=True,
        created_by_id=created_by_id,
        **organisation,
    )
    session.add(endpoint)
    session.flush()
    return endpoint
