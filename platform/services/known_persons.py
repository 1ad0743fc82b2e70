"""Finding a person the platform knows by national ID and the name it holds for them."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from skillbridge.models import Person
from skillbridge.platform.services.errors import InvalidInput
from skillbridge.platform.services.identity import IdentityKeys, normalise_national_id
from skillbridge.platform.text import N_


def known_person(
    session: Session, keys: IdentityKeys, name: str, national_id: str, unknown: str
) -> Person:
    """The person of `national_id` if the platform holds them under `name`; else InvalidInput.

    A roster (competition participants, course trainees) never creates people, and whoever keeps
    it learns nothing of a person it cannot name; `unknown` is the roster's own refusal of an ID
    the platform does not hold.
    """
    try:
        compact = normalise_national_id(national_id.strip())
    except InvalidInput:
        raise InvalidInput(N_("身份证号：格式无效（应为 18 位居民身份证号）")) from None
    person = session.scalar(select(Person).where(Person.national_id_hash == keys.hash(compact)))
    if person is None:
        raise InvalidInput(unknown)
    if person.name != name.strip():
        raise InvalidInput(N_("姓名：与平台登记的不符"))
    return person
