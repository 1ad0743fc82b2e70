"""Finding and creating a person by national ID, and the enrolment a person currently has."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from skillbridge.models import Person
from skillbridge.platform.services.identity import IdentityKeys, mask_national_id


def person_by_national_id(session: Session, keys: IdentityKeys, national_id: str) -> Person | None:
    """The person with this (already normalised) national ID, found by its keyed hash."""
    return session.scalar(select(Person).where(Person.national_id_hash == keys.hash(national_id)))


def new_person(
    keys: IdentityKeys,
    national_id: str,
    name: str,
    birth_date: date,
    phone: str | None = None,
    email: str | None = None,
) -> Person:
    """A person row for a normalised national ID, the ID kept only encrypted, masked and hashed."""
    return Person(
        name=name,
        birth_date=birth_date,
        national_id_masked=mask_national_id(national_id),
        national_id_hash=keys.hash(national_id),
        national_id_encrypted=keys.encrypt(national_id),
        phone=phone,
        email=email,
    )
