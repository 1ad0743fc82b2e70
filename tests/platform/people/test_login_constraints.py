"""Every account keeps a login (an e-mail or a phone number), and no phone logs in to two."""

from __future__ import annotations

import pytest
from sqlalchemy import update
from sqlalchemy.exc import IntegrityError

from skillbridge.models import User


def test_an_account_without_email_and_phone_is_refused(session, register_worker):  # type: ignore[no-untyped-def]
    user, _employment = register_worker(phone="13900003333")
    with pytest.raises(IntegrityError):
        session.execute(update(User).where(User.id == user.id).values(email=None, phone=None))
    session.rollback()
    # Positive control: either one alone is enough.
    session.execute(update(User).where(User.id == user.id).values(email=None))
    session.commit()


def test_one_phone_logs_in_to_one_account(session, world, register_worker):  # type: ignore[no-untyped-def]
    user, _employment = register_worker(phone="13900004444")
    school = world.users["school"]
    with pytest.raises(IntegrityError):
        session.execute(update(User).where(User.id == school.id).values(phone="13900004444"))
    session.rollback()
    session.execute(update(User).where(User.id == school.id).values(phone="13900005555"))
    session.commit()
