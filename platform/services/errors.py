"""Domain errors raised by services and mapped to HTTP statuses by the web layer."""

from __future__ import annotations


class DomainError(Exception):
    """Base of every error a service raises on purpose; `status` is the HTTP status it maps to."""

    status = 400

    def __init__(self, message: str, *, details: list[str] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.details = details or []


class InvalidInput(DomainError):
    """The request's data is wrong; `details` lists every problem found."""

    status = 400


class PermissionDenied(DomainError):
    """The actor may see the object but may not do this to it."""

    status = 403


class NotFound(DomainError):
    """The object does not exist, or the actor may not know that it does (404 before 403)."""

    status = 404


class Conflict(DomainError):
    """The action collides with the current state (a taken seat, a duplicate claim, a spent cap)."""

    status = 409
